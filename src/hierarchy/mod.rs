//! Step 3: validate parent chains and propose a fix for each fault (docs/findings.md).
//!
//! `graph` walks the one-parent-per-record graph (cycles, folds up chains) in linear time without
//! recursion; `rules` gives each record one primary structural code; `assoc` finds the association
//! a record belongs under; `fixes` proposes parents and re-checks the fixed directory;
//! `visibility` counts what provincial administrators cannot see.

mod assoc;
mod detail;
mod explain;
mod fix_reason;
mod fixes;
pub mod graph;
mod rules;
mod visibility;

#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod testkit;

use crate::geo::{DivCode, Gazetteer};
use crate::model::{Clusters, Directory, Finding, FindingCode, RecIdx, Severity};
use crate::profile::OrgProfile;

pub use assoc::Expected;
pub use explain::{BrokenLink, ChainExplainer, ChainView};
pub use graph::Edge;

#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// Skip the re-check of the fixed directory (only for showing what it would catch, in tests).
    pub skip_verification: bool,
}

#[derive(Debug, Default)]
pub struct CheckResult {
    /// Sorted by record, then code: at most one structural finding per record, plus credit-code ones.
    pub findings: Vec<Finding>,
    /// (province, records invisible to that province's administrator), by province code.
    pub invisible_by_province: Vec<(DivCode, u64)>,
    /// Fixes that failed the re-check and were turned into needs_review.
    pub downgraded: usize,
}

pub fn severity(code: FindingCode) -> Severity {
    match code {
        FindingCode::ParentIsDuplicate
        | FindingCode::InvalidUscc
        | FindingCode::UsccProvinceMismatch
        | FindingCode::UsccExcelMangled => Severity::Warning,
        _ => Severity::Error,
    }
}

pub fn check(
    dir: &Directory,
    profiles: &[OrgProfile],
    clusters: &Clusters,
    opts: CheckOptions,
) -> CheckResult {
    let ctx = rules::Ctx { dir, profiles, clusters, g: Gazetteer::global() };
    let edges = graph::edges_from(dir);
    let cycle_of = graph::cycles(&edges);
    let codes = rules::classify_all(&ctx, &edges, &cycle_of);
    let index = assoc::AssocIndex::build(&ctx);
    let mut proposed = fixes::propose(&ctx, &index, &edges, &codes, &cycle_of);
    let downgraded = if opts.skip_verification { 0 } else { fixes::verify(&ctx, &edges, &mut proposed) };
    let vis = visibility::compute(&ctx, &edges, &cycle_of, &codes);

    // The details read raw rows (ids, credit codes) record by record: on every core, in record
    // order (a record's structural finding, then its credit-code one); the fixes are attached after.
    use rayon::prelude::*;
    let details: Vec<(RecIdx, FindingCode, crate::model::Detail, bool)> = (0..dir.len() as RecIdx)
        .into_par_iter()
        .flat_map_iter(|i| {
            let structural = codes[i as usize].map(|code| {
                let mut detail = detail::structural(&ctx, i, code, &edges, &cycle_of);
                detail.hidden_below = vis.hidden_below[i as usize] as u64;
                (i, code, detail, true)
            });
            let uscc = detail::uscc(&ctx, i).map(|(code, detail)| (i, code, detail, false));
            structural.into_iter().chain(uscc)
        })
        .collect();
    let findings = details
        .into_iter()
        .map(|(org, code, detail, structural)| {
            let fix = if structural { proposed[org as usize].take() } else { None };
            Finding { org, code, severity: severity(code), detail, fix }
        })
        .collect();
    CheckResult { findings, invisible_by_province: vis.by_province, downgraded }
}

/// Re-run the structural rules on the directory with every proposed parent applied: the records
/// that still have a structural finding. Exposed so callers (and tests) can assert closure.
pub fn recheck(
    dir: &Directory,
    profiles: &[OrgProfile],
    clusters: &Clusters,
    findings: &[Finding],
) -> Vec<(RecIdx, FindingCode)> {
    let ctx = rules::Ctx { dir, profiles, clusters, g: Gazetteer::global() };
    let edges = graph::edges_from(dir);
    let mut fx: Vec<Option<crate::model::ParentFix>> = vec![None; dir.len()];
    for f in findings {
        if f.fix.is_some() {
            fx[f.org as usize] = f.fix.clone();
        }
    }
    let fixed = fixes::apply(&edges, &fx);
    let cycle_of = graph::cycles(&fixed);
    rules::classify_all(&ctx, &fixed, &cycle_of)
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (i as RecIdx, c)))
        .collect()
}

/// Reviewer decisions (issue 6): a fix a person rejected is not proposed again while the rows it
/// was made on are unchanged. `rejected` matches a finding against the stored rejections (the
/// caller keys them by org, code, proposed parent and a hash of the rows) and returns the reason
/// to show; such a fix becomes needs_review, so it leaves parent_fixes.csv and orgs_fixed.csv.
/// Returns how many fixes were withdrawn.
pub fn withdraw_rejected_fixes(
    findings: &mut [Finding],
    rejected: impl Fn(&Finding) -> Option<crate::model::FixReason>,
) -> usize {
    let mut n = 0;
    for f in findings.iter_mut() {
        let proposed = f.fix.as_ref().is_some_and(|x| x.confidence != crate::model::Confidence::NeedsReview);
        if !proposed {
            continue;
        }
        if let Some(reason) = rejected(f) {
            f.fix = Some(crate::model::ParentFix {
                new_parent: None,
                confidence: crate::model::Confidence::NeedsReview,
                reason,
            });
            n += 1;
        }
    }
    n
}

/// The first proposed fix of each record that re-points its parent (fixes marked needs_review
/// change nothing), by record: (record, new parent, finding code, confidence). This is what
/// `orgs_fixed.csv` applies, and what the dedupe settles with (`pipeline`).
pub fn proposed_parents(
    findings: &[Finding],
) -> Vec<(RecIdx, RecIdx, &'static str, crate::model::Confidence)> {
    let mut fixed: Vec<_> = findings
        .iter()
        .filter_map(|f| {
            let fix = f.fix.as_ref()?;
            let p = fix.new_parent.filter(|_| fix.confidence != crate::model::Confidence::NeedsReview)?;
            Some((f.org, p, f.code.as_str(), fix.confidence))
        })
        .collect();
    // Stable, so that the first of a record's fixes is kept.
    fixed.sort_by_key(|f| f.0);
    fixed.dedup_by_key(|f| f.0);
    fixed
}
