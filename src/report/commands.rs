//! Every command end to end, below the CLI: the pipeline, the audit database, the output files
//! (for `run` and `audit`, a set written into a staging directory and committed together). The
//! `cli` modules only turn flags into typed options, print what comes back and map it to an exit
//! code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::audit::{self, db, diff, history, snapshot};
use crate::config::Config;
use crate::decisions::Decisions;
use crate::dedupe::{DedupeOptions, DedupeResult};
use crate::error::{Error, Result};
use crate::import::ImportOptions;
use crate::lang::Lang;
use crate::model::{Directory, Finding};
use crate::output;
use crate::pipeline::{self, Pipeline};
use crate::settings::{ClusterSource, RunSettings};

use super::{changes, outputs, RunReport};

/// What `run` and `audit` are asked to do, in typed form.
pub struct RunJob<'a> {
    pub dumps: &'a [PathBuf],
    pub import: &'a ImportOptions,
    pub settings: &'a RunSettings,
    pub out: &'a Path,
    /// Shows what the run could not see or had to repair, as soon as the analysis is done (so
    /// that a run that then fails to write still says it).
    pub warn: fn(&[String]),
}

/// What a run produced. The pipeline is handed back so that the caller decides when to free it
/// (a command exiting right after need not).
pub struct RunDone {
    pub pipeline: Pipeline,
    pub report: RunReport,
    pub written: Vec<&'static str>,
    /// `--fail-on` thresholds reached (`cycle: 3 ≥ 1`); empty = exit 0.
    pub reached: Vec<String>,
}

/// What an audited night produced, besides the run.
pub struct AuditDone {
    pub run: RunDone,
    pub run_id: i64,
    /// The previous run: (id, as-of date).
    pub previous: Option<(i64, String)>,
    pub snapshot: snapshot::Snapshot,
    /// What changed since the previous run (of `--province` only, when given).
    pub diff: diff::Diff,
}

fn steps<'a>(s: &RunSettings, decisions: &'a Decisions, keep_names: bool) -> pipeline::Steps<'a> {
    pipeline::Steps { dedupe: s.dedupe, decisions, coverage: s.coverage, keep_names, beside_check: None }
}

/// The pipeline of `run` and `audit`, writing into `stage` beside the check what it can
/// (`outputs::BesideCheck`); the pipeline and those files' names.
fn run_pipeline(
    job: &RunJob,
    decisions: &Decisions,
    keep_names: bool,
    stage: &output::Staging,
) -> Result<(Pipeline, Vec<&'static str>)> {
    let s = job.settings;
    let beside = outputs::BesideCheck::new(stage, s.lang);
    let write = |dir: &Directory, res: &DedupeResult, stale: &std::sync::atomic::AtomicBool| {
        beside.write(dir, res, stale)
    };
    let steps = pipeline::Steps {
        beside_check: s.province.is_none().then_some(&write as &pipeline::BesideCheck),
        ..steps(s, decisions, keep_names)
    };
    let p = pipeline::run(job.dumps, job.import, &steps)?;
    let written = beside.written()?;
    Ok((p, written))
}

fn apply_severity(p: &mut Pipeline, cfg: &Config) {
    for f in &mut p.check.findings {
        f.severity = cfg.severity_of(f.code, f.severity);
    }
}

/// The `fail_on` thresholds the findings reach (`run`, `check`).
pub fn thresholds(findings: &[Finding], fail_on: &BTreeMap<String, u64>) -> Vec<String> {
    let mut counts = BTreeMap::new();
    for f in findings {
        *counts.entry(f.code.as_str().to_string()).or_insert(0u64) += 1;
    }
    crate::config::thresholds_reached(&counts, fail_on, "")
}

/// `run`: the pipeline (honouring the decisions of `decisions_db`), every output file.
pub fn run(job: &RunJob, decisions_db: Option<&Path>) -> Result<RunDone> {
    let s = job.settings;
    output::prepare_out_dir(job.out, job.dumps)?;
    let decisions = match decisions_db {
        Some(db) => audit::decisions::load(db)?,
        None => Decisions::default(),
    };
    let stage = output::Staging::new(job.out)?;
    // No output reads the parsed names (600 MB for 1M rows): the pipeline frees them after dedupe.
    let (mut p, already) = run_pipeline(job, &decisions, false, &stage)?;
    (job.warn)(&p.warnings);
    apply_severity(&mut p, &s.config);
    let progress = job.import.progress;
    let extra = outputs::Extra { already, ..outputs::Extra::default() };
    let (written, report) = outputs::write_run(&mut p, s, &stage, extra, progress)?;
    let t = std::time::Instant::now();
    stage.commit(&written)?;
    crate::progress::timing("commit", t);
    let reached = thresholds(&p.check.findings, &s.config.fail_on);
    Ok(RunDone { pipeline: p, report, written, reached })
}

/// Test hook (debug builds only, never in a release binary): sleep this many milliseconds inside
/// the run's transaction, after the rows are written and before the commit, so that tests can
/// kill or race an audit mid-write.
#[cfg(debug_assertions)]
fn test_pause() {
    const PAUSE_ENV: &str = "ORGCLEAN_TEST_PAUSE_IN_TXN_MS";
    if let Some(ms) = std::env::var(PAUSE_ENV).ok().and_then(|v| v.parse::<u64>().ok()) {
        eprintln!("orgclean: test pause in transaction for {ms} ms");
        std::thread::sleep(Duration::from_millis(ms));
    }
}

#[cfg(not(debug_assertions))]
fn test_pause() {}

/// Rows per table listed in report.md's "Since last run" section.
const MD_LIMIT: usize = 20;

/// `audit`: `run`, recorded in the database `db` (the whole directory, whatever `--province`
/// says: the next night compares with it), with what changed since the last night.
pub fn audit(job: &RunJob, db_path: &Path, wait: Duration, accept_shrink: bool) -> Result<AuditDone> {
    let s = job.settings;
    output::prepare_out_dir(job.out, job.dumps)?;
    let mut adb = db::AuditDb::open(db_path, true, wait)?;
    let decisions = db::load_decisions(&adb.conn, db_path)?;
    let started = db::now_utc();
    let stage = output::Staging::new(job.out)?;
    // The names stay for `--lookup-index`, built after the outputs.
    let (mut p, already) = run_pipeline(job, &decisions, true, &stage)?;
    (job.warn)(&p.warnings);
    apply_severity(&mut p, &s.config);
    let snap = snapshot::of(&p, s, started);

    // One transaction from reading the previous run to writing the outputs: a run killed before
    // the commit leaves the database as it was, and a concurrent audit waits here for the lock
    // (so it compares against this run, not the one before).
    let tx = adb.begin_write()?;
    let prev = db::previous_run(&tx, db_path)?;
    if let (Some(prev), false) = (&prev, accept_shrink) {
        audit::refuse_shrink(prev.records, snap.records, prev.run_id, &prev.as_of)?;
    }
    let mut d = diff::compare(prev.as_ref(), &snap);
    let run_id = db::insert_run(&tx, db_path, &snap, &d, prev.as_ref())?;
    test_pause();
    if let Some(f) = &s.province {
        super::scope::restrict_changes(&mut d, &p, f);
    }
    let previous = prev.as_ref().map(|x| (x.run_id, x.as_of.clone()));
    let prev_label = previous.as_ref().map(|(id, as_of)| (*id, as_of.as_str()));
    // The trend of every night, this one included (read inside the transaction).
    let trend = history::history(&tx, db_path)?;
    let (written, report) = {
        let d_ref = &d;
        let extra = outputs::Extra {
            markdown: vec![changes::markdown(&d, prev_label, MD_LIMIT, s.lang)],
            sheets: vec![changes::sheet(&d, s.lang), super::history::trend_sheet(&trend, s.lang)],
            files: vec![("changes.csv", Box::new(move |path: &Path| changes::write_csv(d_ref, path)))],
            already,
        };
        outputs::write_run(&mut p, s, &stage, extra, job.import.progress)?
    };
    stage.commit(&written)?;
    tx.commit().map_err(|e| Error::Database { path: db_path.to_path_buf(), message: e.to_string() })?;
    let reached = crate::config::thresholds_reached(&d.new_by_code(), &s.config.fail_on, "new ");
    Ok(AuditDone {
        run: RunDone { pipeline: p, report, written, reached },
        run_id,
        previous,
        snapshot: snap,
        diff: d,
    })
}

/// `coverage`: the pipeline (merges counted as one record, no decisions), `coverage.csv` in
/// `job.out`; returns the pipeline and the per-province table for the console.
pub fn coverage(job: &RunJob) -> Result<(Pipeline, String)> {
    output::prepare_out_dir(job.out, job.dumps)?;
    let decisions = Decisions::default();
    let p = pipeline::run(job.dumps, job.import, &steps(job.settings, &decisions, false))?;
    (job.warn)(&p.warnings);
    let path = job.out.join("coverage.csv");
    super::coverage::write_csv(&p.dir, &p.coverage, &path)?;
    let lang = job.settings.lang;
    let text = format!(
        "{}{} {}\n",
        super::coverage::console(&p.coverage.summary, lang),
        lang.pick("已写入", "wrote"),
        path.display()
    );
    Ok((p, text))
}

/// `import`: the dumps read; with `out`, their rejected rows in `out/rejected_rows.csv`.
pub fn import(dumps: &[PathBuf], opts: &ImportOptions, out: Option<&Path>) -> Result<Directory> {
    out.map(|out| output::prepare_out_dir(out, dumps)).transpose()?;
    let dir = crate::import::import(dumps, opts)?;
    out.map(|out| outputs::write_rejected(&dir, &out.join("rejected_rows.csv"))).transpose()?;
    Ok(dir)
}

/// `dedupe`: clusters.csv and pairs.csv in `job.out`.
pub fn dedupe(job: &Job, opts: &DedupeOptions) -> Result<(Directory, DedupeResult)> {
    output::prepare_out_dir(job.out, job.dumps)?;
    let (dir, result, warnings) = pipeline::dedupe_only(job.dumps, job.import, opts)?;
    (job.warn)(&warnings);
    outputs::write_dedupe(&dir, &result, job.out, job.lang)?;
    Ok((dir, result))
}

/// `check`: findings.csv in `job.out`, the duplicates taken from `source`.
pub fn check(job: &Job, source: &ClusterSource) -> Result<pipeline::Checked> {
    output::prepare_out_dir(job.out, job.dumps)?;
    let c = pipeline::check_only(job.dumps, job.import, source)?;
    (job.warn)(&c.warnings);
    outputs::write_findings(&c.dir, &c.result, &job.out.join("findings.csv"), job.lang)?;
    Ok(c)
}

/// What `dedupe` and `check` are asked to do (`run`'s settings are in `RunJob`).
pub struct Job<'a> {
    pub dumps: &'a [PathBuf],
    pub import: &'a ImportOptions,
    pub out: &'a Path,
    pub lang: Lang,
    pub warn: fn(&[String]),
}

/// `history`: every recorded run of the audit database `db`; with `out`, also a workbook there.
pub fn history(db_path: &Path, out: Option<&Path>, lang: Lang) -> Result<Vec<history::HistoryRow>> {
    out.map(|out| crate::settings::xlsx_out(out, "--out")).transpose()?;
    let adb = db::AuditDb::open(db_path, false, Duration::from_secs(60))?;
    let rows = history::history(&adb.conn, db_path)?;
    out.map(|out| super::history::write_workbook(&rows, lang, out)).transpose()?;
    Ok(rows)
}

impl AuditDone {
    /// `audit --json`: counts and changes, with the exit code the night ends with.
    pub fn json(&self, exit_code: i32) -> Result<String> {
        let prev = self.previous.as_ref().map(|(id, as_of)| (*id, as_of.as_str()));
        let v = changes::json(self.run_id, prev, &self.snapshot, &self.diff, exit_code);
        serde_json::to_string_pretty(&v).map_err(|e| Error::Internal(format!("summary: {e}")))
    }

    /// The console summary (stderr).
    pub fn console(&self, out: &Path, lang: crate::lang::Lang) -> String {
        let prev = self.previous.as_ref().map(|(id, as_of)| (*id, as_of.as_str()));
        super::console::audit(self.run_id, prev, &self.diff, &self.run.written, out, lang)
    }
}
