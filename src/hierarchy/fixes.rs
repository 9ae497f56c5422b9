//! Proposed parents for structural findings, and the self-check that applying them all leaves a
//! clean directory.

use std::collections::HashSet;

use crate::model::{Confidence, FindingCode, ParentFix, RecIdx};

use super::assoc::{expected_parent, AssocIndex};
use super::graph::{cycle_members, cycles, Edge};
use super::rules::{classify_all, edge_fault, Ctx};

fn needs_review(reason: impl Into<String>) -> ParentFix {
    ParentFix { new_parent: None, confidence: Confidence::NeedsReview, reason: reason.into() }
}

fn to_expected(ctx: &Ctx, idx: &AssocIndex, i: RecIdx, current: Option<RecIdx>) -> ParentFix {
    match expected_parent(ctx, idx, i) {
        Ok(e) if Some(e.parent) == current => needs_review(
            "the association this unit belongs under is already its parent; check its region and type",
        ),
        Ok(e) => ParentFix { new_parent: Some(e.parent), confidence: e.confidence, reason: e.reason },
        Err(why) => needs_review(why),
    }
}

/// One fix per record with a structural finding (`None` elsewhere).
pub fn propose(
    ctx: &Ctx,
    idx: &AssocIndex,
    edges: &[Edge],
    codes: &[Option<FindingCode>],
    cycle_of: &[Option<RecIdx>],
) -> Vec<Option<ParentFix>> {
    let mut fixes: Vec<Option<ParentFix>> = vec![None; edges.len()];
    let mut cycles_seen: Vec<RecIdx> = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let Some(code) = *code else { continue };
        let i = i as RecIdx;
        let current = edges[i as usize].target();
        fixes[i as usize] = Some(match code {
            FindingCode::ParentIsDuplicate => {
                match current.and_then(|p| ctx.clusters.survivor_of(p)).filter(|&s| s != i) {
                    Some(s) => ParentFix {
                        new_parent: Some(s),
                        confidence: Confidence::High,
                        reason: "the survivor of the parent's duplicate cluster".into(),
                    },
                    None => needs_review("the parent's survivor is this record itself"),
                }
            }
            FindingCode::Cycle => {
                if let Some(id) = cycle_of[i as usize] {
                    cycles_seen.push(id);
                }
                continue;
            }
            _ => to_expected(ctx, idx, i, current),
        });
    }
    cycles_seen.sort_unstable();
    cycles_seen.dedup();
    for id in cycles_seen {
        break_cycle(ctx, idx, edges, &cycle_members(edges, cycle_of, id), &mut fixes);
    }
    fixes
}

/// A cycle is broken where its edges are wrong on their own terms (a county association under a
/// school, two sibling schools under each other); members whose edge is sound keep their parent.
/// Every edge of a cycle cannot be sound (levels would have to fall all the way round), but if
/// the rules cannot tell, every member gets its expected parent.
fn break_cycle(
    ctx: &Ctx,
    idx: &AssocIndex,
    edges: &[Edge],
    members: &[RecIdx],
    fixes: &mut [Option<ParentFix>],
) {
    let unsound: Vec<bool> = members
        .iter()
        .map(|&m| edges[m as usize].target().is_none_or(|p| edge_fault(ctx, m, p).is_some()))
        .collect();
    let cut_all = !unsound.iter().any(|&u| u);
    let cut: Vec<RecIdx> =
        members.iter().zip(&unsound).filter(|(_, &u)| u || cut_all).map(|(&m, _)| m).collect();
    let cut_ids: Vec<&str> = cut.iter().map(|&m| ctx.dir.id(m).as_str()).collect();
    for (&m, &u) in members.iter().zip(&unsound) {
        let current = edges[m as usize].target();
        fixes[m as usize] = Some(if u || cut_all {
            let mut f = to_expected(ctx, idx, m, current);
            f.reason = format!("cycle broken at this record's parent edge: {}", f.reason);
            f
        } else {
            ParentFix {
                new_parent: current,
                confidence: Confidence::Medium,
                reason: format!("keep this edge: the cycle is broken at {}", cut_ids.join(", ")),
            }
        });
    }
}

/// The edges after applying every fix that names a parent.
pub fn apply(edges: &[Edge], fixes: &[Option<ParentFix>]) -> Vec<Edge> {
    edges
        .iter()
        .zip(fixes)
        .map(|(&e, f)| match f.as_ref().and_then(|f| f.new_parent) {
            Some(p) => Edge::To(p),
            None => e,
        })
        .collect()
}

/// Apply all fixes in memory and re-run the structural check; any fix involved in a remaining
/// finding is downgraded to needs_review, until the fixed directory has structural findings only
/// on needs_review records. Returns how many fixes were downgraded.
pub fn verify(ctx: &Ctx, edges: &[Edge], fixes: &mut [Option<ParentFix>]) -> usize {
    let mut downgraded = 0;
    loop {
        let fixed = apply(edges, fixes);
        let cycle_of = cycles(&fixed);
        let codes = classify_all(ctx, &fixed, &cycle_of);
        let mut blame: Vec<RecIdx> = Vec::new();
        let mut cycles_hit: HashSet<RecIdx> = HashSet::new();
        for i in (0..codes.len() as RecIdx).filter(|&i| codes[i as usize].is_some()) {
            match cycle_of[i as usize] {
                // A new cycle: every fix that closed it is suspect.
                Some(id) if cycles_hit.insert(id) => blame.extend(cycle_members(&fixed, &cycle_of, id)),
                Some(_) => {}
                None => blame.push(i),
            }
        }
        let mut changed = false;
        for i in blame {
            let slot = &mut fixes[i as usize];
            if let Some(f) = slot.as_ref().filter(|f| f.new_parent.is_some()) {
                let why = format!(
                    "the proposed parent ({}) did not pass the re-check of the fixed directory",
                    f.new_parent.map(|p| ctx.dir.id(p).as_str()).unwrap_or("")
                );
                *slot = Some(needs_review(why));
                downgraded += 1;
                changed = true;
            }
        }
        if !changed {
            return downgraded;
        }
    }
}
