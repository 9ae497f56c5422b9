//! Command-line interface: flags become typed options (`settings`), the library does the work
//! and renders every file (`report`), and this is the one place where results and errors become
//! exit codes. One file per subcommand; nothing here writes a file.
//!
//! What each command prints: `history`, `config` and `audit --json` print their result on stdout;
//! `import`, `dedupe`, `check` and `coverage` print their summary on stdout too (it is what they
//! are run for); `run`, `audit` and `review` print theirs on stderr, next to progress, so that
//! stdout carries only `--json`. `--quiet` silences summaries and progress, never errors.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::error::{Error, Outcome, Result};
use crate::import::{ColumnOverride, ImportOptions};
use crate::lang::Lang;
use crate::settings;

mod audit;
mod check;
mod coverage;
mod dedupe;
mod history;
mod import;
mod lookup;
mod matching;
mod review;
pub mod run;

#[derive(Debug, Parser)]
#[command(
    name = "orgclean",
    version,
    about = "Clean the 全国科普日 organization directory (组织库): import, dedupe, check, report."
)]
pub struct Cli {
    /// No progress bars and no summaries (errors are still printed on stderr).
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Language of the reports and summaries for people: zh (中文, default) or en. Machine files
    /// keep English column names and codes in both.
    #[arg(long, global = true, default_value = "zh", value_name = "LANG")]
    pub lang: Lang,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read dumps, report what was accepted and rejected (rejected_rows.csv with --out).
    Import(ImportArgs),
    /// Find duplicate entries: clusters.csv, pairs.csv.
    Dedupe(dedupe::DedupeArgs),
    /// Check parent chains and propose fixes: findings.csv.
    Check(check::CheckArgs),
    /// The whole pipeline: reports for people (report.xlsx, report.md, pending.csv) and fix files
    /// for the sync team (orgs_fixed.csv, id_remap.csv, parent_fixes.csv, summary.json).
    Run(run::RunArgs),
    /// Which divisions' science associations are missing, duplicated or misplaced: coverage.csv.
    Coverage(coverage::CoverageArgs),
    /// Print the effective settings (of `--config FILE`, with the defaults filled in);
    /// `--example` prints a commented default orgclean.toml.
    Config(ConfigArgs),
    /// Nightly audit: `run`, then record the run in SQLite (--db) and report what is new,
    /// resolved and persisting since the last run: changes.csv (docs/nightly-audit.md).
    Audit(audit::AuditArgs),
    /// Review sheet: `review export` the open items, fill in decisions, `review import` them.
    #[command(subcommand)]
    Review(review::ReviewCommand),
    /// The trend per recorded run: records, clusters, findings by code (a workbook with a
    /// trend chart with --out).
    History(history::HistoryArgs),
    /// What a typed name finds: entries by duplicate cluster, parent chains, visibility.
    Lookup(lookup::LookupArgs),
    /// New registrations against the directory: existing, review or new (match.csv, match.xlsx).
    #[command(name = "match")]
    Match(matching::MatchArgs),
}

/// How to read the input dumps; shared by every subcommand that reads dumps.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// CSV files, directories of CSV files, or `-` for standard input.
    #[arg(required = true, value_name = "DUMP")]
    pub dumps: Vec<PathBuf>,

    /// Input encoding: auto, utf-8 or gb18030 (gbk and gb2312 are read as gb18030, their superset).
    #[arg(long, default_value = "auto")]
    pub encoding: String,

    /// Field delimiter: auto (comma, or tab when the header has tabs and no commas), or one
    /// character such as ',' ';' '\t' (write `tab` for a tab).
    #[arg(long, default_value = "auto")]
    pub delimiter: String,

    /// Map a field to a header, e.g. `--column name=单位名称`. Fields: id, name, uscc, parent_id,
    /// province, city, county, org_type, status, created_at. Repeatable.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    pub columns: Vec<String>,

    /// `[input.columns]` of the config file (flags win over them).
    #[arg(skip)]
    pub config_columns: Vec<ColumnOverride>,
}

/// Dedupe's thresholds for the commands that judge names against a directory (lookup, match),
/// with the defaults of `orgclean dedupe`.
#[derive(Debug, Args)]
pub struct ThresholdArgs {
    /// At or above it a pair merges: one cluster in lookup, `existing` in match.
    #[arg(long, default_value_t = crate::dedupe::DedupeOptions::default().merge_threshold)]
    pub merge_threshold: f32,
    /// At or above it a pair is for review; weaker ones are listed only when autocomplete offers them.
    #[arg(long, default_value_t = crate::dedupe::DedupeOptions::default().review_threshold)]
    pub review_threshold: f32,
}

impl ThresholdArgs {
    pub fn options(&self) -> Result<crate::dedupe::DedupeOptions> {
        crate::settings::thresholds(self.merge_threshold, self.review_threshold)
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Directory for rejected_rows.csv (nothing is written without it).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print a commented example configuration with the defaults.
    #[arg(long)]
    pub example: bool,

    /// Settings file whose effective settings to print (without it: the defaults).
    #[arg(long, value_name = "FILE", conflicts_with = "example")]
    pub config: Option<PathBuf>,
}

impl InputArgs {
    /// Import options for a command that checks the hierarchy: every file needs a parent column.
    pub fn to_hierarchy_options(&self, quiet: bool) -> Result<ImportOptions> {
        let mut opts = self.to_options(quiet)?;
        opts.needs.push((crate::model::Field::ParentId, "the hierarchy check needs each record's parent"));
        opts.require_rows = true;
        Ok(opts)
    }

    pub fn to_options(&self, quiet: bool) -> Result<ImportOptions> {
        let encoding = settings::parse_encoding(&self.encoding, "auto", "--encoding")?;
        let delimiter = settings::parse_delimiter(&self.delimiter, "--delimiter")?;
        let mut columns = self.config_columns.clone();
        for c in &self.columns {
            columns.push(ColumnOverride::parse(c)?);
        }
        Ok(ImportOptions {
            encoding,
            delimiter,
            columns,
            progress: !quiet,
            needs: Vec::new(),
            require_rows: false,
        })
    }
}

/// What the run could not see or had to repair: printed even with --quiet, because a quiet
/// nightly run is exactly where nobody looks at the report.
fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("orgclean: warning: {w}");
    }
}

/// A command's data, left for the OS to reclaim when the process exits right after: freeing
/// millions of small strings one by one took a second of a 1M-row check.
fn leave_at_exit<T>(data: T) {
    std::mem::forget(data);
}

/// Print to stdout; a closed pipe (`| head`) is not an error.
fn print_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::Internal(format!("writing to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Parse arguments, run, print the error if any, and return the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let t = std::time::Instant::now();
    // A panic is a bug like any other internal error: exit 3 with a word on what to do, not
    // Rust's 101 (the panic message itself is already on stderr).
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli))).unwrap_or_else(|_| {
        Err(Error::Internal(
            "a bug stopped the run (the message above says where); please report it with the command \
             line, and the input if you can share it"
                .into(),
        ))
    });
    crate::progress::timing("total", t);
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            eprintln!("orgclean: error: {e}");
            e.exit_code()
        }
    }
}

pub fn run(cli: Cli) -> Result<Outcome> {
    // Test hook (debug builds only): a bug on demand, for the test of exit code 3.
    #[cfg(debug_assertions)]
    if std::env::var_os("ORGCLEAN_TEST_PANIC").is_some() {
        panic!("ORGCLEAN_TEST_PANIC is set");
    }
    let quiet = cli.quiet;
    let lang = cli.lang;
    match cli.command {
        Command::Import(args) => import::run(&args, quiet),
        Command::Dedupe(args) => dedupe::run(&args, quiet, lang),
        Command::Check(args) => check::run(&args, quiet, lang),
        Command::Run(args) => run::run(&args, quiet, lang),
        Command::Coverage(args) => coverage::run(&args, quiet, lang),
        Command::Config(args) => {
            if args.example {
                print!("{}", crate::config::EXAMPLE);
            } else {
                let cfg = match &args.config {
                    Some(p) => crate::config::Config::load(p)?,
                    None => crate::config::Config::default(),
                };
                print!("{}", cfg.effective_toml()?);
            }
            Ok(Outcome::Clean)
        }
        Command::Audit(args) => audit::run(&args, quiet, lang),
        Command::Review(cmd) => review::run(&cmd, quiet, lang),
        Command::History(args) => history::run(&args, lang),
        Command::Lookup(args) => lookup::run(&args, quiet),
        Command::Match(args) => matching::run(&args, quiet),
    }
}
