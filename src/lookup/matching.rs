//! `match`: for each new registration, the existing units it is or may be, and the parent it
//! should have. One row per candidate unit (a duplicate cluster, named by its survivor), best
//! first; a record with no candidate gets one `new` row.

use serde::Serialize;

use crate::dedupe::{query, Reason};
use crate::lang::Lang;
use crate::model::RecIdx;

use super::{Catalog, Probe, Scored};

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
#[derive(Debug, Clone)]
pub struct MatchRow {
    pub new_id: String,
    pub new_name: String,
    pub decision: Decision,
    /// The survivor of the candidate's cluster (empty for `new`).
    pub org_id: String,
    pub name: String,
    pub score: f32,
    /// Dedupe's reasons for the pair (record, new record), typed: each output says them in
    /// its own language.
    pub reasons: Vec<Reason>,
    /// When the best-scoring record is a duplicate of the survivor: its id.
    pub via: Option<String>,
    /// The association the new record belongs under, whatever the decision (empty when none
    /// can be named; `parent_reason` says why).
    pub proposed_parent_id: String,
    pub proposed_parent_name: String,
    pub parent_reason: crate::model::FixReason,
}

impl MatchRow {
    /// The reasons in `lang`, `; `-separated (English: pairs.csv's machine text).
    pub fn reason_text(&self, lang: Lang) -> String {
        let mut parts: Vec<String> = self.reasons.iter().map(|r| r.text(lang)).collect();
        if let Some(v) = &self.via {
            parts.push(match lang {
                Lang::Zh => format!("经由 {v}（{} 的重复记录）", self.org_id),
                Lang::En => format!("via {v} (a duplicate of {})", self.org_id),
            });
        }
        parts.join("; ")
    }
}

/// Every new record matched, in the order given (rows of one record together, best first).
pub fn match_all(catalog: &Catalog, probes: &[Probe]) -> crate::error::Result<Vec<MatchRow>> {
    use rayon::prelude::*;
    let t = std::time::Instant::now();
    let rows: Vec<Vec<MatchRow>> =
        probes.par_iter().map(|p| catalog.match_one(p)).collect::<crate::error::Result<_>>()?;
    crate::progress::timing("match: records", t);
    Ok(rows.into_iter().flatten().collect())
}

/// How many new records got each decision (on their best row): existing, review, new.
pub fn tally(rows: &[MatchRow]) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    let mut last: Option<&str> = None;
    for r in rows {
        if last == Some(r.new_id.as_str()) {
            continue;
        }
        last = Some(&r.new_id);
        match r.decision {
            Decision::Existing => counts.0 += 1,
            Decision::Review => counts.1 += 1,
            Decision::New => counts.2 += 1,
        }
    }
    counts
}

impl Catalog<'_> {
    /// The rows of one new record, best first.
    pub fn match_one(&self, probe: &Probe) -> crate::error::Result<Vec<MatchRow>> {
        let (parent_id, parent_name, parent_reason) =
            match self.loaded().chains.expected_parent(&probe.profile) {
                Ok(e) => (self.dir.id(e.parent).to_string(), self.dir.name(e.parent).to_string(), e.reason),
                Err(why) => (String::new(), String::new(), why),
            };
        let prepared = self.prepare(probe)?;
        // Candidates at or above the review threshold, as a dedupe run scores the pair.
        let mut found: Vec<Scored> =
            self.scored(probe, &prepared).into_iter().filter(|s| s.pair.is_some()).collect();
        let key = |s: &Scored| s.pair.as_ref().map(|p| (p.score, p.may_merge)).unwrap_or((0.0, false));
        found.sort_by(|a, b| {
            let (x, y) = (key(a), key(b));
            y.0.total_cmp(&x.0).then(y.1.cmp(&x.1)).then(a.rec.cmp(&b.rec))
        });
        found.truncate(CLUSTERED);
        let members: Vec<RecIdx> = found.iter().map(|f| f.rec).collect();
        let clusters =
            query::cluster_subset(self.dir, &members, |i| self.side(i), &self.children, &self.opts);
        let mut rows: Vec<(usize, MatchRow)> = clusters
            .iter()
            .filter_map(|c| {
                // The cluster's best found member speaks for it (found is sorted best first).
                let (k, f) = found.iter().enumerate().find(|(_, f)| c.members.contains(&f.rec))?;
                let pair = f.pair.as_ref()?;
                let decision = if pair.may_merge { Decision::Existing } else { Decision::Review };
                Some((
                    k,
                    MatchRow {
                        new_id: probe.id.clone(),
                        new_name: probe.text.clone(),
                        decision,
                        org_id: self.dir.id(c.survivor).to_string(),
                        name: self.dir.name(c.survivor).to_string(),
                        score: (pair.score * 1000.0).round() / 1000.0,
                        reasons: self.typed_reasons(probe, &prepared, f),
                        via: (f.rec != c.survivor).then(|| self.dir.id(f.rec).to_string()),
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
                via: None,
                proposed_parent_id: parent_id,
                proposed_parent_name: parent_name,
                parent_reason,
            });
        }
        Ok(rows)
    }
}
