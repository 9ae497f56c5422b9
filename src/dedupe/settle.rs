//! Scoring the candidate pairs and clustering the merge edges, kept open so that the pairs can be
//! scored again when the parents they are compared by change (closure).
//!
//! A shared parent places a town that no column puts in a county (it is no evidence that a
//! different word is a slip: siblings share it), and parents are compared as the corrected
//! directory will have them: a parent merged away counts as its survivor, and `run` settles again
//! with the parents `check` re-points (`Settling::settle`). Either can turn a refused pair into a
//! merge; leaving that to the next run over `orgs_fixed.csv` would make the first run's answer
//! not final.

use rayon::prelude::*;

use crate::geo::Gazetteer;
use crate::model::{Directory, RecIdx};
use crate::normalize::NameParts;
use crate::profile::OrgProfile;

use super::features::{Features, VetoKey};
use super::{
    cluster, explain_members, ordered, score, score_pair, timing, DedupeOptions, DedupeResult, PairDecision,
    PairRules, Reason, ScoredPair, Side, Verdict, REVIEWER_SAME_SCORE,
};

/// (a, b, score, reasons, may merge)
type Scored = (RecIdx, RecIdx, f32, Vec<Reason>, bool);

/// Rounds of re-scoring after merges or re-pointed parents: each round only follows the parent
/// changes of the one before, and chains of parents merged into parents are short.
const MAX_ROUNDS: usize = 4;

/// A dedupe's scored pairs and clusters with what it takes to score them again.
pub struct Settling<'a> {
    dir: &'a Directory,
    names: &'a [NameParts],
    profiles: &'a [OrgProfile],
    opts: &'a DedupeOptions,
    rules: &'a PairRules,
    feats: Vec<Features>,
    /// Each record's packed veto key: fixed once the features are (settling changes parents only).
    veto_keys: Vec<VetoKey>,
    /// Sorted.
    candidates: Vec<(RecIdx, RecIdx)>,
    /// Sorted: a binary search over a few hundred pairs beats hashing each of millions.
    short_forms: Vec<(RecIdx, RecIdx)>,
    /// Sorted by (a, b).
    scored: Vec<Scored>,
    groups: Vec<Vec<RecIdx>>,
    refused: Vec<cluster::Edge>,
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
        let base_parent = (0..dir.len() as RecIdx).map(|i| own_parent(dir, i)).collect::<Vec<_>>();
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
        timing("score", t);
        let t = std::time::Instant::now();
        (s.groups, s.refused) = s.cluster_edges();
        timing("cluster", t);
        s.follow_parents();
        s
    }

    /// The result as it stands.
    pub fn result(&self) -> DedupeResult {
        // Half a million pairs, each with its reasons: copied on every core.
        self.finish(self.scored.par_iter().cloned().collect(), self.groups.clone())
    }

    /// Free everything on every core: a million records' features and half a million scored
    /// pairs are millions of small allocations, and dropping them in turn kept one core busy for
    /// a tenth of a second after the last check.
    pub fn free(self) {
        let Settling { feats, scored, groups, .. } = self;
        rayon::join(
            || feats.into_par_iter().for_each(drop),
            || {
                rayon::join(
                    || scored.into_par_iter().for_each(drop),
                    || groups.into_par_iter().for_each(drop),
                )
            },
        );
    }

    /// The result, without copying the scored pairs.
    pub fn into_result(mut self) -> DedupeResult {
        let scored = std::mem::take(&mut self.scored);
        let groups = std::mem::take(&mut self.groups);
        self.finish(scored, groups)
    }

    fn finish(&self, scored: Vec<Scored>, groups: Vec<Vec<RecIdx>>) -> DedupeResult {
        let t = std::time::Instant::now();
        let (dir, rules) = (self.dir, self.rules);
        let g = Gazetteer::global();
        let clusters = cluster::finish(dir, groups, |i| self.feats[i as usize].uscc.is_some());
        let refused: ahash::AHashSet<(RecIdx, RecIdx)> = self.refused.iter().map(|e| (e.0, e.1)).collect();

        let same_cluster = |a: RecIdx, b: RecIdx| {
            let c = &clusters.cluster_of;
            c[a as usize].is_some() && c[a as usize] == c[b as usize]
        };
        // A reviewer `same` pair that blocking never proposed still needs a row explaining the
        // merge. (Hashed only when there are such pairs: a run without an audit database has none.)
        let scored_keys: ahash::AHashSet<(RecIdx, RecIdx)> = match rules.same.is_empty() {
            true => Default::default(),
            false => scored.iter().map(|s| ordered(s.0, s.1)).collect(),
        };
        let mut forced: Vec<_> = rules.same.iter().filter(|k| !scored_keys.contains(k)).copied().collect();
        forced.sort_unstable();
        let forced: Vec<Scored> = forced
            .into_iter()
            .map(|(a, b)| {
                let score = match score::compare(g, self.side(a), self.side(b)) {
                    Verdict::Scored { score, .. } => score,
                    Verdict::Veto(_) => 0.0,
                };
                (a, b, score, Vec::new(), true)
            })
            .collect();
        // Reviewer-only pairs go last so that the scored pairs keep their order (the explanation
        // of each merge depends on it). On every core, in order.
        let pairs: Vec<ScoredPair> = scored
            .into_par_iter()
            .chain(forced)
            .map(|(a, b, score, mut reasons, _)| {
                let decision =
                    if same_cluster(a, b) { PairDecision::Merged } else { PairDecision::NeedsReview };
                let key = ordered(a, b);
                if rules.same.contains(&key) {
                    reasons.push(Reason::MarkedSameByReviewer);
                } else if rules.different.contains(&key) {
                    reasons.push(Reason::MarkedDifferentByReviewer);
                }
                if refused.contains(&(a, b)) {
                    reasons.push(Reason::RefusedInCluster);
                }
                ScoredPair { a, b, score, reasons, decision }
            })
            .collect();

        let link = explain_members(&clusters, &pairs);
        timing("clusters and pairs", t);
        DedupeResult { clusters, pairs, candidate_pairs: self.candidates.len(), link }
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
        self.follow_parents()
    }

    /// Compare parents by cluster (a parent merged away counts as its survivor) and score the
    /// pairs of records whose parent changed again, until nothing changes. True when a scored
    /// pair changed (the clusters follow from the scored pairs alone).
    fn follow_parents(&mut self) -> bool {
        let n = self.dir.len();
        let mut changed = false;
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
            // Both in (a, b) order: the scored pairs are kept sorted, the candidates are sorted.
            let again = self.score_pairs(Some(&touched));
            let (before, kept): (Vec<Scored>, Vec<Scored>) = std::mem::take(&mut self.scored)
                .into_iter()
                .partition(|s| touched[s.0 as usize] || touched[s.1 as usize]);
            self.scored = kept;
            // Each pair once (the candidates are distinct): any sort gives the one order.
            if again == before {
                // Same pairs, same clusters: nothing further can change.
                self.scored.extend(before);
                self.scored.par_sort_unstable_by_key(|s| (s.0, s.1));
                break;
            }
            changed = true;
            self.scored.extend(again);
            self.scored.par_sort_unstable_by_key(|s| (s.0, s.1));
            (self.groups, self.refused) = self.cluster_edges();
            timing("score + cluster again (parents changed)", t);
        }
        changed
    }

    /// The record's parent is not the directory's (`settle` was given a fixed one).
    fn refixed(&self, i: RecIdx) -> bool {
        self.base_parent[i as usize] != own_parent(self.dir, i)
    }

    fn side(&self, i: RecIdx) -> Side<'_> {
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
                    for r in reasons.iter_mut().filter(|r| **r == Reason::SameParent) {
                        *r = Reason::SameParentAfterFix;
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
            .filter(|s| s.4 && !rules.different.contains(&ordered(s.0, s.1)))
            .map(|s| (s.0, s.1, s.2))
            .collect();
        edges.extend(rules.same.iter().map(|&(a, b)| (a, b, REVIEWER_SAME_SCORE)));
        let vetoes = |x: RecIdx, y: RecIdx| {
            let k = ordered(x, y);
            rules.different.contains(&k)
                || (!rules.same.contains(&k)
                    && (score::vetoes(g, self.side(x), self.side(y))
                        || score::code_shared_by_two_units(self.side(x), self.side(y))))
        };
        cluster::cluster_by_component(self.dir.len(), edges, vetoes)
    }
}

/// The record's parent in the directory, its own id counting as none.
fn own_parent(dir: &Directory, i: RecIdx) -> Option<RecIdx> {
    dir.parent(i).filter(|&p| p != i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import_bytes, ImportOptions, SeenIds};
    use crate::profile;

    /// A town's unit whose county no column names is any county's town of that name: it merges
    /// only once something places it, here the parent (the county's 科协), which one record has
    /// only once its dangling parent is re-pointed.
    const DUMP: &str = "组织ID,组织名称,统一社会信用代码,上级组织ID,省份,地市,区县,组织类型,认证状态,创建时间
C1,滑县科学技术协会,,,河南省,安阳市,滑县,县级科协,已认证,2015-01-01
T1,城关镇科学技术协会,,GONE9,河南省,,,乡镇科协,已认证,2021-11-22
T2,城关镇科学技术协会,,C1,河南省,,,乡镇科协,待认证,2024-11-03
";

    /// A dump imported, with its records' parsed names and profiles.
    fn parsed(dump: &str) -> (crate::model::Directory, Vec<NameParts>, Vec<OrgProfile>) {
        let mut dir = crate::model::Directory::default();
        import_bytes(&mut dir, &mut SeenIds::default(), "t.csv", dump.as_bytes(), &ImportOptions::default())
            .unwrap();
        dir.resolve_parents();
        let (names, profiles) = profile::parse_and_profile(&dir);
        (dir, names, profiles)
    }

    /// Two stations of one township health centre, filed with its code, each linked to the
    /// centre's own station record (a shortening of both): the pair of stations is for review, and
    /// no cluster may join them through the third record (before, all three made one cluster).
    #[test]
    fn a_cluster_does_not_join_two_units_that_share_a_borrowed_code() {
        let dump = "组织ID,组织名称,统一社会信用代码,上级组织ID,省份,地市,区县,组织类型,认证状态,创建时间
A,北京市顺义区北小营镇卫生院榆林社区卫生服务站,12110228400953310K,,北京市,北京市,顺义区,,已认证,2020-01-02
B,北京市顺义区北小营镇卫生院前鲁社区卫生服务站,12110228400953310K,,北京市,北京市,顺义区,,已认证,2020-01-03
C,北京市顺义区北小营镇卫生院社区卫生服务站,12110228400953310K,,北京市,北京市,顺义区,,已认证,2020-01-01
";
        let (dir, names, profiles) = parsed(dump);
        let (opts, rules) = (DedupeOptions::default(), PairRules::default());
        let s = super::super::settling(&dir, &names, &profiles, &opts, &rules);
        let res = s.result();
        let (a, b) = (dir.lookup("A").unwrap(), dir.lookup("B").unwrap());
        let ab =
            res.pairs.iter().find(|p| (p.a, p.b) == (a.min(b), a.max(b))).expect("the pair A / B is scored");
        assert!(
            ab.reasons.iter().any(|r| matches!(r, super::Reason::SharedCodeDifferentNames { .. })),
            "{ab:?}"
        );
        for c in &res.clusters.clusters {
            assert!(!(c.members.contains(&a) && c.members.contains(&b)), "one cluster: {:?}", res.clusters);
        }
    }

    #[test]
    fn settling_with_a_re_pointed_parent_merges_the_pair_it_now_explains() {
        let (dir, names, profiles) = parsed(DUMP);
        let (opts, rules) = (DedupeOptions::default(), PairRules::default());
        let mut s = super::super::settling(&dir, &names, &profiles, &opts, &rules);
        let decisions = |s: &Settling| s.result().pairs.iter().map(|p| p.decision).collect::<Vec<_>>();
        assert_eq!(decisions(&s), [super::super::PairDecision::NeedsReview]);

        // The directory's own parents change nothing.
        assert!(!s.settle(|i| dir.parent(i)));
        let (t1, c1) = (dir.lookup("T1").unwrap(), dir.lookup("C1").unwrap());
        assert!(s.settle(|i| if i == t1 { Some(c1) } else { dir.parent(i) }));
        let res = s.result();
        assert_eq!(res.pairs.len(), 1);
        assert_eq!(res.pairs[0].decision, super::super::PairDecision::Merged);
        assert!(res.pairs[0].reasons.contains(&super::Reason::SameParentAfterFix), "{:?}", res.pairs[0]);
        assert_eq!(res.clusters.clusters.len(), 1);
        // Settled: the same parents again change nothing.
        assert!(!s.settle(|i| if i == t1 { Some(c1) } else { dir.parent(i) }));
    }
}
