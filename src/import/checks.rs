//! What import says about what it read: columns a step relies on that no file has, a dump with
//! nothing usable, ids that lost their leading zeros in Excel.

use super::header;
use crate::error::{Error, Result};
use crate::model::{Directory, Field, SourceFile};

/// Columns a step relies on (any one of `fields` will do), and what is lost without them.
#[derive(Debug, Clone, Copy)]
pub struct Reliance {
    pub fields: &'static [Field],
    pub without: &'static str,
}

const REGION: Reliance = Reliance {
    fields: &[Field::Province, Field::City, Field::County],
    without: "duplicates are told apart by region only where the name holds it: units of the same name in \
              different places may be merged, and coverage cannot place them",
};
const PROVINCE: Reliance = Reliance {
    fields: &[Field::Province, Field::City, Field::County],
    without: "cross_province, skips_province and uscc_province_mismatch are checked only where the name \
              holds the region",
};
const STATUS: Reliance = Reliance {
    fields: &[Field::Status],
    without: "survivors are chosen without the certification status, and the certification queue \
              (pending.csv) is empty",
};

/// What `dedupe` relies on besides id and name.
pub const DEDUPE_RELIES: &[Reliance] = &[REGION, STATUS];
/// What `check` relies on besides id, name and parent (which it requires).
pub const CHECK_RELIES: &[Reliance] = &[PROVINCE];
/// What `run`, `audit` and `coverage` rely on.
pub const RUN_RELIES: &[Reliance] = &[REGION, STATUS];

/// Everything a run should say it could not see or had to repair: columns it relies on that no
/// file has, most rows rejected, and what import noticed about the values (`Directory::notes`).
pub fn warnings(dir: &Directory, relies: &[Reliance]) -> Vec<String> {
    let mut out = Vec::new();
    for r in relies {
        let blind: Vec<&SourceFile> =
            dir.files.iter().filter(|f| r.fields.iter().all(|fl| f.columns[fl.index()].is_none())).collect();
        if blind.is_empty() {
            continue;
        }
        let names: Vec<&str> = blind.iter().map(|f| f.display.as_str()).collect();
        let keys: Vec<&str> = r.fields.iter().map(|f| f.key()).collect();
        let first = blind[0];
        let header = csv::StringRecord::from(first.headers.clone());
        let map = r
            .fields
            .iter()
            .find_map(|f| {
                header::candidate(&header, &first.columns, *f).map(|h| format!("--column {}={h}", f.key()))
            })
            .unwrap_or_else(|| format!("--column {}=HEADER", r.fields[0].key()));
        out.push(format!(
            "{}: no {} column (looked for: {}; headers seen: {}): {}; map it with {map} or [input.columns] in the config",
            names.join(", "),
            keys.join(" / "),
            r.fields.iter().flat_map(|f| f.aliases().iter().take(4)).copied().collect::<Vec<_>>().join(", "),
            first.headers.join(", "),
            r.without
        ));
    }
    let t = dir.totals();
    if t.rejected > 0 && t.rejected >= t.accepted {
        out.push(format!(
            "{} of {} data rows were rejected ({} accepted): the results cover less than half of the dump; \
             see rejected_rows.csv",
            t.rejected, t.rows_read, t.accepted
        ));
    }
    out.extend(dir.notes.iter().cloned());
    out
}

/// Nothing to work on: say why, instead of reporting an empty directory as clean.
pub fn require_rows(dir: &Directory) -> Result<()> {
    if !dir.is_empty() {
        return Ok(());
    }
    let files: Vec<&str> = dir.files.iter().map(|f| f.display.as_str()).collect();
    let shown = files.join(", ");
    let t = dir.totals();
    if t.rows_read == 0 {
        return Err(Error::input(
            shown,
            "no data rows, only the header: nothing to check; export the directory again (was the export cut short?)",
        ));
    }
    let mut reasons: Vec<(String, u64, String)> = Vec::new();
    for r in &dir.rejected {
        // Reasons that name an id or a line differ row by row: group on their first words.
        let kind: String = r.reason.split([':', '(']).next().unwrap_or("").trim().to_string();
        match reasons.iter_mut().find(|(k, _, _)| *k == kind) {
            Some(e) => e.1 += 1,
            None => reasons.push((kind, 1, format!("{} line {}: {}", r.file, r.line, r.reason))),
        }
    }
    reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
    let top: Vec<String> =
        reasons.iter().take(3).map(|(_, n, first)| format!("{n} × e.g. {first}")).collect();
    Err(Error::input(
        shown,
        format!(
            "all {} data rows were rejected, none accepted: {}; `orgclean import --out DIR` lists every \
             rejected row in rejected_rows.csv",
            t.rows_read,
            top.join("; ")
        ),
    ))
}

/// Parent ids that name no record but do name one once the leading zeros Excel drops from a
/// number are put back (`12` for `0012`): the id columns went through Excel as numbers.
pub(super) fn note_lost_zeros(dir: &mut Directory) {
    let widest = dir.records.iter().map(|r| r.id.as_str().len()).max().unwrap_or(0);
    let mut examples: Vec<(String, String)> = Vec::new();
    let mut n = 0u64;
    for r in dir.records.iter().filter(|r| r.parent.is_none() && !r.parent_id.is_empty()) {
        let p = &*r.parent_id;
        if !p.bytes().all(|b| b.is_ascii_digit()) || p.len() >= widest {
            continue;
        }
        let padded =
            (p.len() + 1..=widest).map(|w| format!("{p:0>w$}")).find(|id| dir.lookup(id.as_str()).is_some());
        if let Some(id) = padded {
            n += 1;
            if examples.len() < 3 {
                examples.push((p.to_string(), id));
            }
        }
    }
    if n > 0 {
        let ex: Vec<String> = examples.iter().map(|(p, id)| format!("{p} → {id}")).collect();
        dir.notes.push(format!(
            "{n} parent ids name no record but match an id once leading zeros are put back ({}): the ids lost \
             their leading zeros in Excel; {}",
            ex.join(", "),
            crate::excel::EXPORT_AS_TEXT
        ));
    }
}
