//! `orgclean run`: the whole pipeline, reports for people and fix files for the sync team.

use crate::report::{commands, console};
use crate::settings::{RunFlags, RunSettings};
use crate::{error::Outcome, error::Result, lang::Lang};
use {super::InputArgs, clap::Args, std::path::PathBuf};

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output directory (created if needed; must not be an input's directory).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Settings file (see `orgclean config --example`); flags win over it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Pairs scoring at least this are merged (default 0.85).
    #[arg(long)]
    pub merge_threshold: Option<f32>,
    /// Pairs scoring at least this and below the merge threshold are listed for review (default 0.70).
    #[arg(long)]
    pub review_threshold: Option<f32>,
    /// Encoding of orgs_fixed.csv: input (default: as the first dump), utf-8 or gb18030.
    #[arg(long)]
    pub output_encoding: Option<String>,
    /// Date the certification queue's ages are counted to (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Coverage of every division of the country, not only of the provinces in the input.
    #[arg(long)]
    pub all_divisions: bool,
    /// Reports and queues of this province only (湖南 or 湖南省); the analysis still runs on the
    /// whole dump, so parents and duplicates in other provinces count (docs/run.md).
    #[arg(long, value_name = "PROVINCE")]
    pub province: Option<String>,
    /// Exit with 1 when a code reaches a count, e.g. `--fail-on cycle=1,skips_province=10`.
    /// (`audit`: counts only findings that are new since the last run.)
    #[arg(long, value_name = "CODE=N,...")]
    pub fail_on: Option<String>,
    /// Audit database (docs/nightly-audit.md): honour its review decisions (`run` only reads it).
    /// Required by `audit`, which also records the run there.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

impl RunArgs {
    /// The typed settings and the dumps (the config file's `[input]` where flags say auto).
    pub fn settings(&self, lang: Lang) -> Result<(RunSettings, InputArgs)> {
        let flags = RunFlags {
            config: self.config.as_deref(),
            fail_on: self.fail_on.as_deref(),
            merge_threshold: self.merge_threshold,
            review_threshold: self.review_threshold,
            output_encoding: self.output_encoding.as_deref(),
            as_of: self.as_of.as_deref(),
            all_divisions: self.all_divisions,
            province: self.province.as_deref(),
        };
        let (s, mut input) = (RunSettings::from_flags(&flags, lang)?, self.input.clone());
        s.input_defaults(&mut input.encoding, &mut input.delimiter);
        input.config_columns = s.config.column_overrides()?;
        Ok((s, input))
    }
}

pub fn run(args: &RunArgs, quiet: bool, lang: Lang) -> Result<Outcome> {
    let (settings, input) = args.settings(lang)?;
    let (import, dumps, out) = (input.to_hierarchy_options(quiet)?, &input.dumps, &args.out);
    let job = commands::RunJob { dumps, import: &import, settings: &settings, out, warn: super::warn };
    let done = commands::run(&job, args.db.as_deref())?;
    if !quiet {
        eprint!("{}", console::run(&done.report, &done.written, &args.out, lang));
    }
    let outcome = reached_outcome(&done.reached);
    super::leave_at_exit(done);
    Ok(outcome)
}

/// Exit 1 for thresholds reached, each printed even with --quiet: a cron mail must say why.
pub fn reached_outcome(reached: &[String]) -> Outcome {
    reached.iter().for_each(|r| eprintln!("orgclean: --fail-on reached: {r}"));
    Outcome::of_thresholds(reached)
}
