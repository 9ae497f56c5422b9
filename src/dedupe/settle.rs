//! Scoring the candidate pairs and clustering the merge edges, kept open so that the pairs can be
//! scored again when the parents they are compared by change (closure).
//!
//! A shared parent is evidence that two records are one unit, and parents are compared as the
//! corrected directory will have them: a parent merged away counts as its survivor, and `run`
//! settles again with the parents `check` re-points (`Settling::settle`). Either can turn a
//! refused pair into a merge; leaving that to the next run over `orgs_fixed.csv` would make the
//! first run's answer not final.

use rayon::prelude::*;

use crate::geo::Gazetteer;
use crate::model::{Directory, RecIdx};
use crate::normalize::NameParts;
use crate::profile::OrgProfile;

use super::features::{Features, VetoKey};
use super::{cluster, score, score_pair, DedupeOptions, PairRules, Side, REVIEWER_SAME_SCORE};

/// (a, b, score, reasons, may merge)
pub(super) type Scored = (RecIdx, RecIdx, f32, Vec<super::Reason>, bool);

/// Rounds of re-scoring after merges or re-pointed parents: each round only follows the parent
/// changes of the one before, and chains of parents merged into parents are short.
const MAX_ROUNDS: usize = 4;

/// A dedupe's scored pairs and clusters with what it takes to score them again.
pub struct Settling<'a> {
    pub(super) dir: &'a Directory,
    pub(super) names: &'a [NameParts],
    pub(super) profiles: &'a [OrgProfile],
    pub(super) opts: &'a DedupeOptions,
    pub(super) rules: &'a PairRules,
    pub(super) feats: Vec<Features>,
    /// Each record's packed veto key: fixed once the features are (settling changes parents only).
    veto_keys: Vec<VetoKey>,
    /// Sorted.
    pub(super) candidates: Vec<(RecIdx, RecIdx)>,
    /// Sorted: a binary search over a few hundred pairs beats hashing each of millions.
    short_forms: Vec<(RecIdx, RecIdx)>,
    /// Sorted by (a, b).
    pub(super) scored: Vec<Scored>,
    pub(super) groups: Vec<Vec<RecIdx>>,
    pub(super) refused: Vec<cluster::Edge>,
    /// Each record's parent before merges (the directory's, or as `settle` was told).
    base_parent: Vec<Option<RecIdx>>,
}

impl<'a> Settling<'a> {
    /// Score every candidate pair, cluster, and settle with the directory's own parents.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        dir: &'a Directory,
        names: &'a [NameParts],
        profiles: &'a [OrgProfile],
        opts: &'a DedupeOptions,
        rules: &'a PairRules,
        feats: Vec<Features>,
        veto_keys: Vec<VetoKey>,
        candidates: Vec<(RecIdx, RecIdx)>,
        short_forms: Vec<(RecIdx, RecIdx)>,
    ) -> Settling<'a> {
        let base_parent =
            (0..dir.len() as RecIdx).map(|i| dir.parent(i).filter(|&p| p != i)).collect::<Vec<_>>();
        let mut s = Settling {
            dir,
            names,
            profiles,
            opts,
            rules,
            feats,
            veto_keys,
            candidates,
            short_forms,
            scored: Vec::new(),
            groups: Vec::new(),
            refused: Vec::new(),
            base_parent,
        };
        let t = std::time::Instant::now();
        s.scored = s.score_pairs(None);
        super::timing("score", t);
        let t = std::time::Instant::now();
        (s.groups, s.refused) = s.cluster_edges();
        super::timing("cluster", t);
        s.follow_parents();
        s
    }

    /// Settle again with `parent_of` as every record's parent (the corrected directory's, a
    /// record's own id counting as none). True when a scored pair or a cluster changed.
    pub fn settle(&mut self, parent_of: impl Fn(RecIdx) -> Option<RecIdx> + Sync) -> bool {
        let n = self.dir.len() as RecIdx;
        let parents: Vec<Option<RecIdx>> =
            (0..n).into_par_iter().map(|i| parent_of(i).filter(|&p| p != i)).collect();
        if parents == self.base_parent {
            return false;
        }
        self.base_parent = parents;
        let (scored, groups) = (self.scored.clone(), self.groups.clone());
        self.follow_parents();
        self.scored != scored || self.groups != groups
    }

    /// Compare parents by cluster (a parent merged away counts as its survivor) and score the
    /// pairs of records whose parent changed again, until nothing changes.
    fn follow_parents(&mut self) {
        let n = self.dir.len();
        for _ in 0..MAX_ROUNDS {
            let mut rep: Vec<RecIdx> = (0..n as RecIdx).collect();
            for members in &self.groups {
                for &m in members {
                    rep[m as usize] = members[0];
                }
            }
            let mut touched = vec![false; n];
            for (i, f) in self.feats.iter_mut().enumerate() {
                let parent = self.base_parent[i].map(|p| rep[p as usize]);
                if parent != f.parent {
                    f.parent = parent;
                    touched[i] = true;
                }
            }
            if !touched.contains(&true) {
                break;
            }
            let t = std::time::Instant::now();
            let again = self.score_pairs(Some(&touched));
            self.scored.retain(|s| !touched[s.0 as usize] && !touched[s.1 as usize]);
            self.scored.extend(again);
            self.scored.sort_by_key(|s| (s.0, s.1));
            (self.groups, self.refused) = self.cluster_edges();
            super::timing("score + cluster again (parents changed)", t);
        }
    }

    /// The record's parent is not the directory's (`settle` was given a fixed one).
    fn refixed(&self, i: RecIdx) -> bool {
        self.base_parent[i as usize] != self.dir.parent(i).filter(|&p| p != i)
    }

    pub(super) fn side(&self, i: RecIdx) -> Side<'_> {
        Side {
            name: &self.names[i as usize],
            feat: &self.feats[i as usize],
            level: self.profiles[i as usize].level,
        }
    }

    /// Score the candidate pairs (those with a `touched` record only, when given).
    fn score_pairs(&self, touched: Option<&[bool]>) -> Vec<Scored> {
        let g = Gazetteer::global();
        let keys = &self.veto_keys;
        self.candidates
            .par_iter()
            .filter(|&&(a, b)| touched.is_none_or(|t| t[a as usize] || t[b as usize]))
            // A vetoed pair scores nothing: most are told from the packed keys alone.
            .filter(|&&(a, b)| !keys[a as usize].certainly_vetoed(keys[b as usize]))
            .filter_map(|&(a, b)| {
                let short = self.short_forms.binary_search(&(a, b)).is_ok();
                let pair = score_pair(g, self.side(a), self.side(b), short, self.opts)?;
                let merge = pair.may_merge;
                let score = pair.score;
                let mut reasons = pair.reasons(g, self.side(a), self.side(b))?;
                if self.refixed(a) || self.refixed(b) {
                    for r in reasons.iter_mut().filter(|r| **r == super::Reason::SameParent) {
                        *r = super::Reason::SameParentAfterFix;
                    }
                }
                Some((a, b, score, reasons, merge))
            })
            .collect()
    }

    /// Cluster the merge edges of the scored pairs. Reviewer decisions: `different` pairs lose
    /// their edge and veto; `same` pairs are edges.
    fn cluster_edges(&self) -> (Vec<Vec<RecIdx>>, Vec<cluster::Edge>) {
        let g = Gazetteer::global();
        let rules = self.rules;
        let mut edges: Vec<cluster::Edge> = self
            .scored
            .iter()
            .filter(|s| s.4 && !rules.different.contains(&super::ordered(s.0, s.1)))
            .map(|s| (s.0, s.1, s.2))
            .collect();
        edges.extend(rules.same.iter().map(|&(a, b)| (a, b, REVIEWER_SAME_SCORE)));
        let vetoes = |x: RecIdx, y: RecIdx| {
            let k = super::ordered(x, y);
            rules.different.contains(&k)
                || (!rules.same.contains(&k) && score::vetoes(g, self.side(x), self.side(y)))
        };
        cluster::cluster_by_component(self.dir.len(), edges, vetoes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import_bytes, ImportOptions, SeenIds};
    use crate::profile;

    /// A same-sound slip in the identifying words merges only with independent evidence: here the
    /// parent, which one record has only once its dangling parent is re-pointed.
    const DUMP: &str = "组织ID,组织名称,统一社会信用代码,上级组织ID,省份,地市,区县,组织类型,认证状态,创建时间
N1,中国科学技术协会,,,,,,全国科协,已认证,2015-01-01
P36,江西省科学技术协会,,N1,江西省,,,省级科协,已认证,2015-01-01
U1,鹰潭师范学院科学技术协会,51360000979414980B,GONE9,江西省,,,高校科协,已认证,2021-11-22
U2,鹰潭施范学院科学技术协会,,P36,江西省,,,高校科协,待认证,2024-11-03
";

    #[test]
    fn settling_with_a_re_pointed_parent_merges_the_pair_it_now_explains() {
        let mut dir = crate::model::Directory::default();
        import_bytes(&mut dir, &mut SeenIds::default(), "t.csv", DUMP.as_bytes(), &ImportOptions::default())
            .unwrap();
        dir.resolve_parents();
        let (names, profiles) = profile::parse_and_profile(&dir);
        let (opts, rules) = (DedupeOptions::default(), PairRules::default());
        let mut s = super::super::settling(&dir, &names, &profiles, &opts, &rules);
        let decisions = |s: &Settling| s.result().pairs.iter().map(|p| p.decision).collect::<Vec<_>>();
        assert_eq!(decisions(&s), [super::super::PairDecision::NeedsReview]);

        // The directory's own parents change nothing.
        assert!(!s.settle(|i| dir.parent(i)));
        let (u1, p36) = (dir.lookup("U1").unwrap(), dir.lookup("P36").unwrap());
        assert!(s.settle(|i| if i == u1 { Some(p36) } else { dir.parent(i) }));
        let res = s.result();
        assert_eq!(res.pairs.len(), 1);
        assert_eq!(res.pairs[0].decision, super::super::PairDecision::Merged);
        assert!(
            res.pairs[0].reasons.contains(&super::super::Reason::SameParentAfterFix),
            "{:?}",
            res.pairs[0]
        );
        assert_eq!(res.clusters.clusters.len(), 1);
        // Settled: the same parents again change nothing.
        assert!(!s.settle(|i| if i == u1 { Some(p36) } else { dir.parent(i) }));
    }
}
