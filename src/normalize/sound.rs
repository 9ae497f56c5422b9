//! Same-sound characters. Directories are typed with pinyin input methods: the typist spells the
//! right syllables and picks the wrong candidate, so 学会 comes out as 学汇 and 建安区 as 建鞍区.
//! Two characters sound the same when they share a toneless reading (any of their heteronyms:
//! 长 is chang and zhang). Readings come from the `pinyin` crate's embedded table, looked up once
//! per character into a dense table; comparisons then cost an array index per character.

use std::collections::HashMap;
use std::sync::OnceLock;

/// First and last code point of the CJK Unified Ideographs block: where organization names live.
pub const CJK_FIRST: u32 = 0x4E00;
pub const CJK_LAST: u32 = 0x9FFF;

/// Readings kept per character. Four covers every heteronym of the common characters; a rare
/// fifth reading is dropped (the comparison is then only a little less forgiving).
const MAX_READINGS: usize = 4;

/// Up to `MAX_READINGS` reading ids (1-based, 0 = none), packed 16 bits each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sound(u64);

impl Sound {
    /// Reading ids, first reading first.
    pub fn readings(self) -> impl Iterator<Item = u16> {
        (0..MAX_READINGS).map(move |i| (self.0 >> (16 * i)) as u16).take_while(|&r| r != 0)
    }

    /// Do the two share a reading? A character without a reading sounds like nothing.
    pub fn same_as(self, other: Sound) -> bool {
        self.0 != 0 && other.0 != 0 && self.readings().any(|r| other.readings().any(|s| s == r))
    }
}

struct SoundTable {
    by_char: Vec<Sound>,
    /// Reading id − 1 → toneless reading, for reasons.
    names: Vec<&'static str>,
}

fn table() -> &'static SoundTable {
    static TABLE: OnceLock<SoundTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        use pinyin::ToPinyinMulti;
        let mut ids: HashMap<&'static str, u16> = HashMap::new();
        let mut names = Vec::new();
        let by_char = (CJK_FIRST..=CJK_LAST)
            .map(|cp| {
                let Some(multi) = char::from_u32(cp).and_then(|c| c.to_pinyin_multi()) else {
                    return Sound::default();
                };
                let mut packed = 0u64;
                let mut n = 0;
                for p in multi.into_iter() {
                    let id = *ids.entry(p.plain()).or_insert_with(|| {
                        names.push(p.plain());
                        names.len() as u16
                    });
                    let already = Sound(packed).readings().any(|r| r == id);
                    if !already && n < MAX_READINGS {
                        packed |= u64::from(id) << (16 * n);
                        n += 1;
                    }
                }
                Sound(packed)
            })
            .collect();
        SoundTable { by_char, names }
    })
}

/// The readings of `c` (empty for characters outside the CJK block or without a reading).
pub fn sound_of(c: char) -> Sound {
    let cp = c as u32;
    if !(CJK_FIRST..=CJK_LAST).contains(&cp) {
        return Sound::default();
    }
    table().by_char[(cp - CJK_FIRST) as usize]
}

/// Different characters with a toneless reading in common (学 / 雪: xue).
pub fn same_sound(a: char, b: char) -> bool {
    a != b && sound_of(a).same_as(sound_of(b))
}

/// A reading the two characters share, for reasons ("xue").
pub fn shared_reading(a: char, b: char) -> Option<&'static str> {
    let (x, y) = (sound_of(a), sound_of(b));
    let id = x.readings().find(|r| y.readings().any(|s| s == *r))?;
    table().names.get(usize::from(id) - 1).copied()
}

/// Edit costs packed so that one sum orders alignments by full edits first, then slips: a full
/// edit (insertion, deletion, unrelated substitution) counts in the high bits, a same-sound
/// substitution in the low ones. Names are far shorter than 2^16 characters.
const FULL: u32 = 1 << 16;
const SLIP: u32 = 1;

/// What a same-sound substitution costs when slips explain the whole difference: a quarter of an
/// edit. The typist spelled the right syllables (the input method had them) and only picked the
/// wrong candidate. At a quarter, one slip in a two-character identifying word (1 − 0.25/2 =
/// 0.875) still clears the merge threshold (0.85); two slips in it, or one in a single
/// character (0.75), only reach review.
const SLIP_COST: f32 = 0.25;

/// One character of a compared string, with its readings.
#[derive(Clone, Copy)]
struct Voiced {
    c: char,
    sound: Sound,
}

/// The characters of `s` with their readings, on the stack for names of usual length (the
/// comparison runs for millions of pairs: no allocation per call).
fn with_voiced<R>(s: &str, f: impl FnOnce(&[Voiced]) -> R) -> R {
    const ON_STACK: usize = 32;
    let mut buf = [Voiced { c: '\0', sound: Sound::default() }; ON_STACK];
    let mut n = 0;
    for c in s.chars() {
        if n == ON_STACK {
            let long: Vec<Voiced> = s.chars().map(|c| Voiced { c, sound: sound_of(c) }).collect();
            return f(&long);
        }
        buf[n] = Voiced { c, sound: sound_of(c) };
        n += 1;
    }
    f(&buf[..n])
}

fn sub_cost(x: Voiced, y: Voiced) -> u32 {
    if x.c == y.c {
        0
    } else if x.sound.same_as(y.sound) {
        SLIP
    } else {
        FULL
    }
}

/// `a` and `b` without the characters they share at their start and at their end.
///
/// The cheapest alignment is unchanged, so `edits` may run on the rest. Say both open with the
/// same character c, and take any alignment. If it pairs the two c, dropping the pair costs
/// nothing. If it deletes both, pairing them instead saves two full edits. Otherwise one c, say
/// a's, is deleted while b's c is paired with a later character a[i]; then a[1..i] are deleted
/// too (nothing of b comes before its first character). Pairing the two c and deleting a[1..=i]
/// instead costs i full edits where the alignment paid i full edits plus the substitution
/// (≥ 0). So some cheapest alignment pairs the two c, and the same holds at the end. Only two
/// facts are used: an equal pair costs 0 and no substitution costs more than two full edits.
/// The prefix is cut on bytes: equal bytes have equal character boundaries.
fn strip_common<'s>(a: &'s str, b: &'s str) -> (&'s str, &'s str) {
    let mut head = a.bytes().zip(b.bytes()).take_while(|(p, q)| p == q).count();
    while !a.is_char_boundary(head) {
        head -= 1;
    }
    let (a, b) = (&a[head..], &b[head..]);
    let mut tail = a.bytes().rev().zip(b.bytes().rev()).take_while(|(p, q)| p == q).count();
    while !a.is_char_boundary(a.len() - tail) {
        tail -= 1;
    }
    (&a[..a.len() - tail], &b[..b.len() - tail])
}

/// Full edits and same-sound substitutions of a cheapest alignment (fewest full edits first).
fn edits(x: &[Voiced], y: &[Voiced]) -> (u32, u32) {
    const ON_STACK: usize = 33;
    let mut stack = [0u32; ON_STACK];
    let mut heap = Vec::new();
    let row: &mut [u32] = if y.len() < ON_STACK {
        &mut stack[..=y.len()]
    } else {
        heap.resize(y.len() + 1, 0);
        &mut heap
    };
    for (j, r) in row.iter_mut().enumerate() {
        *r = j as u32 * FULL;
    }
    for (i, &xc) in x.iter().enumerate() {
        let mut diag = row[0];
        row[0] = (i as u32 + 1) * FULL;
        for (j, &yc) in y.iter().enumerate() {
            let best = (diag + sub_cost(xc, yc)).min(row[j] + FULL).min(row[j + 1] + FULL);
            diag = row[j + 1];
            row[j + 1] = best;
        }
    }
    let total = row[y.len()];
    (total / FULL, total % FULL)
}

/// `edits` of two strings, their shared opening and ending set aside first (see `strip_common`).
fn edits_of(a: &str, b: &str) -> (u32, u32) {
    let (a, b) = strip_common(a, b);
    if a.is_empty() || b.is_empty() {
        // Only insertions (or deletions) are left.
        return (a.chars().count().max(b.chars().count()) as u32, 0);
    }
    with_voiced(a, |x| with_voiced(b, |y| edits(x, y)))
}

/// Levenshtein distance in which a same-sound substitution costs a quarter of an edit — when
/// slips are the only difference. Two names that differ anyway (邱庄振 / 郭庄镇: 邱 ≠ 郭) get no
/// discount: a slip explains a name typed wrong, not two different names, and a discount there
/// would let a long shared suffix dilute a real difference into a merge.
pub fn homophone_distance(a: &str, b: &str) -> f32 {
    if a == b {
        return 0.0;
    }
    match edits_of(a, b) {
        (0, slips) => slips as f32 * SLIP_COST,
        (full, slips) => (full + slips) as f32,
    }
}

/// The same-sound substitutions between `a` and `b` as character positions in each (for
/// reasons), when slips are the only difference; otherwise none.
///
/// An alignment without full edits has no insertion or deletion, so it exists exactly when the
/// two have equal length and every pair of characters at one position is equal or sounds the
/// same: no dynamic programming needed.
pub fn homophone_substitutions(a: &str, b: &str) -> Vec<(usize, usize)> {
    let mut slips = Vec::new();
    let (mut x, mut y) = (a.chars(), b.chars());
    for i in 0.. {
        match (x.next(), y.next()) {
            (None, None) => return slips,
            (Some(p), Some(q)) if p == q => {}
            (Some(p), Some(q)) if same_sound(p, q) => slips.push((i, i)),
            _ => return Vec::new(),
        }
    }
    unreachable!("the loop returns when either string ends")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toneless_readings_and_heteronyms() {
        assert!(same_sound('学', '雪'));
        assert!(same_sound('安', '鞍'));
        assert!(same_sound('镇', '振'));
        assert!(same_sound('会', '汇'));
        assert!(same_sound('长', '张'), "长 reads zhang too");
        assert!(!same_sound('郭', '邱'));
        assert!(!same_sound('学', '学'), "the same character is no slip");
        assert!(!same_sound('A', 'A'));
        assert_eq!(shared_reading('学', '雪'), Some("xue"));
    }

    #[test]
    fn a_same_sound_substitution_costs_a_quarter() {
        assert_eq!(homophone_distance("建鞍区", "建安区"), 0.25);
        assert_eq!(homophone_distance("郭庄镇", "邱庄镇"), 1.0);
        assert_eq!(homophone_distance("学会", "学汇会"), 1.0);
        assert_eq!(homophone_distance("邱庄振", "郭庄镇"), 2.0, "no discount beside a real difference");
        assert_eq!(homophone_distance("中学", "终雪"), 0.5);
        assert_eq!(homophone_distance("", "学会"), 2.0);
        assert_eq!(homophone_distance("学会", "学会"), 0.0);
        assert_eq!(homophone_distance("ABC", "ABD"), strsim::levenshtein("ABC", "ABD") as f32);
    }

    /// The dynamic programme on the whole strings, nothing set aside: what `edits_of` must equal.
    fn edits_unstripped(a: &str, b: &str) -> (u32, u32) {
        let voiced = |s: &str| s.chars().map(|c| Voiced { c, sound: sound_of(c) }).collect::<Vec<_>>();
        edits(&voiced(a), &voiced(b))
    }

    /// Few characters, so that random strings share openings, endings and characters: same-sound
    /// pairs (学/雪, 会/汇, 长/张), characters that share their first UTF-8 bytes (学 E5 AD A6 /
    /// 存 E5 AD 98) or their last one (学 / 並 E4 B8 A6), and ASCII.
    const ALPHABET: &[char] = &['学', '雪', '存', '並', '会', '汇', '长', '张', '郭', 'A', 'b'];

    fn name() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET), 0..12)
            .prop_map(|cs| cs.into_iter().collect())
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn setting_aside_shared_ends_keeps_the_cheapest_alignment(a in name(), b in name()) {
            prop_assert_eq!(edits_of(&a, &b), edits_unstripped(&a, &b));
        }

        #[test]
        fn substitutions_are_those_of_an_alignment_without_full_edits(a in name(), b in name()) {
            let expected: Vec<(usize, usize)> = {
                let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                if x.len() != y.len() || edits_unstripped(&a, &b).0 != 0 {
                    Vec::new()
                } else {
                    (0..x.len()).filter(|&i| same_sound(x[i], y[i])).map(|i| (i, i)).collect()
                }
            };
            prop_assert_eq!(homophone_substitutions(&a, &b), expected);
        }
    }

    #[test]
    fn long_names_leave_the_stack_buffers() {
        let a = "学".repeat(40) + "会";
        let b = "雪".repeat(40) + "汇";
        assert_eq!(edits_of(&a, &b), edits_unstripped(&a, &b));
        assert_eq!(homophone_distance(&a, &b), 41.0 * 0.25);
        assert_eq!(edits_of(&a, "郭"), (41, 0));
    }

    #[test]
    fn substitutions_are_listed_for_reasons() {
        assert_eq!(homophone_substitutions("建鞍区科协", "建安区科协"), vec![(1, 1)]);
        assert!(homophone_substitutions("郭庄镇", "邱庄镇").is_empty());
        assert!(homophone_substitutions("郭庄振", "邱庄镇").is_empty());
    }
}
