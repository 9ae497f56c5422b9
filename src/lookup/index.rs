//! The search index of one directory: exact normalized names, and character and bigram postings
//! of the normalized names (`NameParts::key`: 科协 already 科学技术协会, traditional and
//! full-width folded). Built in memory for each call, in about a second for a million records
//! (docs/lookup.md says why it is not kept in the audit database).
//!
//! Retrieval only proposes candidates; whether a candidate is the unit is decided by
//! `dedupe::compare`, exactly as in a dedupe run.

use ahash::AHashMap;
use rayon::prelude::*;

use crate::model::RecIdx;
use crate::normalize::NameParts;

/// Records in one posting list: (gram or character, record), sorted, with a map to each range.
struct Postings {
    ranges: AHashMap<u64, (u32, u32)>,
    recs: Vec<RecIdx>,
}

impl Postings {
    fn build(names: &[NameParts], grams_of: impl Fn(&str, &mut Vec<u64>) + Sync) -> Postings {
        let mut entries: Vec<(u64, RecIdx)> = names
            .par_iter()
            .enumerate()
            .fold(
                || (Vec::new(), Vec::new()),
                |(mut out, mut scratch): (Vec<(u64, RecIdx)>, Vec<u64>), (i, n)| {
                    grams_of(&n.key, &mut scratch);
                    out.extend(scratch.iter().map(|&g| (g, i as RecIdx)));
                    (out, scratch)
                },
            )
            .map(|(out, _)| out)
            .reduce(Vec::new, |mut a, b| {
                a.extend(b);
                a
            });
        entries.par_sort_unstable();
        let mut ranges = AHashMap::new();
        let mut lo = 0;
        while lo < entries.len() {
            let g = entries[lo].0;
            let hi = lo + entries[lo..].partition_point(|e| e.0 == g);
            ranges.insert(g, (lo as u32, hi as u32));
            lo = hi;
        }
        let recs = entries.into_iter().map(|e| e.1).collect();
        Postings { ranges, recs }
    }

    fn get(&self, g: u64) -> &[RecIdx] {
        match self.ranges.get(&g) {
            Some(&(lo, hi)) => &self.recs[lo as usize..hi as usize],
            None => &[],
        }
    }
}

pub use crate::dedupe::query::bigrams;

fn chars_of(key: &str, out: &mut Vec<u64>) {
    out.clear();
    out.extend(key.chars().map(|c| c as u64));
    out.sort_unstable();
    out.dedup();
}

/// Posting entries scanned per query, at most (rarest grams first).
const SCAN_BUDGET: usize = 20_000;
/// Candidates kept from the gram scan, by rarity-weighted overlap.
const GRAM_CANDIDATES: usize = 300;
/// Candidates kept from the short-form scan (names holding the query's characters in order).
const SHORT_CANDIDATES: usize = 100;
/// Queries up to this many characters are also looked up as short forms (北师大, 中国足协).
const SHORT_FORM_MAX: usize = 6;

pub struct NameIndex {
    exact: AHashMap<Box<str>, Vec<RecIdx>>,
    bigrams: Postings,
    chars: Postings,
}

impl NameIndex {
    pub fn build(names: &[NameParts]) -> NameIndex {
        let ((bigrams, chars), exact) = rayon::join(
            || rayon::join(|| Postings::build(names, bigrams), || Postings::build(names, chars_of)),
            || {
                let mut exact: AHashMap<Box<str>, Vec<RecIdx>> = AHashMap::with_capacity(names.len());
                for (i, n) in names.iter().enumerate() {
                    exact.entry(n.key.as_str().into()).or_default().push(i as RecIdx);
                }
                exact
            },
        );
        NameIndex { exact, bigrams, chars }
    }

    /// Records whose normalized name is `key`.
    pub fn exact(&self, key: &str) -> &[RecIdx] {
        self.exact.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Candidate records for a normalized query name, each at most once, in a deterministic order:
    /// exact names first, then by rarity-weighted shared bigrams, then short-form matches.
    /// `keep(i)` filters records (the province asked for); it is applied before ranking, so that
    /// a common name in other provinces never crowds out the one asked for.
    pub fn candidates(&self, names: &[NameParts], key: &str, keep: impl Fn(RecIdx) -> bool) -> Vec<RecIdx> {
        let mut out: Vec<RecIdx> = self.exact(key).iter().copied().filter(|&i| keep(i)).collect();
        let mut grams = Vec::new();
        bigrams(key, &mut grams);
        let mut lists: Vec<&[RecIdx]> =
            grams.iter().map(|&g| self.bigrams.get(g)).filter(|p| !p.is_empty()).collect();
        lists.sort_by_key(|p| p.len());
        // Rarest grams first, until the scan budget is spent: the rare grams say which unit is
        // meant, and a query made only of common ones (科学技术协会) names none in particular.
        let mut weight: AHashMap<RecIdx, f32> = AHashMap::new();
        let mut budget = SCAN_BUDGET;
        for (k, post) in lists.iter().enumerate() {
            if k > 0 && post.len() > budget {
                break;
            }
            let w = 1.0 / (1.0 + (post.len() as f32).ln());
            for &i in post.iter().take(budget) {
                if keep(i) {
                    *weight.entry(i).or_default() += w;
                }
            }
            budget = budget.saturating_sub(post.len());
        }
        let mut ranked: Vec<(f32, RecIdx)> = weight.into_iter().map(|(i, w)| (w, i)).collect();
        let by_weight = |a: &(f32, RecIdx), b: &(f32, RecIdx)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if ranked.len() > GRAM_CANDIDATES {
            ranked.select_nth_unstable_by(GRAM_CANDIDATES, by_weight);
            ranked.truncate(GRAM_CANDIDATES);
        }
        ranked.sort_by(by_weight);
        out.extend(ranked.into_iter().map(|r| r.1));
        if key.chars().count() <= SHORT_FORM_MAX {
            out.extend(self.short_form_candidates(names, key, &keep));
        }
        let mut seen = ahash::AHashSet::with_capacity(out.len());
        out.retain(|i| seen.insert(*i));
        out
    }

    /// Records whose names hold every character of `key` in order (北师大 in 北京师范大学),
    /// shortest names first, at most `SHORT_CANDIDATES`.
    fn short_form_candidates(
        &self,
        names: &[NameParts],
        key: &str,
        keep: &impl Fn(RecIdx) -> bool,
    ) -> Vec<RecIdx> {
        let mut found: Vec<(usize, RecIdx)> = self
            .in_order(names, key, keep, SCAN_BUDGET)
            .into_iter()
            .map(|i| (names[i as usize].key.len(), i))
            .collect();
        found.sort_unstable();
        found.into_iter().take(SHORT_CANDIDATES).map(|f| f.1).collect()
    }

    /// Every record whose name holds the characters of `key` in order, read from the postings of
    /// its rarest character (none when that list is longer than `max_scan`), in record order.
    pub fn in_order(
        &self,
        names: &[NameParts],
        key: &str,
        keep: &impl Fn(RecIdx) -> bool,
        max_scan: usize,
    ) -> Vec<RecIdx> {
        let wanted: Vec<char> = key.chars().collect();
        if wanted.len() < 2 {
            return Vec::new();
        }
        let Some(rarest) = wanted.iter().map(|&c| self.chars.get(c as u64)).min_by_key(|p| p.len()) else {
            return Vec::new();
        };
        if rarest.len() > max_scan {
            return Vec::new();
        }
        let in_order = |name: &str| {
            let mut rest = name.chars();
            wanted.iter().all(|&c| rest.any(|x| x == c))
        };
        rarest.iter().copied().filter(|&i| keep(i) && in_order(&names[i as usize].key)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::Gazetteer;

    fn index(names: &[&str]) -> (Vec<NameParts>, NameIndex) {
        let g = Gazetteer::global();
        let parsed: Vec<NameParts> = names.iter().map(|n| crate::normalize::parse(n, g)).collect();
        let idx = NameIndex::build(&parsed);
        (parsed, idx)
    }

    #[test]
    fn normalized_names_bigrams_and_short_forms_find_candidates() {
        let (names, idx) = index(&[
            "合肥市科学技术协会",
            "北京师范大学",
            "北京大学",
            "合肥市第一中学",
            "安徽省科学技术协会",
        ]);
        let g = Gazetteer::global();
        let find = |q: &str| idx.candidates(&names, &crate::normalize::parse(q, g).key, |_| true);
        // 科协 is 科学技术协会 once normalized: the same name.
        assert_eq!(find("合肥市科协")[0], 0);
        assert_eq!(idx.exact(&names[0].key), &[0]);
        // Characters in order: 北师大 is found in 北京师范大学, and 北京大学 too (only a candidate).
        let short = find("北师大");
        assert!(short.contains(&1), "{short:?}");
        // The province filter applies before ranking.
        assert!(!idx.candidates(&names, &names[3].key, |i| i != 3).contains(&3));
        // Every candidate once.
        let all = find("合肥市第一中学");
        let mut dedup = all.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert_eq!(all.len(), dedup.len());
    }

    #[test]
    fn bigrams_of_short_keys() {
        let mut g = Vec::new();
        bigrams("科", &mut g);
        assert_eq!(g.len(), 1);
        bigrams("科学科学", &mut g);
        assert_eq!(g.len(), 2);
        bigrams("", &mut g);
        assert!(g.is_empty());
    }
}
