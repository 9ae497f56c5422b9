//! What changed since the last run, for people (report.md section, report.xlsx sheet), for
//! machines (changes.csv) and for monitoring (`--json`).

use std::fmt::Write as _;
use std::path::Path;

use super::diff::{Change, Diff, Kind};
use crate::error::Result;
use crate::output;
use crate::report::xlsx::{Cell, Sheet};

pub const HEADER: [&str; 6] = ["change", "kind", "key", "org_id", "code", "detail"];

fn detail(r: &super::diff::ChangeRow) -> String {
    match r.change {
        Change::Persisting => format!("{} nights in a row; {}", r.nights, r.detail),
        _ => r.detail.clone(),
    }
}

pub fn write_csv(d: &Diff, path: &Path) -> Result<()> {
    let rows = d.rows.iter().map(|r| {
        [
            r.change.as_str().to_string(),
            r.kind.as_str().to_string(),
            r.key.clone(),
            r.org_id.clone(),
            r.code.clone(),
            detail(r),
        ]
    });
    output::write_csv(path, &HEADER, rows)
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// How the previous run is named in reports: its number and as-of date (no wall-clock time, so
/// that the report stays reproducible).
fn previous_label(prev: Option<(i64, &str)>) -> String {
    match prev {
        Some((id, as_of)) => format!("run #{id} (as of {as_of})"),
        None => "no earlier run".into(),
    }
}

/// The "Since last run" section of report.md; lists at most `limit` rows per table.
pub fn markdown(d: &Diff, prev: Option<(i64, &str)>, limit: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Since last run\n");
    if prev.is_none() {
        let _ = writeln!(
            s,
            "This is the first run recorded in the audit database: every finding and cluster is new.\n"
        );
    } else {
        let _ =
            writeln!(s, "Compared with {}. Every change is listed in changes.csv.\n", previous_label(prev));
    }
    let _ = writeln!(s, "| change | findings | clusters |\n| --- | ---: | ---: |");
    for c in [Change::New, Change::Resolved, Change::Persisting] {
        let _ =
            writeln!(s, "| {} | {} | {} |", c.as_str(), d.count(c, Kind::Finding), d.count(c, Kind::Cluster));
    }
    let new_by_code = d.new_by_code();
    if !new_by_code.is_empty() {
        let _ = writeln!(s, "\nNew findings by code:\n\n| code | new |\n| --- | ---: |");
        for (code, n) in &new_by_code {
            let _ = writeln!(s, "| {code} | {n} |");
        }
    }
    let mut table = |title: &str, rows: Vec<&super::diff::ChangeRow>| {
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(s, "\n### {title}\n\n| kind | key | detail |\n| --- | --- | --- |");
        for r in rows.iter().take(limit) {
            let _ = writeln!(s, "| {} | {} | {} |", r.kind.as_str(), cell(&r.key), cell(&detail(r)));
        }
        if rows.len() > limit {
            let _ = writeln!(s, "\n… and {} more in changes.csv.", rows.len() - limit);
        }
    };
    if prev.is_some() {
        table("New", d.rows.iter().filter(|r| r.change == Change::New).collect());
        table("Resolved", d.rows.iter().filter(|r| r.change == Change::Resolved).collect());
        let mut longest: Vec<_> = d.rows.iter().filter(|r| r.change == Change::Persisting).collect();
        longest.sort_by(|a, b| b.nights.cmp(&a.nights).then(a.key.cmp(&b.key)));
        table("Persisting longest", longest);
    }
    s
}

/// The "Since last run" sheet of report.xlsx: every change, one row each.
pub fn sheet(d: &Diff) -> Sheet {
    let rows: Vec<Vec<Cell>> = d
        .rows
        .iter()
        .map(|r| {
            vec![
                Cell::from(r.change.as_str()),
                Cell::from(r.kind.as_str()),
                Cell::from(r.key.as_str()),
                Cell::from(r.org_id.as_str()),
                Cell::from(r.code.as_str()),
                Cell::from(r.nights as u64),
                Cell::from(r.detail.as_str()),
            ]
        })
        .collect();
    let n = rows.len();
    Sheet {
        name: "Since last run".into(),
        header: ["change", "kind", "key", "org_id", "code", "nights", "detail"].map(String::from).to_vec(),
        rows,
        band_by: Some(0),
        bold_rows: vec![false; n],
    }
}

/// The `--json` summary: counts of this run and every new or resolved item (persisting ones are
/// counted only: they are in changes.csv).
pub fn json(
    run_id: i64,
    prev: Option<(i64, &str)>,
    snap: &super::snapshot::Snapshot,
    d: &Diff,
    exit_code: i32,
) -> serde_json::Value {
    let mut by_code = std::collections::BTreeMap::<&str, u64>::new();
    for f in &snap.findings {
        *by_code.entry(f.code.as_str()).or_insert(0) += 1;
    }
    let items: Vec<serde_json::Value> = d
        .rows
        .iter()
        .filter(|r| r.change != Change::Persisting)
        .map(|r| {
            serde_json::json!({
                "change": r.change.as_str(), "kind": r.kind.as_str(), "key": r.key,
                "org_id": r.org_id, "code": r.code, "detail": r.detail,
            })
        })
        .collect();
    let counts = |k: Kind| {
        serde_json::json!({
            "new": d.count(Change::New, k),
            "resolved": d.count(Change::Resolved, k),
            "persisting": d.count(Change::Persisting, k),
        })
    };
    serde_json::json!({
        "run_id": run_id,
        "previous_run_id": prev.map(|p| p.0),
        "as_of": snap.as_of,
        "exit_code": exit_code,
        "counts": {
            "records": snap.records,
            "clusters": snap.clusters.len(),
            "findings": snap.findings.len(),
            "findings_by_code": by_code,
        },
        "changes": {
            "findings": counts(Kind::Finding),
            "clusters": counts(Kind::Cluster),
            "new_findings_by_code": d.new_by_code(),
            "items": items,
        },
    })
}
