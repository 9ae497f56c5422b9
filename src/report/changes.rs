//! What changed since the last run, for people (report.md section, report.xlsx sheet), for
//! machines (changes.csv) and for monitoring (`--json`).

use std::fmt::Write as _;
use std::path::Path;

use crate::audit::diff::{self, Change, Diff, Kind};
use crate::audit::snapshot::Snapshot;
use crate::error::Result;
use crate::lang::Lang;
use crate::output;

use super::labels;
use super::table::{md_cell, Cell};
use super::xlsx::{Band, Sheet};

pub const HEADER: [&str; 6] = ["change", "kind", "key", "org_id", "code", "detail"];

fn detail(r: &diff::ChangeRow) -> String {
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
    output::write_csv_for(path, &HEADER, rows, output::Audience::Machine)
}

/// How the previous run is named in reports: its number and as-of date (no wall-clock time, so
/// that the report stays reproducible).
fn previous_label(prev: Option<(i64, &str)>, lang: Lang) -> String {
    match (prev, lang) {
        (Some((id, as_of)), Lang::Zh) => format!("第 {id} 次运行（数据日期 {as_of}）"),
        (Some((id, as_of)), Lang::En) => format!("run #{id} (as of {as_of})"),
        (None, _) => lang.pick("没有更早的运行", "no earlier run").into(),
    }
}

/// The "Since last run" section of report.md; lists at most `limit` rows per table.
pub fn markdown(d: &Diff, prev: Option<(i64, &str)>, limit: usize, lang: Lang) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## {}\n", lang.pick("与上次运行相比", "Since last run"));
    if prev.is_none() {
        let _ = writeln!(
            s,
            "{}\n",
            lang.pick(
                "这是审计数据库中记录的第一次运行：所有问题和重复组都是新增的。",
                "This is the first run recorded in the audit database: every finding and cluster is new."
            )
        );
    } else {
        let _ = writeln!(
            s,
            "{}\n",
            match lang {
                Lang::Zh =>
                    format!("对比对象：{}。所有变化都列在 changes.csv 中。", previous_label(prev, lang)),
                Lang::En => format!(
                    "Compared with {}. Every change is listed in changes.csv.",
                    previous_label(prev, lang)
                ),
            }
        );
    }
    let _ = writeln!(
        s,
        "| {} | {} | {} |\n| --- | ---: | ---: |",
        lang.pick("变化", "change"),
        lang.pick("问题", "findings"),
        lang.pick("重复组", "clusters")
    );
    for c in [Change::New, Change::Resolved, Change::Persisting] {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            labels::change(c, lang),
            d.count(c, Kind::Finding),
            d.count(c, Kind::Cluster)
        );
    }
    let new_by_code = d.new_by_code();
    if !new_by_code.is_empty() {
        let _ = writeln!(
            s,
            "\n{}\n\n| {} | {} |\n| --- | ---: |",
            lang.pick("新增问题（按类型）：", "New findings by code:"),
            lang.pick("问题", "code"),
            lang.pick("新增", "new")
        );
        for (code, n) in &new_by_code {
            let label = crate::model::FindingCode::parse(code).map(|c| labels::code(c, lang)).unwrap_or(code);
            let _ = writeln!(s, "| {label} | {n} |");
        }
    }
    let mut table = |title: &str, rows: Vec<&diff::ChangeRow>| {
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(
            s,
            "\n### {title}\n\n| {} | {} | {} |\n| --- | --- | --- |",
            lang.pick("类别", "kind"),
            lang.pick("键", "key"),
            lang.pick("说明", "detail")
        );
        for r in rows.iter().take(limit) {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                labels::kind(r.kind, lang),
                md_cell(&r.key),
                md_cell(&detail(r))
            );
        }
        if rows.len() > limit {
            let more = rows.len() - limit;
            let _ = writeln!(
                s,
                "\n{}",
                match lang {
                    Lang::Zh => format!("……另有 {more} 条，见 changes.csv。"),
                    Lang::En => format!("… and {more} more in changes.csv."),
                }
            );
        }
    };
    if prev.is_some() {
        table(lang.pick("新增", "New"), d.rows.iter().filter(|r| r.change == Change::New).collect());
        table(
            lang.pick("已解决", "Resolved"),
            d.rows.iter().filter(|r| r.change == Change::Resolved).collect(),
        );
        let mut longest: Vec<_> = d.rows.iter().filter(|r| r.change == Change::Persisting).collect();
        longest.sort_by(|a, b| b.nights.cmp(&a.nights).then(a.key.cmp(&b.key)));
        table(lang.pick("持续时间最长", "Persisting longest"), longest);
    }
    s
}

/// The "Since last run" sheet of report.xlsx: every change, one row each.
pub fn sheet(d: &Diff, lang: Lang) -> Sheet<'_> {
    let rows: Vec<Vec<Cell>> = d
        .rows
        .iter()
        .map(|r| {
            let code = crate::model::FindingCode::parse(&r.code).map(|c| labels::code(c, lang)).unwrap_or("");
            vec![
                Cell::text(labels::change(r.change, lang)),
                Cell::text(labels::kind(r.kind, lang)),
                Cell::text(r.key.as_str()),
                Cell::text(r.org_id.as_str()),
                Cell::text(code),
                Cell::Int(r.nights as u64),
                Cell::text(r.detail.as_str()),
            ]
        })
        .collect();
    let header = [
        lang.pick("变化", "change"),
        lang.pick("类别", "kind"),
        lang.pick("键", "key"),
        lang.pick("组织ID", "org id"),
        lang.pick("问题", "finding"),
        lang.pick("连续天数", "nights"),
        lang.pick("说明", "detail"),
    ]
    .map(String::from)
    .to_vec();
    let mut sheet = Sheet::new(lang.pick("与上次相比", "Since last run"), header, rows);
    sheet.band = Some(Band::by(0, lang));
    sheet
}

/// The `--json` summary: counts of this run and every new or resolved item (persisting ones are
/// counted only: they are in changes.csv).
pub fn json(
    run_id: i64,
    prev: Option<(i64, &str)>,
    snap: &Snapshot,
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
