//! Step 4: reports for people (report.xlsx, report.md, pending.csv) and files for machines
//! (orgs_fixed.csv, id_remap.csv, parent_fixes.csv, summary.json).
//!
//! Everything here is computed from the pipeline's result once (`RunReport`), then rendered.
//! No wall-clock time goes into CSV, Markdown or XLSX; the run's time is in summary.json only.

pub mod fixed;
pub mod lookup;
pub mod markdown;
pub mod matching;
pub mod pending;
pub mod sheets;
pub mod xlsx;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::geo::Gazetteer;
use crate::model::{Confidence, Directory, Field, FileCounts, RecIdx, Severity};
use crate::pipeline::Pipeline;

use pending::PendingItem;

#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
    pub encoding: String,
    pub counts: FileCounts,
}

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
}

/// The province a record is counted under: its resolved province, else its province column.
pub fn province_label(dir: &Directory, p: &Pipeline, i: RecIdx) -> String {
    let g = Gazetteer::global();
    match p.profiles[i as usize].region.province {
        Some(code) => g.name_of(code).to_string(),
        None => match dir.get(i, Field::Province) {
            "" => "(unknown)".to_string(),
            s => s.to_string(),
        },
    }
}

/// The input files as summary.json and the audit database record them.
pub fn input_info(dir: &Directory) -> Vec<InputInfo> {
    dir.files
        .iter()
        .map(|f| InputInfo {
            path: f.display.clone(),
            bytes: f.bytes,
            sha256: f.sha256.clone(),
            encoding: f.encoding.to_string(),
            counts: f.counts,
        })
        .collect()
}

pub fn build(p: &Pipeline, pending: &[PendingItem], parent_fixes: usize, as_of: NaiveDate) -> RunReport {
    let dir = &p.dir;
    let inputs = input_info(dir);
    let prov: Vec<String> = (0..dir.len() as RecIdx).map(|i| province_label(dir, p, i)).collect();
    let mut provinces: BTreeMap<String, ProvinceStats> = BTreeMap::new();
    for label in &prov {
        provinces.entry(label.clone()).or_default().records += 1;
    }

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
    for c in &cl.clusters {
        dd.records_in_clusters += c.members.len() as u64;
        dd.records_merged_away += c.members.len() as u64 - 1;
        let ps = provinces.entry(prov[c.survivor as usize].clone()).or_default();
        ps.clusters += 1;
        ps.records_merged_away += c.members.len() as u64 - 1;
    }

    let mut ck = CheckStats::default();
    for f in &p.check.findings {
        ck.findings += 1;
        *ck.by_code.entry(f.code.as_str().to_string()).or_default() += 1;
        match f.severity {
            Severity::Error => ck.errors += 1,
            Severity::Warning => ck.warnings += 1,
        }
        if let Some(fix) = &f.fix {
            if fix.confidence == Confidence::NeedsReview || fix.new_parent.is_none() {
                ck.needs_review += 1;
            } else {
                ck.fixes_proposed += 1;
            }
        }
        provinces.entry(prov[f.org as usize].clone()).or_default().findings += 1;
    }
    ck.fixes_downgraded = p.check.downgraded as u64;
    let g = Gazetteer::global();
    for &(code, n) in &p.check.invisible_by_province {
        ck.invisible_to_province += n;
        provinces.entry(g.name_of(code).to_string()).or_default().invisible += n;
    }

    let mut pend: BTreeMap<String, u64> = BTreeMap::new();
    for item in pending {
        *pend.entry(item.recommendation.as_str().to_string()).or_default() += 1;
        provinces.entry(prov[item.org as usize].clone()).or_default().pending += 1;
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
            province: prov[c.survivor as usize].clone(),
        })
        .collect();

    RunReport {
        tool: "orgclean",
        version: env!("CARGO_PKG_VERSION"),
        as_of: as_of.to_string(),
        inputs,
        import: dir.totals(),
        dedupe: dd,
        check: ck,
        pending: pend,
        provinces,
        worst_clusters,
        parent_fixes: parent_fixes as u64,
        coverage: p.coverage.summary.clone(),
    }
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
