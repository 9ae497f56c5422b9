//! Coverage of the association backbone (issue 8): for every province, prefecture-level city and
//! county of the gazetteer, is its 科协 in the directory — once, in the right place?
//!
//! An association is a record that `profile` marks `is_association` with an own division (its
//! level and region come from the org_type column and the name, see docs/levels.md). After dedupe
//! a cluster is one association however many records it has, so claims are counted per cluster
//! (singletons count as their own cluster). Transparent gazetteer rows — a municipality's own city
//! row (北京市 under 北京市) and the 省直辖县级行政区划 placeholders — expect no association: their
//! counties' associations sit directly under the province-level one. See docs/coverage.md.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::geo::{DivCode, DivLevel, Division, Gazetteer};
use crate::model::{Clusters, Directory, Finding, FindingCode, Level, RecIdx};
use crate::profile::OrgProfile;

/// Which divisions are reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The divisions of the provinces some record of the input is in (a one-province dump is not
    /// reported as missing the rest of the country).
    #[default]
    InputProvinces,
    /// Every division of the country.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Exactly one association (one cluster) claims the division and its own parent edge is sound.
    Present,
    /// No association claims the division.
    Missing,
    /// Several clusters claim it: dedupe did not merge them (different credit codes, say), so a
    /// person has to decide which one is the real association.
    Duplicated,
    /// Exactly one association, but its own parent edge has a structural finding.
    Misplaced,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Present, Status::Missing, Status::Duplicated, Status::Misplaced];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Present => "present",
            Status::Missing => "missing",
            Status::Duplicated => "duplicated",
            Status::Misplaced => "misplaced",
        }
    }
}

/// One association claiming a division: a cluster (or a record that is in no cluster).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The record that stands for the association: the cluster survivor when the survivor itself
    /// claims the division, else the first member that does.
    pub representative: RecIdx,
    /// The other records of the representative's cluster (merged into it by dedupe).
    pub merged: Vec<RecIdx>,
}

/// One row of coverage.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRow {
    pub division: DivCode,
    pub level: DivLevel,
    pub status: Status,
    /// Sorted by representative record.
    pub claims: Vec<Claim>,
    /// For `misplaced`: the structural findings on the association's own record.
    pub findings: Vec<(FindingCode, String)>,
}

/// Counts of one province (or of the whole report).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CoverageCounts {
    pub expected: u64,
    pub present: u64,
    pub missing: u64,
    pub duplicated: u64,
    pub misplaced: u64,
    /// Divisions whose association is in place (present or duplicated), in percent of expected,
    /// one decimal. A misplaced association (it exists but hangs under the wrong parent, so the
    /// administrator above does not see its events) does not count: see `misplaced_pct`.
    pub coverage_pct: f64,
    /// Divisions whose association exists but is misplaced, in percent of expected.
    pub misplaced_pct: f64,
}

impl CoverageCounts {
    fn add(&mut self, s: Status) {
        self.expected += 1;
        match s {
            Status::Present => self.present += 1,
            Status::Missing => self.missing += 1,
            Status::Duplicated => self.duplicated += 1,
            Status::Misplaced => self.misplaced += 1,
        }
    }

    fn finish(&mut self) {
        let pct = |n: u64| {
            if self.expected == 0 {
                0.0
            } else {
                (n as f64 * 1000.0 / self.expected as f64).round() / 10.0
            }
        };
        self.coverage_pct = pct(self.present + self.duplicated);
        self.misplaced_pct = pct(self.misplaced);
    }

    pub fn of(&self, s: Status) -> u64 {
        match s {
            Status::Present => self.present,
            Status::Missing => self.missing,
            Status::Duplicated => self.duplicated,
            Status::Misplaced => self.misplaced,
        }
    }
}

/// What the reports and summary.json say about coverage.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CoverageSummary {
    pub scope: Scope,
    /// By province name, in division-code order of the provinces.
    pub provinces: Vec<ProvinceCoverage>,
    pub total: CoverageCounts,
    /// Association records (province, city or county level) whose division could not be pinned
    /// down (an ambiguous county name with no region columns, say): they cover nothing.
    pub unplaced_associations: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProvinceCoverage {
    pub code: DivCode,
    pub province: String,
    #[serde(flatten)]
    pub counts: CoverageCounts,
}

#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// In division-code order.
    pub rows: Vec<CoverageRow>,
    pub summary: CoverageSummary,
    /// See `CoverageSummary::unplaced_associations`, sorted.
    pub unplaced: Vec<RecIdx>,
}

/// A cluster index, or a record in no cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Unit {
    Cluster(u32),
    Single(RecIdx),
}

/// Which divisions the scope reports.
pub fn provinces_in_scope(profiles: &[OrgProfile], g: &Gazetteer, scope: Scope) -> BTreeSet<DivCode> {
    match scope {
        Scope::All => {
            g.divisions().iter().filter(|d| d.level == DivLevel::Province).map(|d| d.code).collect()
        }
        // Folded into small sets on every core: collecting a million codes into one set sorted
        // all of them to keep thirty-odd.
        Scope::InputProvinces => {
            use rayon::prelude::*;
            profiles
                .par_iter()
                .fold(BTreeSet::new, |mut set, p| {
                    set.extend(p.region.province);
                    set
                })
                .reduce(BTreeSet::new, |mut a, b| {
                    a.extend(b);
                    a
                })
        }
    }
}

/// Does the backbone expect an association for this division? Not for the transparent city rows.
pub fn is_expected(d: &Division) -> bool {
    !d.transparent
}

pub fn compute(
    dir: &Directory,
    profiles: &[OrgProfile],
    clusters: &Clusters,
    findings: &[Finding],
    scope: Scope,
) -> Coverage {
    let g = Gazetteer::global();
    let in_scope = provinces_in_scope(profiles, g, scope);
    let claims = claims_by_division(dir, profiles, clusters);
    let own_faults = structural_findings(findings);

    let mut rows = Vec::new();
    for d in g.divisions().iter().filter(|d| in_scope.contains(&d.province) && is_expected(d)) {
        let claims: Vec<Claim> =
            claims.get(&d.code).map(|m| m.values().cloned().collect()).unwrap_or_default();
        let mut claims = claims;
        claims.sort_by_key(|c| c.representative);
        let mut faults = Vec::new();
        let status = match claims.len() {
            0 => Status::Missing,
            1 => {
                faults = own_faults.get(&claims[0].representative).map_or_else(Vec::new, |found| {
                    found.iter().map(|f| (f.code, f.detail.to_string())).collect()
                });
                if faults.is_empty() {
                    Status::Present
                } else {
                    Status::Misplaced
                }
            }
            _ => Status::Duplicated,
        };
        rows.push(CoverageRow { division: d.code, level: d.level, status, claims, findings: faults });
    }

    let mut by_province: BTreeMap<DivCode, CoverageCounts> =
        in_scope.iter().map(|&p| (p, Default::default())).collect();
    let mut total = CoverageCounts::default();
    for r in &rows {
        let p = g.get(r.division).map(|d| d.province).unwrap_or(r.division);
        by_province.entry(p).or_default().add(r.status);
        total.add(r.status);
    }
    total.finish();
    let provinces = by_province
        .into_iter()
        .map(|(code, mut counts)| {
            counts.finish();
            ProvinceCoverage { code, province: g.name_of(code).to_string(), counts }
        })
        .collect();

    let placed = |i: RecIdx| profiles[i as usize].own_division().is_some();
    let unplaced: Vec<RecIdx> = (0..dir.len() as RecIdx)
        .filter(|&i| {
            let p = &profiles[i as usize];
            let cluster_placed = clusters
                .cluster_of
                .get(i as usize)
                .copied()
                .flatten()
                .is_some_and(|c| clusters.clusters[c as usize].members.iter().any(|&m| placed(m)));
            p.is_association
                && matches!(p.level, Level::Province | Level::City | Level::County)
                && !placed(i)
                && !clusters.is_merged_away(i)
                && !cluster_placed
        })
        .collect();
    let summary = CoverageSummary { scope, provinces, total, unplaced_associations: unplaced.len() as u64 };
    Coverage { rows, summary, unplaced }
}

/// Every division claimed by an association, with one claim per cluster.
fn claims_by_division(
    dir: &Directory,
    profiles: &[OrgProfile],
    clusters: &Clusters,
) -> HashMap<DivCode, BTreeMap<Unit, Claim>> {
    let mut out: HashMap<DivCode, BTreeMap<Unit, Claim>> = HashMap::new();
    for i in 0..dir.len() as RecIdx {
        let Some(d) = profiles[i as usize].own_division() else {
            continue;
        };
        let cluster = clusters.cluster_of.get(i as usize).copied().flatten();
        let unit = cluster.map_or(Unit::Single(i), Unit::Cluster);
        let members = |rep: RecIdx| -> Vec<RecIdx> {
            match cluster {
                Some(c) => {
                    clusters.clusters[c as usize].members.iter().copied().filter(|&m| m != rep).collect()
                }
                None => Vec::new(),
            }
        };
        let is_survivor = cluster.is_some_and(|c| clusters.clusters[c as usize].survivor == i);
        let slot = out.entry(d).or_default();
        match slot.get_mut(&unit) {
            // Records are visited in index order: the first member claiming the division stands for
            // the cluster unless the survivor itself claims it.
            Some(claim) if is_survivor => {
                *claim = Claim { representative: i, merged: members(i) };
            }
            Some(_) => {}
            None => {
                slot.insert(unit, Claim { representative: i, merged: members(i) });
            }
        }
    }
    out
}

/// Structural findings per record that mean the record's own place in the tree is wrong.
/// `parent_is_duplicate` is left out: the merge re-points the edge to the survivor, which is the
/// right parent.
/// (Their details are put in words only for the rows that show them.)
fn structural_findings(findings: &[Finding]) -> HashMap<RecIdx, Vec<&Finding>> {
    let mut out: HashMap<RecIdx, Vec<&Finding>> = HashMap::new();
    for f in findings {
        if f.code.is_structural() && f.code != FindingCode::ParentIsDuplicate {
            out.entry(f.org).or_default().push(f);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests;
