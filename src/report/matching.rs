//! match.csv (for the certification team's tools: stable English columns and codes) and
//! match.xlsx (the same rows for people, in Chinese), from one row function.

use std::path::Path;

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::lookup::matching::MatchRow;
use crate::output;

use super::table::Cell;
use super::xlsx::{self, Band, Sheet};

pub const CSV_HEADER: [&str; 7] =
    ["new_id", "decision", "org_id", "name", "score", "reasons", "proposed_parent_id"];

/// The cells of one row: the machine columns, then (for people) the names the ids stand for.
pub fn cells(r: &MatchRow, lang: Lang) -> [String; 10] {
    let decision = match lang {
        Lang::Zh => r.decision.zh(),
        Lang::En => r.decision.as_str(),
    };
    let score = if r.org_id.is_empty() { String::new() } else { format!("{:.3}", r.score) };
    [
        r.new_id.clone(),
        decision.to_string(),
        r.org_id.clone(),
        r.name.clone(),
        score,
        r.reason_text(lang),
        r.proposed_parent_id.clone(),
        r.new_name.clone(),
        r.proposed_parent_name.clone(),
        r.parent_reason.text(lang),
    ]
}

/// The line `match` prints: how many new records got each decision.
pub fn summary(rows: &[MatchRow]) -> String {
    let (existing, review, new) = crate::lookup::matching::tally(rows);
    let total = existing + review + new;
    format!("{total} 条新组织：{existing} 条已存在，{review} 条待人工核对，{new} 条为新组织")
}

/// The rows of NEW that could not be read, in `out`/match_rejected.csv (file, line, reason),
/// and the line to print about them; nothing when every row was read.
pub fn write_rejected(new: &crate::model::Directory, out: &Path) -> Result<Option<String>> {
    if new.rejected.is_empty() {
        return Ok(None);
    }
    let path = out.join("match_rejected.csv");
    super::outputs::write_rejected(new, &path)?;
    Ok(Some(format!("--new: {} 行无法读取，未比对（见 {}）", new.rejected.len(), path.display())))
}

pub fn write_csv(rows: &[MatchRow], path: &Path) -> Result<()> {
    output::write_csv(
        path,
        &CSV_HEADER,
        rows.iter().map(|r| cells(r, Lang::En).into_iter().take(CSV_HEADER.len())),
    )
}

/// Columns of the sheet, as indexes into `cells`: for people the new record's name beside its
/// id, the names next to the ids, the long reasons last.
const SHEET_ORDER: [usize; 10] = [0, 7, 1, 2, 3, 4, 6, 8, 5, 9];

/// The sheet of match.xlsx: every row, the candidates of one new record one group (numbered and
/// shaded alike, `Band`).
pub fn sheet(rows: &[MatchRow], lang: Lang) -> Sheet<'_> {
    let header: [&str; 10] = match lang {
        Lang::Zh => [
            "申请编号",
            "结论",
            "已有组织ID",
            "已有组织名称",
            "相似度",
            "依据",
            "建议上级组织ID",
            "申请名称",
            "建议上级组织名称",
            "上级说明",
        ],
        Lang::En => [
            "new_id",
            "decision",
            "org_id",
            "name",
            "score",
            "reasons",
            "proposed_parent_id",
            "new_name",
            "proposed_parent_name",
            "parent_reason",
        ],
    };
    let header: Vec<&str> = SHEET_ORDER.iter().map(|&k| header[k]).collect();
    let body: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let mut c: Vec<Cell> = cells(r, lang).into_iter().map(Cell::from).collect();
            if !r.org_id.is_empty() {
                c[4] = Cell::Fixed(f64::from((r.score * 1000.0).round()) / 1000.0, 3);
            }
            SHEET_ORDER.iter().map(|&k| c[k].clone()).collect()
        })
        .collect();
    let mut s =
        Sheet::new(lang.pick("新组织比对", "match"), header.iter().map(|h| h.to_string()).collect(), body);
    s.band = Some(Band::by(0, lang));
    s
}

pub fn write_xlsx(rows: &[MatchRow], path: &Path, lang: Lang, as_of: chrono::NaiveDate) -> Result<()> {
    let bytes = xlsx::render(&[sheet(rows, lang)], as_of, lang.pick("orgclean 新组织比对", "orgclean match"))
        .map_err(|e| Error::Internal(format!("building {}: {e}", path.display())))?;
    output::write_bytes(path, &bytes)
}

/// What `match` is asked: the directory's dumps and how to read them, the new records, where
/// the files go.
pub struct MatchJob<'a> {
    pub dumps: &'a [std::path::PathBuf],
    pub import: crate::import::ImportOptions,
    /// The new records are read like the dumps, without the parent-column requirement.
    pub new_import: crate::import::ImportOptions,
    pub new: &'a [std::path::PathBuf],
    pub out: &'a Path,
    pub opts: crate::dedupe::DedupeOptions,
    pub lang: Lang,
    pub as_of: chrono::NaiveDate,
}

/// `match` end to end: match.csv, match.xlsx (and match_rejected.csv) in `out`. Returns the
/// console summary; `warn` says what must be said even with `--quiet` (rows not matched).
pub fn run(job: &MatchJob, warn: impl Fn(&str)) -> Result<String> {
    use crate::lookup::{self, matching, Catalog, Loaded};
    crate::output::prepare_out_dir(job.out, &[job.dumps, job.new].concat())?;
    let new_dir = crate::import::import(job.new, &job.new_import)?;
    if let Some(note) = write_rejected(&new_dir, job.out)? {
        warn(&note);
    }
    if new_dir.is_empty() {
        return Err(crate::error::Error::Usage("--new: no accepted record to match".into()));
    }
    let loaded = Loaded::load(job.dumps, &job.import)?;
    let catalog = Catalog::build(&loaded, job.opts);
    let rows = matching::match_all(&catalog, &lookup::probes_of(&new_dir))?;
    let (csv, xlsx) = (job.out.join("match.csv"), job.out.join("match.xlsx"));
    write_csv(&rows, &csv)?;
    write_xlsx(&rows, &xlsx, job.lang, job.as_of)?;
    let text = format!(
        "{}\n{} {}, {}",
        summary(&rows),
        job.lang.pick("已写入", "wrote"),
        csv.display(),
        xlsx.display()
    );
    crate::pipeline::leave_at_exit(catalog);
    crate::pipeline::leave_at_exit((loaded, new_dir, rows));
    Ok(text)
}
