//! `match`: for each new registration, the existing units it is or may be, and the parent it
//! should have. One row per candidate unit (a duplicate cluster, named by its survivor), best
//! first; a record with no candidate gets one `new` row.

use serde::Serialize;

use crate::dedupe::{compare, query, score_only, Verdict};
use crate::geo::Gazetteer;
use crate::model::RecIdx;

use super::{Catalog, Probe};

/// Candidate units listed per new record, at most.
pub const MAX_UNITS: usize = 5;
/// Found records clustered per new record.
const CLUSTERED: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The unit exists: certify nothing, point the applicant to `org_id`. A dedupe run would
    /// merge the two (score at or above the merge threshold, no veto, not review-only).
    Existing,
    /// It may exist: a person decides (score at or above the review threshold).
    Review,
    /// Nothing like it: certify it, under `proposed_parent_id`.
    New,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Existing => "existing",
            Decision::Review => "review",
            Decision::New => "new",
        }
    }

    /// For the Chinese sheet.
    pub fn zh(self) -> &'static str {
        match self {
            Decision::Existing => "已存在",
            Decision::Review => "待人工核对",
            Decision::New => "新组织",
        }
    }
}

/// One row of match.csv.
#[derive(Debug, Clone, Serialize)]
pub struct MatchRow {
    pub new_id: String,
    pub new_name: String,
    pub decision: Decision,
    /// The survivor of the candidate's cluster (empty for `new`).
    pub org_id: String,
    pub name: String,
    pub score: f32,
    pub reasons: Vec<String>,
    /// The association the new record belongs under, whatever the decision (empty when none
    /// can be named; `parent_reason` says why).
    pub proposed_parent_id: String,
    pub proposed_parent_name: String,
    pub parent_reason: String,
}

impl Catalog<'_> {
    /// The rows of one new record, best first.
    pub fn match_one(&self, probe: &Probe) -> Vec<MatchRow> {
        let g = Gazetteer::global();
        let (parent_id, parent_name, parent_reason) = match self.chains.expected_parent(&probe.profile) {
            Ok(e) => (self.dir.id(e.parent).to_string(), self.dir.name(e.parent).to_string(), e.reason),
            Err(why) => (String::new(), String::new(), why),
        };
        // (record, score, may merge, reasons): candidates at or above the review threshold.
        let mut found: Vec<(RecIdx, f32, bool, Vec<String>)> = self
            .candidates(probe)
            .into_iter()
            .filter_map(|c| {
                // The cheap score first (as a dedupe run does), reasons only for the pairs kept.
                let (quick, _) = score_only(g, probe.side(), self.side(c))?;
                if quick < self.opts.review_threshold {
                    return None;
                }
                let Verdict::Scored { score, reasons, reviewable_only } =
                    compare(g, probe.side(), self.side(c))
                else {
                    return None;
                };
                // Machine text (match.csv's `reasons` column is English, like pairs.csv).
                let reasons = reasons.iter().map(|r| r.text(crate::lang::Lang::En)).collect::<Vec<_>>();
                Some((c, score, !reviewable_only && score >= self.opts.merge_threshold, reasons))
            })
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        found.truncate(CLUSTERED);
        let members: Vec<RecIdx> = found.iter().map(|f| f.0).collect();
        let clusters =
            query::cluster_subset(self.dir, &members, |i| self.side(i), &self.children, &self.opts);
        let mut rows: Vec<(usize, MatchRow)> = clusters
            .iter()
            .filter_map(|c| {
                // The cluster's best found member speaks for it (found is sorted best first).
                let (k, (rec, score, merge, reasons)) =
                    found.iter().enumerate().find(|(_, f)| c.members.contains(&f.0))?;
                let mut reasons = reasons.clone();
                if *rec != c.survivor {
                    reasons.push(format!(
                        "via {} (a duplicate of {})",
                        self.dir.id(*rec),
                        self.dir.id(c.survivor)
                    ));
                }
                let decision = if *merge { Decision::Existing } else { Decision::Review };
                Some((
                    k,
                    MatchRow {
                        new_id: probe.id.clone(),
                        new_name: probe.text.clone(),
                        decision,
                        org_id: self.dir.id(c.survivor).to_string(),
                        name: self.dir.name(c.survivor).to_string(),
                        score: (score * 1000.0).round() / 1000.0,
                        reasons,
                        proposed_parent_id: parent_id.clone(),
                        proposed_parent_name: parent_name.clone(),
                        parent_reason: parent_reason.clone(),
                    },
                ))
            })
            .collect();
        rows.sort_by_key(|r| r.0);
        let mut rows: Vec<MatchRow> = rows.into_iter().map(|r| r.1).take(MAX_UNITS).collect();
        if rows.is_empty() {
            rows.push(MatchRow {
                new_id: probe.id.clone(),
                new_name: probe.text.clone(),
                decision: Decision::New,
                org_id: String::new(),
                name: String::new(),
                score: 0.0,
                reasons: Vec::new(),
                proposed_parent_id: parent_id,
                proposed_parent_name: parent_name,
                parent_reason,
            });
        }
        rows
    }
}
