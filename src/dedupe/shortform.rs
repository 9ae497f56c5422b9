//! Short forms: 北师大 for 北京师范大学, 中国足协 for 中国足球协会, 格力电器 for 珠海格力电器股份有限公司.
//!
//! A Chinese short form keeps the opening characters of some of the full name's words, in order:
//! 北京|师范|大学 → 北|师|大, 中国|足球|协会 → 中国|足|协; a company's brand is its name without
//! region and form (格力|电器). The words a short form leaves out cost nothing when they are a
//! region, the kind or the form, or identifying words after the last one it keeps (a company's
//! trade: 海康威视 for 杭州海康威视数字技术…); an identifying word skipped before or between the
//! kept ones costs one (北大 fits 北京师范大学 only by skipping 师范).
//!
//! A name that contains its own whole kind word (山东大学, 某某协会) is a full name, never a short
//! form of another (山东师范大学). A short form is weak evidence: 北大 fits many names, so each
//! short name is paired only with its best-fitting full names, and with none when too many fit
//! equally well. Such pairs go to review; they merge only with independent evidence (the same
//! valid credit code, see `score`).
//!
//! Candidate generation: a short form's first character opens a word of the full name (its region,
//! or the first identifying word), and its last character occurs after it. Short names are indexed
//! by (first, last) character; each record looks up only the characters that open its first words
//! and, for those that some short name opens with, the characters after them. Work per record is
//! bounded by its length, so the pairs grow linearly with the records.

use ahash::{AHashMap, AHashSet};
use rayon::prelude::*;

use crate::model::RecIdx;
use crate::normalize::NameParts;

use super::features::Features;
use super::reason::Reason;

/// Longer names are full names, not short forms.
const MAX_SHORT_CHARS: usize = 8;
/// Identifying words a short form may skip before or between the ones it keeps.
const MAX_COST: u8 = 1;
/// A short name fitting more full names than this equally well is ambiguous (交大): no pair.
const MAX_TIES: usize = 2;
/// Kind words that make a name a full name wherever they stand in it (中国矿业大学北京).
const FULL_NAME_WORDS: &[&str] =
    &["大学", "学院", "学校", "中学", "小学", "医院", "协会", "学会", "公司", "委员会", "研究院", "研究所"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Region or national prefix: free to drop.
    Region,
    /// Identifying words (the 字号 and the trade).
    Core,
    /// The generic suffix (kind or form): free to drop.
    Generic,
}

/// A word of a full name, by character positions in its key.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    class: Class,
}

/// How a short name fits a full one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    /// Identifying words skipped before or between the kept ones.
    pub cost: u8,
    /// Identifying words dropped after the last kept one (a company's trade).
    pub trailing: u8,
    /// The short name cut where it opens each word, and those words: ("北|师|大", "北京|师范|大学").
    pub kept: String,
    pub opened: String,
}

impl Fit {
    fn rank(&self) -> (u8, u8) {
        (self.cost, self.trailing)
    }
}

/// Can this name be a short form of another: short, no kind word of its own, not a branch,
/// not a place name alone.
pub fn may_be_short(n: &NameParts) -> bool {
    let len = n.key.chars().count();
    (2..=MAX_SHORT_CHARS).contains(&len)
        && n.suffix.is_none()
        && n.branch.is_none()
        && n.ordinal.is_none()
        && !n.body.is_empty()
        && !FULL_NAME_WORDS.iter().any(|w| n.key.contains(w))
}

/// Split `text[from..to]` into words of two characters (most Chinese words are), the last one
/// shorter when the count is odd.
fn chunks(from: usize, to: usize, class: Class, out: &mut Vec<Word>) {
    let mut s = from;
    while s < to {
        let e = (s + 2).min(to);
        out.push(Word { start: s, end: e, class });
        s = e;
    }
}

/// The words of a full name: each region mention (or the national prefix), the identifying part
/// in two-character words, the suffix in two-character words.
fn words(n: &NameParts) -> Vec<Word> {
    let pos = |byte: usize| n.key[..byte].chars().count();
    let mut out = Vec::new();
    let region_end = pos(n.region_text.len());
    if n.national || n.mentions.is_empty() {
        if region_end > 0 {
            out.push(Word { start: 0, end: region_end, class: Class::Region });
        }
    } else {
        out.extend(n.mentions.iter().map(|m| Word {
            start: pos(m.start),
            end: pos(m.end),
            class: Class::Region,
        }));
    }
    let total = n.key.chars().count();
    let suffix_chars = n.suffix.as_deref().filter(|s| n.key.ends_with(s)).map_or(0, |s| s.chars().count());
    let core_end = total - suffix_chars;
    chunks(region_end, core_end, Class::Core, &mut out);
    chunks(core_end, total, Class::Generic, &mut out);
    out
}

/// Does `short` shorten `long` (see the module comment)? The best fit, if any within `MAX_COST`.
pub fn fit(short: &NameParts, long: &NameParts) -> Option<Fit> {
    let s: Vec<char> = short.key.chars().collect();
    let l: Vec<char> = long.key.chars().collect();
    if !may_be_short(short) || s.len() >= l.len() || long.branch.is_some() {
        return None;
    }
    let ws = words(long);
    let has_core = ws.iter().any(|w| w.class == Class::Core);
    let mut best: Option<((u8, u8), Vec<(usize, usize)>)> = None;
    let mut path = Vec::new();
    search(&s, &l, &ws, 0, 0, 0, !has_core, &mut path, &mut best);
    let (rank, path) = best?;
    let mut kept = Vec::new();
    let mut opened = Vec::new();
    let mut at = 0;
    for &(w, len) in &path {
        kept.push(s[at..at + len].iter().collect::<String>());
        opened.push(l[ws[w].start..ws[w].end].iter().collect::<String>());
        at += len;
    }
    Some(Fit { cost: rank.0, trailing: rank.1, kept: kept.join("|"), opened: opened.join("|") })
}

/// Depth-first search of the ways `s[i..]` opens words `ws[j..]` of `l` in order, keeping the
/// cheapest (fewest identifying words skipped, then fewest dropped after). `path` holds the
/// (word, characters kept) choices so far.
#[allow(clippy::too_many_arguments)]
fn search(
    s: &[char],
    l: &[char],
    ws: &[Word],
    i: usize,
    j: usize,
    cost: u8,
    core_hit: bool,
    path: &mut Vec<(usize, usize)>,
    best: &mut Option<((u8, u8), Vec<(usize, usize)>)>,
) {
    if cost > MAX_COST || best.as_ref().is_some_and(|b| b.0 .0 < cost) {
        return;
    }
    if i == s.len() {
        if core_hit && !path.is_empty() {
            let trailing = ws[j..].iter().filter(|w| w.class == Class::Core).count() as u8;
            if best.as_ref().is_none_or(|b| (cost, trailing) < b.0) {
                *best = Some(((cost, trailing), path.clone()));
            }
        }
        return;
    }
    let mut skipped = 0u8;
    for (w, word) in ws.iter().enumerate().skip(j) {
        let text = &l[word.start..word.end];
        let mut len = 0;
        while len < text.len() && i + len < s.len() && s[i + len] == text[len] {
            len += 1;
            path.push((w, len));
            search(
                s,
                l,
                ws,
                i + len,
                w + 1,
                cost + skipped,
                core_hit || word.class == Class::Core,
                path,
                best,
            );
            path.pop();
        }
        if word.class == Class::Core {
            skipped += 1;
        }
    }
}

/// The reason for a short-form pair, whichever of the two is the short one: `北理工 shortens
/// 北京理工大学 (北|理工 open 北京|理工)`.
pub fn explain(a: &NameParts, b: &NameParts) -> Option<Reason> {
    let (short, long, f) = match fit(a, b) {
        Some(f) => (a, b, f),
        None => (b, a, fit(b, a)?),
    };
    Some(Reason::Shortens {
        short: short.key.clone(),
        long: long.key.clone(),
        kept: f.kept,
        opened: f.opened,
    })
}

/// Ordered pair.
fn ordered(a: RecIdx, b: RecIdx) -> (RecIdx, RecIdx) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Characters a short form of this name may open with: the first of its key, of each region
/// mention and of its body (the first identifying word), with their character positions.
fn anchors(n: &NameParts) -> impl Iterator<Item = (usize, char)> + '_ {
    let starts = std::iter::once(0)
        .chain(n.mentions.iter().map(|m| m.start))
        .chain(std::iter::once(n.region_text.len()));
    starts.filter(|&b| b < n.key.len()).filter_map(|b| n.key[b..].chars().next().map(|c| (b, c)))
}

/// Short-name / full-name candidate pairs (smaller index first, sorted): each short name with the
/// full names it fits best (see the module comment).
pub fn pairs(names: &[NameParts], feats: &[Features]) -> Vec<(RecIdx, RecIdx)> {
    let t0 = std::time::Instant::now();
    let mut by_ends: AHashMap<(char, char), Vec<RecIdx>> = AHashMap::new();
    for (i, n) in names.iter().enumerate().filter(|(_, n)| may_be_short(n)) {
        let (Some(first), Some(last)) = (n.key.chars().next(), n.key.chars().next_back()) else { continue };
        by_ends.entry((first, last)).or_default().push(i as RecIdx);
    }
    if by_ends.is_empty() {
        return Vec::new();
    }
    let firsts: AHashSet<char> = by_ends.keys().map(|k| k.0).collect();
    let compatible = |a: u32, b: u32| a == b || a == 0 || b == 0;

    // (short, rank, full) for every fit.
    let mut fits: Vec<(RecIdx, (u8, u8), RecIdx)> = (0..names.len())
        .into_par_iter()
        .flat_map_iter(|f| {
            let long = &names[f];
            let mut shorts: Vec<RecIdx> = Vec::new();
            let mut seen = AHashSet::new();
            for (byte, first) in anchors(long).filter(|(_, c)| firsts.contains(c)) {
                let lasts: AHashSet<char> = long.key[byte..].chars().skip(1).collect();
                for last in lasts {
                    if !seen.insert((first, last)) {
                        continue;
                    }
                    if let Some(list) = by_ends.get(&(first, last)) {
                        shorts.extend(list.iter().copied().filter(|&s| s as usize != f));
                    }
                }
            }
            shorts.sort_unstable();
            shorts.dedup();
            let p = feats[f].province_key();
            shorts
                .into_iter()
                .filter(|&s| compatible(feats[s as usize].province_key(), p))
                .filter_map(|s| fit(&names[s as usize], long).map(|x| (s, x.rank(), f as RecIdx)))
                .collect::<Vec<_>>()
        })
        .collect();
    fits.par_sort_unstable();
    let mut out = Vec::new();
    for group in fits.chunk_by(|a, b| a.0 == b.0) {
        let best = group[0].1;
        let ties = group.iter().take_while(|x| x.1 == best).count();
        if ties <= MAX_TIES {
            out.extend(group[..ties].iter().map(|x| ordered(x.0, x.2)));
        }
    }
    out.sort_unstable();
    out.dedup();
    super::timing("blocking: short forms", t0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::Gazetteer;
    use crate::normalize::parse;

    fn p(s: &str) -> NameParts {
        parse(s, Gazetteer::global())
    }

    fn fits(short: &str, long: &str) -> Option<Fit> {
        fit(&p(short), &p(long))
    }

    #[test]
    fn a_short_form_opens_the_words_of_the_full_name() {
        let f = fits("北理工", "北京理工大学").unwrap();
        assert_eq!((f.cost, f.kept.as_str(), f.opened.as_str()), (0, "北|理工", "北京|理工"));
        assert_eq!(fits("中国足协", "中国足球协会").unwrap().opened, "中国|足球|协会");
        assert_eq!(fits("哈工程", "哈尔滨工程大学").unwrap().cost, 0);
        assert_eq!(fits("北航", "北京航空航天大学").unwrap().trailing, 1);
        assert_eq!(fits("人大", "中国人民大学").unwrap().cost, 0);
        // Characters in order but not opening words: 师大 does not open 京师 / 范大.
        assert!(fits("京范", "北京师范大学").is_none());
        assert!(fits("大师", "北京师范大学").is_none(), "out of order");
    }

    #[test]
    fn a_brand_is_the_company_name_without_region_and_form() {
        let f = fits("格力电器", "珠海格力电器股份有限公司").unwrap();
        assert_eq!((f.cost, f.trailing), (0, 0));
        assert_eq!(fits("海康威视", "杭州海康威视数字技术股份有限公司").unwrap().trailing, 2);
        assert_eq!(fits("中国石化", "中国石油化工股份有限公司").unwrap().cost, 0);
        assert_eq!(fits("浦发银行", "上海浦东发展银行股份有限公司").unwrap().cost, 0);
    }

    #[test]
    fn skipping_an_identifying_word_costs() {
        assert_eq!(fits("北大", "北京大学").unwrap().cost, 0);
        assert_eq!(fits("海康数字", "杭州海康威视数字技术股份有限公司").unwrap().cost, 1);
        assert!(fits("数字", "杭州海康威视数字技术股份有限公司").is_none(), "two identifying words skipped");
        // A short form keeps some identifying word of a name that has one.
        assert!(fits("北大", "北京师范大学").is_none());
    }

    #[test]
    fn a_name_with_its_own_kind_word_is_a_full_name() {
        assert!(fits("山东大学", "山东师范大学").is_none());
        assert!(fits("交通协会", "上海市交通运输协会").is_none());
        assert!(!may_be_short(&p("中国矿业大学（北京）")));
        assert!(!may_be_short(&p("北京")), "a place alone");
        assert!(fits("格力电器", "格力电器").is_none(), "not shorter");
    }
}
