//! Hooks for comparing records that are not (yet) in the directory against it — `lookup` and
//! `match` (docs/lookup.md) — with exactly the rules of a dedupe run: the same features, the
//! same `compare`, the same union-find that never joins two vetoing records, the same survivor
//! rule. Nothing here decides anything on its own.

use crate::geo::Gazetteer;
use crate::model::{Directory, RecIdx};
use crate::normalize::NameParts;
use crate::profile::OrgProfile;

use super::{cluster, features, score, DedupeOptions, Features, Side};

/// The character bigrams dedupe's blocking uses, so that lookup's index probes the same grams.
pub use super::blocking::grams_into as bigrams;

/// `Features::named_division` of a national unit (中国…, 全国…).
pub use super::features::NATIONAL;

/// Short forms, judged by dedupe's own rules (`shortform`): does one name shorten the other, how
/// well, and which of a short name's fits it is paired with.
pub use super::shortform::{
    best_fits, fit as short_form_fit, in_order as chars_in_order, may_be_short, province_keys_compatible,
};

/// A candidate pair scored as a dedupe run scores it (`score_pair`), short-form lift included.
pub use super::{score_pair, PairScore};

/// The features of every record of a directory, exactly as a dedupe run computes them before
/// clustering (the kind-only names marked over the whole directory).
pub fn directory_features(dir: &Directory, names: &[NameParts], profiles: &[OrgProfile]) -> Vec<Features> {
    use rayon::prelude::*;
    let mut feats: Vec<Features> = (0..dir.len())
        .into_par_iter()
        .map(|i| record_features(dir, i as RecIdx, &names[i], &profiles[i]))
        .collect();
    super::mark_kind_only(names, &mut feats, Gazetteer::global());
    feats
}

/// Is the record (`name`, `feat`) only a kind among `others` (dedupe's `kind_only` rule, counted
/// over `others` instead of the whole directory: `lookup` passes the records it found)? Only
/// records with the same body can make it so.
pub fn kind_only_among<'a>(
    name: &NameParts,
    feat: &Features,
    others: impl Iterator<Item = (&'a NameParts, &'a Features)>,
) -> bool {
    let (mut names, mut feats) = (vec![name.clone()], vec![feat.clone()]);
    for (n, f) in others.filter(|(n, _)| n.body() == name.body()) {
        names.push(n.clone());
        feats.push(f.clone());
    }
    super::mark_kind_only(&names, &mut feats, Gazetteer::global());
    feats[0].kind_only
}

/// The features of record `i` of `dir`, as a dedupe run computes them.
pub fn record_features(dir: &Directory, i: RecIdx, name: &NameParts, profile: &OrgProfile) -> Features {
    features::of_record(dir, i, name, profile, Gazetteer::global())
}

/// Per record, the children the survivor rule counts (computed once per directory: a lookup
/// clusters a few records at a time and must not walk the whole directory each time).
pub fn survivor_children(dir: &Directory) -> Vec<u32> {
    let everyone: Vec<RecIdx> = (0..dir.len() as RecIdx).collect();
    cluster::settled_children(dir, &[everyone])
}

/// One duplicate cluster among a few records: its members (sorted) and its survivor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsetCluster {
    pub members: Vec<RecIdx>,
    pub survivor: RecIdx,
}

/// Cluster `members` (records of `dir`) the way `dedupe` would if they were the whole
/// directory: every pair scored, pairs at or above the merge threshold that may merge become
/// edges, no cluster holds two records that veto each other, the survivor rule picks the record
/// that stays. Singletons come back as clusters of one. Sorted by first member.
pub fn cluster_subset<'a>(
    dir: &Directory,
    members: &[RecIdx],
    side: impl Fn(RecIdx) -> Side<'a>,
    children: &[u32],
    opts: &DedupeOptions,
) -> Vec<SubsetCluster> {
    let g = Gazetteer::global();
    let mut local: Vec<RecIdx> = members.to_vec();
    local.sort_unstable();
    local.dedup();
    let mut edges = Vec::new();
    for (x, &a) in local.iter().enumerate() {
        for (y, &b) in local.iter().enumerate().skip(x + 1) {
            if let Some((s, reviewable_only)) = score::score_only(g, side(a), side(b)) {
                if !reviewable_only && s >= opts.merge_threshold {
                    edges.push((x as RecIdx, y as RecIdx, s));
                }
            }
        }
    }
    let vetoes = |x: RecIdx, y: RecIdx| score::vetoes(g, side(local[x as usize]), side(local[y as usize]));
    let (groups, _) = cluster::cluster(local.len(), edges, vetoes);
    let mut grouped = vec![false; local.len()];
    let has_uscc = |i: RecIdx| side(i).feat.uscc.is_some();
    let mut out: Vec<SubsetCluster> = groups
        .into_iter()
        .map(|g| {
            let members: Vec<RecIdx> = g.iter().map(|&k| local[k as usize]).collect();
            for &k in &g {
                grouped[k as usize] = true;
            }
            let survivor = cluster::survivor(dir, &members, children, has_uscc);
            SubsetCluster { members, survivor }
        })
        .collect();
    out.extend(
        local
            .iter()
            .zip(&grouped)
            .filter(|(_, &g)| !g)
            .map(|(&i, _)| SubsetCluster { members: vec![i], survivor: i }),
    );
    out.sort_by_key(|c| c.members[0]);
    out
}
