//! One record's chain, on demand: the ids up to 中国科学技术协会, whether its provincial
//! administrator can see it, and if not, the first faulty link and the fix `check` would
//! propose for it. For `lookup` and `match` (docs/lookup.md), which look at a few records of a
//! large directory: the per-directory work (edges, cycles, the association index) is done once,
//! then each record costs the length of its chain. The rules are `check`'s own (`rules`,
//! `detail`, `fixes`), so the answers agree with findings.csv.

use std::sync::OnceLock;

use crate::geo::Gazetteer;
use crate::model::{Clusters, Directory, FindingCode, Level, ParentFix, RecIdx};
use crate::profile::OrgProfile;

use super::assoc::{expected_parent_of, AssocIndex, Expected};
use super::graph::{cycles, edges_from, Edge};
use super::rules::{classify, classify_all, Ctx};
use super::{detail, fixes};

/// The first link on a chain that `check` reports, with its proposed fix.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenLink {
    /// The record whose own parent edge is at fault (the record itself or one above it).
    pub at: RecIdx,
    pub code: FindingCode,
    pub detail: crate::model::Detail,
    pub fix: Option<ParentFix>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChainView {
    /// The record, its parent, its parent's parent… (a cycle is followed once round).
    pub chain: Vec<RecIdx>,
    /// The chain ends at the national association.
    pub reaches_national: bool,
    /// Can the administrator of the record's province see it (its chain passes through its own
    /// province's association)? `None` when the question does not arise: a national or
    /// province-level unit, or one whose province is unknown.
    pub visible_to_province: Option<bool>,
    /// The first faulty link on the chain, if any (also when the record is visible: a fault
    /// above the province association).
    pub broken: Option<BrokenLink>,
}

pub struct ChainExplainer<'a> {
    ctx: Ctx<'a>,
    index: AssocIndex,
    edges: Vec<Edge>,
    cycle_of: Vec<Option<RecIdx>>,
    /// check's fixes for the whole directory, proposed and re-checked together (`fixes::verify`):
    /// a fix is judged with every other fix applied, as in findings.csv. Computed the first time
    /// a chain with a broken link is shown.
    fixes: OnceLock<Vec<Option<ParentFix>>>,
}

impl<'a> ChainExplainer<'a> {
    /// `clusters` may be empty (`Clusters::default()`): `parent_is_duplicate` is then never
    /// reported, which changes no visibility.
    pub fn new(dir: &'a Directory, profiles: &'a [OrgProfile], clusters: &'a Clusters) -> Self {
        let ctx = Ctx { dir, profiles, clusters, g: Gazetteer::global() };
        let index = AssocIndex::build(&ctx);
        let edges = edges_from(dir);
        let cycle_of = cycles(&edges);
        ChainExplainer { ctx, index, edges, cycle_of, fixes: OnceLock::new() }
    }

    fn verified_fixes(&self) -> &[Option<ParentFix>] {
        self.fixes.get_or_init(|| {
            let codes = classify_all(&self.ctx, &self.edges, &self.cycle_of);
            let mut proposed = fixes::propose(&self.ctx, &self.index, &self.edges, &codes, &self.cycle_of);
            fixes::verify(&self.ctx, &self.edges, &mut proposed);
            proposed
        })
    }

    pub fn explain(&self, i: RecIdx) -> ChainView {
        let profiles = self.ctx.profiles;
        let mut chain = vec![i];
        let mut x = i;
        while let Some(p) = self.edges[x as usize].target() {
            if chain.contains(&p) {
                break;
            }
            chain.push(p);
            x = p;
        }
        let top = chain[chain.len() - 1];
        let reaches_national =
            profiles[top as usize].level == Level::National && self.edges[top as usize].target().is_none();
        let me = &profiles[i as usize];
        let visible_to_province = match me.region.province {
            Some(prov) if me.level > Level::Province => Some(chain.iter().any(|&y| {
                let p = &profiles[y as usize];
                p.is_association && p.level == Level::Province && p.region.province == Some(prov)
            })),
            _ => None,
        };
        let broken = chain.iter().find_map(|&y| {
            let code = classify(&self.ctx, y, self.edges[y as usize], self.cycle_of[y as usize].is_some())?;
            let detail = detail::structural(&self.ctx, y, code, &self.edges, &self.cycle_of);
            let fix = self.verified_fixes()[y as usize].clone();
            Some(BrokenLink { at: y, code, detail, fix })
        });
        ChainView { chain, reaches_national, visible_to_province, broken }
    }

    /// The association a unit described by `profile` belongs under (a new registration).
    pub fn expected_parent(&self, profile: &OrgProfile) -> Result<Expected, crate::model::FixReason> {
        expected_parent_of(&self.ctx, &self.index, profile, None)
    }
}
