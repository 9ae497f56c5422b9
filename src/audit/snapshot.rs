//! One run as rows keyed by stable ids, ready to store and compare.

use serde::{Deserialize, Serialize};

use crate::cli::run::Settings;
use crate::dedupe::PairDecision;
use crate::model::{RecIdx, Severity};
use crate::pipeline::Pipeline;

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
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub started_at: String,
    pub as_of: String,
    pub settings_json: String,
    pub records: u64,
    pub inputs: Vec<crate::report::InputInfo>,
    /// Sorted by (org_id, code).
    pub findings: Vec<FindingRow>,
    /// Sorted by cluster id.
    pub clusters: Vec<ClusterRow>,
    /// Sorted by (a_id, b_id).
    pub review_pairs: Vec<PairRow>,
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

pub fn of(p: &Pipeline, s: &Settings, started_at: String) -> Snapshot {
    let dir = &p.dir;
    let id = |i: RecIdx| dir.id(i).to_string();
    let inputs = crate::report::input_info(dir);

    let mut findings: Vec<FindingRow> = p
        .check
        .findings
        .iter()
        .map(|f| {
            let (pp, conf, reason) = match &f.fix {
                Some(x) => (x.new_parent, x.confidence.as_str(), x.reason.clone()),
                None => (None, "", String::new()),
            };
            FindingRow {
                org_id: id(f.org),
                code: f.code.as_str().to_string(),
                severity: severity_word(f.severity).to_string(),
                name: dir.name(f.org).to_string(),
                detail: f.detail.clone(),
                proposed_parent_id: pp.map(id).unwrap_or_default(),
                proposed_parent_name: pp.map(|x| dir.name(x).to_string()).unwrap_or_default(),
                confidence: conf.to_string(),
                reason,
                inputs_hash: super::inputs_hash(dir, f.org),
            }
        })
        .collect();
    findings.sort_by(|a, b| (&a.org_id, &a.code).cmp(&(&b.org_id, &b.code)));

    let clusters = p
        .dedupe
        .clusters
        .clusters
        .iter()
        .map(|c| {
            let mut members: Vec<Member> = c
                .members
                .iter()
                .map(|&m| {
                    let pair = p.dedupe.link.get(&m).and_then(|&k| p.dedupe.pairs.get(k));
                    Member {
                        id: id(m),
                        name: dir.name(m).to_string(),
                        score: pair.map(|x| x.score),
                        reason: pair
                            .map(|x| crate::dedupe::reason::join(&x.reasons, crate::lang::Lang::En))
                            .unwrap_or_default(),
                    }
                })
                .collect();
            members.sort_by(|a, b| a.id.cmp(&b.id));
            ClusterRow { cluster_id: c.id.clone(), survivor_id: id(c.survivor), members }
        })
        .collect();

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
                reasons: crate::dedupe::reason::join(&x.reasons, crate::lang::Lang::En),
            }
        })
        .collect();
    review_pairs.sort_by(|a, b| (&a.a_id, &a.b_id).cmp(&(&b.a_id, &b.b_id)));
    review_pairs.dedup_by(|a, b| a.a_id == b.a_id && a.b_id == b.b_id);

    let settings = serde_json::json!({
        "merge_threshold": crate::config::as_written(s.dedupe.merge_threshold),
        "review_threshold": crate::config::as_written(s.dedupe.review_threshold),
        "output_encoding": s.output_encoding.map(|e| e.name()),
        "config": s.config,
    });
    Snapshot {
        started_at,
        as_of: s.as_of.format("%Y-%m-%d").to_string(),
        settings_json: settings.to_string(),
        records: dir.len() as u64,
        inputs,
        findings,
        clusters,
        review_pairs,
    }
}
