//! `run`/`audit --province P`: the analysis has run on the whole dump (a parent, a duplicate or
//! a chain may lie in another province); here its rows are cut down to what concerns P, once,
//! before any file is rendered, so that every renderer writes what it is given.
//!
//! What concerns P (docs/run.md): a finding on a record of P; a pair or a cluster with a record
//! in P (a cluster whole, survivor and members, wherever they are — id_remap.csv keeps every
//! member of such a cluster, so that the sync team never applies half a merge); a parent change,
//! a certification-queue item, a corrected record of `orgs_fixed.csv` of a record of P; P's
//! divisions in coverage. Derived tables (parent changes, the certification queue) are made on
//! the whole run first: a record of P whose parent in another province was merged away still
//! gets its new parent.

use std::collections::HashMap;

use crate::model::RecIdx;
use crate::pipeline::Pipeline;
use crate::province::ProvinceFilter;

use super::fixed::ParentChange;
use super::pending::PendingItem;
use super::RunReport;

/// Per record: whether it is in province `f`.
pub fn records_in(p: &Pipeline, f: &ProvinceFilter) -> Vec<bool> {
    (0..p.dir.len() as RecIdx).map(|i| f.matches(p.province_of(i))).collect()
}

/// Keep in `p`, `changes` and `queue` only the rows that concern the records marked in `keep`.
pub fn restrict(
    p: &mut Pipeline,
    keep: &[bool],
    f: &ProvinceFilter,
    changes: &mut Vec<ParentChange>,
    queue: &mut Vec<PendingItem>,
) {
    let k = |i: RecIdx| keep[i as usize];
    p.check.findings.retain(|x| k(x.org));
    p.check.invisible_by_province.retain(|x| x.0 == f.code);
    changes.retain(|c| k(c.org));
    queue.retain(|q| k(q.org));

    // Pairs, and the index of each kept pair in the new list (the clusters' merge links).
    let d = &mut p.dedupe;
    let mut new_index: HashMap<usize, usize> = HashMap::new();
    let mut pairs = Vec::new();
    for (i, x) in std::mem::take(&mut d.pairs).into_iter().enumerate() {
        if k(x.a) || k(x.b) {
            new_index.insert(i, pairs.len());
            pairs.push(x);
        }
    }
    d.pairs = pairs;
    d.clusters.clusters.retain(|c| c.members.iter().any(|&m| k(m)));
    d.clusters.cluster_of.iter_mut().for_each(|c| *c = None);
    for (n, c) in d.clusters.clusters.iter().enumerate() {
        for &m in &c.members {
            d.clusters.cluster_of[m as usize] = Some(n as u32);
        }
    }
    let of = &d.clusters.cluster_of;
    d.link = std::mem::take(&mut d.link)
        .into_iter()
        .filter(|(m, _)| of[*m as usize].is_some())
        .filter_map(|(m, i)| new_index.get(&i).map(|&j| (m, j)))
        .collect();

    let cov = &mut p.coverage;
    let g = crate::geo::Gazetteer::global();
    cov.rows.retain(|r| g.province_of(r.division) == Some(f.code));
    cov.unplaced.retain(|&i| k(i));
    cov.summary.provinces.retain(|x| x.code == f.code);
    cov.summary.total = cov.summary.provinces.first().map(|x| x.counts.clone()).unwrap_or_default();
    cov.summary.unplaced_associations = cov.unplaced.len() as u64;
}

/// The report's per-province tables hold P alone; its record count is P's.
pub fn restrict_report(rep: &mut RunReport, f: &ProvinceFilter) {
    let c = &mut rep.counts;
    c.provinces.retain(|name, _| f.matches(name));
    c.by_province_code.retain(|name, _| f.matches(name));
    c.pending_by_province.retain(|name, _| f.matches(name));
    rep.provinces.retain(|name, _| f.matches(name));
    rep.dedupe.records = rep.provinces.values().map(|s| s.records).sum();
}

/// `audit --province P`: the changes since the last night that concern P: findings on a record
/// of P, clusters with a record in P (`p` is the whole run). An item resolved because its
/// record left the dump has no province any more: it is listed only without `--province`.
pub fn restrict_changes(d: &mut crate::audit::diff::Diff, p: &Pipeline, f: &ProvinceFilter) {
    use crate::audit::diff::Kind;
    use std::collections::HashSet;
    let keep = records_in(p, f);
    let ids: HashSet<&str> =
        (0..p.dir.len() as RecIdx).filter(|&i| keep[i as usize]).map(|i| p.dir.id(i).as_str()).collect();
    let clusters: HashSet<&str> = p
        .dedupe
        .clusters
        .clusters
        .iter()
        .filter(|c| c.members.iter().any(|&m| keep[m as usize]))
        .map(|c| c.id.as_str())
        .collect();
    d.rows.retain(|r| match r.kind {
        Kind::Finding => ids.contains(r.org_id.as_str()),
        Kind::Cluster => clusters.contains(r.key.as_str()) || ids.contains(r.org_id.as_str()),
    });
}
