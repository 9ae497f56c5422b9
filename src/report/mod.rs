//! Every output file is rendered here: reports for people (report.xlsx, report.md, pending.csv,
//! the console summaries, the review sheet) and files for machines (orgs_fixed.csv,
//! id_remap.csv, parent_fixes.csv, findings.csv, clusters.csv, pairs.csv, coverage.csv,
//! changes.csv, summary.json).
//!
//! Counts are computed from the pipeline's result once (`counts`, with polars; `RunReport`);
//! each table has one row function (`tables`) that feeds its CSV, its sheet and report.md
//! (`table`). Words for people come from `labels` in the chosen language; machine files keep
//! English column names and codes. No wall-clock time goes into CSV, Markdown or XLSX; the run's
//! time is in summary.json only.

pub mod changes;
pub mod charts;
pub mod commands;
pub mod console;
pub mod counts;
pub mod coverage;
pub mod fixed;
pub mod history;
pub mod labels;
pub mod lookup;
pub mod markdown;
pub mod matching;
pub mod outputs;
pub mod pending;
pub mod review;
pub mod scope;
pub mod sheets;
pub mod table;
pub mod tables;
pub mod xlsx;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Confidence, FileCounts, RecIdx};
use crate::pipeline::Pipeline;

pub use crate::rows::{input_info, InputInfo};
use pending::PendingItem;

#[derive(Debug, Clone, Default, Serialize)]
pub struct DedupeStats {
    pub records: u64,
    pub candidate_pairs: u64,
    pub pairs_merged: u64,
    pub pairs_needs_review: u64,
    pub clusters: u64,
    pub records_in_clusters: u64,
    /// Records that disappear from the corrected directory (non-survivors).
    pub records_merged_away: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckStats {
    pub findings: u64,
    pub by_code: BTreeMap<String, u64>,
    pub errors: u64,
    pub warnings: u64,
    /// Structural findings with a proposed parent (not needs_review).
    pub fixes_proposed: u64,
    pub needs_review: u64,
    /// Fixes the re-check turned into needs_review.
    pub fixes_downgraded: u64,
    /// Records whose chain does not reach their own province association.
    pub invisible_to_province: u64,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProvinceStats {
    pub records: u64,
    pub clusters: u64,
    pub records_merged_away: u64,
    pub findings: u64,
    pub invisible: u64,
    pub pending: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorstCluster {
    pub cluster_id: String,
    pub size: usize,
    pub survivor_id: String,
    pub survivor_name: String,
    pub province: String,
}

/// Everything the reports say, computed once.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub tool: &'static str,
    pub version: &'static str,
    pub as_of: String,
    pub inputs: Vec<InputInfo>,
    pub import: FileCounts,
    pub dedupe: DedupeStats,
    pub check: CheckStats,
    pub pending: BTreeMap<String, u64>,
    pub provinces: BTreeMap<String, ProvinceStats>,
    pub worst_clusters: Vec<WorstCluster>,
    pub parent_fixes: u64,
    /// Which divisions' associations are present, missing, duplicated or misplaced, per province.
    pub coverage: crate::coverage::CoverageSummary,
    /// The cross-tables behind the counts above (province × code, queue by province).
    #[serde(skip)]
    pub counts: counts::Counts,
}

/// The province a record is counted under: its resolved province, else its province column.
pub fn province_label(p: &Pipeline, i: RecIdx) -> String {
    counts::province_of(p, i).to_string()
}

pub fn build(
    p: &Pipeline,
    pending: &[PendingItem],
    parent_fixes: usize,
    as_of: NaiveDate,
) -> crate::Result<RunReport> {
    let dir = &p.dir;
    let counts = counts::count(p, pending)
        .map_err(|e| crate::Error::Internal(format!("counting with polars: {e}")))?;
    let cl = &p.dedupe.clusters;
    let mut dd = DedupeStats {
        records: dir.len() as u64,
        candidate_pairs: p.dedupe.candidate_pairs as u64,
        clusters: cl.clusters.len() as u64,
        ..DedupeStats::default()
    };
    for pair in &p.dedupe.pairs {
        match pair.decision {
            crate::dedupe::PairDecision::Merged => dd.pairs_merged += 1,
            crate::dedupe::PairDecision::NeedsReview => dd.pairs_needs_review += 1,
        }
    }
    for s in counts.provinces.values() {
        dd.records_merged_away += s.records_merged_away;
    }
    dd.records_in_clusters = dd.records_merged_away + dd.clusters;

    let mut ck = CheckStats {
        findings: p.check.findings.len() as u64,
        by_code: counts.by_code.clone(),
        errors: counts.by_severity.get("error").copied().unwrap_or(0),
        warnings: counts.by_severity.get("warning").copied().unwrap_or(0),
        fixes_downgraded: p.check.downgraded as u64,
        invisible_to_province: p.check.invisible_by_province.iter().map(|x| x.1).sum(),
        ..CheckStats::default()
    };
    for fix in p.check.findings.iter().filter_map(|f| f.fix.as_ref()) {
        if fix.confidence == Confidence::NeedsReview || fix.new_parent.is_none() {
            ck.needs_review += 1;
        } else {
            ck.fixes_proposed += 1;
        }
    }

    let mut worst: Vec<&crate::model::Cluster> = cl.clusters.iter().collect();
    worst.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then_with(|| a.id.cmp(&b.id)));
    let worst_clusters = worst
        .into_iter()
        .take(10)
        .map(|c| WorstCluster {
            cluster_id: c.id.clone(),
            size: c.members.len(),
            survivor_id: dir.id(c.survivor).to_string(),
            survivor_name: dir.name(c.survivor).to_string(),
            province: province_label(p, c.survivor),
        })
        .collect();

    Ok(RunReport {
        tool: "orgclean",
        version: env!("CARGO_PKG_VERSION"),
        as_of: as_of.to_string(),
        inputs: input_info(dir),
        import: dir.totals(),
        dedupe: dd,
        check: ck,
        pending: counts.pending.clone(),
        provinces: counts.provinces.clone(),
        worst_clusters,
        parent_fixes: parent_fixes as u64,
        coverage: p.coverage.summary.clone(),
        counts,
    })
}

/// Provinces ordered by how much work they have (findings + merged records), then by name.
pub fn top_provinces(r: &RunReport, n: usize) -> Vec<(&String, &ProvinceStats)> {
    let mut v: Vec<(&String, &ProvinceStats)> = r.provinces.iter().collect();
    v.sort_by(|a, b| {
        let wa = a.1.findings + a.1.records_merged_away;
        let wb = b.1.findings + b.1.records_merged_away;
        wb.cmp(&wa).then_with(|| a.0.cmp(b.0))
    });
    v.truncate(n);
    v
}
