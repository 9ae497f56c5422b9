//! The review sheet read back: a filled-in sheet (written by `report::review`) becomes decisions.
//!
//! Every row is about two records (a pair, or a cluster member and its survivor) or about one
//! finding's fix. Items that already have a decision are left out of later sheets.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::Connection;

use super::db::{self, StoredDecision};
use super::sheet;
use crate::error::{Error, Result};
use crate::model::FindingCode;

/// A decision about two records, keyed as stored (smaller id first); `decision` still empty.
pub fn pair_decision(a: &str, b: &str) -> StoredDecision {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    StoredDecision {
        kind: "pair",
        a_id: a.to_string(),
        b_id: b.to_string(),
        code: String::new(),
        inputs_hash: String::new(),
        decision: String::new(),
        comment: String::new(),
        reviewer: String::new(),
    }
}

/// A decision about a proposed fix, keyed as stored; `decision` still empty.
pub fn fix_decision(org: &str, code: &str, proposed: &str, hash: &str) -> StoredDecision {
    StoredDecision {
        kind: "fix",
        a_id: org.to_string(),
        b_id: proposed.to_string(),
        code: code.to_string(),
        inputs_hash: hash.to_string(),
        decision: String::new(),
        comment: String::new(),
        reviewer: String::new(),
    }
}

/// Undo `output::safe_cell`: a spreadsheet keeps the apostrophe we put before =, +, -, @.
fn unescape(s: &str) -> &str {
    let t = s.trim();
    match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => t,
    }
}

/// A validated sheet: the decisions to store, and how many rows were left blank.
#[derive(Debug, Default)]
pub struct Parsed {
    pub decisions: Vec<StoredDecision>,
    pub undecided: usize,
}

/// A sheet's cells as text, each row with its number as Excel shows it (the header is row 1 of a
/// sheet we wrote; a CSV's rows are numbered by record, not by text line, so that a cell holding
/// a line break does not shift the numbers).
#[derive(Debug, Default)]
pub struct Grid {
    pub header: Vec<String>,
    pub header_row: u64,
    pub rows: Vec<(u64, Vec<String>)>,
}

/// Read a filled-in sheet: an .xlsx (or .xls, .ods) workbook's first sheet, or a CSV as written
/// by `review export` or re-saved by Excel/WPS (GB18030 without BOM, `;` or tab as separator).
pub fn read_sheet(path: &Path) -> Result<Grid> {
    let display = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    // Workbooks are zip (xlsx, ods) or OLE (xls) containers.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return read_workbook(bytes, &display);
    }
    let text = crate::import::decode(&bytes, None).map_err(|m| Error::input(&display, m))?.text;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (first_line.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',');
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut grid = Grid { header_row: 1, ..Grid::default() };
    for (i, rec) in rdr.records().enumerate() {
        let rec =
            rec.map_err(|e| Error::input(&display, format!("row {}: not readable as CSV: {e}", i + 1)))?;
        let cells: Vec<String> = rec.iter().map(str::to_string).collect();
        if i == 0 {
            grid.header = cells;
        } else {
            grid.rows.push((i as u64 + 1, cells));
        }
    }
    Ok(grid)
}

fn read_workbook(bytes: Vec<u8>, display: &str) -> Result<Grid> {
    use calamine::Reader;
    let bad = |e: &dyn std::fmt::Display| {
        Error::input(display, format!("cannot read the workbook: {e}; save it again from Excel/WPS as .xlsx"))
    };
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let range = match wb.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| bad(&e))?,
        None => return Err(Error::input(display, "the workbook has no sheet")),
    };
    // The range starts at the first non-empty cell; Excel numbers rows from the sheet's top.
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut grid = Grid::default();
    for (i, row) in range.rows().enumerate() {
        let mut cells: Vec<String> = vec![String::new(); left as usize];
        cells.extend(row.iter().map(|c| c.to_string()));
        let n = top as u64 + i as u64 + 1;
        if grid.header.is_empty() && cells.iter().any(|c| !c.trim().is_empty()) {
            grid.header = cells;
            grid.header_row = n;
        } else if !grid.header.is_empty() {
            grid.rows.push((n, cells));
        }
    }
    Ok(grid)
}

/// Validate a filled-in sheet. Every problem is reported with its row as Excel numbers it; any
/// problem means nothing is stored.
pub fn parse(
    grid: &Grid,
    display: &str,
    default_reviewer: &str,
    conn: &Connection,
    db_path: &Path,
) -> Result<Parsed> {
    let headers: Vec<Option<&str>> = grid.header.iter().map(|h| sheet::column_of(h)).collect();
    let col = |name: &str| headers.iter().position(|h| *h == Some(name));
    let mut missing = Vec::new();
    let mut need = |name: &str| {
        let c = col(name);
        if c.is_none() {
            let zh = sheet::COLUMNS[sheet::col(name)].1;
            missing.push(format!("{zh} ({name})"));
        }
        c.unwrap_or(0)
    };
    let (c_kind, c_key, c_org, c_other, c_code, c_dec) =
        (need("kind"), need("key"), need("org_id"), need("other_id"), need("code"), need("decision"));
    if !missing.is_empty() {
        return Err(Error::input(
            display,
            format!(
                "row {}: missing column(s) {}; use the sheet written by `orgclean review export`",
                grid.header_row,
                missing.join(", ")
            ),
        ));
    }
    let (c_comment, c_reviewer) = (col("comment"), col("reviewer"));

    let mut errors: Vec<String> = Vec::new();
    let mut out = Parsed::default();
    let mut seen: HashMap<String, (u64, String)> = HashMap::new();
    for (line, rec) in &grid.rows {
        let line = *line;
        let get = |c: usize| unescape(rec.get(c).map(String::as_str).unwrap_or(""));
        let opt = |c: Option<usize>| c.map(|c| get(c).to_string()).unwrap_or_default();
        let written = get(c_dec).to_string();
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if written.is_empty() {
            out.undecided += 1;
            continue;
        }
        let kind_written = get(c_kind);
        let (org, other, code, key) = (get(c_org), get(c_other), get(c_code), get(c_key));
        let decision: &str;
        let mut d = match sheet::kind_of(kind_written) {
            Some(kind @ ("pair" | "cluster_member")) => {
                let Some(d) = sheet::decision_word(&written, sheet::PAIR_WORDS) else {
                    errors.push(format!(
                        "row {line}: decision {written:?} for a {kind}: use {}",
                        sheet::words_hint(sheet::PAIR_WORDS)
                    ));
                    continue;
                };
                decision = d;
                if org.is_empty() || other.is_empty() || org == other {
                    errors
                        .push(format!("row {line}: a {kind} needs two different ids in org_id and other_id"));
                    continue;
                }
                pair_decision(org, other)
            }
            Some(_) => {
                let Some(d) = sheet::decision_word(&written, sheet::FIX_WORDS) else {
                    errors.push(format!(
                        "row {line}: decision {written:?} for a fix: use {}",
                        sheet::words_hint(sheet::FIX_WORDS)
                    ));
                    continue;
                };
                decision = d;
                if FindingCode::parse(code).is_none() {
                    errors.push(format!("row {line}: unknown finding code {code:?}"));
                    continue;
                }
                if decision == "accept_fix" && other.is_empty() {
                    errors.push(format!(
                        "row {line}: accept_fix but no parent is proposed (other_id is empty); \
                         use reject_fix to acknowledge it, or correct the parent in the source system"
                    ));
                    continue;
                }
                if !db::finding_known(conn, db_path, org, code, key)? {
                    errors.push(format!(
                        "row {line}: no recorded finding {org}/{code} with key {key:?} in this database; \
                         was the sheet exported from it?"
                    ));
                    continue;
                }
                fix_decision(org, code, other, key)
            }
            None => {
                let kinds: Vec<String> = sheet::KINDS.iter().map(|(en, zh)| format!("{zh} ({en})")).collect();
                errors.push(format!("row {line}: unknown kind {kind_written:?}: use {}", kinds.join(", ")));
                continue;
            }
        };
        d.decision = decision.to_string();
        d.comment = opt(c_comment);
        d.reviewer = match opt(c_reviewer) {
            r if r.is_empty() => default_reviewer.to_string(),
            r => r,
        };
        match seen.get(&d.key()) {
            Some((first, dec)) if *dec != d.decision => {
                errors.push(format!(
                    "row {line}: decision {} contradicts {} on row {first} for the same item",
                    d.decision, dec
                ));
                continue;
            }
            Some(_) => continue,
            None => {
                seen.insert(d.key(), (line, d.decision.clone()));
            }
        }
        out.decisions.push(d);
    }
    if !errors.is_empty() {
        let n = errors.len();
        return Err(Error::input(
            display,
            format!("{n} bad row(s), nothing imported:\n  {}", errors.join("\n  ")),
        ));
    }
    Ok(out)
}

/// What `review import` stored.
#[derive(Debug, Default)]
pub struct Imported {
    /// Stored decision word → count.
    pub by_decision: std::collections::BTreeMap<String, usize>,
    pub stored: usize,
    pub undecided: usize,
}

/// `review import`: read the sheet, validate it whole, store its decisions in one transaction
/// (the sheet is stored whole or not at all).
pub fn import(
    sheet_path: &Path,
    db_path: &Path,
    reviewer: &str,
    wait: std::time::Duration,
) -> Result<Imported> {
    let display = sheet_path.display().to_string();
    let grid = read_sheet(sheet_path)?;
    let mut adb = db::AuditDb::open(db_path, false, wait)?;
    let parsed = parse(&grid, &display, reviewer, &adb.conn, db_path)?;
    let tx = adb.begin_write()?;
    db::store_decisions(&tx, db_path, &parsed.decisions, &display)?;
    tx.commit().map_err(|e| Error::Database { path: db_path.to_path_buf(), message: e.to_string() })?;
    let mut out =
        Imported { stored: parsed.decisions.len(), undecided: parsed.undecided, ..Imported::default() };
    for d in &parsed.decisions {
        *out.by_decision.entry(d.decision.clone()).or_insert(0) += 1;
    }
    Ok(out)
}
