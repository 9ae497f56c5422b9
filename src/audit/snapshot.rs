//! One run as rows keyed by stable ids, ready to store and compare.

use serde::{Deserialize, Serialize};

use crate::dedupe::PairDecision;
use crate::lang::Lang;
use crate::model::RecIdx;
use crate::pipeline::Pipeline;
use crate::rows;
use crate::settings::RunSettings;

#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub org_id: String,
    pub code: String,
    pub severity: String,
    pub name: String,
    pub detail: String,
    /// Empty when no parent is proposed (needs_review, credit-code findings).
    pub proposed_parent_id: String,
    pub proposed_parent_name: String,
    /// high / medium / low / needs_review, or empty for findings without a fix.
    pub confidence: String,
    pub reason: String,
    pub inputs_hash: String,
    /// `detail` and `reason` in Chinese, for the review sheet.
    pub detail_zh: String,
    pub reason_zh: String,
}

impl FindingRow {
    pub fn key(&self) -> (String, String) {
        (self.org_id.clone(), self.code.clone())
    }
}

/// A member of a cluster as stored (JSON in the database).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    /// Score and reasons of the merge that explains this member (none for the survivor).
    #[serde(default)]
    pub score: Option<f32>,
    #[serde(default)]
    pub reason: String,
    /// The same reason in Chinese, for the review sheet (empty in databases before v5).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason_zh: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClusterRow {
    pub cluster_id: String,
    pub survivor_id: String,
    /// Sorted by id.
    pub members: Vec<Member>,
}

impl ClusterRow {
    pub fn member_ids(&self) -> Vec<String> {
        self.members.iter().map(|m| m.id.clone()).collect()
    }
}

/// A grey-zone pair: scored for review, not merged.
#[derive(Debug, Clone, PartialEq)]
pub struct PairRow {
    pub a_id: String,
    pub b_id: String,
    pub a_name: String,
    pub b_name: String,
    pub score: f32,
    pub reasons: String,
    /// The same reasons in Chinese, for the review sheet (empty in databases before v5).
    pub reasons_zh: String,
}

/// Where a record of the run's items is (for the review sheet's 省份/地市 and `--province`).
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub org_id: String,
    pub province: String,
    pub city: String,
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub started_at: String,
    pub as_of: String,
    pub settings_json: String,
    pub records: u64,
    pub inputs: Vec<rows::InputInfo>,
    /// Sorted by (org_id, code).
    pub findings: Vec<FindingRow>,
    /// Sorted by cluster id.
    pub clusters: Vec<ClusterRow>,
    /// Sorted by (a_id, b_id).
    pub review_pairs: Vec<PairRow>,
    /// The place of every record named by a finding, cluster or review pair; sorted by id.
    pub places: Vec<Place>,
}

/// The run as stored. Rows come from the same row functions as the reports (`rows`); machine
/// words (codes, severities, English reasons) are stored whatever the report language.
pub fn of(p: &Pipeline, s: &RunSettings, started_at: String) -> Snapshot {
    let dir = &p.dir;
    let id = |i: RecIdx| dir.id(i).to_string();
    let inputs = rows::input_info(dir);

    let mut findings: Vec<FindingRow> = p
        .check
        .findings
        .iter()
        .map(|f| {
            let r = rows::finding(f);
            FindingRow {
                org_id: id(r.org),
                code: r.code.as_str().to_string(),
                severity: r.severity.as_str().to_string(),
                name: dir.name(r.org).to_string(),
                detail: r.detail.to_string(),
                proposed_parent_id: rows::id_of(dir, r.proposed).to_string(),
                proposed_parent_name: rows::name_of(dir, r.proposed).to_string(),
                confidence: rows::confidence_word(r.confidence).to_string(),
                reason: r.reason,
                inputs_hash: super::inputs_hash(dir, r.org),
                detail_zh: r.detail.text(Lang::Zh),
                reason_zh: f.fix.as_ref().map(|x| x.reason.text(Lang::Zh)).unwrap_or_default(),
            }
        })
        .collect();
    findings.sort_by(|a, b| (&a.org_id, &a.code).cmp(&(&b.org_id, &b.code)));

    let mut clusters: Vec<ClusterRow> = Vec::with_capacity(p.dedupe.clusters.clusters.len());
    for m in rows::cluster_members(&p.dedupe) {
        if clusters.last().is_none_or(|c: &ClusterRow| c.cluster_id != m.cluster_id) {
            clusters.push(ClusterRow {
                cluster_id: m.cluster_id.to_string(),
                survivor_id: id(m.survivor),
                members: Vec::new(),
            });
        }
        if let Some(c) = clusters.last_mut() {
            c.members.push(Member {
                id: id(m.org),
                name: dir.name(m.org).to_string(),
                score: m.merge.map(|x| x.score),
                reason: m.merge.map(|x| rows::reasons_text(x, Lang::En)).unwrap_or_default(),
                reason_zh: m.merge.map(|x| rows::reasons_text(x, Lang::Zh)).unwrap_or_default(),
            });
        }
    }
    for c in &mut clusters {
        c.members.sort_by(|a, b| a.id.cmp(&b.id));
    }

    let mut review_pairs: Vec<PairRow> = p
        .dedupe
        .pairs
        .iter()
        .filter(|x| x.decision == PairDecision::NeedsReview)
        .map(|x| {
            let (a, b) = if id(x.a) <= id(x.b) { (x.a, x.b) } else { (x.b, x.a) };
            PairRow {
                a_id: id(a),
                b_id: id(b),
                a_name: dir.name(a).to_string(),
                b_name: dir.name(b).to_string(),
                score: x.score,
                reasons: rows::reasons_text(x, Lang::En),
                reasons_zh: rows::reasons_text(x, Lang::Zh),
            }
        })
        .collect();
    review_pairs.sort_by(|a, b| (&a.a_id, &a.b_id).cmp(&(&b.a_id, &b.b_id)));
    review_pairs.dedup_by(|a, b| a.a_id == b.a_id && a.b_id == b.b_id);

    let mut named: Vec<RecIdx> = p.check.findings.iter().map(|f| f.org).collect();
    named.extend(p.dedupe.clusters.clusters.iter().flat_map(|c| c.members.iter().copied()));
    named.extend(
        p.dedupe.pairs.iter().filter(|x| x.decision == PairDecision::NeedsReview).flat_map(|x| [x.a, x.b]),
    );
    let mut places: Vec<Place> = named
        .into_iter()
        .map(|i| Place {
            org_id: id(i),
            province: p.province_of(i).to_string(),
            city: p.city_of(i).to_string(),
        })
        .collect();
    places.sort_by(|a, b| a.org_id.cmp(&b.org_id));
    places.dedup_by(|a, b| a.org_id == b.org_id);

    Snapshot {
        started_at,
        as_of: s.as_of.format("%Y-%m-%d").to_string(),
        settings_json: s.to_json().to_string(),
        records: dir.len() as u64,
        inputs,
        findings,
        clusters,
        review_pairs,
        places,
    }
}
