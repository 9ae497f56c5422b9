//! The search index of one directory: exact normalized names, and character and bigram postings
//! of the normalized names (`NameParts::key`: 科协 already 科学技术协会, traditional and
//! full-width folded), built in memory from a loaded directory. `saved` stores these lists in a
//! file; `retrieve` reads either through `Source`.
//!
//! Retrieval only proposes candidates; whether a candidate is the unit is decided by
//! `dedupe::compare`, exactly as in a dedupe run.

use std::borrow::Cow;

use ahash::AHashMap;
use rayon::prelude::*;

use crate::dedupe::{query, Features};
use crate::error::Result;
use crate::model::RecIdx;
use crate::normalize::NameParts;

use super::retrieve::{ends_key, Gram, Source};

/// Records in one posting list: (gram or character, record), sorted, with a map to each range.
pub(crate) struct Postings {
    ranges: AHashMap<u64, (u32, u32)>,
    recs: Vec<RecIdx>,
}

impl Postings {
    fn build(names: &[NameParts], grams_of: impl Fn(&NameParts, &mut Vec<u64>) + Sync) -> Postings {
        let mut entries: Vec<(u64, RecIdx)> = names
            .par_iter()
            .enumerate()
            .fold(
                || (Vec::new(), Vec::new()),
                |(mut out, mut scratch): (Vec<(u64, RecIdx)>, Vec<u64>), (i, n)| {
                    grams_of(n, &mut scratch);
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

    /// Every gram and its records, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, &[RecIdx])> {
        self.ranges.iter().map(|(&g, &(lo, hi))| (g, &self.recs[lo as usize..hi as usize]))
    }

    fn get(&self, g: u64) -> &[RecIdx] {
        match self.ranges.get(&g) {
            Some(&(lo, hi)) => &self.recs[lo as usize..hi as usize],
            None => &[],
        }
    }
}

pub use crate::dedupe::query::bigrams;

fn bigrams_of(n: &NameParts, out: &mut Vec<u64>) {
    bigrams(&n.key, out);
}

fn chars_of(n: &NameParts, out: &mut Vec<u64>) {
    out.clear();
    out.extend(n.key.chars().map(|c| c as u64));
    out.sort_unstable();
    out.dedup();
}

/// The name index of a directory in memory: exact normalized names, bigram and character
/// postings, and the names that may be short forms by their first and last characters.
pub struct NameIndex {
    exact: AHashMap<Box<str>, Vec<RecIdx>>,
    pub(crate) bigrams: Postings,
    pub(crate) chars: Postings,
    pub(crate) short_ends: Postings,
}

impl NameIndex {
    pub fn build(names: &[NameParts]) -> NameIndex {
        let ((bigrams, chars), (exact, short_ends)) = rayon::join(
            || rayon::join(|| Postings::build(names, bigrams_of), || Postings::build(names, chars_of)),
            || {
                let mut exact: AHashMap<Box<str>, Vec<RecIdx>> = AHashMap::with_capacity(names.len());
                for (i, n) in names.iter().enumerate() {
                    exact.entry((*n.key).into()).or_default().push(i as RecIdx);
                }
                (exact, Postings::build(names, short_ends_of))
            },
        );
        NameIndex { exact, bigrams, chars, short_ends }
    }

    /// Records whose normalized name is `key`.
    pub fn exact(&self, key: &str) -> &[RecIdx] {
        self.exact.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every normalized name and its records, in no particular order.
    pub(crate) fn exact_names(&self) -> impl Iterator<Item = (&str, &[RecIdx])> {
        self.exact.iter().map(|(k, v)| (&**k, v.as_slice()))
    }

    fn list(&self, kind: Gram) -> &Postings {
        match kind {
            Gram::Bigram => &self.bigrams,
            Gram::Char => &self.chars,
            Gram::ShortEnds => &self.short_ends,
        }
    }
}

/// A name that may be a short form is listed under its first and last character.
fn short_ends_of(n: &NameParts, out: &mut Vec<u64>) {
    out.clear();
    if query::may_be_short(n) {
        if let (Some(a), Some(b)) = (n.key.chars().next(), n.key.chars().next_back()) {
            out.push(ends_key(a, b));
        }
    }
}

/// Retrieval over a directory in memory.
pub(crate) struct MemSource<'a> {
    pub index: &'a NameIndex,
    pub names: &'a [NameParts],
    pub feats: &'a [Features],
}

impl<'a> Source<'a> for MemSource<'a> {
    fn count(&mut self, kind: Gram, g: u64) -> Result<usize> {
        Ok(self.index.list(kind).get(g).len())
    }

    fn postings(&mut self, kind: Gram, g: u64, limit: usize) -> Result<Cow<'a, [RecIdx]>> {
        let list = self.index.list(kind).get(g);
        Ok(Cow::Borrowed(&list[..list.len().min(limit)]))
    }

    fn exact(&mut self, key: &str) -> Result<Cow<'a, [RecIdx]>> {
        Ok(Cow::Borrowed(self.index.exact(key)))
    }

    fn province(&self, i: RecIdx) -> u32 {
        self.feats[i as usize].province_key()
    }

    fn load(&mut self, _: &[RecIdx]) -> Result<()> {
        Ok(())
    }

    fn name(&self, i: RecIdx) -> &NameParts {
        &self.names[i as usize]
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
        let mut feats = vec![Features::default(); names.len()];
        feats[3].region.province = Some(340000);
        let g = Gazetteer::global();
        let find = |q: &str, province: Option<u32>| {
            let mut src = MemSource { index: &idx, names: &names, feats: &feats };
            crate::lookup::retrieve::candidates(
                &mut src,
                &crate::normalize::parse(q, g).key,
                province,
                province,
            )
            .unwrap()
        };
        // 科协 is 科学技术协会 once normalized: the same name.
        assert_eq!(find("合肥市科协", None)[0], 0);
        assert_eq!(idx.exact(&names[0].key), &[0]);
        // Characters in order: 北师大 is found in 北京师范大学, and 北京大学 too (only a candidate).
        let short = find("北师大", None);
        assert!(short.contains(&1), "{short:?}");
        // The province filter applies before ranking: another province's record is left out,
        // one of no known province is kept.
        assert!(!find("合肥市第一中学", Some(110000)).contains(&3));
        assert!(find("合肥市第一中学", Some(340000)).contains(&3));
        assert!(find("合肥市科协", Some(110000)).contains(&0));
        // Every candidate once.
        let all = find("合肥市第一中学", None);
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
