//! The sheets of report.xlsx, built from the pipeline's result.

use crate::model::{Field, RecIdx};
use crate::pipeline::Pipeline;

use super::fixed::ParentChange;
use super::pending::PendingItem;
use super::xlsx::{Cell, Sheet};
use super::{province_label, top_provinces, RunReport};

fn text(s: impl Into<String>) -> Cell {
    Cell::from(s.into())
}

fn sheet(name: &str, header: &[&str], rows: Vec<Vec<Cell>>) -> Sheet {
    let n = rows.len();
    Sheet {
        name: name.to_string(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
        band_by: None,
        bold_rows: vec![false; n],
    }
}

pub fn all(p: &Pipeline, r: &RunReport, queue: &[PendingItem], changes: &[ParentChange]) -> Vec<Sheet> {
    let mut v = vec![summary(r, changes.len()), clusters(p), findings(p), pending(p, queue), rejected(p)];
    v.extend(crate::coverage::render::sheets(&p.dir, &p.coverage));
    v
}

fn summary(r: &RunReport, fixes: usize) -> Sheet {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut kv = |k: &str, v: u64| rows.push(vec![text(k), Cell::from(v)]);
    kv("rows read", r.import.rows_read);
    kv("accepted", r.import.accepted);
    kv("rejected (see sheet Rejected rows)", r.import.rejected);
    kv("exact repeats", r.import.exact_repeats);
    kv("duplicate clusters", r.dedupe.clusters);
    kv("records merged away", r.dedupe.records_merged_away);
    kv("pairs for review", r.dedupe.pairs_needs_review);
    kv("findings", r.check.findings);
    kv("parent fixes", fixes as u64);
    kv("findings needing review", r.check.needs_review);
    kv("units invisible to their provincial admin", r.check.invisible_to_province);
    for (code, n) in &r.check.by_code {
        kv(&format!("finding: {code}"), *n);
    }
    for (rec, n) in &r.pending {
        kv(&format!("pending: {rec}"), *n);
    }
    rows.push(vec![Cell::Empty, Cell::Empty]);
    rows.push(vec![text("province (top 10)"), text("findings + merged")]);
    for (prov, st) in top_provinces(r, 10) {
        rows.push(vec![text(prov.as_str()), Cell::from(st.findings + st.records_merged_away)]);
    }
    sheet("Summary", &["what", "count"], rows)
}

fn clusters(p: &Pipeline) -> Sheet {
    let dir = &p.dir;
    let mut rows = Vec::new();
    let mut bold = Vec::new();
    for c in &p.dedupe.clusters.clusters {
        for &m in &c.members {
            let is_survivor = m == c.survivor;
            let reason = if is_survivor {
                "survivor".to_string()
            } else {
                match p.dedupe.link.get(&m).and_then(|&k| p.dedupe.pairs.get(k)) {
                    Some(pair) => format!("{:.2}: {}", pair.score, pair.reasons.join("; ")),
                    None => String::new(),
                }
            };
            rows.push(vec![
                text(c.id.as_str()),
                text(dir.id(m).as_str()),
                text(if is_survivor { "✓" } else { "" }),
                text(dir.name(m)),
                text(province_label(dir, p, m)),
                text(dir.get(m, Field::City)),
                text(dir.get(m, Field::Status)),
                text(dir.get(m, Field::Uscc)),
                text(reason),
            ]);
            bold.push(is_survivor);
        }
    }
    let mut s = sheet(
        "Duplicate clusters",
        &["cluster_id", "org_id", "survivor", "name", "province", "city", "status", "uscc", "reasons"],
        rows,
    );
    s.band_by = Some(0);
    s.bold_rows = bold;
    s
}

fn findings(p: &Pipeline) -> Sheet {
    let dir = &p.dir;
    let id = |i: Option<RecIdx>| i.map(|i| dir.id(i).to_string()).unwrap_or_default();
    let rows = p
        .check
        .findings
        .iter()
        .map(|f| {
            let (proposed, confidence, reason) = match &f.fix {
                Some(fix) => (id(fix.new_parent), fix.confidence.as_str(), fix.reason.clone()),
                None => (String::new(), "", String::new()),
            };
            vec![
                text(dir.id(f.org).as_str()),
                text(f.code.as_str()),
                text(match f.severity {
                    crate::model::Severity::Error => "error",
                    crate::model::Severity::Warning => "warning",
                }),
                text(dir.name(f.org)),
                text(province_label(dir, p, f.org)),
                text(dir.get(f.org, Field::City)),
                text(&*dir.records[f.org as usize].parent_id),
                text(proposed),
                text(confidence),
                text(f.detail.as_str()),
                text(reason),
            ]
        })
        .collect();
    sheet(
        "Hierarchy findings",
        &[
            "org_id",
            "code",
            "severity",
            "name",
            "province",
            "city",
            "parent_id",
            "proposed_parent_id",
            "confidence",
            "detail",
            "reason",
        ],
        rows,
    )
}

fn pending(p: &Pipeline, queue: &[PendingItem]) -> Sheet {
    let rows = queue
        .iter()
        .map(|q| {
            let cells = super::pending::row(p, q);
            cells
                .into_iter()
                .enumerate()
                .map(|(c, v)| match v.parse::<f64>() {
                    Ok(n) if c == super::pending::AGE_COLUMN => Cell::Number(n),
                    _ => text(v),
                })
                .collect()
        })
        .collect();
    sheet("Certification queue", &super::pending::HEADER, rows)
}

fn rejected(p: &Pipeline) -> Sheet {
    let rows = p
        .dir
        .rejected
        .iter()
        .map(|r| {
            vec![text(r.file.as_str()), Cell::from(r.line), text(r.reason.as_str()), text(r.raw.as_str())]
        })
        .collect();
    sheet("Rejected rows", &["file", "line", "reason", "raw"], rows)
}
