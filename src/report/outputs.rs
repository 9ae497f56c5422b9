//! Writing the output files of each command. `run`/`audit` write their set into a staging
//! directory in parallel (one rayon task per file; each file's bytes depend only on the run, so
//! they are the same at any thread count), then `summary.json` with every other file's size and
//! hash.

use std::path::Path;

use rayon::prelude::*;

use crate::dedupe::DedupeResult;
use crate::error::{Error, Result};
use crate::hierarchy::CheckResult;
use crate::lang::Lang;
use crate::model::Directory;
use crate::output::{self, Staging};
use crate::pipeline::Pipeline;
use crate::rows;
use crate::settings::RunSettings;

use super::fixed::{self, FixedOutputs};
use super::pending;
use super::table::{self, Target};
use super::tables;
use super::xlsx::Sheet;
use super::RunReport;

/// One output file: its name and how to write it to a path.
pub type Job<'a> = (&'static str, Box<dyn FnOnce(&Path) -> Result<()> + Send + 'a>);

/// What `audit` adds to a run's outputs.
#[derive(Default)]
pub struct Extra<'a> {
    /// Sections appended to report.md.
    pub markdown: Vec<String>,
    /// Sheets appended to report.xlsx.
    pub sheets: Vec<Sheet<'a>>,
    /// Further files (changes.csv).
    pub files: Vec<Job<'a>>,
}

pub fn write_rejected(dir: &Directory, path: &Path) -> Result<()> {
    table::write_csv(path, &tables::REJECTED, dir.rejected.iter().map(tables::rejected))
}

pub fn write_clusters(dir: &Directory, res: &DedupeResult, path: &Path, lang: Lang) -> Result<()> {
    let children = tables::child_counts(dir);
    let rows =
        rows::cluster_members(res).map(|m| tables::cluster_member(dir, &m, &children, lang, Target::Csv));
    table::write_machine_csv(path, &tables::CLUSTERS, rows)
}

pub fn write_pairs(dir: &Directory, res: &DedupeResult, path: &Path, lang: Lang) -> Result<()> {
    table::write_machine_csv(
        path,
        &tables::PAIRS,
        res.pairs.iter().map(|p| tables::pair(dir, p, lang, Target::Csv)),
    )
}

pub fn write_findings(dir: &Directory, check: &CheckResult, path: &Path, lang: Lang) -> Result<()> {
    let rows = check.findings.iter().map(|f| tables::finding(dir, &rows::finding(f), lang, Target::Csv));
    table::write_machine_csv(path, &tables::FINDINGS, rows)
}

/// `dedupe`: clusters.csv and pairs.csv in `out`.
pub fn write_dedupe(dir: &Directory, res: &DedupeResult, out: &Path, lang: Lang) -> Result<()> {
    let (a, b) = rayon::join(
        || write_clusters(dir, res, &out.join("clusters.csv"), lang),
        || write_pairs(dir, res, &out.join("pairs.csv"), lang),
    );
    a.and(b)
}

/// Run the jobs in parallel; their names in order, or the first error (in job order). The bar
/// (shown only on a terminal) counts the files done: writing 200k rows' outputs takes seconds.
/// The workbook, by far the longest job, starts first: last in the list, it used to start only
/// when one thread had written its half of the other files, and the phase waited for it.
fn run_jobs(stage: &Staging, jobs: Vec<Job>, progress: bool) -> Result<Vec<&'static str>> {
    let bar = crate::progress::items_bar(jobs.len() as u64, "writing outputs", progress);
    let mut jobs: Vec<(usize, Job)> = jobs.into_iter().enumerate().collect();
    jobs.sort_by_key(|(_, (name, _))| *name != "report.xlsx");
    let mut results: Vec<(usize, Result<&'static str>)> = jobs
        .into_par_iter()
        .map(|(i, (name, write))| {
            let t = std::time::Instant::now();
            let r = write(&stage.path(name)).map(|()| name);
            crate::progress::timing(&format!("  write {name}"), t);
            bar.set_message(name);
            bar.inc(1);
            (i, r)
        })
        .collect();
    bar.finish_and_clear();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Every output file of `run` (and, with `extra`, of `audit`) into `stage`; returns the names
/// written and the report the console summary is made from. With `s.province`, `p` is first cut
/// down to that province's rows (`scope`).
pub fn write_run<'a>(
    p: &'a mut Pipeline,
    s: &'a RunSettings,
    stage: &Staging,
    extra: Extra<'a>,
    progress: bool,
) -> Result<(Vec<&'static str>, RunReport)> {
    let t0 = std::time::Instant::now();
    let mut changes = fixed::parent_changes(&p.dir, &p.dedupe.clusters, &p.check.findings);
    let mut queue = pending::queue(&p.dir, &p.dedupe.clusters, &p.check.findings, &p.broken_chain, s.as_of);
    crate::progress::timing("  parent changes + pending queue", t0);
    let records = s.province.as_ref().map(|f| {
        let keep = super::scope::records_in(p, f);
        super::scope::restrict(p, &keep, f, &mut changes, &mut queue);
        keep
    });
    let p: &'a Pipeline = p;
    let dir = &p.dir;
    let lang = s.lang;
    let t = std::time::Instant::now();
    let mut rep = super::build(p, &queue, changes.len(), s.as_of)?;
    crate::progress::timing("  report counts", t);
    if let Some(f) = &s.province {
        super::scope::restrict_report(&mut rep, f);
    }
    let fx = FixedOutputs {
        dir,
        dedupe: &p.dedupe,
        changes: &changes,
        encoding: s.output_encoding,
        records: records.as_deref(),
    };
    let (fx, queue, rep_ref) = (&fx, &queue, &rep);
    let Extra { markdown, sheets, files } = extra;
    let mut jobs: Vec<Job> = vec![
        ("rejected_rows.csv", Box::new(move |path: &Path| write_rejected(dir, path))),
        ("clusters.csv", Box::new(move |path: &Path| write_clusters(dir, &p.dedupe, path, lang))),
        ("pairs.csv", Box::new(move |path: &Path| write_pairs(dir, &p.dedupe, path, lang))),
        ("findings.csv", Box::new(move |path: &Path| write_findings(dir, &p.check, path, lang))),
        ("coverage.csv", Box::new(move |path: &Path| super::coverage::write_csv(dir, &p.coverage, path))),
        ("orgs_fixed.csv", Box::new(move |path: &Path| fixed::write_orgs_fixed(fx, path))),
        ("id_remap.csv", Box::new(move |path: &Path| fixed::write_id_remap(fx, path))),
        ("parent_fixes.csv", Box::new(move |path: &Path| fixed::write_parent_fixes(fx, path))),
        (
            "pending.csv",
            Box::new(move |path: &Path| {
                let rows = queue.iter().map(|q| {
                    tables::pending(dir, q, super::counts::province_of(p, q.org), lang, Target::Csv)
                });
                table::write_csv(path, &tables::PENDING, rows)
            }),
        ),
        (
            "report.md",
            Box::new(move |path: &Path| {
                let mut sections = vec![super::coverage::markdown(dir, &p.coverage, lang)];
                sections.extend(markdown);
                output::write_bytes(path, super::markdown::render(rep_ref, &sections, lang).as_bytes())
            }),
        ),
        (
            "report.xlsx",
            Box::new(move |path: &Path| {
                let mut all = super::sheets::all(p, rep_ref, queue, fx.changes, lang);
                all.extend(sheets.into_iter().map(|s| -> super::xlsx::SheetBuilder { Box::new(move || s) }));
                let title = lang.pick("orgclean 组织库清理报告", "orgclean report");
                let bytes = super::xlsx::render_built(all, s.as_of, title)
                    .map_err(|e| Error::Internal(format!("building report.xlsx: {e}")))?;
                output::write_bytes(path, &bytes)
            }),
        ),
    ];
    jobs.extend(files);
    crate::progress::timing("  before writing", t0);
    let t = std::time::Instant::now();
    let mut written = run_jobs(stage, jobs, progress)?;
    crate::progress::timing("write jobs", t);
    let t = std::time::Instant::now();

    let outputs: Vec<serde_json::Value> = stage
        .manifest()?
        .into_iter()
        .map(|(file, bytes, sha256)| serde_json::json!({"file": file, "bytes": bytes, "sha256": sha256}))
        .collect();
    let timings: std::collections::BTreeMap<String, f64> =
        p.timings.iter().map(|(k, v)| (k.to_string(), (v * 1000.0).round() / 1000.0)).collect();
    let summary = serde_json::json!({
        "report": rep,
        "outputs": outputs,
        "warnings": p.warnings,
        "settings": s.to_json(),
        "run": {
            "generated_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "timings_seconds": timings,
        },
    });
    let json =
        serde_json::to_string_pretty(&summary).map_err(|e| Error::Internal(format!("summary.json: {e}")))?;
    output::write_bytes(&stage.path("summary.json"), json.as_bytes())?;
    written.push("summary.json");
    crate::progress::timing("manifest + summary.json", t);
    Ok((written, rep))
}

/// A workbook of the given sheets (`history --out`).
pub fn write_workbook(sheets: &[Sheet], as_of: chrono::NaiveDate, title: &str, path: &Path) -> Result<()> {
    let bytes = super::xlsx::render(sheets, as_of, title)
        .map_err(|e| Error::Internal(format!("building {}: {e}", path.display())))?;
    output::write_bytes(path, &bytes)
}
