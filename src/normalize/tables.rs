//! The data tables behind normalization, embedded from `data/`: abbreviation equivalences and
//! generic name suffixes with the kind of unit they name.

use std::collections::HashMap;
use std::sync::OnceLock;

const ABBREVIATIONS_CSV: &str = include_str!("../../data/abbreviations.csv");
const SUFFIXES_CSV: &str = include_str!("../../data/name_suffixes.csv");

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
    by_first: HashMap<char, Vec<(&'static str, &'static str)>>,
}

impl Abbreviations {
    pub fn global() -> &'static Abbreviations {
        static A: OnceLock<Abbreviations> = OnceLock::new();
        A.get_or_init(|| {
            let mut by_first: HashMap<char, Vec<(&'static str, &'static str)>> = HashMap::new();
            for (short, long) in rows(ABBREVIATIONS_CSV) {
                for pat in [short, long] {
                    if let Some(c) = pat.chars().next() {
                        by_first.entry(c).or_default().push((pat, long));
                    }
                }
            }
            for v in by_first.values_mut() {
                v.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
                v.dedup();
            }
            Abbreviations { by_first }
        })
    }

    /// The long form of `s`, plus the (short, long) pairs that were expanded, for reasons.
    pub fn expand(&self, s: &str) -> (String, Vec<(&'static str, &'static str)>) {
        let mut out = String::with_capacity(s.len() + 8);
        let mut used = Vec::new();
        let mut i = 0;
        while i < s.len() {
            let rest = &s[i..];
            let Some(c) = rest.chars().next() else { break };
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
                    out.push(c);
                    i += c.len_utf8();
                }
            }
        }
        (out, used)
    }
}

/// One wrong character in fewer characters than this is a different word, not a typo.
const FUZZY_MIN_CHARS: usize = 4;

/// Generic suffixes (科学技术协会, 中学, 有限公司…) → kind of unit.
pub struct Suffixes {
    /// Longest first.
    entries: Vec<(&'static str, &'static str)>,
}

impl Suffixes {
    pub fn global() -> &'static Suffixes {
        static S: OnceLock<Suffixes> = OnceLock::new();
        S.get_or_init(|| {
            let mut entries: Vec<_> = rows(SUFFIXES_CSV).collect();
            entries.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
            Suffixes { entries }
        })
    }

    /// The longest generic suffix `s` ends with, and its kind.
    pub fn find(&self, s: &str) -> Option<(&'static str, &'static str)> {
        self.entries.iter().copied().find(|(suf, _)| s.ends_with(suf))
    }

    /// A suffix of at least `FUZZY_MIN_CHARS` characters that the end of `s` spells with exactly
    /// one wrong character (科雪技术协会, 有限工司): a typo in generic words, which name no unit.
    /// The wrong character must lie outside the exact suffix match: 科学技术学会 ends with the
    /// real word 学会, which is a choice, not a typo.
    pub fn find_with_typo(&self, s: &str) -> Option<(&'static str, &'static str)> {
        let tail: Vec<char> = s.chars().rev().collect();
        let exact_chars = self.find(s).map_or(0, |(e, _)| e.chars().count());
        self.entries.iter().copied().find(|(suf, _)| {
            let n = suf.chars().count();
            if n < FUZZY_MIN_CHARS || tail.len() < n || n <= exact_chars {
                return false;
            }
            let diffs: Vec<usize> = suf
                .chars()
                .rev()
                .zip(&tail)
                .enumerate()
                .filter(|(_, (a, b))| a != *b)
                .map(|(i, _)| i)
                .collect();
            diffs.len() == 1 && diffs[0] >= exact_chars
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse() {
        assert!(rows(ABBREVIATIONS_CSV).count() > 10);
        assert!(rows(SUFFIXES_CSV).all(|(s, k)| !s.is_empty() && !k.is_empty()));
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
    }
}
