//! The data tables behind normalization, embedded from `data/`: abbreviation equivalences and
//! generic name suffixes with the kind of unit they name.

use std::sync::OnceLock;

const ABBREVIATIONS_CSV: &str = include_str!("../../data/abbreviations.csv");
const SUFFIXES_CSV: &str = include_str!("../../data/name_suffixes.csv");
const ONE_PER_DIVISION_CSV: &str = include_str!("../../data/one_per_division.csv");

/// Is `suffix` (canonical) a kind of unit a division has exactly one of
/// (`data/one_per_division.csv`): its 科学技术协会, 人民政府, 教育局…? For those the place is the
/// identity; every other kind a place has many of.
pub fn one_per_division(suffix: &str) -> bool {
    static SET: OnceLock<ahash::AHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| rows(ONE_PER_DIVISION_CSV).map(|(s, _)| s).collect()).contains(suffix)
}

/// Data lines of an embedded two-column table (comments, blank lines and the header skipped).
fn rows(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .map(|(a, b)| (a.trim(), b.trim()))
}

/// Rewrites every abbreviation to its long form, scanning left to right and taking the longest
/// table entry (short or long) at each position, so that text already in long form is kept and
/// 老科协 wins over 科协.
pub struct Abbreviations {
    /// First character → (pattern, replacement), longest pattern first.
    by_first: ahash::AHashMap<char, Vec<(&'static str, &'static str)>>,
    /// Short forms that are also recognized with one same-sound slip, by their first and by their
    /// second character (with one slip in three or more characters, one of the two is right).
    slip_forms: ahash::AHashMap<char, Vec<(&'static str, &'static str)>>,
    /// The keys of `by_first` and of `slip_forms`: most characters of a name are neither, and a
    /// bit test each lets them through without two hash look-ups.
    first_keys: CharFilter,
    slip_keys: CharFilter,
}

/// A set of characters as bits over the Basic Multilingual Plane; characters above it are
/// always "maybe" (the caller looks them up).
struct CharFilter(Vec<u64>);

impl CharFilter {
    const BMP: usize = 0x10000;

    fn of(chars: impl Iterator<Item = char>) -> CharFilter {
        let mut bits = vec![0u64; Self::BMP / 64];
        for c in chars.map(|c| c as usize).filter(|&c| c < Self::BMP) {
            bits[c / 64] |= 1 << (c % 64);
        }
        CharFilter(bits)
    }

    fn may_contain(&self, c: char) -> bool {
        let c = c as usize;
        c >= Self::BMP || self.0[c / 64] & (1 << (c % 64)) != 0
    }
}

/// Short forms of at least this many characters are also read with one same-sound slip (科普官,
/// 棵技馆: a pinyin input slip). Shorter ones are too close to other words (科协 / 科谐).
const SLIP_MIN_CHARS: usize = 3;

/// `written` spells `pattern` (same length) with exactly one same-sound slip, not on a numeral
/// (一院 is an ordinal, not 医院). Returns the slipped length in bytes.
fn spelled_with_slip(rest: &str, pattern: &str) -> Option<usize> {
    let mut slips = 0;
    let mut len = 0;
    let mut written = rest.chars();
    for p in pattern.chars() {
        let w = written.next()?;
        if w != p {
            // A second difference already fails; the sound table is asked last.
            if slips > 0 || super::numeral::is_numeral_char(w) || !super::sound::same_sound(w, p) {
                return None;
            }
            slips += 1;
        }
        len += w.len_utf8();
    }
    (slips == 1).then_some(len)
}

impl Abbreviations {
    pub fn global() -> &'static Abbreviations {
        static A: OnceLock<Abbreviations> = OnceLock::new();
        A.get_or_init(|| {
            let mut by_first: ahash::AHashMap<char, Vec<(&'static str, &'static str)>> =
                ahash::AHashMap::new();
            for (short, long) in rows(ABBREVIATIONS_CSV) {
                for pat in [short, long] {
                    if let Some(c) = pat.chars().next() {
                        by_first.entry(c).or_default().push((pat, long));
                    }
                }
            }
            let mut slip_forms: ahash::AHashMap<char, Vec<(&'static str, &'static str)>> =
                ahash::AHashMap::new();
            for (short, long) in rows(ABBREVIATIONS_CSV) {
                if short.chars().count() >= SLIP_MIN_CHARS {
                    for c in short.chars().take(2) {
                        slip_forms.entry(c).or_default().push((short, long));
                    }
                }
            }
            for v in by_first.values_mut().chain(slip_forms.values_mut()) {
                v.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
                v.dedup();
            }
            let first_keys = CharFilter::of(by_first.keys().copied());
            let slip_keys = CharFilter::of(slip_forms.keys().copied());
            Abbreviations { by_first, slip_forms, first_keys, slip_keys }
        })
    }

    /// The long form of `s`, plus the (short, long) pairs that were expanded, for reasons.
    pub fn expand(&self, s: &str) -> (String, Vec<(&'static str, &'static str)>) {
        let (out, used, _) = self.expand_noting_slips(s);
        (out, used)
    }

    /// `expand`, also reading a short form written with one same-sound slip (科普官 = 科普馆);
    /// the third list holds each slip as written → meant, for reasons.
    #[allow(clippy::type_complexity)]
    pub fn expand_noting_slips(
        &self,
        s: &str,
    ) -> (String, Vec<(&'static str, &'static str)>, Vec<(String, String)>) {
        let mut out = String::with_capacity(s.len() + 8);
        let mut used = Vec::new();
        let mut slips = Vec::new();
        let mut i = 0;
        while i < s.len() {
            let rest = &s[i..];
            let mut ahead = rest.chars();
            let Some(c) = ahead.next() else { break };
            // Neither a pattern nor a slipped short form (filed under its first or second
            // character) can start here: the character stays as written.
            let second = ahead.next();
            let no_pattern = !self.first_keys.may_contain(c)
                && !self.slip_keys.may_contain(c)
                && second.is_none_or(|d| !self.slip_keys.may_contain(d));
            if no_pattern {
                out.push(c);
                i += c.len_utf8();
                continue;
            }
            let hit =
                self.by_first.get(&c).and_then(|cands| cands.iter().find(|(pat, _)| rest.starts_with(pat)));
            match hit {
                Some(&(pat, long)) => {
                    out.push_str(long);
                    if pat != long {
                        used.push((pat, long));
                    }
                    i += pat.len();
                }
                None => {
                    let slipped = [Some(c), second]
                        .into_iter()
                        .flatten()
                        .filter_map(|k| self.slip_forms.get(&k))
                        .flatten()
                        .find_map(|&(pat, long)| Some((pat, long, spelled_with_slip(rest, pat)?)));
                    if let Some((pat, long, len)) = slipped {
                        out.push_str(long);
                        used.push((pat, long));
                        slips.push((rest[..len].to_string(), pat.to_string()));
                        i += len;
                    } else {
                        out.push(c);
                        i += c.len_utf8();
                    }
                }
            }
        }
        (out, used, slips)
    }
}

/// One wrong character in fewer characters than this is a different word, not a typo.
const FUZZY_MIN_CHARS: usize = 4;

/// A suffix this long spelled with one character missing is still recognized (科学技协会): four
/// characters left are still unmistakable; fewer could be another word.
const DROPPED_MIN_CHARS: usize = 5;

/// Suffixes of at least this many characters are read with their last character typed twice
/// (委员会会); in shorter ones the doubled character may be a word of its own.
const DOUBLED_MIN_CHARS: usize = 3;

/// Generic suffixes (科学技术协会, 中学, 有限公司…) → kind of unit.
pub struct Suffixes {
    /// Longest first.
    entries: Vec<(&'static str, &'static str)>,
    /// The length in characters of each entry, counted once: the typo searches compare lengths
    /// for every candidate of every name.
    chars: Vec<usize>,
    /// Positions in `entries` (ascending) of the suffixes ending with a character, and of those
    /// whose next-to-last character it is: a name is only compared with suffixes that can match
    /// its end, exactly or with one wrong character.
    by_last: ahash::AHashMap<char, Vec<usize>>,
    by_next_to_last: ahash::AHashMap<char, Vec<usize>>,
}

impl Suffixes {
    pub fn global() -> &'static Suffixes {
        static S: OnceLock<Suffixes> = OnceLock::new();
        S.get_or_init(|| {
            let mut entries: Vec<_> = rows(SUFFIXES_CSV).collect();
            entries.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
            let (mut by_last, mut by_next_to_last) = (ahash::AHashMap::new(), ahash::AHashMap::new());
            for (k, (suf, _)) in entries.iter().enumerate() {
                let mut rev = suf.chars().rev();
                if let Some(c) = rev.next() {
                    by_last.entry(c).or_insert_with(Vec::new).push(k);
                }
                if let Some(c) = rev.next() {
                    by_next_to_last.entry(c).or_insert_with(Vec::new).push(k);
                }
            }
            let chars = entries.iter().map(|(suf, _)| suf.chars().count()).collect();
            Suffixes { entries, chars, by_last, by_next_to_last }
        })
    }

    /// The longest generic suffix `s` ends with, and its kind.
    pub fn find(&self, s: &str) -> Option<(&'static str, &'static str)> {
        self.find_index(s).map(|k| self.entries[k])
    }

    /// `find`, as the position in `entries`.
    fn find_index(&self, s: &str) -> Option<usize> {
        let last = s.chars().next_back()?;
        let candidates = self.by_last.get(&last)?;
        candidates.iter().copied().find(|&k| s.ends_with(self.entries[k].0))
    }

    /// `find`, `find_with_typo` and `find_with_dropped` of `s` at once: the exact suffix is
    /// looked for once instead of three times.
    #[allow(clippy::type_complexity)]
    pub fn find_all(
        &self,
        s: &str,
    ) -> (
        Option<(&'static str, &'static str)>,
        Option<(&'static str, &'static str)>,
        Option<(&'static str, &'static str)>,
    ) {
        let exact = self.find_index(s);
        let exact_chars = exact.map_or(0, |k| self.chars[k]);
        (exact.map(|k| self.entries[k]), self.typo_after(s, exact_chars), self.dropped_after(s, exact_chars))
    }

    /// The length in characters of the exact suffix of `s`, 0 without one.
    fn exact_chars(&self, s: &str) -> usize {
        self.find_index(s).map_or(0, |k| self.chars[k])
    }

    /// A suffix of at least `FUZZY_MIN_CHARS` characters that the end of `s` spells with exactly
    /// one wrong character (科雪技术协会, 有限工司): a typo in generic words, which name no unit.
    /// The wrong character must lie outside the exact suffix match: 科学技术学会 ends with the
    /// real word 学会, which is a choice, not a typo. And it must sound like the right one (a
    /// pinyin input slip: 雪 for 学, 工 for 公): 农业大学 is no typo of 职业大学, it is another
    /// university.
    pub fn find_with_typo(&self, s: &str) -> Option<(&'static str, &'static str)> {
        self.typo_after(s, self.exact_chars(s))
    }

    /// `find_with_typo` given the length in characters of the exact suffix of `s`.
    fn typo_after(&self, s: &str, exact_chars: usize) -> Option<(&'static str, &'static str)> {
        // With one wrong character, the last or the next-to-last one is right.
        let mut rev = s.chars().rev();
        let (last, next_to_last) = (rev.next()?, rev.next());
        let a = self.by_last.get(&last).map_or(&[][..], Vec::as_slice);
        let b = next_to_last.and_then(|c| self.by_next_to_last.get(&c)).map_or(&[][..], Vec::as_slice);
        // Both lists are in table order: merged, they are the candidates in that order, each
        // once, without a vector to sort for every name.
        let candidates = merge_sorted(a, b);
        let found = candidates.into_iter().find(|&k| {
            let (suf, n) = (self.entries[k].0, self.chars[k]);
            if n < FUZZY_MIN_CHARS || n <= exact_chars {
                return false;
            }
            // Compare from the end; stop at the second difference.
            let mut tail = s.chars().rev();
            let mut diff = None;
            for (i, a) in suf.chars().rev().enumerate() {
                match tail.next() {
                    None => return false,
                    Some(b) if b == a => {}
                    Some(_) if diff.is_some() => return false,
                    Some(b) if !super::sound::same_sound(a, b) => return false,
                    Some(_) => diff = Some(i),
                }
            }
            diff.is_some_and(|i| i >= exact_chars)
        });
        found.map(|k| self.entries[k])
    }

    /// A suffix of at least `DROPPED_MIN_CHARS` characters that the end of `s` spells with one
    /// character left out (科学技协会 for 科学技术协会): a dropped character in generic words. As for
    /// `find_with_typo`, the gap must lie before the exact suffix match; the first and the last
    /// characters must be there.
    pub fn find_with_dropped(&self, s: &str) -> Option<(&'static str, &'static str)> {
        self.dropped_after(s, self.exact_chars(s))
    }

    /// A suffix of at least `DOUBLED_MIN_CHARS` characters that `s` ends with, followed by its
    /// last character once more (村民委员会会): the character typed twice, a slip in generic
    /// words. Not when `s` ends with a suffix as written.
    pub fn find_with_doubled_last(&self, s: &str) -> Option<(&'static str, &'static str)> {
        let mut rev = s.chars().rev();
        let (last, before) = (rev.next()?, rev.next()?);
        if last != before || self.find_index(s).is_some() {
            return None;
        }
        let k = self.find_index(&s[..s.len() - last.len_utf8()])?;
        (self.chars[k] >= DOUBLED_MIN_CHARS).then(|| self.entries[k])
    }

    /// `find_with_dropped` given the length in characters of the exact suffix of `s`.
    fn dropped_after(&self, s: &str, exact_chars: usize) -> Option<(&'static str, &'static str)> {
        // The end of `s`, reversed, on the stack: this runs for most names, on the hot path.
        let mut tail = ['\0'; 16];
        let mut len = 0;
        for (slot, c) in tail.iter_mut().zip(s.chars().rev()) {
            *slot = c;
            len += 1;
        }
        let candidates = self.by_last.get(tail.first().filter(|_| len > 0)?)?;
        let found = candidates.iter().copied().find(|&k| {
            let (suf, n) = (self.entries[k].0, self.chars[k]);
            if n < DROPPED_MIN_CHARS || n > tail.len() || len < n - 1 {
                return false;
            }
            // `tail` matches `suf` (both reversed) with the character at `gap` of `suf` skipped.
            let gap = suf.chars().rev().zip(&tail[..len]).take_while(|(a, b)| a == *b).count();
            gap >= exact_chars.max(1)
                && gap < n - 1
                && suf.chars().rev().skip(gap + 1).zip(&tail[gap..n - 1]).all(|(a, b)| a == *b)
        });
        found.map(|k| self.entries[k])
    }
}

/// The union of two sorted lists without repeats, in order, each item once.
fn merge_sorted<'a>(a: &'a [usize], b: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        let next = match (x, y) {
            (Some(x), Some(y)) => x.min(y),
            (Some(x), None) => x,
            (None, Some(y)) => y,
            (None, None) => return None,
        };
        i += usize::from(x == Some(next));
        j += usize::from(y == Some(next));
        Some(next)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse() {
        assert!(rows(ABBREVIATIONS_CSV).count() > 10);
        assert!(rows(SUFFIXES_CSV).all(|(s, k)| !s.is_empty() && !k.is_empty()));
        // Every one-per-division kind is a suffix the parser finds.
        for (s, _) in rows(ONE_PER_DIVISION_CSV) {
            assert_eq!(Suffixes::global().find(s).map(|f| f.0), Some(s), "{s}");
        }
    }

    #[test]
    fn find_all_is_the_three_searches() {
        let s = Suffixes::global();
        for name in [
            "合肥市科学技术协会",
            "夏县科雪技术协会",
            "威县科学技协会",
            "科学技术学会",
            "某某有限工司",
            "湖南大学",
            "口镇街道",
            "",
            "会",
        ] {
            assert_eq!(
                s.find_all(name),
                (s.find(name), s.find_with_typo(name), s.find_with_dropped(name)),
                "{name}"
            );
        }
        assert!(s.find_all("夏县科雪技术协会").1.is_some() && s.find_all("威县科学技协会").2.is_some());
    }

    #[test]
    fn one_per_division_kinds() {
        assert!(
            one_per_division("科学技术协会") && one_per_division("人民政府") && one_per_division("教育局")
        );
        for many in ["大学", "学院", "中学", "医院", "有限公司", "学会"] {
            assert!(!one_per_division(many), "{many}");
        }
    }

    #[test]
    fn colleges_of_different_kinds() {
        let s = Suffixes::global();
        let kind = |n: &str| s.find(n).map(|f| f.1);
        let kinds =
            ["晋中学院", "晋中职业技术学院", "晋中职业学院", "晋中师范高等专科学校", "晋中大学"].map(kind);
        for (i, a) in kinds.iter().enumerate() {
            assert!(a.is_some());
            assert!(kinds[i + 1..].iter().all(|b| b != a), "{kinds:?}");
        }
    }

    #[test]
    fn abbreviations_expand_longest_first() {
        let a = Abbreviations::global();
        assert_eq!(a.expand("上海市科协").0, "上海市科学技术协会");
        assert_eq!(a.expand("上海市科学技术协会").0, "上海市科学技术协会");
        assert_eq!(a.expand("合肥市老科协").0, "合肥市老科技工作者协会");
        assert_eq!(a.expand("合肥市科技馆").0, "合肥市科学技术馆");
        assert_eq!(a.expand("中国农大").0, "中国农业大学");
        assert_eq!(a.expand("同金科技有限责任公司").0, "同金科技有限公司");
        let (_, used) = a.expand("肥西科协");
        assert_eq!(used, vec![("科协", "科学技术协会")]);
    }

    #[test]
    fn a_short_form_with_one_same_sound_slip_expands() {
        let a = Abbreviations::global();
        let (out, used, slips) = a.expand_noting_slips("高青县颗普馆");
        assert_eq!(out, "高青县科学普及馆");
        assert_eq!(used, vec![("科普馆", "科学普及馆")]);
        assert_eq!(slips, vec![("颗普馆".to_string(), "科普馆".to_string())]);
        assert_eq!(a.expand("岳西县科普管").0, "岳西县科学普及馆");
        assert_eq!(a.expand("大安区棵技馆").0, "大安区科学技术馆");
        // Two slips, a different sound, or a short form of two characters: left as written.
        assert_eq!(a.expand("颗普管").0, "颗普管");
        assert_eq!(a.expand("科普楼").0, "科普楼");
        assert_eq!(a.expand("合肥市科谐").0, "合肥市科谐");
    }

    #[test]
    fn merged_lists_are_in_order_without_repeats() {
        let m = |a: &[usize], b: &[usize]| merge_sorted(a, b).collect::<Vec<_>>();
        assert_eq!(m(&[1, 4, 6], &[2, 4, 9]), vec![1, 2, 4, 6, 9]);
        assert_eq!(m(&[], &[3]), vec![3]);
        assert_eq!(m(&[3], &[]), vec![3]);
        assert!(m(&[], &[]).is_empty());
    }

    #[test]
    fn char_filter_holds_its_characters() {
        let f = CharFilter::of("科学a".chars());
        assert!(f.may_contain('科') && f.may_contain('学') && f.may_contain('a'));
        assert!(!f.may_contain('协') && !f.may_contain('b'));
        assert!(f.may_contain('𠀀'), "above the BMP: always maybe");
        let a = Abbreviations::global();
        for (short, long) in rows(ABBREVIATIONS_CSV) {
            for c in short.chars().take(1).chain(long.chars().take(1)) {
                assert!(a.first_keys.may_contain(c), "{short} {long}");
            }
        }
    }

    #[test]
    fn suffix_kinds() {
        let s = Suffixes::global();
        assert_eq!(s.find("中国科学技术大学"), Some(("大学", "university")));
        assert_eq!(s.find("中国科学技术协会"), Some(("科学技术协会", "science_association")));
        assert_eq!(s.find("同金科技股份有限公司"), Some(("股份有限公司", "company")));
        assert_eq!(s.find("某某"), None);
        assert_eq!(s.find_with_typo("夏县科雪技术协会"), Some(("科学技术协会", "science_association")));
        assert_eq!(s.find_with_typo("泰和思兴水泥有限工司"), Some(("有限公司", "company")));
        assert_eq!(s.find_with_typo("第3忠学"), None, "two-character suffixes are never guessed");
        assert_eq!(s.find_with_typo("某某科学技术学会"), None, "学会 is a word, not a typo");
        assert_eq!(s.find_with_dropped("威县科学技协会"), Some(("科学技术协会", "science_association")));
        // The first character of a suffix must be there: 科技工作者协会 is a word of its own, not
        // 老科技工作者协会 with 老 left out.
        assert_eq!(s.find_with_dropped("威县学技术协会"), None);
        assert_eq!(s.find_with_dropped("某某科技工作者协会"), None);
        assert_eq!(s.find_with_dropped("威县科学技术协会"), None, "nothing is missing");
        assert_eq!(s.find_with_dropped("某某有限司"), None, "four-character suffixes are never guessed");
        assert_eq!(s.find_with_dropped("某某技术协会"), None, "two missing");
        // A different sound is a different word, not a slip: 农业 is no typo of 职业.
        assert_eq!(s.find_with_typo("南京农业大学"), None);
        assert_eq!(s.find_with_typo("南京农业学院"), None);
    }
}
