//! Proposed parents for structural findings, and the self-check that applying them all leaves a
//! clean directory.

use std::collections::HashSet;

use crate::model::{Confidence, FindingCode, FixReason, ParentFix, RecIdx};

use super::assoc::{expected_parent, AssocIndex};
use super::graph::{cycle_members, cycles, Edge};
use super::rules::{classify_all, edge_fault, Ctx};

fn needs_review(reason: FixReason) -> ParentFix {
    ParentFix { new_parent: None, confidence: Confidence::NeedsReview, reason }
}

pub(super) fn to_expected(ctx: &Ctx, idx: &AssocIndex, i: RecIdx, current: Option<RecIdx>) -> ParentFix {
    match expected_parent(ctx, idx, i) {
        Ok(e) if Some(e.parent) == current => needs_review(FixReason::AlreadyTheParent),
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
                        reason: FixReason::ParentSurvivor,
                    },
                    None => needs_review(FixReason::ParentSurvivorIsSelf),
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

/// A cycle is broken at the edges that are best justified to remove: a member whose expected parent
/// (the association one level up) exists and is not its current parent gets that parent; a member
/// already under its expected parent keeps its edge. A member whose expected parent cannot be
/// named keeps its edge if the edge is sound on its own terms, else needs review. If that would cut
/// nothing (the cycle would stay), every member gets its expected parent.
fn break_cycle(
    ctx: &Ctx,
    idx: &AssocIndex,
    edges: &[Edge],
    members: &[RecIdx],
    fixes: &mut [Option<ParentFix>],
) {
    enum Plan {
        Keep(Confidence),
        Cut(ParentFix),
        Review(FixReason),
    }
    let plans: Vec<Plan> = members
        .iter()
        .map(|&m| {
            let current = edges[m as usize].target();
            match expected_parent(ctx, idx, m) {
                Ok(e) if Some(e.parent) == current => Plan::Keep(Confidence::High),
                Ok(e) => Plan::Cut(ParentFix {
                    new_parent: Some(e.parent),
                    confidence: e.confidence,
                    reason: FixReason::CycleCut(Box::new(e.reason)),
                }),
                Err(why) => match current {
                    Some(p) if edge_fault(ctx, m, p).is_none() => Plan::Keep(Confidence::Medium),
                    _ => Plan::Review(why),
                },
            }
        })
        .collect();
    let cut_ids: Vec<String> = members
        .iter()
        .zip(&plans)
        .filter(|(_, p)| !matches!(p, Plan::Keep(_)))
        .map(|(&m, _)| ctx.dir.id(m).to_string())
        .collect();
    let cut_nothing = cut_ids.is_empty();
    for (&m, plan) in members.iter().zip(plans) {
        let current = edges[m as usize].target();
        fixes[m as usize] = Some(match plan {
            Plan::Keep(_) if cut_nothing => needs_review(FixReason::CycleAllJustified),
            Plan::Keep(confidence) => ParentFix {
                new_parent: current,
                confidence,
                reason: FixReason::CycleKept { cut_at: cut_ids.clone().into() },
            },
            Plan::Cut(f) => f,
            Plan::Review(why) => needs_review(why),
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
                let why = FixReason::FailedRecheck {
                    parent: f.new_parent.map(|p| ctx.dir.id(p).as_str().into()).unwrap_or_default(),
                };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::Gazetteer;
    use crate::hierarchy::graph::edges_from;
    use crate::hierarchy::testkit::DirBuilder;
    use crate::hierarchy::CheckOptions;

    fn anhui() -> DirBuilder {
        let mut b = DirBuilder::hefei();
        b.add("FX", "肥西县科学技术协会", "", "安徽省", "合肥市", "肥西县", "县级科协");
        b.add("S", "肥西县第一中学", "FX", "安徽省", "合肥市", "肥西县", "学校");
        b
    }

    /// The check keeps a fix slot per record (`propose`, `verify`, `recheck`): at a million
    /// records a fat variant of `FixReason` costs a hundred megabytes per slot vector.
    #[test]
    fn a_fix_slot_stays_small() {
        assert!(
            std::mem::size_of::<Option<ParentFix>>() <= 40,
            "{}",
            std::mem::size_of::<Option<ParentFix>>()
        );
    }

    #[test]
    fn a_fix_that_closes_a_cycle_is_downgraded_and_a_sound_one_kept() {
        let c = anhui().check_with(CheckOptions { skip_verification: true });
        let ctx = Ctx { dir: &c.dir, profiles: &c.profiles, clusters: &c.clusters, g: Gazetteer::global() };
        let edges = edges_from(&c.dir);
        let id = |s: &str| c.dir.lookup(s).expect("fixture id");
        let fix = |p: &str| {
            Some(ParentFix {
                new_parent: Some(id(p)),
                confidence: Confidence::High,
                reason: FixReason::ParentSurvivor,
            })
        };
        let mut fixes = vec![None; c.dir.len()];
        fixes[id("FX") as usize] = fix("S");
        assert_eq!(verify(&ctx, &edges, &mut fixes), 1);
        assert_eq!(fixes[id("FX") as usize].as_ref().map(|f| f.confidence), Some(Confidence::NeedsReview));
        fixes[id("FX") as usize] = fix("HF");
        assert_eq!(verify(&ctx, &edges, &mut fixes), 0);
        assert_eq!(fixes[id("FX") as usize].as_ref().and_then(|f| f.new_parent), Some(id("HF")));
    }

    #[test]
    fn check_downgrades_a_proposal_onto_a_merged_away_association() {
        // 合肥's only association record is merged into a misspelt survivor without a type, which is
        // not recognisable as an association: the proposal for S2 lands on a duplicate.
        let mut b = anhui();
        b.set_parent("FX", "HF");
        b.add("HF2", "合飞市科技协", "AH", "安徽省", "合肥市", "", "");
        b.add("S2", "合肥市第二中学", "", "安徽省", "合肥市", "", "学校");
        b.cluster(&["HF", "HF2"], "HF2");
        let unverified = b.check_with(CheckOptions { skip_verification: true });
        let s2 = |c: &crate::hierarchy::testkit::Checked| {
            let i = c.dir.lookup("S2").expect("S2");
            c.findings.iter().find(|f| f.org == i).and_then(|f| f.fix.clone()).expect("fix for S2")
        };
        assert_eq!(s2(&unverified).new_parent, unverified.dir.lookup("HF"));
        let checked = b.check();
        assert_eq!(s2(&checked).confidence, Confidence::NeedsReview);
        assert!(checked.result.downgraded >= 1);
        let remaining =
            crate::hierarchy::recheck(&checked.dir, &checked.profiles, &checked.clusters, &checked.findings);
        // FX's proposal (the survivor HF2, not an association) fails too; nothing else remains.
        let review: Vec<u32> = checked
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.confidence == Confidence::NeedsReview))
            .map(|f| f.org)
            .collect();
        assert!(remaining.len() == 2 && remaining.iter().all(|(i, _)| review.contains(i)), "{remaining:?}");
    }
}
