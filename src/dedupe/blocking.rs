//! Candidate pairs without comparing every record with every other:
//! 1. same normalized body within a province (split by place when the group is large);
//! 2. same valid credit code;
//! 3. rare character bigrams of the normalized name within a province: each record looks up
//!    its `PROBES` rarest grams and keeps its `TOP_K` best-overlapping neighbours.
//!
//! Work per record is bounded by constants, so candidate pairs grow linearly with the records.

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

/// Records grouped by key: each run of equal keys (of two or more), members in index order.
fn groups_of<K: Ord + Send>(mut keyed: Vec<(K, RecIdx)>) -> impl Iterator<Item = Vec<RecIdx>> {
    keyed.par_sort_unstable();
    let mut runs = Vec::new();
    for run in keyed.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
        runs.push(run.iter().map(|e| e.1).collect());
    }
    runs.into_iter()
}

fn group_pairs<K: Ord + Send>(keyed: Vec<(K, RecIdx)>, out: &mut Vec<Pair>) {
    for members in groups_of(keyed) {
        pairs_in(&members, out);
    }
}

/// Character bigrams of a name key (a one-character key is its own gram), sorted, into `out`.
pub fn grams_into(key: &str, out: &mut Vec<u64>) {
    out.clear();
    let mut chars = key.chars().map(|c| c as u64);
    let Some(mut prev) = chars.next() else { return };
    for c in chars {
        out.push((prev << 32) | c);
        prev = c;
    }
    if out.is_empty() {
        out.push(prev);
    }
    out.sort_unstable();
    out.dedup();
}

pub fn candidate_pairs(names: &[NameParts], feats: &[Features]) -> Vec<Pair> {
    // The exact groups are mostly hashing on one thread; the gram phase keeps the other busy.
    let (mut out, fuzzy) = rayon::join(|| exact_pairs(names, feats), || gram_pairs(names, feats));
    out.extend(fuzzy);
    out.par_sort_unstable();
    out.dedup();
    out
}

/// 1. Same body within a province (large groups split by the place the record is the unit of);
/// 2. same valid credit code.
fn exact_pairs(names: &[NameParts], feats: &[Features]) -> Vec<Pair> {
    let t0 = std::time::Instant::now();
    let mut out = Vec::new();
    // The body's hash first so that sorting compares integers, and the text itself only
    // between equal hashes.
    let hasher = ahash::RandomState::with_seeds(1, 2, 3, 4);
    let bodies: Vec<((u32, u64, &str), RecIdx)> = names
        .par_iter()
        .zip(feats)
        .enumerate()
        .map(|(i, (name, feat))| {
            let body = name.body.as_str();
            ((feat.province_key(), hasher.hash_one(body), body), i as RecIdx)
        })
        .collect();
    for members in groups_of(bodies) {
        if members.len() <= MAX_GROUP {
            pairs_in(&members, &mut out);
        } else {
            let keyed =
                members.iter().map(|&i| (feats[i as usize].identity_division().unwrap_or(0), i)).collect();
            group_pairs(keyed, &mut out);
        }
    }
    let usccs =
        feats.iter().enumerate().filter_map(|(i, f)| f.uscc.as_deref().map(|u| (u, i as RecIdx))).collect();
    group_pairs(usccs, &mut out);
    super::timing("blocking: exact + uscc", t0);
    out
}

/// 3. Rare bigrams within a province. Records of unknown province are indexed under 0 and probe
///    every province; the others probe their own and 0.
///
/// The phase works on records renumbered in (province, name) order: the neighbours a record
/// looks at are mostly records with similar names, so in that order they sit near the ones the
/// previous record looked at, and the gram lists and weights it reads are in cache. Without it
/// this phase is bound by memory latency. Ties are still broken by record index, so the pairs
/// are the same in either numbering.
fn gram_pairs(names: &[NameParts], feats: &[Features]) -> Vec<Pair> {
    let t0 = std::time::Instant::now();
    let n = names.len();
    // Province, then the first 16 bytes of the name (about five characters): close enough to
    // name order for locality, and an integer sort.
    let mut keyed: Vec<(u32, u128, RecIdx)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut head = [0u8; 16];
            let key = names[i].key.as_bytes();
            let len = key.len().min(16);
            head[..len].copy_from_slice(&key[..len]);
            (feats[i].province_key(), u128::from_be_bytes(head), i as RecIdx)
        })
        .collect();
    keyed.par_sort_unstable();
    let order: Vec<RecIdx> = keyed.iter().map(|k| k.2).collect();
    let province: Vec<u32> = keyed.iter().map(|k| k.0).collect();
    drop(keyed);
    let grams = Grams::build(&order, names);
    let index = GramIndex::build(&grams, &province);
    super::timing("blocking: gram index", t0);

    let t0 = std::time::Instant::now();
    let mut provinces = province.clone();
    provinces.dedup();
    let fuzzy: Vec<Pair> = (0..n)
        .into_par_iter()
        .flat_map_iter(|pos| {
            let p = province[pos];
            let buckets: Vec<u32> = if p == 0 { provinces.clone() } else { vec![p, 0] };
            let mut probes: Vec<(usize, u64, &[RecIdx])> = Vec::new();
            for &g in grams.of(pos) {
                for &b in &buckets {
                    let post = index.postings(b, g);
                    if post.len() <= MAX_DF && post.len() > 1 {
                        probes.push((post.len(), g, post));
                    }
                }
            }
            probes.sort_by_key(|&(df, g, _)| (df, g));
            // Neighbours weighted by how rare the shared probe grams are; only the best few get
            // the exact (more costly) shared-gram count. Weights add up in probe order, which
            // does not depend on the numbering, so equal sums round the same way every time.
            let mut merged: Vec<(f32, RecIdx)> = WEIGHTS.with_borrow_mut(|weight| {
                weight.resize(n, 0.0);
                let mut touched: Vec<RecIdx> = Vec::new();
                for (df, _, post) in probes.iter().take(PROBES) {
                    let w = 1.0 / *df as f32;
                    for &q in post.iter().filter(|&&q| q as usize != pos) {
                        if weight[q as usize] == 0.0 {
                            touched.push(q);
                        }
                        weight[q as usize] += w;
                    }
                }
                touched.iter().map(|&q| (std::mem::take(&mut weight[q as usize]), q)).collect()
            });
            let by_weight = |a: &(f32, RecIdx), b: &(f32, RecIdx)| {
                b.0.total_cmp(&a.0).then(order[a.1 as usize].cmp(&order[b.1 as usize]))
            };
            if merged.len() > SHORTLIST {
                merged.select_nth_unstable_by(SHORTLIST, by_weight);
                merged.truncate(SHORTLIST);
            }
            let mine = grams.of(pos);
            let mut scored: Vec<(usize, RecIdx)> = merged
                .into_iter()
                .map(|(_, q)| (shared(mine, grams.of(q as usize)), order[q as usize]))
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let i = order[pos];
            scored.into_iter().take(TOP_K).map(move |(_, j)| ordered(i, j))
        })
        .collect();
    super::timing("blocking: gram probes", t0);
    fuzzy
}

/// Every record's sorted gram list in one array.
struct Grams {
    start: Vec<u32>,
    all: Vec<u64>,
}

impl Grams {
    /// The grams of `names[order[0]]`, `names[order[1]]`…
    fn build(order: &[RecIdx], names: &[NameParts]) -> Grams {
        let chunks: Vec<(Vec<u32>, Vec<u64>)> = order
            .par_chunks(1 << 14)
            .map(|chunk| {
                let (mut lens, mut all, mut scratch) =
                    (Vec::with_capacity(chunk.len()), Vec::new(), Vec::new());
                for &i in chunk {
                    grams_into(&names[i as usize].key, &mut scratch);
                    all.extend_from_slice(&scratch);
                    lens.push(scratch.len() as u32);
                }
                (lens, all)
            })
            .collect();
        let mut start = Vec::with_capacity(order.len() + 1);
        let mut all = Vec::with_capacity(chunks.iter().map(|c| c.1.len()).sum());
        start.push(0);
        for (lens, grams) in chunks {
            for len in lens {
                start.push(start[start.len() - 1] + len);
            }
            all.extend_from_slice(&grams);
        }
        Grams { start, all }
    }

    fn of(&self, i: usize) -> &[u64] {
        &self.all[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

thread_local! {
    /// Per record, the probe weight gathered for it by the record being probed: a dense array
    /// (reset after each use) instead of sorting the hit lists.
    static WEIGHTS: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// (province, gram) → records: one sorted array of record indexes plus a hash map from key to
/// its range, so that a lookup costs one probe instead of a binary search over millions.
///
/// Only grams a record may probe with are kept (shared by 2 to `MAX_DF` records): most distinct
/// grams occur once, and leaving them out keeps the map small enough to stay mostly in cache.
/// The few records of unknown province (0) get a map of their own, so that every record's
/// look-up in bucket 0 is a cheap miss instead of a trip to main memory.
struct GramIndex {
    ranges: ahash::AHashMap<(u32, u64), (u32, u32)>,
    unknown: ahash::AHashMap<u64, (u32, u32)>,
    recs: Vec<RecIdx>,
}

impl GramIndex {
    fn build(grams: &Grams, province: &[u32]) -> GramIndex {
        let mut entries: Vec<(u32, u64, RecIdx)> = Vec::with_capacity(grams.all.len());
        for (i, &p) in province.iter().enumerate() {
            entries.extend(grams.of(i).iter().map(|&g| (p, g, i as RecIdx)));
        }
        entries.par_sort_unstable();
        let mut kept: Vec<((u32, u64), (usize, usize))> = Vec::new();
        let mut lo = 0;
        while lo < entries.len() {
            let key = (entries[lo].0, entries[lo].1);
            let hi = lo + entries[lo..].partition_point(|e| (e.0, e.1) == key);
            if (2..=MAX_DF).contains(&(hi - lo)) {
                kept.push((key, (lo, hi)));
            }
            lo = hi;
        }
        let mut recs = Vec::with_capacity(kept.iter().map(|k| k.1 .1 - k.1 .0).sum());
        let mut ranges = ahash::AHashMap::with_capacity(kept.len());
        let mut unknown = ahash::AHashMap::new();
        for ((p, g), (lo, hi)) in kept {
            let range = (recs.len() as u32, (recs.len() + hi - lo) as u32);
            recs.extend(entries[lo..hi].iter().map(|e| e.2));
            if p == 0 {
                unknown.insert(g, range);
            } else {
                ranges.insert((p, g), range);
            }
        }
        GramIndex { ranges, unknown, recs }
    }

    /// Records of `province` whose names have `gram`, if that gram may be probed with.
    fn postings(&self, province: u32, gram: u64) -> &[RecIdx] {
        let range = if province == 0 { self.unknown.get(&gram) } else { self.ranges.get(&(province, gram)) };
        match range {
            Some(&(lo, hi)) => &self.recs[lo as usize..hi as usize],
            None => &[],
        }
    }
}

/// Number of grams two sorted gram lists share.
fn shared(a: &[u64], b: &[u64]) -> usize {
    // Branch-free merge: which side advances is unpredictable, and a mispredicted branch per
    // step cost more than the comparison itself.
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
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
        let grams = |key: &str| {
            let mut g = Vec::new();
            grams_into(key, &mut g);
            g
        };
        assert_eq!(grams("科协").len(), 1);
        assert_eq!(grams("科").len(), 1);
        assert_eq!(grams("科学科学").len(), 2);
        assert!(grams("").is_empty());
        assert_eq!(shared(&grams("合肥科协"), &grams("肥西科协")), 1);
    }
}
