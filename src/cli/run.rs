//! `orgclean run`: the whole pipeline, reports for people and fix files for the sync team.

use std::path::PathBuf;

use clap::Args;

use crate::config::{self, Config};
use crate::coverage::Scope;
use crate::decisions::Decisions;
use crate::dedupe::DedupeOptions;
use crate::error::{Outcome, Result};
use crate::lang::Lang;
use crate::output;
use crate::pipeline::{self, Pipeline};
use crate::report::{console, outputs};
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
    /// The typed settings: config file, then flags on top, each parsed and checked once.
    pub fn settings(&self, lang: Lang) -> Result<RunSettings> {
        let mut cfg = match &self.config {
            Some(p) => Config::load(p)?,
            None => Config::default(),
        };
        if let Some(f) = &self.fail_on {
            cfg.fail_on.extend(config::parse_fail_on(f)?);
        }
        let d = DedupeOptions::default();
        let dedupe = settings::thresholds(
            self.merge_threshold
                .or(cfg.dedupe.merge_threshold.map(|t| t as f32))
                .unwrap_or(d.merge_threshold),
            self.review_threshold
                .or(cfg.dedupe.review_threshold.map(|t| t as f32))
                .unwrap_or(d.review_threshold),
        )?;
        let output_encoding = match self.output_encoding.as_deref().or(cfg.output.encoding.as_deref()) {
            Some(e) => settings::parse_encoding(e, "input", "output encoding")?,
            None => None,
        };
        let as_of = settings::parse_as_of(self.as_of.as_deref())?;
        let coverage = if self.all_divisions { Scope::All } else { Scope::InputProvinces };
        Ok(RunSettings { config: cfg, dedupe, output_encoding, as_of, lang, coverage })
    }

    /// The dumps and how to read them: flags, else the config file.
    pub fn input_with_config(&self, cfg: &Config) -> Result<InputArgs> {
        let mut input = self.input.clone();
        if input.encoding == "auto" {
            if let Some(e) = &cfg.input.encoding {
                input.encoding = e.clone();
            }
        }
        if input.delimiter == "auto" {
            if let Some(d) = &cfg.input.delimiter {
                input.delimiter = d.clone();
            }
        }
        input.config_columns = cfg.column_overrides()?;
        Ok(input)
    }
}

/// The pipeline's settings for this run.
pub fn steps<'a>(s: &RunSettings, decisions: &'a Decisions) -> pipeline::Steps<'a> {
    pipeline::Steps { dedupe: s.dedupe, decisions, coverage: s.coverage }
}

pub fn run(args: &RunArgs, quiet: bool, lang: Lang) -> Result<Outcome> {
    let settings = args.settings(lang)?;
    let input = args.input_with_config(&settings.config)?;
    let opts = input.to_hierarchy_options(quiet)?;
    output::prepare_out_dir(&args.out, &input.dumps)?;
    // Review decisions from an audit database (issue 6); `run` only reads them.
    let decisions = match &args.db {
        Some(db) => crate::audit::decisions::load(db)?,
        None => Decisions::default(),
    };
    let mut p = pipeline::run(&input.dumps, &opts, &steps(&settings, &decisions))?;
    super::warn(&p.warnings);
    apply_severity(&mut p, &settings.config);
    let stage = output::Staging::new(&args.out)?;
    let (written, rep) = outputs::write_run(&p, &settings, &stage, outputs::Extra::default())?;
    stage.commit(&written)?;
    if !quiet {
        eprint!("{}", console::run(&rep, &written, &args.out, lang));
    }
    let outcome = findings_outcome(&p.check.findings, &settings.config.fail_on);
    super::leave_at_exit((p, rep));
    Ok(outcome)
}

pub fn apply_severity(p: &mut Pipeline, cfg: &Config) {
    for f in &mut p.check.findings {
        f.severity = cfg.severity_of(f.code, f.severity);
    }
}

/// Exit 1 when any code has at least its `fail_on` count of findings.
pub fn findings_outcome(
    findings: &[crate::model::Finding],
    fail_on: &std::collections::BTreeMap<String, u64>,
) -> Outcome {
    let mut counts = std::collections::BTreeMap::new();
    for f in findings {
        *counts.entry(f.code.as_str().to_string()).or_insert(0u64) += 1;
    }
    let reached = config::thresholds_reached(&counts, fail_on, "");
    // The reason for exit 1, printed even with --quiet: a cron mail must say what failed.
    for r in &reached {
        eprintln!("orgclean: --fail-on reached: {r}");
    }
    if !reached.is_empty() {
        Outcome::FindingsOverThreshold
    } else {
        Outcome::Clean
    }
}
