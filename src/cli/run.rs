//! `orgclean run`: the whole pipeline, reports for people and fix files for the sync team.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;

use crate::config::{self, Config};
use crate::dedupe::DedupeOptions;
use crate::error::{Error, Outcome, Result};
use crate::model::RecIdx;
use crate::output;
use crate::pipeline::{self, Pipeline};
use crate::report::{self, fixed, markdown, pending, xlsx};

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

/// Settings after merging the config file and the flags.
pub struct Settings {
    pub config: Config,
    pub dedupe: DedupeOptions,
    pub output_encoding: Option<&'static encoding_rs::Encoding>,
    pub as_of: NaiveDate,
}

impl RunArgs {
    pub fn settings(&self) -> Result<Settings> {
        let mut cfg = match &self.config {
            Some(p) => Config::load(p)?,
            None => Config::default(),
        };
        if let Some(f) = &self.fail_on {
            cfg.fail_on.extend(config::parse_fail_on(f)?);
        }
        let mut dedupe = DedupeOptions::default();
        if let Some(t) = self.merge_threshold.or(cfg.dedupe.merge_threshold.map(|t| t as f32)) {
            dedupe.merge_threshold = t;
        }
        if let Some(t) = self.review_threshold.or(cfg.dedupe.review_threshold.map(|t| t as f32)) {
            dedupe.review_threshold = t;
        }
        if !(0.0..=1.0).contains(&dedupe.review_threshold)
            || !(0.0..=1.0).contains(&dedupe.merge_threshold)
            || dedupe.review_threshold > dedupe.merge_threshold
        {
            return Err(Error::Usage(format!(
                "thresholds must satisfy 0 <= review ({}) <= merge ({}) <= 1",
                dedupe.review_threshold, dedupe.merge_threshold
            )));
        }
        let enc_name = self.output_encoding.clone().or(cfg.output.encoding.clone());
        let output_encoding = match enc_name.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("input") => None,
            Some("utf-8" | "utf8") => Some(encoding_rs::UTF_8),
            Some("gb18030" | "gbk") => Some(encoding_rs::GB18030),
            Some(other) => {
                return Err(Error::Usage(format!("output encoding {other:?}: use input, utf-8 or gb18030")))
            }
        };
        let as_of = match &self.as_of {
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| Error::Usage(format!("--as-of {s:?}: expected YYYY-MM-DD")))?,
            None => chrono::Local::now().date_naive(),
        };
        Ok(Settings { config: cfg, dedupe, output_encoding, as_of })
    }

    /// The pipeline's settings for this run.
    pub fn steps<'a>(
        &self,
        settings: &Settings,
        decisions: &'a crate::audit::Decisions,
    ) -> pipeline::Steps<'a> {
        let coverage = if self.all_divisions {
            crate::coverage::Scope::All
        } else {
            crate::coverage::Scope::InputProvinces
        };
        pipeline::Steps { dedupe: settings.dedupe, decisions, coverage }
    }

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

pub fn run(args: &RunArgs, quiet: bool) -> Result<Outcome> {
    let settings = args.settings()?;
    let input = args.input_with_config(&settings.config)?;
    let opts = input.to_hierarchy_options(quiet)?;
    output::prepare_out_dir(&args.out, &input.dumps)?;
    // Review decisions from an audit database (issue 6); `run` only reads them.
    let decisions = match &args.db {
        Some(db) => crate::audit::decisions::load(db)?,
        None => crate::audit::Decisions::default(),
    };
    let mut p = pipeline::run(&input.dumps, &opts, &args.steps(&settings, &decisions))?;
    super::warn(&p.warnings);
    apply_severity(&mut p, &settings.config);
    let stage = output::Staging::new(&args.out)?;
    let written = write_outputs(&p, &settings, &stage, &[])?;
    stage.commit(&written)?;
    if !quiet {
        eprint!("{}", console_summary(&p, &written, &args.out));
    }
    let outcome = outcome(&p, &settings.config);
    super::leave_at_exit(p);
    Ok(outcome)
}

pub fn apply_severity(p: &mut Pipeline, cfg: &Config) {
    for f in &mut p.check.findings {
        f.severity = cfg.severity_of(f.code, f.severity);
    }
}

/// Exit 1 when any `fail_on` count is reached.
pub fn outcome(p: &Pipeline, cfg: &Config) -> Outcome {
    findings_outcome(&p.check.findings, &cfg.fail_on)
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

fn merge_reason(p: &Pipeline, i: RecIdx) -> String {
    match p.dedupe.link.get(&i).and_then(|&k| p.dedupe.pairs.get(k)) {
        Some(pair) => format!(
            "duplicate (score {:.2}): {}",
            pair.score,
            crate::dedupe::reason::join(&pair.reasons, crate::lang::Lang::En)
        ),
        None => "duplicate".to_string(),
    }
}

/// Write every output file; returns their names in the order written.
pub fn write_outputs(
    p: &Pipeline,
    s: &Settings,
    stage: &output::Staging,
    extra_md: &[String],
) -> Result<Vec<&'static str>> {
    write_outputs_with(p, s, stage, extra_md, Vec::new())
}

/// `write_outputs` with extra sheets appended to report.xlsx (the audit's "Since last run").
/// Files go to the staging directory; the caller commits them (after adding its own).
pub fn write_outputs_with(
    p: &Pipeline,
    s: &Settings,
    stage: &output::Staging,
    extra_md: &[String],
    extra_sheets: Vec<xlsx::Sheet>,
) -> Result<Vec<&'static str>> {
    let dir = &p.dir;
    let out = |name: &str| stage.path(name);
    let mut written = Vec::new();
    super::import::write_rejected(dir, &out("rejected_rows.csv"))?;
    written.push("rejected_rows.csv");
    super::dedupe::write_clusters(dir, &p.dedupe, &out("clusters.csv"))?;
    super::dedupe::write_pairs(dir, &p.dedupe, &out("pairs.csv"))?;
    written.extend(["clusters.csv", "pairs.csv"]);
    super::check::write_findings(dir, &p.check, &out("findings.csv"))?;
    written.push("findings.csv");
    crate::coverage::render::write_csv(dir, &p.coverage, &out("coverage.csv"))?;
    written.push("coverage.csv");

    let changes = fixed::parent_changes(dir, &p.dedupe.clusters, &p.check.findings);
    let reason = |i: RecIdx| merge_reason(p, i);
    let fx = fixed::FixedOutputs {
        dir,
        clusters: &p.dedupe.clusters,
        changes: &changes,
        merge_reason: &reason,
        encoding: s.output_encoding,
    };
    fixed::write_orgs_fixed(&fx, &out("orgs_fixed.csv"))?;
    fixed::write_id_remap(&fx, &out("id_remap.csv"))?;
    fixed::write_parent_fixes(&fx, &out("parent_fixes.csv"))?;
    written.extend(["orgs_fixed.csv", "id_remap.csv", "parent_fixes.csv"]);

    let queue = pending::queue(dir, &p.dedupe.clusters, &p.check.findings, &p.broken_chain, s.as_of);
    write_pending(p, &queue, &out("pending.csv"))?;
    written.push("pending.csv");

    let rep = report::build(p, &queue, changes.len(), s.as_of);
    let mut sections = vec![crate::coverage::render::markdown(dir, &p.coverage)];
    sections.extend(extra_md.iter().cloned());
    let md = markdown::render(&rep, &sections);
    output::write_bytes(&out("report.md"), md.as_bytes())?;
    written.push("report.md");

    let mut sheets = report::sheets::all(p, &rep, &queue, &changes);
    sheets.extend(extra_sheets);
    let bytes =
        xlsx::render(&sheets, s.as_of).map_err(|e| Error::Internal(format!("building report.xlsx: {e}")))?;
    output::write_bytes(&out("report.xlsx"), &bytes)?;
    written.push("report.xlsx");

    let outputs: Vec<serde_json::Value> = stage
        .manifest()?
        .into_iter()
        .map(|(file, bytes, sha256)| serde_json::json!({"file": file, "bytes": bytes, "sha256": sha256}))
        .collect();
    let summary = serde_json::json!({
        "report": rep,
        "outputs": outputs,
        "warnings": p.warnings,
        "settings": {
            "merge_threshold": config::as_written(s.dedupe.merge_threshold),
            "review_threshold": config::as_written(s.dedupe.review_threshold),
            "output_encoding": s.output_encoding.map(|e| e.name()),
            "config": s.config,
        },
        "run": {
            "generated_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "timings_seconds": p.timings.iter().map(|(k, v)| (k.to_string(), (v * 1000.0).round() / 1000.0)).collect::<std::collections::BTreeMap<_, _>>(),
        },
    });
    let json =
        serde_json::to_string_pretty(&summary).map_err(|e| Error::Internal(format!("summary.json: {e}")))?;
    output::write_bytes(&out("summary.json"), json.as_bytes())?;
    written.push("summary.json");
    Ok(written)
}

fn write_pending(p: &Pipeline, queue: &[pending::PendingItem], path: &Path) -> Result<()> {
    output::write_csv(path, &pending::HEADER, queue.iter().map(|q| pending::row(p, q)))
}

fn console_summary(p: &Pipeline, written: &[&str], out: &Path) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let t = p.dir.totals();
    let _ = writeln!(
        s,
        "import: rows read {} = accepted {} + rejected {} + exact repeats {}",
        t.rows_read, t.accepted, t.rejected, t.exact_repeats
    );
    let merged: usize = p.dedupe.clusters.clusters.iter().map(|c| c.members.len() - 1).sum();
    let _ = writeln!(
        s,
        "dedupe: {} candidate pairs, {} clusters, {} records merged away",
        p.dedupe.candidate_pairs,
        p.dedupe.clusters.clusters.len(),
        merged
    );
    let _ = writeln!(s, "check: {} findings", p.check.findings.len());
    let c = &p.coverage.summary.total;
    let _ = writeln!(
        s,
        "coverage: {} divisions expect an association: {} present, {} missing, {} duplicated, {} misplaced ({:.1}% covered)",
        c.expected, c.present, c.missing, c.duplicated, c.misplaced, c.coverage_pct
    );
    let _ = writeln!(s, "wrote to {}:", out.display());
    for w in written {
        let _ = writeln!(s, "  {}", out.join(w).display());
    }
    s
}
