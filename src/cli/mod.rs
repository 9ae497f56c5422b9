//! Flags become typed options (`settings`), the library does the work and writes every file
//! (`report`), outcomes become exit codes (`error`). One file per subcommand. `run`, `audit` and
//! `review` print on stderr (stdout carries only `--json`), the others on stdout.

use crate::import::{ColumnOverride, ImportOptions};
use crate::report::console::{print_stdout, warn};
use crate::{config::settings_text, error::Outcome, error::Result, lang::Lang, settings};
use {crate::pipeline::leave_at_exit, clap::Args, clap::Parser, clap::Subcommand, std::path::PathBuf};

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
#[command(name = "orgclean", version, about = "Clean the 全国科普日 organization directory (组织库).")]
pub struct Cli {
    /// No progress bars and no summaries (errors are still printed on stderr).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Language of reports and summaries for people: zh (中文, default) or en (machine files: English).
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
    /// Everything: reports for people (report.xlsx, report.md…) and fix files for the sync team.
    Run(run::RunArgs),
    /// Which divisions' science associations are missing, duplicated or misplaced: coverage.csv.
    Coverage(coverage::CoverageArgs),
    /// Print the effective settings (of `--config FILE`), or `--example` orgclean.toml.
    Config {
        /// Print a commented example configuration with the defaults.
        #[arg(long)]
        example: bool,
        /// Settings file whose effective settings to print (without it: the defaults).
        #[arg(long, value_name = "FILE", conflicts_with = "example")]
        config: Option<PathBuf>,
    },
    /// Nightly audit: `run`, record it in SQLite (--db), report what changed since the last run.
    Audit(audit::AuditArgs),
    /// Review sheet: `review export` the open items, fill in decisions, `review import` them.
    #[command(subcommand)]
    Review(review::ReviewCommand),
    /// The trend per recorded run: records, clusters, findings by code (a chart with --out).
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
    /// Input encoding: auto, utf-8 or gb18030 (gbk and gb2312 are read as gb18030).
    #[arg(long, default_value = "auto")]
    pub encoding: String,
    /// Field delimiter: auto (tab if the header has tabs and no commas, else comma), a character, `tab`.
    #[arg(long, default_value = "auto")]
    pub delimiter: String,
    /// Map a field to a header, e.g. `--column name=单位名称`; fields: id, name, uscc, parent_id,
    /// province, city, county, org_type, status, created_at. Repeatable.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    pub columns: Vec<String>,
    /// `[input.columns]` of the config file (flags win over them).
    #[arg(skip)]
    pub config_columns: Vec<ColumnOverride>,
}

/// Dedupe's thresholds for the commands that judge names against a directory (dedupe, lookup,
/// match).
#[derive(Debug, Args)]
pub struct ThresholdArgs {
    /// Pairs at or above it (0..1) are one unit: merged (dedupe), one cluster (lookup), `existing` (match).
    #[arg(long, default_value_t = crate::dedupe::DedupeOptions::default().merge_threshold)]
    pub merge_threshold: f32,
    /// Pairs scoring at least this and below the merge threshold are for review (0..1): needs_review
    /// in pairs.csv; lookup lists weaker ones only when autocomplete offers them.
    #[arg(long, default_value_t = crate::dedupe::DedupeOptions::default().review_threshold)]
    pub review_threshold: f32,
}

impl ThresholdArgs {
    pub fn options(&self) -> Result<crate::dedupe::DedupeOptions> {
        settings::thresholds(self.merge_threshold, self.review_threshold)
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

impl InputArgs {
    pub fn to_options(&self, quiet: bool) -> Result<ImportOptions> {
        settings::import_options(&self.encoding, &self.delimiter, &self.columns, &self.config_columns, quiet)
    }

    /// For a command that checks the hierarchy (`ImportOptions::for_hierarchy`).
    pub fn to_hierarchy_options(&self, quiet: bool) -> Result<ImportOptions> {
        Ok(self.to_options(quiet)?.for_hierarchy())
    }
}

/// Print what `text` makes of `data` on stdout (unless --quiet), then leave `data` for the OS.
fn print_and_leave<T>(quiet: bool, data: T, text: impl FnOnce(&T) -> Result<String>) -> Result<Outcome> {
    if !quiet {
        print_stdout(&text(&data)?)?;
    }
    leave_at_exit(data);
    Ok(Outcome::Clean)
}

/// Parse arguments, run, print the error if any, and return the process exit code.
pub fn main() -> i32 {
    match Cli::try_parse() {
        Ok(cli) => crate::error::exit_code_of(|| run(cli)),
        Err(e) => {
            let _ = e.print();
            // 2 for a usage error; --help and --version (printed on stdout) are no error.
            2 * i32::from(e.use_stderr())
        }
    }
}

pub fn run(cli: Cli) -> Result<Outcome> {
    let (quiet, lang) = (cli.quiet, cli.lang);
    match cli.command {
        Command::Import(args) => import::run(&args, quiet, lang),
        Command::Dedupe(args) => dedupe::run(&args, quiet, lang),
        Command::Check(args) => check::run(&args, quiet, lang),
        Command::Run(args) => run::run(&args, quiet, lang),
        Command::Coverage(args) => coverage::run(&args, quiet, lang),
        Command::Config { example, config: f } => {
            print_and_leave(false, (), |_| settings_text(example, f.as_deref()))
        }
        Command::Audit(args) => audit::run(&args, quiet, lang),
        Command::Review(cmd) => review::run(&cmd, quiet, lang),
        Command::History(args) => history::run(&args, lang),
        Command::Lookup(args) => lookup::run(&args, quiet),
        Command::Match(args) => matching::run(&args, quiet),
    }
}
