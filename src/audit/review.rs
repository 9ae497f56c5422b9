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

/// Read and validate a filled-in sheet. Every problem is reported with its line; any problem
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
        .map_err(|e| Error::input(display, format!("line 1: cannot read the header: {e}")))?
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
                "line 1: missing column(s) {}; use the sheet written by `orgclean review export`",
                missing.join(", ")
            ),
        ));
    }
    let (c_comment, c_reviewer) = (col("comment"), col("reviewer"));

    let mut errors: Vec<String> = Vec::new();
    let mut out = Parsed::default();
    let mut seen: HashMap<String, (u64, String)> = HashMap::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errors.push(format!("line {line}: not readable as CSV: {e}"));
                continue;
            }
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let get = |c: usize| unescape(rec.get(c).unwrap_or(""));
        let opt = |c: Option<usize>| c.map(|c| get(c).to_string()).unwrap_or_default();
        let decision = get(c_dec).to_ascii_lowercase();
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if decision.is_empty() {
            out.undecided += 1;
            continue;
        }
        let kind = get(c_kind).to_ascii_lowercase();
        let (org, other, code, key) = (get(c_org), get(c_other), get(c_code), get(c_key));
        let mut d = match kind.as_str() {
            "pair" | "cluster_member" => {
                if !matches!(decision.as_str(), "same" | "different") {
                    errors.push(format!(
                        "line {line}: decision {decision:?} for a {kind}: use same or different"
                    ));
                    continue;
                }
                if org.is_empty() || other.is_empty() || org == other {
                    errors.push(format!(
                        "line {line}: a {kind} needs two different ids in org_id and other_id"
                    ));
                    continue;
                }
                pair_decision(org, other)
            }
            "fix" => {
                if !matches!(decision.as_str(), "accept_fix" | "reject_fix") {
                    errors.push(format!(
                        "line {line}: decision {decision:?} for a fix: use accept_fix or reject_fix"
                    ));
                    continue;
                }
                if FindingCode::parse(code).is_none() {
                    errors.push(format!("line {line}: unknown finding code {code:?}"));
                    continue;
                }
                if decision == "accept_fix" && other.is_empty() {
                    errors.push(format!(
                        "line {line}: accept_fix but no parent is proposed (other_id is empty); \
                         use reject_fix to acknowledge it, or correct the parent in the source system"
                    ));
                    continue;
                }
                if !db::finding_known(conn, db_path, org, code, key)? {
                    errors.push(format!(
                        "line {line}: no recorded finding {org}/{code} with key {key:?} in this database; \
                         was the sheet exported from it?"
                    ));
                    continue;
                }
                fix_decision(org, code, other, key)
            }
            other => {
                errors.push(format!("line {line}: unknown kind {other:?}: use pair, cluster_member or fix"));
                continue;
            }
        };
        d.decision = decision;
        d.comment = opt(c_comment);
        d.reviewer = match opt(c_reviewer) {
            r if r.is_empty() => default_reviewer.to_string(),
            r => r,
        };
        match seen.get(&d.key()) {
            Some((first, dec)) if *dec != d.decision => {
                errors.push(format!(
                    "line {line}: decision {} contradicts {} on line {first} for the same item",
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
