//! Writing the output files of each command. `run`/`audit` write their set into a staging
//! directory in parallel (one rayon task per file; each file's bytes depend only on the run, so
//! they are the same at any thread count), then `summary.json` with every other file's size and
//! hash.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

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
use super::xlsx::{Book, Sheet, SheetBuilder};
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
    /// Files already in the staging directory (`BesideCheck`).
    pub already: Vec<&'static str>,
}

/// clusters.csv and pairs.csv depend on the dedupe alone: `run` and `audit` write them while the
/// check runs a second time (`pipeline::Steps::beside_check`), which leaves one core idle most of
/// its time, instead of among the other files; a dedupe that the first check does not change
/// has them written among the other files. Not with `--province`, where they hold the
/// province's clusters only, cut after the check.
pub struct BesideCheck<'s> {
    stage: &'s Staging,
    lang: Lang,
    done: std::sync::Mutex<Option<Result<()>>>,
}

impl<'s> BesideCheck<'s> {
    pub const FILES: [&'static str; 2] = ["clusters.csv", "pairs.csv"];

    pub fn new(stage: &'s Staging, lang: Lang) -> BesideCheck<'s> {
        BesideCheck { stage, lang, done: std::sync::Mutex::new(None) }
    }

    /// Write the two files of `res`, unless `stale` is set before they are done: the check found
    /// that the dedupe settles differently (`pipeline`), and another `write` will follow. A
    /// stale write leaves the files as not written.
    pub fn write(&self, dir: &Directory, res: &DedupeResult, stale: &AtomicBool) {
        let t = std::time::Instant::now();
        let r = write_dedupe_unless(dir, res, self.stage.dir(), self.lang, stale);
        crate::progress::timing("clusters.csv + pairs.csv, beside the check", t);
        if let Ok(mut done) = self.done.lock() {
            *done = if stale.load(Ordering::Relaxed) { None } else { Some(r) };
        }
    }

    /// The files written, for `Extra::already`; none if the pipeline never got to them.
    pub fn written(self) -> Result<Vec<&'static str>> {
        match self.done.into_inner().ok().flatten() {
            Some(r) => r.map(|()| Self::FILES.to_vec()),
            None => Ok(Vec::new()),
        }
    }
}

pub fn write_rejected(dir: &Directory, path: &Path) -> Result<()> {
    table::write_csv(path, &tables::REJECTED, dir.rejected.iter().map(tables::rejected))
}

/// A stop flag that is never set: the files are written whole.
static NEVER_STALE: AtomicBool = AtomicBool::new(false);

/// clusters.csv, stopping early (a partial file) once `stale` is set.
fn write_clusters(
    dir: &Directory,
    res: &DedupeResult,
    path: &Path,
    lang: Lang,
    stale: &AtomicBool,
) -> Result<()> {
    let children = tables::child_counts(dir);
    let rows = rows::cluster_members(res)
        .take_while(|_| !stale.load(Ordering::Relaxed))
        .map(|m| tables::cluster_member(dir, &m, &children, lang, Target::Csv));
    table::write_machine_csv(path, &tables::CLUSTERS, rows)
}

/// pairs.csv, stopping early (a partial file) once `stale` is set.
fn write_pairs(
    dir: &Directory,
    res: &DedupeResult,
    path: &Path,
    lang: Lang,
    stale: &AtomicBool,
) -> Result<()> {
    let rows = res
        .pairs
        .iter()
        .take_while(|_| !stale.load(Ordering::Relaxed))
        .map(|p| tables::pair(dir, p, lang, Target::Csv));
    table::write_machine_csv(path, &tables::PAIRS, rows)
}

pub fn write_findings(dir: &Directory, check: &CheckResult, path: &Path, lang: Lang) -> Result<()> {
    let rows = check.findings.iter().map(|f| tables::finding(dir, &rows::finding(f), lang, Target::Csv));
    table::write_machine_csv(path, &tables::FINDINGS, rows)
}

/// `dedupe`: clusters.csv and pairs.csv in `out`.
pub fn write_dedupe(dir: &Directory, res: &DedupeResult, out: &Path, lang: Lang) -> Result<()> {
    write_dedupe_unless(dir, res, out, lang, &NEVER_STALE)
}

/// `write_dedupe`, stopping early once `stale` is set: the files are then partial, and the
/// caller must not use them (`BesideCheck`).
fn write_dedupe_unless(
    dir: &Directory,
    res: &DedupeResult,
    out: &Path,
    lang: Lang,
    stale: &AtomicBool,
) -> Result<()> {
    let (a, b) = rayon::join(
        || write_clusters(dir, res, &out.join("clusters.csv"), lang, stale),
        || write_pairs(dir, res, &out.join("pairs.csv"), lang, stale),
    );
    a.and(b)
}

/// One piece of the writing: a whole file, or one sheet of report.xlsx.
struct Task<'a> {
    /// The file it writes, or is part of.
    file: &'static str,
    /// Tasks run sheets first, then the longest first (`rows`, about): the workbook is saved
    /// (about 2 s on one thread for a 1M-row run) when its last sheet is written, and the other
    /// threads write the remaining files meanwhile. Run as one job, the workbook built its
    /// sheets one after another, then saved them, while the other thread had finished the CSVs.
    sheet: bool,
    rows: usize,
    run: Box<dyn FnOnce() -> Result<()> + Send + 'a>,
}

/// Run the tasks on every thread of the pool, each thread taking the next task in `Task`'s
/// order; each file's first error, by file in the order the tasks first name them. The bar
/// (shown only on a terminal) counts the tasks done: writing 200k rows' outputs takes seconds.
fn run_tasks(tasks: Vec<Task>, progress: bool) -> Vec<(&'static str, Result<()>)> {
    use std::cmp::Reverse;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let bar = crate::progress::items_bar(tasks.len() as u64, "writing outputs", progress);
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by_key(|&i| (!tasks[i].sheet, Reverse(tasks[i].rows)));
    let files: Vec<&'static str> = tasks.iter().map(|t| t.file).collect();
    let slots: Vec<Mutex<Option<Task>>> = tasks.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let results: Vec<Mutex<Option<Result<()>>>> = slots.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let task = slots[i].lock().ok().and_then(|mut t| t.take());
            if let Some(task) = task {
                let t = std::time::Instant::now();
                let r = (task.run)();
                let part = if task.sheet { " (a sheet)" } else { "" };
                crate::progress::timing(&format!("  write {}{part}", task.file), t);
                bar.set_message(task.file);
                bar.inc(1);
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(r);
                }
            }
        }
    };
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads() {
            s.spawn(|_| work());
        }
    });
    bar.finish_and_clear();
    let mut by_file: Vec<(&'static str, Result<()>)> = Vec::new();
    for (file, r) in files.into_iter().zip(results) {
        let r = r
            .into_inner()
            .ok()
            .flatten()
            .unwrap_or_else(|| Err(Error::Internal(format!("{file}: not written"))));
        match by_file.iter_mut().find(|(f, _)| *f == file) {
            Some((_, first)) => {
                if first.is_ok() {
                    *first = r;
                }
            }
            None => by_file.push((file, r)),
        }
    }
    by_file
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
    // Independent, and each on one thread.
    let (mut changes, mut queue) = rayon::join(
        || fixed::parent_changes(&p.dir, &p.dedupe.clusters, &p.check.findings),
        || pending::queue(&p.dir, &p.dedupe.clusters, &p.check.findings, &p.broken_chain, s.as_of),
    );
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
    // About how many rows each file has: the longest are started first (`Task`).
    let members: usize = p.dedupe.clusters.clusters.iter().map(|c| c.members.len()).sum();
    let rows_of = |file: &str| match file {
        "orgs_fixed.csv" => dir.len(),
        "clusters.csv" => members,
        "pairs.csv" => p.dedupe.pairs.len(),
        "findings.csv" => p.check.findings.len(),
        "id_remap.csv" => members.saturating_sub(p.dedupe.clusters.clusters.len()),
        "parent_fixes.csv" => changes.len(),
        "pending.csv" => queue.len(),
        _ => 0,
    };
    let fx = FixedOutputs {
        dir,
        dedupe: &p.dedupe,
        changes: &changes,
        encoding: s.output_encoding,
        records: records.as_deref(),
    };
    let (fx, queue, rep_ref) = (&fx, &queue, &rep);
    let Extra { markdown, sheets, files, already } = extra;
    let jobs: Vec<Job> = vec![
        ("rejected_rows.csv", Box::new(move |path: &Path| write_rejected(dir, path))),
        (
            "clusters.csv",
            Box::new(move |path: &Path| write_clusters(dir, &p.dedupe, path, lang, &NEVER_STALE)),
        ),
        ("pairs.csv", Box::new(move |path: &Path| write_pairs(dir, &p.dedupe, path, lang, &NEVER_STALE))),
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
    ];
    let mut sheets_of_book = super::sheets::all(p, rep_ref, queue, fx.changes, lang);
    sheets_of_book
        .extend(sheets.into_iter().map(|s| -> (usize, SheetBuilder) { (s.rows.len(), Box::new(move || s)) }));
    let title = lang.pick("orgclean 组织库清理报告", "orgclean report");
    let book = Book::new(sheets_of_book.len(), s.as_of, title).map_err(xlsx_error)?;
    let mut tasks: Vec<Task> = jobs
        .into_iter()
        .map(|(file, write)| match already.contains(&file) {
            true => Task { file, sheet: false, rows: 0, run: Box::new(|| Ok(())) },
            false => Task {
                file,
                sheet: false,
                rows: rows_of(file),
                run: Box::new(move || {
                    write(&stage.path(file))?;
                    stage.hash_now(file)
                }),
            },
        })
        .collect();
    let book = &book;
    for (k, (rows, build)) in sheets_of_book.into_iter().enumerate() {
        let run = move || -> Result<()> {
            if book.write(k, build()).map_err(xlsx_error)? {
                let t = std::time::Instant::now();
                let bytes = book.save().map_err(xlsx_error)?;
                output::write_bytes(&stage.path("report.xlsx"), &bytes)?;
                stage.hash_now("report.xlsx")?;
                crate::progress::timing("  report.xlsx saved", t);
            }
            Ok(())
        };
        tasks.push(Task { file: "report.xlsx", sheet: true, rows, run: Box::new(run) });
    }
    tasks.extend(files.into_iter().map(|(file, write)| Task {
        file,
        sheet: false,
        rows: 0,
        run: Box::new(move || write(&stage.path(file))),
    }));
    crate::progress::timing("  before writing", t0);
    let t = std::time::Instant::now();
    let mut written = Vec::new();
    for (file, r) in run_tasks(tasks, progress) {
        r?;
        written.push(file);
    }
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

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Internal(format!("building report.xlsx: {e}"))
}

/// A workbook of the given sheets (`history --out`).
pub fn write_workbook(sheets: &[Sheet], as_of: chrono::NaiveDate, title: &str, path: &Path) -> Result<()> {
    let bytes = super::xlsx::render(sheets, as_of, title)
        .map_err(|e| Error::Internal(format!("building {}: {e}", path.display())))?;
    output::write_bytes(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedupe::DedupeOptions;
    use crate::import::ImportOptions;

    /// The files written beside the check are the ones `write_dedupe` writes; a failure to write
    /// them is the run's error, not a file silently missing from the outputs.
    #[test]
    fn files_written_beside_the_check_are_reported_or_fail_the_run() {
        let demo = [std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/orgs.csv"))];
        let (dir, res, _) =
            crate::pipeline::dedupe_only(&demo, &ImportOptions::default(), &DedupeOptions::default())
                .unwrap();
        let out = tempfile::tempdir().unwrap();
        let stage = Staging::new(out.path()).unwrap();
        assert_eq!(BesideCheck::new(&stage, Lang::Zh).written().unwrap(), Vec::<&str>::new());
        // A write the settling made stale leaves its files as not written (partial at most).
        let stale = BesideCheck::new(&stage, Lang::Zh);
        stale.write(&dir, &res, &AtomicBool::new(true));
        assert_eq!(stale.written().unwrap(), Vec::<&str>::new());
        let text = std::fs::read_to_string(stage.path("clusters.csv")).unwrap();
        let (_, clusters) = text.split_once('\n').unwrap();
        assert!(clusters.is_empty(), "a stale write goes on writing rows: {clusters}");
        let beside = BesideCheck::new(&stage, Lang::Zh);
        beside.write(&dir, &res, &AtomicBool::new(false));
        assert_eq!(beside.written().unwrap(), BesideCheck::FILES);
        let direct = tempfile::tempdir().unwrap();
        write_dedupe(&dir, &res, direct.path(), Lang::Zh).unwrap();
        for f in BesideCheck::FILES {
            assert_eq!(
                std::fs::read(stage.path(f)).unwrap(),
                std::fs::read(direct.path().join(f)).unwrap(),
                "{f}"
            );
        }

        let gone = Staging::new(out.path()).unwrap();
        std::fs::remove_dir_all(gone.dir()).unwrap();
        let beside = BesideCheck::new(&gone, Lang::Zh);
        beside.write(&dir, &res, &AtomicBool::new(false));
        assert!(beside.written().is_err());
    }
}
