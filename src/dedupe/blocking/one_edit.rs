//! Candidate source 4: keys one character apart (substituted, added or dropped) within a
//! province, found by grouping every key and every key with one character taken out.

use rayon::prelude::*;

use super::{pairs_by_place, Features, NameParts, Pair, RecIdx, VetoKey};

/// The hash of `key` and of each string `key` makes with one character taken out, the same for
/// equal strings whichever key they came from, into `out` (one more than `key` has characters):
/// a polynomial over the characters (mod 2^64), so each is a few multiplications from the key's
/// prefix sums instead of a copy hashed anew (H(s minus c_i) = H(s) + (P_i·(1 − B) − c_i)·B^(L−1−i),
/// P_i the hash of the first i). `chars` and `prefix` are scratch space, reused across keys.
fn one_edit_hashes_into(key: &str, chars: &mut Vec<u64>, prefix: &mut Vec<u64>, out: &mut [u64]) {
    const B: u64 = 0x9E37_79B9_7F4A_7C15;
    chars.clear();
    chars.extend(key.chars().map(|c| u64::from(c) + 1));
    prefix.clear();
    prefix.push(0u64);
    for &c in chars.iter() {
        prefix.push(prefix[prefix.len() - 1].wrapping_mul(B).wrapping_add(c));
    }
    let whole = prefix[chars.len()];
    out[0] = mix(whole);
    let mut power = 1u64;
    for (slot, i) in out[1..].iter_mut().zip((0..chars.len()).rev()) {
        let h = whole.wrapping_add(
            prefix[i].wrapping_mul(1u64.wrapping_sub(B)).wrapping_sub(chars[i]).wrapping_mul(power),
        );
        power = power.wrapping_mul(B);
        *slot = mix(h);
    }
}

#[cfg(test)]
fn one_edit_hashes(key: &str) -> Vec<u64> {
    let mut out = vec![0; key.chars().count() + 1];
    one_edit_hashes_into(key, &mut Vec::new(), &mut Vec::new(), &mut out);
    out
}

/// splitmix64's finalizer: the low bits kept above depend on every character.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Bits of a one-edit entry for the province (a directory has 34 and the unknown one).
const PROVINCE_BITS: u32 = 6;

/// Keys shorter than this have too many one-edit neighbours to tell anything.
const MIN_EDIT_KEY: usize = 4;

/// Source 4, keys one character apart within a province (人民依院 / 人民医院, 科学技协会 /
/// 科学技术协会): each key, and each key with one of its characters taken out, is a group key,
/// so two keys one substitution, insertion or deletion apart share one. A slip's own grams are
/// in no other record, and which of a common name's look-alikes the gram probes reach depends
/// on what else the directory holds; these groups do not (closure). Large groups are split by
/// place, as the exact groups are.
pub(super) fn pairs(names: &[NameParts], feats: &[Features], keys: &[VetoKey], out: &mut Vec<Pair>) {
    // Each entry is one u64: a province index, the hash, and the record (the fewest bits that
    // hold every record index), so that the ten-odd million entries of a 1M-row directory sort
    // as integers in half the memory. A hash cut short only joins unrelated keys now and then:
    // an extra candidate, which the scoring vetoes or scores low.
    let rec_bits = (u64::BITS - (names.len().max(2) as u64 - 1).leading_zeros()).min(32);
    let hash_bits = 64 - PROVINCE_BITS - rec_bits;
    let mut provinces: Vec<u32> = feats.iter().map(Features::province_key).collect();
    provinces.par_sort_unstable();
    provinces.dedup();
    // Every entry is written in place: a collected parallel iterator grew one vector per thread
    // and copied them into one, about 100 MB at 1M rows, with three small vectors per key.
    let counts: Vec<usize> = names
        .par_iter()
        .map(|n| match n.key.chars().count() {
            c if c >= MIN_EDIT_KEY => c + 1,
            _ => 0,
        })
        .collect();
    let mut keyed = vec![0u64; counts.iter().sum()];
    const RECORDS_PER_TASK: usize = 1 << 12;
    let mut tasks = Vec::with_capacity(counts.len() / RECORDS_PER_TASK + 1);
    let mut rest = keyed.as_mut_slice();
    for (k, c) in counts.chunks(RECORDS_PER_TASK).enumerate() {
        let (here, after) = std::mem::take(&mut rest).split_at_mut(c.iter().sum());
        tasks.push((k * RECORDS_PER_TASK, c, here));
        rest = after;
    }
    tasks.into_par_iter().for_each(|(first, counts, out)| {
        let (mut chars, mut prefix, mut at) = (Vec::new(), Vec::new(), 0);
        for (i, &n) in (first..).zip(counts).filter(|&(_, &n)| n > 0) {
            let p =
                provinces.binary_search(&feats[i].province_key()).unwrap_or(0) as u64 % (1 << PROVINCE_BITS);
            let above = p << (64 - PROVINCE_BITS);
            let entries = &mut out[at..at + n];
            one_edit_hashes_into(&names[i].key, &mut chars, &mut prefix, entries);
            for e in entries.iter_mut() {
                *e = above | (*e >> (64 - hash_bits)) << rec_bits | i as u64;
            }
            at += n;
        }
    });
    keyed.par_sort_unstable();
    keyed.dedup();
    let rec_mask = (1u64 << rec_bits) - 1;
    // Pairs the scoring vetoes at once (another county of the province, another credit code)
    // are left out here: a one-edit group spans the province, and most of its pairs are those.
    let keep = |a: RecIdx, b: RecIdx| !keys[a as usize].certainly_vetoed(keys[b as usize]);
    let found: Vec<Pair> = keyed
        .par_chunk_by(|a, b| a >> rec_bits == b >> rec_bits)
        .filter(|r| r.len() > 1)
        .flat_map_iter(|run| {
            let members: Vec<RecIdx> = run.iter().map(|e| (e & rec_mask) as RecIdx).collect();
            let mut pairs = Vec::new();
            pairs_by_place(&members, feats, keep, &mut pairs);
            pairs
        })
        .collect();
    out.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key with one character taken out hashes as that shorter string does on its own.
    #[test]
    fn one_edit_hashes_meet_where_keys_are_one_edit_apart() {
        let set = |k: &str| one_edit_hashes(k).into_iter().collect::<std::collections::HashSet<u64>>();
        let meet = |a: &str, b: &str| !set(a).is_disjoint(&set(b));
        assert!(meet("第二人民医院", "第二人民依院")); // substitution
        assert!(meet("科学技术协会", "科学技协会")); // deletion
        assert!(meet("科学技协会", "科学技术协会")); // insertion
        assert!(meet("湖口镇科协", "湖口镇科协"));
        assert!(!meet("第二人民医院", "第三人民依院")); // two edits
        assert!(!meet("潘庄村委会", "罗庄村委员"));
        let whole = one_edit_hashes("科学技协会")[0];
        assert!(set("科学技术协会").contains(&whole));
    }
}
