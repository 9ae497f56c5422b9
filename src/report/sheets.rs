//! The sheets of report.xlsx, built from the pipeline's result.

use crate::model::{Field, RecIdx};
use crate::pipeline::Pipeline;

use super::fixed::ParentChange;
use super::pending::PendingItem;
use super::xlsx::{Cell, Sheet};
use super::{province_label, top_provinces, RunReport};

pub fn all(p: &Pipeline, r: &RunReport, queue: &[PendingItem], changes: &[ParentChange]) -> Vec<Sheet> {
    let mut v = vec![summary(r, changes.len()), clusters(p), findings(p), pending(p, queue), rejected(p)];
    v.extend(crate::coverage::render::sheets(&p.dir, &p.coverage));
    v
}

fn summary(r: &RunReport, fixes: usize) -> Sheet {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut kv = |k: &str, v: u64| rows.push(vec![Cell::text(k), Cell::from(v)]);
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
    rows.push(vec![Cell::text("province (top 10)"), Cell::text("findings + merged")]);
    for (prov, st) in top_provinces(r, 10) {
        rows.push(vec![Cell::text(prov.as_str()), Cell::from(st.findings + st.records_merged_away)]);
    }
    Sheet::new("Summary", &["what", "count"], rows)
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
                    Some(pair) => format!(
                        "{:.2}: {}",
                        pair.score,
                        crate::dedupe::reason::join(&pair.reasons, crate::lang::Lang::En)
                    ),
                    None => String::new(),
                }
            };
            rows.push(vec![
                Cell::text(c.id.as_str()),
                Cell::text(dir.id(m).as_str()),
                Cell::text(if is_survivor { "✓" } else { "" }),
                Cell::text(dir.name(m)),
                Cell::text(province_label(dir, p, m)),
                Cell::text(dir.get(m, Field::City)),
                Cell::text(dir.get(m, Field::Status)),
                Cell::text(dir.get(m, Field::Uscc)),
                Cell::text(reason),
            ]);
            bold.push(is_survivor);
        }
    }
    let mut s = Sheet::new(
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
                Cell::text(dir.id(f.org).as_str()),
                Cell::text(f.code.as_str()),
                Cell::text(match f.severity {
                    crate::model::Severity::Error => "error",
                    crate::model::Severity::Warning => "warning",
                }),
                Cell::text(dir.name(f.org)),
                Cell::text(province_label(dir, p, f.org)),
                Cell::text(dir.get(f.org, Field::City)),
                Cell::text(&*dir.records[f.org as usize].parent_id),
                Cell::text(proposed),
                Cell::text(confidence),
                Cell::text(f.detail.as_str()),
                Cell::text(reason),
            ]
        })
        .collect();
    Sheet::new(
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
                    _ => Cell::text(v),
                })
                .collect()
        })
        .collect();
    Sheet::new("Certification queue", &super::pending::HEADER, rows)
}

fn rejected(p: &Pipeline) -> Sheet {
    let rows = p
        .dir
        .rejected
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.file.as_str()),
                Cell::from(r.line),
                Cell::text(r.reason.as_str()),
                Cell::text(r.raw.as_str()),
            ]
        })
        .collect();
    Sheet::new("Rejected rows", &["file", "line", "reason", "raw"], rows)
}
