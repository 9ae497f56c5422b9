//! Step 2: duplicate clusters with a survivor and a reason for every merge.
//!
//! `features` combines each record's columns, name and credit code; `blocking` finds candidate
//! pairs in near-linear time; `score` vetoes or scores each pair; `cluster` joins merge edges
//! without ever putting two vetoing records together and picks survivors. The rules are in
//! docs/dedupe.md. Output is the same whatever the number of threads: every list is sorted.

mod blocking;
mod cluster;
mod features;
mod kind_only;
pub mod query;
pub mod reason;
mod score;
mod settle;
mod shortform;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::geo::Gazetteer;
use crate::model::{Clusters, Directory, RecIdx};
use crate::normalize::NameParts;
use crate::profile::{self, OrgProfile};

pub use features::Features;
use kind_only::mark_kind_only;
pub use reason::Reason;
pub use score::{compare, name_similarity, score_only, veto, vetoes, Side, Verdict};
pub use settle::Settling;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DedupeOptions {
    /// Pairs scoring at least this are merged (unless a veto inside the cluster forbids it).
    pub merge_threshold: f32,
    /// Pairs scoring at least this (and not merged) are listed for review.
    pub review_threshold: f32,
}

impl Default for DedupeOptions {
    /// 0.85 ≈ at most one differing character in seven informative ones; 0.70 ≈ one in three or
    /// four, the zone where a person should look. See docs/dedupe.md.
    fn default() -> Self {
        DedupeOptions { merge_threshold: 0.85, review_threshold: 0.70 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairDecision {
    Merged,
    NeedsReview,
}

impl PairDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            PairDecision::Merged => "merged",
            PairDecision::NeedsReview => "needs_review",
        }
    }
}

/// A candidate pair at or above the review threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredPair {
    pub a: RecIdx,
    pub b: RecIdx,
    pub score: f32,
    pub reasons: Vec<Reason>,
    pub decision: PairDecision,
}

#[derive(Debug, Default)]
pub struct DedupeResult {
    pub clusters: Clusters,
    /// Sorted by (a, b).
    pub pairs: Vec<ScoredPair>,
    pub candidate_pairs: usize,
    /// Per non-survivor record in a cluster: index in `pairs` of the merge that explains it
    /// (its pair with the survivor if scored, else its best merged pair in the cluster).
    pub link: HashMap<RecIdx, usize>,
}

/// Parse names, profile records and dedupe: the whole step for a directory.
pub fn run(dir: &Directory, opts: &DedupeOptions) -> DedupeResult {
    let t = std::time::Instant::now();
    let (names, profiles) = profile::parse_and_profile(dir);
    timing("parse + profile", t);
    let result = dedupe(dir, &names, &profiles, opts);
    NameParts::free_all(names);
    result
}

/// Reviewer decisions on pairs (from the audit database, issue 6), by record index, each pair
/// stored as (smaller, larger). A `different` pair vetoes in clustering like a credit-code
/// mismatch, so the two are never joined, not even through a third record. A `same` pair is a
/// merge edge taken before every scored one, and the automatic vetoes do not block it (a
/// `different` decision still does).
#[derive(Debug, Clone, Default)]
pub struct PairRules {
    pub same: HashSet<(RecIdx, RecIdx)>,
    pub different: HashSet<(RecIdx, RecIdx)>,
}

impl PairRules {
    pub fn is_empty(&self) -> bool {
        self.same.is_empty() && self.different.is_empty()
    }
}

fn ordered(a: RecIdx, b: RecIdx) -> (RecIdx, RecIdx) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Sorts before any real score (scores are at most 1) so that reviewer merges come first.
const REVIEWER_SAME_SCORE: f32 = 2.0;

pub fn dedupe(
    dir: &Directory,
    names: &[NameParts],
    profiles: &[OrgProfile],
    opts: &DedupeOptions,
) -> DedupeResult {
    dedupe_with(dir, names, profiles, opts, &PairRules::default())
}

/// `dedupe` honouring reviewer decisions (see `PairRules`).
pub fn dedupe_with(
    dir: &Directory,
    names: &[NameParts],
    profiles: &[OrgProfile],
    opts: &DedupeOptions,
    rules: &PairRules,
) -> DedupeResult {
    settling(dir, names, profiles, opts, rules).into_result()
}

/// `dedupe_with`, kept open to be settled again with the parents the check re-points
/// (`Settling::settle`, `Settling::result`).
pub fn settling<'a>(
    dir: &'a Directory,
    names: &'a [NameParts],
    profiles: &'a [OrgProfile],
    opts: &'a DedupeOptions,
    rules: &'a PairRules,
) -> Settling<'a> {
    let t = std::time::Instant::now();
    let g = Gazetteer::global();
    let n = dir.len();
    let mut feats: Vec<Features> = (0..n)
        .into_par_iter()
        .map(|i| features::of_record(dir, i as RecIdx, &names[i], &profiles[i], g))
        .collect();
    mark_kind_only(names, &mut feats, g);
    let veto_keys: Vec<features::VetoKey> = feats.par_iter().map(features::VetoKey::of).collect();
    timing("features", t);
    let t = std::time::Instant::now();
    let (candidates, mut short_forms) = rayon::join(
        || blocking::candidate_pairs(names, &feats, &veto_keys),
        || shortform::pairs(names, &feats),
    );
    // The candidates come sorted and few pairs are short forms: merging the two keeps the order
    // without sorting millions of pairs again.
    short_forms.sort_unstable();
    short_forms.dedup();
    let candidates = union_of_sorted(&candidates, &short_forms);
    timing("blocking", t);
    let t = std::time::Instant::now();
    let settling =
        Settling::new(dir, names, profiles, opts, rules, feats, veto_keys, candidates, short_forms);
    timing("score + cluster", t);
    settling
}

/// A candidate pair as a dedupe run takes it (also `lookup` and `match`, through `query`): its
/// score, whether it may merge, and the short-form evidence when the pair is a short-form pair.
#[derive(Debug, Clone)]
pub struct PairScore {
    pub score: f32,
    pub may_merge: bool,
    short: Option<Reason>,
    lifted: bool,
}

/// Score a candidate pair: `None` when vetoed or below the review threshold. `short_form` says
/// the pair was proposed as a short form (北理工 / 北京理工大学): it is a candidate for review on
/// its own, never more.
pub fn score_pair(
    g: &Gazetteer,
    a: Side,
    b: Side,
    short_form: bool,
    opts: &DedupeOptions,
) -> Option<PairScore> {
    let (mut score, mut reviewable_only) = score::score_only(g, a, b)?;
    let short = short_form
        .then(|| shortform::explain(a.name, b.name))
        .flatten()
        .or_else(|| shortform::form_dropped(a.name, b.name));
    let lifted = short.is_some() && score < opts.review_threshold;
    if lifted {
        score = opts.review_threshold;
        reviewable_only = true;
    }
    if score < opts.review_threshold {
        return None;
    }
    Some(PairScore { score, may_merge: !reviewable_only && score >= opts.merge_threshold, short, lifted })
}

impl PairScore {
    /// The reasons a dedupe run writes for the pair (`None` if `compare` vetoes after all).
    pub fn reasons(self, g: &Gazetteer, a: Side, b: Side) -> Option<Vec<Reason>> {
        let Verdict::Scored { mut reasons, .. } = score::compare(g, a, b) else {
            return None;
        };
        for n in [a.name, b.name] {
            reasons.extend(
                n.decorations.iter().map(|(what, text)| Reason::Decoration { what, text: text.clone() }),
            );
        }
        // The scorer's own "abbreviates" already says it (with the same credit code).
        if let Some(why) =
            self.short.filter(|_| !reasons.iter().any(|r| matches!(r, Reason::Abbreviates { .. })))
        {
            reasons.push(why);
        }
        if self.lifted {
            reasons.push(Reason::ShortFormForReview(self.score));
        }
        Some(reasons)
    }
}

/// The sorted union, without repeats, of two sorted lists without repeats.
fn union_of_sorted<T: Ord + Copy>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

fn timing(phase: &str, since: std::time::Instant) {
    crate::progress::timing(&format!("dedupe: {phase}"), since);
}

/// For each non-survivor, the merged pair that best explains why it is in its cluster.
fn explain_members(clusters: &Clusters, pairs: &[ScoredPair]) -> HashMap<RecIdx, usize> {
    let mut link: HashMap<RecIdx, usize> = HashMap::new();
    let better = |pairs: &[ScoredPair], new: usize, old: Option<&usize>, with_survivor: bool| match old {
        None => true,
        Some(&o) => with_survivor || pairs[new].score > pairs[o].score,
    };
    for (k, p) in pairs.iter().enumerate() {
        if p.decision != PairDecision::Merged {
            continue;
        }
        for (me, other) in [(p.a, p.b), (p.b, p.a)] {
            let Some(c) = clusters.cluster_of[me as usize] else {
                continue;
            };
            let survivor = clusters.clusters[c as usize].survivor;
            if me == survivor {
                continue;
            }
            let old_is_survivor =
                link.get(&me).is_some_and(|&o| pairs[o].a == survivor || pairs[o].b == survivor);
            if old_is_survivor {
                continue;
            }
            if better(pairs, k, link.get(&me), other == survivor) {
                link.insert(me, k);
            }
        }
    }
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_of_sorted_lists_is_sorted_without_repeats() {
        assert_eq!(union_of_sorted(&[1, 3, 5, 9], &[2, 3, 10]), vec![1, 2, 3, 5, 9, 10]);
        assert_eq!(union_of_sorted(&[1, 2], &[]), vec![1, 2]);
        assert_eq!(union_of_sorted::<u8>(&[], &[4]), vec![4]);
        assert_eq!(union_of_sorted(&[(0, 1), (0, 7)], &[(0, 1), (2, 3)]), vec![(0, 1), (0, 7), (2, 3)]);
    }
}
