//! New / resolved / persisting between the previous run and this one, for findings (keyed by org
//! id + code) and clusters (keyed by cluster id, which derives from the survivor's id).

use std::collections::BTreeMap;

use super::snapshot::{FindingRow, Snapshot};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    New,
    Resolved,
    Persisting,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Resolved => "resolved",
            Change::Persisting => "persisting",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Finding,
    Cluster,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Finding => "finding",
            Kind::Cluster => "cluster",
        }
    }
}

/// What the previous run recorded, as much as the comparison needs.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    pub run_id: i64,
    pub as_of: String,
    /// Records the run read (accepted rows).
    pub records: u64,
    /// How its items were stored, to write only what changed.
    pub stored: super::store::StoredSpans,
    /// (org_id, code) → (nights in a row, detail).
    pub findings: BTreeMap<(String, String), (u32, String)>,
    /// cluster id → (nights in a row, member ids sorted).
    pub clusters: BTreeMap<String, (u32, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    pub change: Change,
    pub kind: Kind,
    pub key: String,
    pub org_id: String,
    pub code: String,
    pub detail: String,
    /// Consecutive runs (nights) the item has been seen, this one included; 0 for resolved.
    pub nights: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Diff {
    /// Sorted by change, kind, key.
    pub rows: Vec<ChangeRow>,
    /// Per finding of this run, in snapshot order: nights in a row.
    pub finding_nights: Vec<u32>,
    /// Per cluster of this run, in snapshot order.
    pub cluster_nights: Vec<u32>,
}

impl Diff {
    pub fn count(&self, change: Change, kind: Kind) -> usize {
        self.rows.iter().filter(|r| r.change == change && r.kind == kind).count()
    }

    /// New findings per code, for `--fail-on`.
    pub fn new_by_code(&self) -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        for r in self.rows.iter().filter(|r| r.change == Change::New && r.kind == Kind::Finding) {
            *m.entry(r.code.clone()).or_insert(0) += 1;
        }
        m
    }
}

pub fn finding_key(org_id: &str, code: &str) -> String {
    format!("{org_id}/{code}")
}

fn finding_row(change: Change, f: &FindingRow, nights: u32) -> ChangeRow {
    ChangeRow {
        change,
        kind: Kind::Finding,
        key: finding_key(&f.org_id, &f.code),
        org_id: f.org_id.clone(),
        code: f.code.clone(),
        detail: f.detail.clone(),
        nights,
    }
}

fn members_text(ids: &[String]) -> String {
    format!("{} records: {}", ids.len(), ids.join(", "))
}

/// Compare this run with the previous one (`None`: the first run, everything is new).
pub fn compare(prev: Option<&Previous>, cur: &Snapshot) -> Diff {
    let empty = Previous::default();
    let prev = prev.unwrap_or(&empty);
    let mut d = Diff::default();

    for f in &cur.findings {
        match prev.findings.get(&f.key()) {
            Some((n, _)) => {
                d.finding_nights.push(n + 1);
                d.rows.push(finding_row(Change::Persisting, f, n + 1));
            }
            None => {
                d.finding_nights.push(1);
                d.rows.push(finding_row(Change::New, f, 1));
            }
        }
    }
    let now: std::collections::HashSet<(String, String)> = cur.findings.iter().map(|f| f.key()).collect();
    for ((org_id, code), (_, detail)) in &prev.findings {
        if !now.contains(&(org_id.clone(), code.clone())) {
            d.rows.push(ChangeRow {
                change: Change::Resolved,
                kind: Kind::Finding,
                key: finding_key(org_id, code),
                org_id: org_id.clone(),
                code: code.clone(),
                detail: detail.clone(),
                nights: 0,
            });
        }
    }

    for c in &cur.clusters {
        let ids = c.member_ids();
        let (change, nights, detail) = match prev.clusters.get(&c.cluster_id) {
            Some((n, was)) if *was == ids => (Change::Persisting, n + 1, members_text(&ids)),
            Some((n, was)) => (
                Change::Persisting,
                n + 1,
                format!("{}; members changed, were: {}", members_text(&ids), was.join(", ")),
            ),
            None => (Change::New, 1, members_text(&ids)),
        };
        d.cluster_nights.push(nights);
        d.rows.push(ChangeRow {
            change,
            kind: Kind::Cluster,
            key: c.cluster_id.clone(),
            org_id: c.survivor_id.clone(),
            code: String::new(),
            detail,
            nights,
        });
    }
    let now: std::collections::HashSet<&str> = cur.clusters.iter().map(|c| c.cluster_id.as_str()).collect();
    for (id, (_, was)) in &prev.clusters {
        if !now.contains(id.as_str()) {
            d.rows.push(ChangeRow {
                change: Change::Resolved,
                kind: Kind::Cluster,
                key: id.clone(),
                org_id: id.strip_prefix("C-").unwrap_or(id).to_string(),
                code: String::new(),
                detail: members_text(was),
                nights: 0,
            });
        }
    }
    d.rows.sort_by(|a, b| (a.change, a.kind, &a.key).cmp(&(b.change, b.kind, &b.key)));
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::snapshot::{ClusterRow, Member};

    fn finding(org: &str, code: &str) -> FindingRow {
        FindingRow {
            org_id: org.into(),
            code: code.into(),
            severity: "error".into(),
            name: String::new(),
            detail: format!("{org} {code}"),
            proposed_parent_id: String::new(),
            proposed_parent_name: String::new(),
            confidence: String::new(),
            reason: String::new(),
            inputs_hash: String::new(),
            detail_zh: String::new(),
            reason_zh: String::new(),
        }
    }

    fn cluster(id: &str, members: &[&str]) -> ClusterRow {
        ClusterRow {
            cluster_id: id.into(),
            survivor_id: id.trim_start_matches("C-").into(),
            members: members
                .iter()
                .map(|m| Member {
                    id: m.to_string(),
                    name: String::new(),
                    score: None,
                    reason: String::new(),
                    reason_zh: String::new(),
                })
                .collect(),
        }
    }

    fn snap(findings: Vec<FindingRow>, clusters: Vec<ClusterRow>) -> Snapshot {
        Snapshot {
            started_at: String::new(),
            as_of: String::new(),
            settings_json: String::new(),
            records: 0,
            inputs: vec![],
            findings,
            clusters,
            review_pairs: vec![],
            places: vec![],
        }
    }

    #[test]
    fn first_run_is_all_new() {
        let d = compare(None, &snap(vec![finding("A", "cycle")], vec![cluster("C-X", &["X", "Y"])]));
        assert_eq!(d.count(Change::New, Kind::Finding), 1);
        assert_eq!(d.count(Change::New, Kind::Cluster), 1);
        assert_eq!(d.finding_nights, vec![1]);
        assert_eq!(d.new_by_code().get("cycle"), Some(&1));
    }

    #[test]
    fn new_resolved_persisting_with_nights() {
        let mut prev = Previous::default();
        prev.findings.insert(("A".into(), "cycle".into()), (3, "old".into()));
        prev.findings.insert(("B".into(), "self_parent".into()), (1, "gone".into()));
        prev.clusters.insert("C-X".into(), (2, vec!["X".into(), "Y".into(), "Z".into()]));
        prev.clusters.insert("C-Q".into(), (1, vec!["Q".into(), "R".into()]));
        let cur = snap(
            vec![finding("A", "cycle"), finding("C", "skips_province")],
            vec![cluster("C-X", &["X", "Y"])],
        );
        let d = compare(Some(&prev), &cur);
        let got: Vec<(&str, &str, &str, u32)> =
            d.rows.iter().map(|r| (r.change.as_str(), r.kind.as_str(), r.key.as_str(), r.nights)).collect();
        assert_eq!(
            got,
            vec![
                ("new", "finding", "C/skips_province", 1),
                ("resolved", "finding", "B/self_parent", 0),
                ("resolved", "cluster", "C-Q", 0),
                ("persisting", "finding", "A/cycle", 4),
                ("persisting", "cluster", "C-X", 3),
            ]
        );
        assert_eq!(d.finding_nights, vec![4, 1]);
        assert!(d.rows[4].detail.contains("were: X, Y, Z"));
    }
}
