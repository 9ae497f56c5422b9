//! Candidate pairs of short and full names, sub-quadratic (see the parent module's comment):
//! short names indexed by their first and last characters, each record looking up only the
//! characters its words open with.

use ahash::AHashMap;
use rayon::prelude::*;

use super::{abbreviated_kind, fit, may_be_short, province_aliases, zone_after_place, MAX_TIES};
use crate::dedupe::features::Features;
use crate::model::RecIdx;
use crate::normalize::NameParts;

/// Ordered pair.
fn ordered(a: RecIdx, b: RecIdx) -> (RecIdx, RecIdx) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Characters a short form of this name may open with: the first of its key, of each region
/// mention, of its body (the first identifying word), of the second two-character word of the
/// body (全国青联 for 中华|全国|青年|联合会) and of the word after a development zone (和顺电气 for
/// 苏州工业园区和顺电气…), with their byte positions.
pub(super) fn anchors(n: &NameParts) -> impl Iterator<Item = (usize, char)> + '_ {
    let second = n.body().char_indices().nth(2).map(|(b, _)| n.region_text().len() + b);
    let zone = zone_after_place(n);
    let after_zone = (!zone.is_empty()).then(|| n.region_text().len() + zone.len());
    let starts = std::iter::once(0)
        .chain(n.mentions.iter().map(|m| m.start))
        .chain(std::iter::once(n.region_text().len()))
        .chain(second)
        .chain(after_zone);
    let aliases = n.mentions.iter().flat_map(|m| province_aliases(m).iter().map(move |&c| (m.start, c)));
    starts
        .filter(|&b| b < n.key.len())
        .filter_map(|b| n.key[b..].chars().next().map(|c| (b, c)))
        .chain(aliases)
}

/// `in_order`, where the short name may open with a province's one-character name (粤高速 in
/// 广东省高速公路…): its other characters are then looked for after that province.
pub(super) fn in_order_opening(short: &str, long: &NameParts) -> bool {
    if in_order(short, &long.key) {
        return true;
    }
    let mut chars = short.chars();
    let Some(first) = chars.next() else { return false };
    long.mentions
        .iter()
        .filter(|m| province_aliases(m).contains(&first))
        .any(|m| in_order(chars.as_str(), &long.key[m.end..]))
}

/// Characters as a bitmap over the Basic Multilingual Plane (8 KiB, stays in cache); characters
/// beyond it are always "maybe".
struct CharSet(Vec<u64>);

impl Default for CharSet {
    fn default() -> Self {
        CharSet(vec![0; 1 << 10])
    }
}

impl CharSet {
    fn insert(&mut self, c: char) {
        let u = c as usize;
        if u <= 0xFFFF {
            self.0[u >> 6] |= 1 << (u & 63);
        }
    }

    fn may_contain(&self, c: char) -> bool {
        let u = c as usize;
        u > 0xFFFF || self.0[u >> 6] & (1 << (u & 63)) != 0
    }
}

/// The (first, last, kind) keys of the short names as bits of a hash (256 KiB, stays in cache):
/// nearly every key a full name makes is no short name's, and one bit test then skips the look-up
/// in the map (a cache miss each: the keys' look-ups were most of this pass). A key in the map
/// always has its bit, so the pairs found are the same.
struct KeyBits(Vec<u64>);

impl KeyBits {
    const BITS: u32 = 21;

    fn new<'k>(keys: impl Iterator<Item = &'k (char, char, u32)>) -> KeyBits {
        let mut bits = KeyBits(vec![0; 1 << (Self::BITS - 6)]);
        for &(first, last, kind) in keys {
            let b = Self::bit(first, last, kind);
            bits.0[b >> 6] |= 1 << (b & 63);
        }
        bits
    }

    fn bit(first: char, last: char, kind: u32) -> usize {
        let x =
            (u64::from(first) << 32 | u64::from(last)) ^ u64::from(kind).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (x.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> (64 - Self::BITS)) as usize
    }

    fn may_contain(&self, first: char, last: char, kind: u32) -> bool {
        let b = Self::bit(first, last, kind);
        self.0[b >> 6] & (1 << (b & 63)) != 0
    }
}

/// Are the characters of `short` in `long`, in order (a cheap test before `fit`)?
pub fn in_order(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|x| x == c))
}

/// A short name and a full name are paired only within one province bucket, or when either
/// bucket is unknown.
fn provinces_compatible(a: &Features, b: &Features) -> bool {
    province_keys_compatible(a.province_key(), b.province_key())
}

/// `provinces_compatible` on the records' `Features::province_key`s (0: unknown).
pub fn province_keys_compatible(a: u32, b: u32) -> bool {
    a == b || a == 0 || b == 0
}

/// Of one short name's fits (rank, full name), sorted, the full names it is paired with: the
/// best-ranked ones, none when more than `MAX_TIES` tie (交大 fits too many).
pub fn best_fits(sorted: &[((u8, u8, u8), RecIdx)]) -> Vec<RecIdx> {
    let Some(&(best, _)) = sorted.first() else { return Vec::new() };
    let ties = sorted.iter().take_while(|x| x.0 == best).count();
    if ties <= MAX_TIES {
        sorted[..ties].iter().map(|x| x.1).collect()
    } else {
        Vec::new()
    }
}

/// Short-name / full-name candidate pairs (smaller index first, sorted): each short name with the
/// full names it fits best (see the module comment). Short names with a kind word of their own
/// (郑铁局) are indexed apart, by that kind too: they are looked up only from full names of the
/// same kind, and by the last character before the kind (a kind's last character is in every
/// full name of the kind: looked up by it, a million-record directory took twenty seconds).
pub fn pairs(names: &[NameParts], feats: &[Features]) -> Vec<(RecIdx, RecIdx)> {
    let t0 = std::time::Instant::now();
    // Kind words of short names, numbered from 1 (0: a short name without one).
    let mut kinds: AHashMap<&str, u32> = AHashMap::new();
    let mut by_ends: AHashMap<(char, char, u32), Vec<RecIdx>> = AHashMap::new();
    for (i, n) in names.iter().enumerate() {
        let (stem, kind) = if may_be_short(n) {
            (&*n.key, 0)
        } else if let Some(k) = abbreviated_kind(n) {
            let next = kinds.len() as u32 + 1;
            (&n.key[..n.key.len() - k.len()], *kinds.entry(k).or_insert(next))
        } else {
            continue;
        };
        let (Some(first), Some(last)) = (stem.chars().next(), stem.chars().next_back()) else { continue };
        by_ends.entry((first, last, kind)).or_default().push(i as RecIdx);
    }
    if by_ends.is_empty() {
        return Vec::new();
    }
    // First and last characters of short names without (0) and with (1) a kind word.
    let mut ends = [[CharSet::default(), CharSet::default()], [CharSet::default(), CharSet::default()]];
    for &(first, last, kind) in by_ends.keys() {
        let e = &mut ends[usize::from(kind != 0)];
        e[0].insert(first);
        e[1].insert(last);
    }
    let [[firsts, lasts], [kind_firsts, kind_lasts]] = &ends;
    let key_bits = KeyBits::new(by_ends.keys());

    // (short, rank, full) for every fit. Most records open with no character a short name opens
    // with, and most of their characters end none: two bit tests each, no allocation.
    let mut fits: Vec<(RecIdx, (u8, u8, u8), RecIdx)> = (0..names.len())
        .into_par_iter()
        .flat_map_iter(|f| {
            let long = &names[f];
            // The kind shared with short names of a kind, and where it starts in the key.
            let kind = long
                .suffix
                .filter(|k| long.key.ends_with(k))
                .and_then(|k| kinds.get(k).map(|&id| (id, long.key.len() - k.len())));
            let mut keys: Vec<(char, char, u32)> = Vec::new();
            for (byte, first) in anchors(long) {
                if firsts.may_contain(first) {
                    let later = long.key[byte..].chars().skip(1);
                    let later = later.filter(|&c| lasts.may_contain(c) && key_bits.may_contain(first, c, 0));
                    keys.extend(later.map(|last| (first, last, 0)));
                }
                if let Some((id, kind_at)) = kind.filter(|_| kind_firsts.may_contain(first)) {
                    let later = long.key.get(byte..kind_at).unwrap_or_default().chars().skip(1);
                    let later =
                        later.filter(|&c| kind_lasts.may_contain(c) && key_bits.may_contain(first, c, id));
                    keys.extend(later.map(|last| (first, last, id)));
                }
            }
            if keys.is_empty() {
                return Vec::new();
            }
            keys.sort_unstable();
            keys.dedup();
            let mut shorts: Vec<RecIdx> = keys
                .iter()
                .filter_map(|k| by_ends.get(k))
                .flatten()
                .copied()
                .filter(|&s| s as usize != f)
                .collect();
            shorts.sort_unstable();
            shorts.dedup();
            shorts
                .into_iter()
                .filter(|&s| provinces_compatible(&feats[s as usize], &feats[f]))
                .filter(|&s| in_order_opening(&names[s as usize].key, long))
                .filter_map(|s| fit(&names[s as usize], long).map(|x| (s, x.rank(), f as RecIdx)))
                .collect::<Vec<_>>()
        })
        .collect();
    fits.par_sort_unstable();
    let mut out = Vec::new();
    for group in fits.chunk_by(|a, b| a.0 == b.0) {
        let ranked: Vec<((u8, u8, u8), RecIdx)> = group.iter().map(|x| (x.1, x.2)).collect();
        out.extend(best_fits(&ranked).into_iter().map(|full| ordered(group[0].0, full)));
    }
    out.sort_unstable();
    out.dedup();
    crate::dedupe::timing("blocking: short forms", t0);
    out
}

#[cfg(test)]
mod tests {
    use super::KeyBits;
    use proptest::prelude::*;

    proptest! {
        /// The filter may only skip keys that are not there: every key put in has its bit.
        #[test]
        fn every_key_put_in_has_its_bit(keys in proptest::collection::vec((any::<char>(), any::<char>(), 0u32..50), 0..300)) {
            let bits = KeyBits::new(keys.iter());
            for &(first, last, kind) in &keys {
                prop_assert!(bits.may_contain(first, last, kind));
            }
        }
    }

    #[test]
    fn most_keys_not_put_in_are_skipped() {
        let keys: Vec<(char, char, u32)> = ('一'..='龥').step_by(7).map(|c| (c, '学', 0)).collect();
        let bits = KeyBits::new(keys.iter());
        let absent = ('一'..='龥').step_by(7).filter(|&c| bits.may_contain(c, '会', 0)).count();
        assert!(absent * 100 < keys.len(), "{absent} of {} absent keys pass", keys.len());
    }
}
