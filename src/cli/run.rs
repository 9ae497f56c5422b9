//! `orgclean run`: the whole pipeline, reports for people and fix files for the sync team.

use std::path::PathBuf;

use clap::Args;

use crate::config::{self, Config};
use crate::coverage::Scope;
use crate::dedupe::DedupeOptions;
use crate::error::{Outcome, Result};
use crate::lang::Lang;
use crate::report::{commands, console};
use crate::settings::{self, RunSettings};

use super::InputArgs;

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

    /// Coverage (coverage.csv, report sections) of every division of the country, not only of
    /// the provinces in the input.
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

    /// Audit database (docs/nightly-audit.md): honour the review decisions stored in it.
    /// Required by `audit`, which also records the run there.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

impl RunArgs {
    /// The typed settings and dumps: config file, then flags on top, each parsed and checked once.
    pub fn settings(&self, lang: Lang) -> Result<(RunSettings, InputArgs)> {
        let mut cfg = match &self.config {
            Some(p) => Config::load(p)?,
            None => Config::default(),
        };
        if let Some(f) = &self.fail_on {
            cfg.fail_on.extend(config::parse_fail_on(f)?);
        }
        let (d, dd) = (DedupeOptions::default(), &cfg.dedupe);
        let dedupe = settings::thresholds(
            self.merge_threshold.or(dd.merge_threshold.map(|t| t as f32)).unwrap_or(d.merge_threshold),
            self.review_threshold.or(dd.review_threshold.map(|t| t as f32)).unwrap_or(d.review_threshold),
        )?;
        let output_encoding = match self.output_encoding.as_deref().or(cfg.output.encoding.as_deref()) {
            Some(e) => settings::parse_encoding(e, "input", "output encoding")?,
            None => None,
        };
        let mut input = self.input.clone();
        if input.encoding == "auto" {
            input.encoding = cfg.input.encoding.clone().unwrap_or(input.encoding);
        }
        if input.delimiter == "auto" {
            input.delimiter = cfg.input.delimiter.clone().unwrap_or(input.delimiter);
        }
        input.config_columns = cfg.column_overrides()?;
        let s = RunSettings {
            config: cfg,
            dedupe,
            output_encoding,
            as_of: settings::parse_as_of(self.as_of.as_deref())?,
            lang,
            coverage: if self.all_divisions { Scope::All } else { Scope::InputProvinces },
            province: self.province.as_deref().map(crate::province::ProvinceFilter::parse).transpose()?,
        };
        Ok((s, input))
    }
}

pub fn run(args: &RunArgs, quiet: bool, lang: Lang) -> Result<Outcome> {
    let (settings, input) = args.settings(lang)?;
    let opts = input.to_hierarchy_options(quiet)?;
    let job = commands::RunJob {
        dumps: &input.dumps,
        import: &opts,
        settings: &settings,
        out: &args.out,
        warn: super::warn,
    };
    // Review decisions from an audit database (issue 6); `run` only reads them.
    let done = commands::run(&job, args.db.as_deref())?;
    if !quiet {
        eprint!("{}", console::run(&done.report, &done.written, &args.out, lang));
    }
    let outcome = reached_outcome(&done.reached);
    super::leave_at_exit(done);
    Ok(outcome)
}

/// Exit 1 when any code has at least its `fail_on` count of findings.
pub fn findings_outcome(
    findings: &[crate::model::Finding],
    fail_on: &std::collections::BTreeMap<String, u64>,
) -> Outcome {
    reached_outcome(&commands::thresholds(findings, fail_on))
}

/// Exit 1 for thresholds reached; the reason printed even with --quiet: a cron mail must say
/// what failed.
pub fn reached_outcome(reached: &[String]) -> Outcome {
    for r in reached {
        eprintln!("orgclean: --fail-on reached: {r}");
    }
    if reached.is_empty() {
        Outcome::Clean
    } else {
        Outcome::FindingsOverThreshold
    }
}
