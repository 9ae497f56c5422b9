//! Reviewer decisions as the pipeline uses them: pair decisions become clustering rules, rejected
//! fixes are withdrawn. The audit database stores and loads them (`audit::db`); they live below
//! the pipeline so that the pipeline does not depend on the audit.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use crate::dedupe::PairRules;
use crate::model::FixReason;
use crate::model::{Confidence, Directory, Finding, RecIdx};

/// One stored decision about a pair of records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairDecision {
    pub a_id: String,
    pub b_id: String,
    pub same: bool,
}

/// What a rejected fix was made on; it stays rejected while all four are unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FixKey {
    pub org_id: String,
    pub code: String,
    pub proposed_parent_id: String,
    pub inputs_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub decided_at: String,
    pub reviewer: String,
    pub comment: String,
}

#[derive(Debug, Clone, Default)]
pub struct Decisions {
    pub pairs: Vec<PairDecision>,
    pub rejected_fixes: HashMap<FixKey, Rejection>,
}

impl Decisions {
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty() && self.rejected_fixes.is_empty()
    }

    /// Pair decisions by record index; pairs naming an id not in this directory are ignored (the
    /// record is gone, so there is nothing to merge or keep apart).
    pub fn pair_rules(&self, dir: &Directory) -> PairRules {
        let mut rules = PairRules { same: HashSet::new(), different: HashSet::new() };
        for d in &self.pairs {
            let (Some(a), Some(b)) = (dir.lookup(&d.a_id), dir.lookup(&d.b_id)) else {
                continue;
            };
            if a == b {
                continue;
            }
            let key = (a.min(b), a.max(b));
            if d.same {
                rules.same.insert(key);
            } else {
                rules.different.insert(key);
            }
        }
        rules
    }

    /// The reason to show when `f`'s proposed fix was rejected on these same rows.
    pub fn rejected_fix(&self, dir: &Directory, f: &Finding) -> Option<FixReason> {
        if self.rejected_fixes.is_empty() {
            return None;
        }
        let fix = f.fix.as_ref().filter(|x| x.confidence != Confidence::NeedsReview)?;
        let key = FixKey {
            org_id: dir.id(f.org).to_string(),
            code: f.code.as_str().to_string(),
            proposed_parent_id: fix.new_parent.map(|p| dir.id(p).to_string()).unwrap_or_default(),
            inputs_hash: inputs_hash(dir, f.org),
        };
        let r = self.rejected_fixes.get(&key)?;
        Some(FixReason::RejectedByReviewer(Box::new(crate::model::Rejection {
            decided_at: r.decided_at.clone(),
            reviewer: r.reviewer.clone(),
            parent: key.proposed_parent_id,
            comment: r.comment.clone(),
        })))
    }
}

/// What a proposed fix was made on: the record's row and its current parent's row (or the parent
/// id when it names no record). A decision about the fix holds while this hash is unchanged.
/// 16 hex digits: enough to tell edits apart, short enough for a spreadsheet column.
pub fn inputs_hash(dir: &Directory, org: RecIdx) -> String {
    let mut h = Sha256::new();
    let mut row = |i: RecIdx| {
        for field in dir.raw_row(i).iter() {
            h.update(field.as_bytes());
            h.update([0x1f]);
        }
        h.update([0x1e]);
    };
    row(org);
    match dir.parent(org) {
        Some(p) => row(p),
        None => {
            let rec = &dir.records[org as usize];
            h.update(b"no-parent-record:");
            h.update(rec.parent_id.as_bytes());
        }
    }
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}
