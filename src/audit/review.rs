//! The review sheet read back: a filled-in sheet (written by `report::review`) becomes decisions.
//!
//! Every row is about two records (a pair, or a cluster member and its survivor) or about one
//! finding's fix. Items that already have a decision are left out of later sheets.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::Connection;

use super::db::{self, StoredDecision};
use crate::error::{Error, Result};
use crate::model::FindingCode;

pub const HEADER: [&str; 12] = [
    "kind",
    "key",
    "org_id",
    "org_name",
    "other_id",
    "other_name",
    "code",
    "score",
    "detail",
    "decision",
    "comment",
    "reviewer",
];

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

/// The words a reviewer may write for each decision, stored as the first (English) word. The
/// Chinese words are those the sheet offers first; the English ones stay accepted so that sheets
/// filled in before keep working.
const PAIR_WORDS: &[(&str, &[&str])] = &[
    ("same", &["same", "同一单位", "同一", "相同", "是"]),
    ("different", &["different", "不同单位", "不同", "否"]),
];
const FIX_WORDS: &[(&str, &[&str])] = &[
    ("accept_fix", &["accept_fix", "接受修正", "接受", "同意"]),
    ("reject_fix", &["reject_fix", "拒绝修正", "拒绝", "不同意"]),
];

/// The stored decision for a written word (case and surrounding blanks ignored).
fn decision_word(written: &str, words: &[(&'static str, &[&str])]) -> Option<&'static str> {
    let w = written.trim().to_lowercase();
    words.iter().find(|(_, ws)| ws.iter().any(|x| *x == w)).map(|(d, _)| *d)
}

/// "same (同一单位) or different (不同单位)": what to write instead.
fn words_hint(words: &[(&str, &[&str])]) -> String {
    let each: Vec<String> = words.iter().map(|(d, ws)| format!("{d} ({})", ws[1])).collect();
    each.join(" or ")
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

/// Read and validate a filled-in sheet. Every problem is reported with its row as Excel numbers it; any problem
/// means nothing is stored.
pub fn parse(
    bytes: &[u8],
    display: &str,
    default_reviewer: &str,
    conn: &Connection,
    db_path: &Path,
) -> Result<Parsed> {
    let text = crate::import::decode(bytes, None).map_err(|m| Error::input(display, m))?.text;
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::input(display, format!("row 1: cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut missing = Vec::new();
    let mut need = |name: &str| {
        let c = col(name);
        if c.is_none() {
            missing.push(name.to_string());
        }
        c.unwrap_or(0)
    };
    let (c_kind, c_key, c_org, c_other, c_code, c_dec) =
        (need("kind"), need("key"), need("org_id"), need("other_id"), need("code"), need("decision"));
    if !missing.is_empty() {
        return Err(Error::input(
            display,
            format!(
                "row 1: missing column(s) {}; use the sheet written by `orgclean review export`",
                missing.join(", ")
            ),
        ));
    }
    let (c_comment, c_reviewer) = (col("comment"), col("reviewer"));

    let mut errors: Vec<String> = Vec::new();
    let mut out = Parsed::default();
    let mut seen: HashMap<String, (u64, String)> = HashMap::new();
    // Rows as Excel numbers them: the header is row 1, the first record row 2. Text lines would
    // drift from them after any cell holding a line break.
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("row {line}: not readable as CSV: {e}"));
                continue;
            }
        };
        let get = |c: usize| unescape(rec.get(c).unwrap_or(""));
        let opt = |c: Option<usize>| c.map(|c| get(c).to_string()).unwrap_or_default();
        let written = get(c_dec).to_string();
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if written.is_empty() {
            out.undecided += 1;
            continue;
        }
        let kind = get(c_kind).to_ascii_lowercase();
        let (org, other, code, key) = (get(c_org), get(c_other), get(c_code), get(c_key));
        let decision: &str;
        let mut d = match kind.as_str() {
            "pair" | "cluster_member" => {
                let Some(d) = decision_word(&written, PAIR_WORDS) else {
                    errors.push(format!(
                        "row {line}: decision {written:?} for a {kind}: use {}",
                        words_hint(PAIR_WORDS)
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
            "fix" => {
                let Some(d) = decision_word(&written, FIX_WORDS) else {
                    errors.push(format!(
                        "row {line}: decision {written:?} for a fix: use {}",
                        words_hint(FIX_WORDS)
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
            other => {
                errors.push(format!("row {line}: unknown kind {other:?}: use pair, cluster_member or fix"));
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
