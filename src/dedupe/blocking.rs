//! Candidate pairs without comparing every record with every other:
//! 1. same normalized body within a province (split by place when the group is large);
//! 2. same valid credit code;
//! 3. rare character bigrams of the normalized name within a province: each record looks up
//!    its `PROBES` rarest grams and keeps its `TOP_K` best-overlapping neighbours.
//!
//! Work per record is bounded by constants, so candidate pairs grow linearly with the records.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::RecIdx;
use crate::normalize::NameParts;

use super::features::Features;

/// Groups up to this size are compared pairwise; larger ones are split by place.
const MAX_GROUP: usize = 64;
/// In a group still too large after splitting, each record is paired with this many neighbours
/// in id order.
const WINDOW: usize = 16;
/// Grams more frequent than this within a province carry no identity (科学, 协会).
const MAX_DF: usize = 100;
/// Rarest grams of a record used to look up neighbours.
const PROBES: usize = 3;
/// Neighbours kept per record from the gram index.
const TOP_K: usize = 8;
/// Neighbours (by rarity-weighted probe hits) whose full gram overlap is counted.
const SHORTLIST: usize = 2 * TOP_K;

type Pair = (RecIdx, RecIdx);

fn ordered(a: RecIdx, b: RecIdx) -> Pair {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

/// All pairs of a small group; a window over a large one (members sorted by index).
fn pairs_in(members: &[RecIdx], out: &mut Vec<Pair>) {
    let w = if members.len() <= MAX_GROUP { members.len() } else { WINDOW };
    for (i, &a) in members.iter().enumerate() {
        for &b in members.iter().skip(i + 1).take(w) {
            out.push(ordered(a, b));
        }
    }
}

fn group_pairs<K: std::hash::Hash + Eq + Ord>(keys: impl Iterator<Item = (K, RecIdx)>, out: &mut Vec<Pair>) {
    let mut groups: HashMap<K, Vec<RecIdx>> = HashMap::new();
    for (k, i) in keys {
        groups.entry(k).or_default().push(i);
    }
    let mut groups: Vec<(K, Vec<RecIdx>)> = groups.into_iter().filter(|(_, v)| v.len() > 1).collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, mut members) in groups {
        members.sort_unstable();
        pairs_in(&members, out);
    }
}

/// Character bigrams of a name key (a one-character key is its own gram).
fn grams(key: &str) -> Vec<u64> {
    let cs: Vec<u64> = key.chars().map(|c| c as u64).collect();
    let mut g: Vec<u64> =
        if cs.len() < 2 { cs.clone() } else { cs.windows(2).map(|w| (w[0] << 32) | w[1]).collect() };
    g.sort_unstable();
    g.dedup();
    g
}

pub fn candidate_pairs(names: &[NameParts], feats: &[Features]) -> Vec<Pair> {
    let t0 = std::time::Instant::now();
    let n = names.len();
    let mut out = Vec::new();

    // 1. Same body within a province; large groups split by the place the record is the unit of.
    let mut by_body: HashMap<(u32, &str), Vec<RecIdx>> = HashMap::new();
    for i in 0..n {
        by_body.entry((feats[i].province_key(), names[i].body.as_str())).or_default().push(i as RecIdx);
    }
    let mut bodies: Vec<_> = by_body.into_iter().filter(|(_, v)| v.len() > 1).collect();
    bodies.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, mut members) in bodies {
        members.sort_unstable();
        if members.len() <= MAX_GROUP {
            pairs_in(&members, &mut out);
        } else {
            let keyed = members.iter().map(|&i| (feats[i as usize].identity_division().unwrap_or(0), i));
            group_pairs(keyed, &mut out);
        }
    }

    // 2. Same valid credit code.
    group_pairs((0..n).filter_map(|i| feats[i].uscc.as_deref().map(|u| (u, i as RecIdx))), &mut out);

    // 3. Rare bigrams within a province. Records of unknown province are indexed under 0 and
    //    probe every province; the others probe their own and 0.
    super::timing("blocking: exact + uscc", t0);
    let t0 = std::time::Instant::now();
    let rec_grams: Vec<Vec<u64>> = names.par_iter().map(|nm| grams(&nm.key)).collect();
    let index = GramIndex::build(&rec_grams, feats);
    super::timing("blocking: gram index", t0);
    let t0 = std::time::Instant::now();
    let mut provinces: Vec<u32> = feats.iter().map(Features::province_key).collect();
    provinces.sort_unstable();
    provinces.dedup();
    let fuzzy: Vec<Pair> = (0..n)
        .into_par_iter()
        .flat_map_iter(|i| {
            let p = feats[i].province_key();
            let buckets: Vec<u32> = if p == 0 { provinces.clone() } else { vec![p, 0] };
            let mut probes: Vec<(usize, u64, &[RecIdx])> = Vec::new();
            for &g in &rec_grams[i] {
                for &b in &buckets {
                    let post = index.postings(b, g);
                    if post.len() <= MAX_DF && post.len() > 1 {
                        probes.push((post.len(), g, post));
                    }
                }
            }
            probes.sort_by_key(|&(df, g, _)| (df, g));
            // Neighbours weighted by how rare the shared probe grams are; only the best few get
            // the exact (more costly) shared-gram count.
            let mut hits: Vec<(RecIdx, f32)> = Vec::new();
            for (df, _, post) in probes.iter().take(PROBES) {
                let w = 1.0 / *df as f32;
                hits.extend(post.iter().filter(|&&j| j as usize != i).map(|&j| (j, w)));
            }
            hits.sort_unstable_by_key(|h| h.0);
            let mut merged: Vec<(f32, RecIdx)> = Vec::new();
            for (j, w) in hits {
                match merged.last_mut() {
                    Some(last) if last.1 == j => last.0 += w,
                    _ => merged.push((w, j)),
                }
            }
            let by_weight = |a: &(f32, RecIdx), b: &(f32, RecIdx)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            if merged.len() > SHORTLIST {
                merged.select_nth_unstable_by(SHORTLIST, by_weight);
                merged.truncate(SHORTLIST);
            }
            let mine = &rec_grams[i];
            let mut scored: Vec<(usize, RecIdx)> =
                merged.into_iter().map(|(_, j)| (shared(mine, &rec_grams[j as usize]), j)).collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().take(TOP_K).map(move |(_, j)| ordered(i as RecIdx, j))
        })
        .collect();
    out.extend(fuzzy);
    super::timing("blocking: gram probes", t0);

    out.par_sort_unstable();
    out.dedup();
    out
}

/// (province, gram) → records: one sorted array of record indexes plus a hash map from key to
/// its range, so that a lookup costs one probe instead of a binary search over millions.
struct GramIndex {
    ranges: ahash::AHashMap<(u32, u64), (u32, u32)>,
    recs: Vec<RecIdx>,
}

impl GramIndex {
    fn build(rec_grams: &[Vec<u64>], feats: &[Features]) -> GramIndex {
        let mut entries: Vec<(u32, u64, RecIdx)> = Vec::new();
        for (i, gs) in rec_grams.iter().enumerate() {
            let p = feats[i].province_key();
            entries.extend(gs.iter().map(|&g| (p, g, i as RecIdx)));
        }
        entries.par_sort_unstable();
        let mut ranges = ahash::AHashMap::new();
        let mut lo = 0;
        while lo < entries.len() {
            let key = (entries[lo].0, entries[lo].1);
            let hi = lo + entries[lo..].partition_point(|e| (e.0, e.1) == key);
            ranges.insert(key, (lo as u32, hi as u32));
            lo = hi;
        }
        let recs = entries.iter().map(|&(_, _, i)| i).collect();
        GramIndex { ranges, recs }
    }

    fn postings(&self, province: u32, gram: u64) -> &[RecIdx] {
        match self.ranges.get(&(province, gram)) {
            Some(&(lo, hi)) => &self.recs[lo as usize..hi as usize],
            None => &[],
        }
    }
}

/// Number of grams two sorted gram lists share.
fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_of_small_groups_and_windows_of_large_ones() {
        let mut out = Vec::new();
        pairs_in(&[1, 2, 3], &mut out);
        assert_eq!(out, vec![(1, 2), (1, 3), (2, 3)]);
        let big: Vec<RecIdx> = (0..1000).collect();
        let mut out = Vec::new();
        pairs_in(&big, &mut out);
        assert!(out.len() <= 1000 * WINDOW);
    }

    #[test]
    fn grams_are_bigrams() {
        assert_eq!(grams("科协").len(), 1);
        assert_eq!(grams("科").len(), 1);
        assert_eq!(shared(&grams("合肥科协"), &grams("肥西科协")), 1);
    }
}
