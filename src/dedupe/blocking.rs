//! Candidate pairs without comparing every record with every other:
//! 1. same normalized body within a province (split by place when the group is large);
//! 2. same valid credit code;
//! 3. rare character bigrams of the normalized name within a province: each record looks up
//!    its `PROBES` rarest grams and keeps its `TOP_K` best-overlapping neighbours;
//! 4. keys one character apart (substituted, added or dropped) within a province.
//!
//! Work per record is bounded by constants, so candidate pairs grow linearly with the records.

use rayon::prelude::*;

use crate::model::RecIdx;
use crate::normalize::NameParts;

use super::features::{Features, VetoKey};

mod one_edit;

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
    pairs_kept(members, |_, _| true, out);
}

/// `pairs_in`, leaving out the pairs `keep` refuses.
fn pairs_kept(members: &[RecIdx], keep: impl Fn(RecIdx, RecIdx) -> bool, out: &mut Vec<Pair>) {
    let w = if members.len() <= MAX_GROUP { members.len() } else { WINDOW };
    for (i, &a) in members.iter().enumerate() {
        for &b in members.iter().skip(i + 1).take(w) {
            if keep(a, b) {
                out.push(ordered(a, b));
            }
        }
    }
}

/// The pairs of a group of records sharing a key (`pairs_kept`); a group over `MAX_GROUP` is
/// first split by the place each record is the unit of.
fn pairs_by_place(
    members: &[RecIdx],
    feats: &[Features],
    keep: impl Fn(RecIdx, RecIdx) -> bool,
    out: &mut Vec<Pair>,
) {
    if members.len() <= MAX_GROUP {
        pairs_kept(members, keep, out);
    } else {
        let by_place =
            members.iter().map(|&i| (feats[i as usize].identity_division().unwrap_or(0), i)).collect();
        for group in groups_of(by_place) {
            pairs_kept(&group, &keep, out);
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

/// Records grouped by a text: `keyed` holds a hash of each record's text (with, above it,
/// anything else the group must share), and each run of equal keys is checked for equal text,
/// split by text on a hash collision. `each` gets the groups (two or more), members in index
/// order, in no particular order of groups. Sorting on the integer alone keeps text comparisons
/// out of the sort: the many records of one common body compared it character by character at
/// every step of the sort.
fn groups_of_text<'t>(
    mut keyed: Vec<(u128, RecIdx)>,
    text: impl Fn(RecIdx) -> &'t str,
    mut each: impl FnMut(&[RecIdx]),
) {
    keyed.par_sort_unstable();
    let mut members = Vec::new();
    for run in keyed.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
        let first = text(run[0].1);
        if run.iter().all(|e| text(e.1) == first) {
            members.clear();
            members.extend(run.iter().map(|e| e.1));
            each(&members);
        } else {
            let mut by_text: Vec<(&str, RecIdx)> = run.iter().map(|e| (text(e.1), e.1)).collect();
            by_text.sort_unstable();
            for group in by_text.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
                members.clear();
                members.extend(group.iter().map(|e| e.1));
                each(&members);
            }
        }
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

/// `veto_keys`: each record's packed veto key (`VetoKey::of` its features).
pub fn candidate_pairs(names: &[NameParts], feats: &[Features], veto_keys: &[VetoKey]) -> Vec<Pair> {
    // The exact groups are mostly hashing on one thread; the gram phase keeps the other busy.
    let (mut out, fuzzy) = rayon::join(
        || {
            let mut out = exact_pairs(names, feats);
            let t0 = std::time::Instant::now();
            one_edit::pairs(names, feats, veto_keys, &mut out);
            super::timing("blocking: one edit apart", t0);
            out
        },
        || gram_pairs(names, feats, veto_keys),
    );
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
    let hasher = ahash::RandomState::with_seeds(1, 2, 3, 4);
    let bodies: Vec<(u128, RecIdx)> = names
        .par_iter()
        .zip(feats)
        .enumerate()
        .map(|(i, (name, feat))| {
            let key = u128::from(feat.province_key()) << 64 | u128::from(hasher.hash_one(name.body()));
            (key, i as RecIdx)
        })
        .collect();
    groups_of_text(
        bodies,
        |i| names[i as usize].body(),
        |members| pairs_by_place(members, feats, |_, _| true, &mut out),
    );
    let usccs = feats
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.uscc.as_deref().map(|u| (u128::from(hasher.hash_one(u)), i as RecIdx)))
        .collect();
    groups_of_text(
        usccs,
        |i| feats[i as usize].uscc.as_deref().unwrap_or(""),
        |members| pairs_in(members, &mut out),
    );
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
fn gram_pairs(names: &[NameParts], feats: &[Features], veto_keys: &[VetoKey]) -> Vec<Pair> {
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
    // In the renumbered order too: the probes read them for neighbours near each other.
    let veto_keys: Vec<VetoKey> = order.par_iter().map(|&i| veto_keys[i as usize]).collect();
    super::timing("blocking: gram index", t0);

    let t0 = std::time::Instant::now();
    // Chunks of records, so that the scratch vectors are allocated once per chunk, not per
    // record; chunks are collected in order, so the pairs are in record order as before.
    const CHUNK: usize = 1 << 12;
    let at = Renumbered { grams: &grams, province: &province, order: &order, veto_keys: &veto_keys };
    let fuzzy: Vec<Pair> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|c| {
            let chunk = c * CHUNK..n.min((c + 1) * CHUNK);
            let mut scratch = ProbeScratch::default();
            let mut out = Vec::with_capacity(chunk.len() * TOP_K);
            for pos in chunk {
                neighbours(pos, &at, &index, &mut scratch, &mut out);
            }
            out
        })
        .collect();
    super::timing("blocking: gram probes", t0);
    fuzzy
}

/// Vectors a probe fills and empties again, kept from one record to the next.
#[derive(Default)]
struct ProbeScratch<'a> {
    probes: Vec<(usize, Gram, &'a [RecIdx])>,
    touched: Vec<RecIdx>,
    merged: Vec<(f32, RecIdx)>,
    scored: Vec<(usize, RecIdx)>,
}

/// What the probes read, by renumbered position.
struct Renumbered<'a> {
    grams: &'a Grams,
    province: &'a [u32],
    /// The record at each position.
    order: &'a [RecIdx],
    veto_keys: &'a [VetoKey],
}

/// The `TOP_K` neighbours of the record at `pos` (renumbered), as pairs of record indexes.
/// Records the scoring would veto at once on their packed keys (another place, another credit
/// code) are no neighbours: a common name (湖口镇科学技术协会, in hundreds of towns) would
/// otherwise fill its few places with namesakes of other counties, and which of them get in
/// depends on what else is in the directory, so a pair missed here could be found by a run over
/// the corrected directory (closure).
fn neighbours<'a>(
    pos: usize,
    at: &Renumbered<'a>,
    index: &'a GramIndex,
    s: &mut ProbeScratch<'a>,
    out: &mut Vec<Pair>,
) {
    let Renumbered { grams, province, order, veto_keys } = *at;
    let n = province.len();
    let p = province[pos];
    s.probes.clear();
    let keep = |post: &'a [RecIdx], g: Gram, probes: &mut Vec<(usize, Gram, &'a [RecIdx])>| {
        if post.len() <= MAX_DF && post.len() > 1 {
            probes.push((post.len(), g, post));
        }
    };
    let mine = grams.of(pos);
    if p == 0 {
        // Unknown province: every province's bucket, in province order.
        for &g in mine {
            for &b in &index.provinces {
                keep(index.postings(b, g), g, &mut s.probes);
            }
        }
    } else {
        // Own province (looked up when the index was built), then the unknown-province bucket.
        let first = grams.start[pos] as usize;
        for (k, &g) in mine.iter().enumerate() {
            keep(index.own(first + k), g, &mut s.probes);
            keep(index.unknown(g), g, &mut s.probes);
        }
    }
    s.probes.sort_by_key(|&(df, g, _)| (df, g));
    // Neighbours weighted by how rare the shared probe grams are; only the best few get the
    // exact (more costly) shared-gram count. Weights add up in probe order, which does not
    // depend on the numbering, so equal sums round the same way every time.
    s.merged.clear();
    WEIGHTS.with_borrow_mut(|weight| {
        weight.resize(n, 0.0);
        s.touched.clear();
        for (df, _, post) in s.probes.iter().take(PROBES) {
            let w = 1.0 / *df as f32;
            for &q in post.iter().filter(|&&q| q as usize != pos) {
                if weight[q as usize] == 0.0 {
                    s.touched.push(q);
                }
                weight[q as usize] += w;
            }
        }
        let me = veto_keys[pos];
        for &q in &s.touched {
            let w = std::mem::take(&mut weight[q as usize]);
            if !me.certainly_vetoed(veto_keys[q as usize]) {
                s.merged.push((w, q));
            }
        }
    });
    let by_weight = |a: &(f32, RecIdx), b: &(f32, RecIdx)| {
        b.0.total_cmp(&a.0).then(order[a.1 as usize].cmp(&order[b.1 as usize]))
    };
    if s.merged.len() > SHORTLIST {
        s.merged.select_nth_unstable_by(SHORTLIST, by_weight);
        s.merged.truncate(SHORTLIST);
    }
    s.scored.clear();
    s.scored.extend(s.merged.iter().map(|&(_, q)| (shared(mine, grams.of(q as usize)), order[q as usize])));
    s.scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let i = order[pos];
    out.extend(s.scored.iter().take(TOP_K).map(|&(_, j)| ordered(i, j)));
}

/// Every record's sorted gram list in one array.
struct Grams {
    start: Vec<u32>,
    all: Vec<Gram>,
}

/// A gram of the gram index: `grams_into`'s two characters in 16 bits each (`GramCoder`), so
/// that the index's packed entries fit in a `u64`: half the memory of 21-bit characters, which
/// the lookup index keeps.
type Gram = u32;

/// Characters in 16 bits, in the same order and one to one: the Basic Multilingual Plane as it
/// is (shifted down over the surrogates, which no `char` uses), the directory's few characters
/// beyond it (extension B and on: rare in names, but some place and family names need them)
/// numbered in order after it. A gram's code therefore compares and equals as the full gram
/// does, and blocking finds exactly what it found with full grams. Only a directory with more
/// than 2,048 distinct such characters would share the last code among the rest: extra
/// candidates there, never a wrong merge (the scoring compares the names themselves).
struct GramCoder {
    /// The characters beyond the BMP that the keys use, sorted.
    rare: Vec<u32>,
}

/// Codes of the BMP above the surrogates, shifted down over them: 0xD800..=0xF7FF.
const SURROGATES: u32 = 0x800;
/// Codes for the characters beyond the BMP: 0xF800..=0xFFFF.
const FIRST_RARE: u32 = 0x1_0000 - SURROGATES;

impl GramCoder {
    fn of(names: &[NameParts]) -> GramCoder {
        let mut rare: Vec<u32> = names
            .par_iter()
            .flat_map_iter(|n| n.key.chars().map(u32::from).filter(|&c| c > 0xFFFF))
            .collect();
        rare.par_sort_unstable();
        rare.dedup();
        GramCoder { rare }
    }

    fn char16(&self, c: u32) -> u32 {
        match c {
            0..0xD800 => c,
            0xD800..=0xFFFF => c - SURROGATES,
            _ => {
                let rank = self.rare.partition_point(|&r| r < c) as u32;
                FIRST_RARE + rank.min(SURROGATES - 1)
            }
        }
    }

    /// `grams_into`'s gram (one character, or the first shifted by 32 over the second).
    fn code(&self, g: u64) -> Gram {
        (self.char16((g >> 32) as u32) << 16) | self.char16(g as u32)
    }
}

impl Grams {
    /// The grams of `names[order[0]]`, `names[order[1]]`…
    fn build(order: &[RecIdx], names: &[NameParts]) -> Grams {
        let coder = GramCoder::of(names);
        let chunks: Vec<(Vec<u32>, Vec<Gram>)> = order
            .par_chunks(1 << 14)
            .map(|chunk| {
                let (mut lens, mut all, mut scratch, mut compact) =
                    (Vec::with_capacity(chunk.len()), Vec::new(), Vec::new(), Vec::new());
                for &i in chunk {
                    grams_into(&names[i as usize].key, &mut scratch);
                    compact.clear();
                    // Same order (the coder keeps it); equal only past 2,048 rare characters.
                    compact.extend(scratch.iter().map(|&g| coder.code(g)));
                    compact.dedup();
                    all.extend_from_slice(&compact);
                    lens.push(compact.len() as u32);
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

    fn of(&self, i: usize) -> &[Gram] {
        &self.all[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

thread_local! {
    /// Per record, the probe weight gathered for it by the record being probed: a dense array
    /// (reset after each use) instead of sorting the hit lists.
    static WEIGHTS: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// (province, gram) → records, as ranges of one sorted array of record indexes.
///
/// Only grams a record may probe with are kept (shared by 2 to `MAX_DF` records): most distinct
/// grams occur once. A record probes its own province's bucket with each of its grams, so the
/// range of each (record, gram) is looked up once, while the index is built, and kept beside
/// the record's grams (`own`): probing then reads in record order instead of one hash look-up,
/// and a likely cache miss, per gram. Records of unknown province (0), which probe every
/// province, and the look-ups of bucket 0 by the others use the sorted keys and a small map.
struct GramIndex {
    /// Per slot of `Grams::all`: the range (into `ranges`) of that gram in the record's own
    /// province, or `NONE`.
    own: Vec<u32>,
    ranges: Vec<(u32, u32)>,
    /// Kept (province, gram) keys in order (the i-th has range i): for records of unknown
    /// province.
    keys: Vec<(u32, Gram)>,
    /// The provinces present, in order: the buckets a record of unknown province probes.
    provinces: Vec<u32>,
    unknown: ahash::AHashMap<Gram, u32>,
    recs: Vec<RecIdx>,
}

const NONE: u32 = u32::MAX;

/// (gram, record) in one `u64` that sorts in that order. The records of a province are
/// contiguous (`gram_pairs` renumbers them in province order), so each province's entries are
/// sorted on their own and need no province in the integer: half the memory of the 128-bit
/// (province, gram, slot, record) entries before. A 1M-row directory has about 15 million
/// (record, gram) entries; a gram's slot is found again in the record's short gram list.
fn pack_entry(gram: Gram, pos: RecIdx) -> u64 {
    (u64::from(gram) << 32) | u64::from(pos)
}

fn entry_gram(e: u64) -> Gram {
    (e >> 32) as Gram
}

fn entry_pos(e: u64) -> usize {
    e as u32 as usize
}

impl GramIndex {
    fn build(grams: &Grams, province: &[u32]) -> GramIndex {
        let mut provinces: Vec<u32> = province.to_vec();
        provinces.dedup();
        debug_assert!(provinces.windows(2).all(|w| w[0] < w[1]), "records come in province order");
        // One integer per (record, gram), built on every thread straight into its place, so
        // that sorting a province's entries groups the records of each gram in record order.
        let mut entries: Vec<u64> = vec![0; grams.all.len()];
        entries.par_chunks_mut(1 << 16).enumerate().for_each(|(c, chunk)| {
            let first = c << 16;
            let mut pos = grams.start.partition_point(|&s| s as usize <= first) - 1;
            for (k, e) in chunk.iter_mut().enumerate() {
                while grams.start[pos + 1] as usize <= first + k {
                    pos += 1;
                }
                *e = pack_entry(grams.all[first + k], pos as RecIdx);
            }
        });
        let mut own = vec![NONE; grams.all.len()];
        let mut ranges = Vec::new();
        let mut keys = Vec::new();
        let mut unknown = ahash::AHashMap::new();
        let mut recs = Vec::new();
        let mut first_pos = 0;
        for &p in &provinces {
            // This province's records, and so its slots of `Grams::all`.
            let end_pos = first_pos + province[first_pos..].partition_point(|&q| q == p);
            let slots = grams.start[first_pos] as usize..grams.start[end_pos] as usize;
            first_pos = end_pos;
            let entries = &mut entries[slots];
            entries.par_sort_unstable();
            // Runs of one gram are short (most are one entry): walked, not binary-searched over
            // the millions of entries after them.
            for run in entries.chunk_by(|&a, &b| entry_gram(a) == entry_gram(b)) {
                if !(2..=MAX_DF).contains(&run.len()) {
                    continue;
                }
                let g = entry_gram(run[0]);
                let r = ranges.len() as u32;
                ranges.push((recs.len() as u32, (recs.len() + run.len()) as u32));
                keys.push((p, g));
                for &e in run {
                    let pos = entry_pos(e);
                    recs.push(pos as RecIdx);
                    // The gram's slot: its place in the record's sorted, distinct grams (always
                    // there: the entry was made from it).
                    if let Ok(at) = grams.of(pos).binary_search(&g) {
                        own[grams.start[pos] as usize + at] = r;
                    }
                }
                if p == 0 {
                    unknown.insert(g, r);
                }
            }
        }
        GramIndex { own, ranges, keys, provinces, unknown, recs }
    }

    fn range(&self, r: u32) -> &[RecIdx] {
        let (lo, hi) = self.ranges[r as usize];
        &self.recs[lo as usize..hi as usize]
    }

    /// Records of the record's own province sharing the gram at `slot` of `Grams::all`.
    fn own(&self, slot: usize) -> &[RecIdx] {
        match self.own[slot] {
            NONE => &[],
            r => self.range(r),
        }
    }

    /// Records of unknown province whose names have `gram`.
    fn unknown(&self, gram: Gram) -> &[RecIdx] {
        if self.unknown.is_empty() {
            return &[];
        }
        self.unknown.get(&gram).map_or(&[], |&r| self.range(r))
    }

    /// Records of `province` whose names have `gram`, if that gram may be probed with.
    fn postings(&self, province: u32, gram: Gram) -> &[RecIdx] {
        match self.keys.binary_search(&(province, gram)) {
            Ok(at) => self.range(at as u32),
            Err(_) => &[],
        }
    }
}

/// Number of grams two sorted gram lists share.
fn shared(a: &[Gram], b: &[Gram]) -> usize {
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
    use proptest::prelude::*;

    proptest! {
        /// Grouping on a hash and checking the text gives the groups of grouping on the text,
        /// also when unequal texts share a key (here keys are made to collide often).
        #[test]
        fn groups_on_a_hash_are_groups_on_the_text(texts in prop::collection::vec("[ab]{0,3}", 0..60)) {
            let keyed: Vec<(u128, RecIdx)> =
                texts.iter().enumerate().map(|(i, t)| (t.len() as u128 % 2, i as RecIdx)).collect();
            let mut got = Vec::new();
            groups_of_text(keyed, |i| texts[i as usize].as_str(), |m| got.push(m.to_vec()));
            got.sort();
            let mut want: Vec<Vec<RecIdx>> =
                groups_of(texts.iter().enumerate().map(|(i, t)| (t.as_str(), i as RecIdx)).collect()).collect();
            want.sort();
            prop_assert_eq!(got, want);
        }
    }

    /// A common name fills a record's few neighbours with namesakes the scoring vetoes at once
    /// (other counties): before, 湖口乡科学技术协会 of 孟州市 never met 湖口镇科学技术协会 of 孟州市
    /// among a dozen 湖口乡 of other counties, and met it once those were merged away (a run over
    /// the corrected directory found more than the first).
    #[test]
    fn namesakes_the_scoring_vetoes_leave_room_for_neighbours_it_can_compare() {
        let g = crate::geo::Gazetteer::global();
        let counties = [
            ("焦作市", "沁阳市"),
            ("焦作市", "修武县"),
            ("焦作市", "博爱县"),
            ("焦作市", "武陟县"),
            ("焦作市", "温县"),
            ("焦作市", "解放区"),
            ("焦作市", "中站区"),
            ("焦作市", "马村区"),
            ("焦作市", "山阳区"),
            ("洛阳市", "孟津区"),
            ("洛阳市", "新安县"),
            ("洛阳市", "栾川县"),
            ("洛阳市", "嵩县"),
        ];
        let mut rows: Vec<(&str, &str, &str)> =
            counties.iter().map(|&(city, county)| ("湖口乡科学技术协会", city, county)).collect();
        rows.push(("湖口乡科学技术协会", "焦作市", "孟州市"));
        rows.push(("湖口镇科学技术协会", "焦作市", "孟州市"));
        let (names, feats): (Vec<NameParts>, Vec<Features>) = rows
            .iter()
            .map(|&(name, city, county)| {
                super::super::features::parsed(name, g.resolve_columns("河南省", city, county), "")
            })
            .unzip();
        let (xiang, zhen) = ((rows.len() - 2) as RecIdx, (rows.len() - 1) as RecIdx);
        let keys: Vec<VetoKey> = feats.iter().map(VetoKey::of).collect();
        assert!(candidate_pairs(&names, &feats, &keys).contains(&(xiang, zhen)));
    }

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

    /// The ranges looked up while the index is built are the ones a look-up by key finds, for
    /// every record and gram, in known and unknown provinces; frequent and unique grams have none.
    #[test]
    fn each_records_own_ranges_are_those_of_its_province_and_gram() {
        let keys = ["合肥科协", "肥西科协", "合肥学院", "科协", "肥东科协", "合肥科协", "芜湖科协"];
        let province = [0u32, 0, 340000, 340000, 340000, 350000, 350000];
        let (mut start, mut all, mut scratch) = (vec![0u32], Vec::new(), Vec::new());
        for k in keys {
            grams_into(k, &mut scratch);
            all.extend(scratch.iter().map(|&g| GramCoder { rare: Vec::new() }.code(g)));
            start.push(all.len() as u32);
        }
        let grams = Grams { start, all };
        let index = GramIndex::build(&grams, &province);
        let mut found = 0;
        for (i, &p) in province.iter().enumerate() {
            for (k, &g) in grams.of(i).iter().enumerate() {
                let own = index.own(grams.start[i] as usize + k);
                assert_eq!(own, index.postings(p, g), "record {i}, gram {k}");
                assert!(own.is_empty() || own.contains(&(i as RecIdx)));
                found += usize::from(!own.is_empty());
            }
        }
        // 科协 is shared within each province; 合肥 by records of different provinces only.
        let kx = grams.of(3)[0];
        assert_eq!(index.postings(340000, kx), &[3, 4]);
        assert_eq!(index.postings(0, kx), &[0, 1]);
        assert_eq!(index.unknown(kx), &[0, 1]);
        assert_eq!(index.postings(350000, kx), &[5, 6]);
        assert!(index.postings(340000, grams.of(2)[0]).is_empty());
        assert_eq!(found, 6, "every record but 合肥学院 shares 科协 within its province");
    }

    /// Packed entries keep (gram, record) order and give back their parts.
    #[test]
    fn entries_pack_in_order_and_unpack() {
        let mut packed = Vec::new();
        for g in [0x41, 0xFFFF, 0x0041_0042, 0xD7FF_FFFF, Gram::MAX] {
            for pos in [0, 9, 999_999, RecIdx::MAX] {
                let e = pack_entry(g, pos);
                assert_eq!((entry_gram(e), entry_pos(e)), (g, pos as usize));
                packed.push(e);
            }
        }
        assert!(packed.windows(2).all(|w| w[0] < w[1]), "gram, then record order");
    }

    /// Coded grams compare and equal as the full ones do, also for characters beyond the BMP
    /// and for those above the surrogates (﨑 U+FA11): blocking sees the same grams. Before, rare
    /// characters were folded (𠀀 U+20000 = 𠠀 U+20800) and sorted out of order, and a pair
    /// sharing 𠀁甲 was lost while names sharing only a folded code became candidates.
    #[test]
    fn coded_grams_keep_the_order_and_identity_of_full_grams() {
        let full = |k: &str| {
            let mut g = Vec::new();
            grams_into(k, &mut g);
            g
        };
        let keys = [
            "𠀁甲𠠀乙丙",
            "𠀁甲子丑",
            "𠀀鹏物流",
            "𠠀鹏餐饮",
            "﨑山科协",
            "合肥科协",
            "科",
            "A",
            "\u{FFFF}\u{E000}",
        ];
        let mut all: Vec<u64> = keys.iter().flat_map(|k| full(k)).collect();
        all.extend(keys.iter().flat_map(|k| k.chars().map(u64::from)));
        all.sort_unstable();
        all.dedup();
        let rare = keys.iter().flat_map(|k| k.chars()).map(u32::from).filter(|&c| c > 0xFFFF);
        let mut rare: Vec<u32> = rare.collect();
        rare.sort_unstable();
        rare.dedup();
        assert_eq!(rare.len(), 3);
        let coder = GramCoder { rare };
        let coded: Vec<Gram> = all.iter().map(|&g| coder.code(g)).collect();
        assert!(coded.windows(2).all(|w| w[0] < w[1]), "{coded:x?}");
        assert_eq!(coder.code(u64::from('科')), '科' as Gram);
        // Past 2,048 rare characters the rest share the last code: still in order.
        let coder = GramCoder { rare: (0x20000..0x20000 + 3000).collect() };
        let codes: Vec<u32> = [0x20000, 0x20000 + 2046, 0x20000 + 2047, 0x20000 + 2999, 0x2FFFF]
            .map(|c| coder.char16(c))
            .to_vec();
        assert_eq!(codes, [0xF800, 0xFFFE, 0xFFFF, 0xFFFF, 0xFFFF]);
        assert!(coder.char16(0xFFFF) < coder.char16(0x20000));
    }

    /// Names sharing two characters beyond the BMP are candidates, and names that share no
    /// character are not (found by review: with those characters folded, 𠀁甲… lost its pair
    /// and 𠀀鹏物流 met 𠠀鹏餐饮).
    #[test]
    fn names_with_characters_beyond_the_bmp_meet_as_their_characters_say() {
        let g = crate::geo::Gazetteer::global();
        let rows = [
            "𠀁甲𠠀乙丙丁戊己",
            "𠀁甲子丑寅卯辰巳",
            "𠠀乙午未申酉戌亥",
            "丙丁金木",
            "戊己水火",
            "子丑鹤鹭",
            "寅卯鸥鹃",
            "辰巳鹊鹰",
            "午未松柏",
            "申酉桃李",
            "戌亥梅兰",
            "𠀀鹏物流",
            "𠠀鹏餐饮",
        ];
        let (names, feats): (Vec<NameParts>, Vec<Features>) = rows
            .iter()
            .map(|name| super::super::features::parsed(name, g.resolve_columns("河南省", "", ""), ""))
            .unzip();
        let keys: Vec<VetoKey> = feats.iter().map(VetoKey::of).collect();
        let pairs = candidate_pairs(&names, &feats, &keys);
        assert!(pairs.contains(&(0, 1)), "{pairs:?}");
        assert!(!pairs.contains(&(11, 12)), "{pairs:?}");
    }

    #[test]
    fn grams_are_bigrams() {
        let grams = |key: &str| {
            let mut g = Vec::new();
            grams_into(key, &mut g);
            g.into_iter().map(|g| GramCoder { rare: Vec::new() }.code(g)).collect::<Vec<_>>()
        };
        assert_eq!(grams("科协").len(), 1);
        assert_eq!(grams("科").len(), 1);
        assert_eq!(grams("科学科学").len(), 2);
        assert!(grams("").is_empty());
        assert_eq!(shared(&grams("合肥科协"), &grams("肥西科协")), 1);
    }
}
