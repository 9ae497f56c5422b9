//! Retrieval: which records of the directory a probe is compared with. The same code runs on
//! the directory in memory (`index::NameIndex`) and on a saved index (`saved`), through
//! `Source`, so that `lookup --index` proposes exactly the candidates a lookup of the dump
//! itself proposes. Retrieval only proposes: every candidate is then judged by dedupe's rules.

use std::borrow::Cow;

use ahash::{AHashMap, AHashSet};

use crate::dedupe::{query, Features};
use crate::error::Result;
use crate::model::RecIdx;
use crate::normalize::NameParts;

/// Posting entries scanned per query, at most (rarest grams first).
pub const SCAN_BUDGET: usize = 20_000;
/// Candidates kept from the gram scan, by rarity-weighted overlap.
const GRAM_CANDIDATES: usize = 300;
/// Candidates kept from the short-form scan (names holding the query's characters in order).
const SHORT_CANDIDATES: usize = 100;
/// Queries up to this many characters are also looked up as short forms (北师大, 中国足协).
const SHORT_FORM_MAX: usize = 6;
/// Posting entries scanned for the full names a short form may shorten (more than for ranking:
/// dedupe pairs a short name only when few full names fit it equally well, so every fit counts).
const SHORT_FORM_SCAN: usize = 200_000;

/// A full name a short name fits: how well (dedupe's rank, smaller is better), and the record.
type Fit = ((u8, u8, u8), RecIdx);

/// What a posting list is keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gram {
    /// A character bigram of the normalized name (`query::bigrams`).
    Bigram,
    /// One character of the normalized name.
    Char,
    /// Names that may be short forms, by (first, last) character (`ends_key`).
    ShortEnds,
}

/// The key of the short-form list of names starting with `a` and ending with `b`.
pub fn ends_key(a: char, b: char) -> u64 {
    ((a as u64) << 32) | b as u64
}

/// Where retrieval reads the directory from. Record indices are the directory's own.
pub trait Source<'s> {
    /// Entries in the list of `g`.
    fn count(&mut self, kind: Gram, g: u64) -> Result<usize>;
    /// The first `limit` records of the list of `g`, in record order.
    fn postings(&mut self, kind: Gram, g: u64, limit: usize) -> Result<Cow<'s, [RecIdx]>>;
    /// Records whose normalized name is `key`, in record order.
    fn exact(&mut self, key: &str) -> Result<Cow<'s, [RecIdx]>>;
    /// The province the dedupe features give record `i` (`Features::province_key`; 0: none).
    fn province(&self, i: RecIdx) -> u32;
    /// Make `name` callable for these records (a saved index reads and parses them).
    fn load(&mut self, recs: &[RecIdx]) -> Result<()>;
    /// The parsed name of a loaded record.
    fn name(&self, i: RecIdx) -> &NameParts;

    /// Records whose names may hold every character of `chars`, in record order (a superset
    /// of those that do); `None` when the rarest character's list is longer than `max_scan`
    /// (the characters then say nothing in particular).
    fn holding_all(&mut self, chars: &[char], max_scan: usize) -> Result<Option<Vec<RecIdx>>> {
        let mut counts = Vec::with_capacity(chars.len());
        for &c in chars {
            counts.push((self.count(Gram::Char, c as u64)?, c));
        }
        // The first rarest, as `min_by_key` picks it.
        let Some(&(n, rarest)) = counts.iter().min_by_key(|x| x.0) else { return Ok(None) };
        if n > max_scan {
            return Ok(None);
        }
        Ok(Some(self.postings(Gram::Char, rarest as u64, usize::MAX)?.into_owned()))
    }
}

/// The province a probe asks for (`Some`) keeps a record of that province or of none known.
fn in_province(record: u32, asked: Option<u32>) -> bool {
    asked.is_none_or(|p| record == 0 || record == p)
}

/// Candidate records for a probe (its normalized name, its province if known — from its
/// columns or its name — and the province the user gave, `asked`), each at most once, in a
/// deterministic order: exact names first, then by rarity-weighted shared bigrams, then
/// short-form matches. Records of another province are left out before ranking, so that a
/// common name in other provinces never crowds out the one asked for. The records of exactly
/// the same name are filtered by `asked` only: a place the name seems to name (解放 in 解放阶道…
/// read as 解放区) must not hide the entry whose name was typed as it is.
pub fn candidates<'s>(
    src: &mut impl Source<'s>,
    key: &str,
    province: Option<u32>,
    asked: Option<u32>,
) -> Result<Vec<RecIdx>> {
    let mut out: Vec<RecIdx> =
        src.exact(key)?.iter().copied().filter(|&i| in_province(src.province(i), asked)).collect();
    let mut grams = Vec::new();
    query::bigrams(key, &mut grams);
    let mut lists: Vec<(usize, u64)> = Vec::with_capacity(grams.len());
    for &g in &grams {
        let n = src.count(Gram::Bigram, g)?;
        if n > 0 {
            lists.push((n, g));
        }
    }
    // Stable: equal counts keep the grams' order.
    lists.sort_by_key(|l| l.0);
    // Rarest grams first, until the scan budget is spent: the rare grams say which unit is
    // meant, and a query made only of common ones (科学技术协会) names none in particular.
    let mut weight: AHashMap<RecIdx, f32> = AHashMap::new();
    let mut budget = SCAN_BUDGET;
    for (k, &(n, g)) in lists.iter().enumerate() {
        if k > 0 && n > budget {
            break;
        }
        let w = 1.0 / (1.0 + (n as f32).ln());
        for &i in src.postings(Gram::Bigram, g, budget)?.iter() {
            if in_province(src.province(i), province) {
                *weight.entry(i).or_default() += w;
            }
        }
        budget = budget.saturating_sub(n);
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
        // Records whose names hold every character of the query in order (北师大 in
        // 北京师范大学), shortest names first.
        let keep = |p: u32| in_province(p, province);
        let mut found: Vec<(usize, RecIdx)> =
            in_order(src, key, &keep, SCAN_BUDGET)?.into_iter().map(|i| (src.name(i).key.len(), i)).collect();
        found.sort_unstable();
        out.extend(found.into_iter().take(SHORT_CANDIDATES).map(|f| f.1));
    }
    let mut seen = AHashSet::with_capacity(out.len());
    out.retain(|i| seen.insert(*i));
    Ok(out)
}

/// Every record (its province kept by `keep`) whose name holds the characters of `key` in order, in record
/// order; none when the rarest character is in more than `max_scan` names. Loaded.
pub fn in_order<'s, S: Source<'s>>(
    src: &mut S,
    key: &str,
    keep: &dyn Fn(u32) -> bool,
    max_scan: usize,
) -> Result<Vec<RecIdx>> {
    let wanted: Vec<char> = key.chars().collect();
    if wanted.len() < 2 {
        return Ok(Vec::new());
    }
    let Some(mut recs) = src.holding_all(&wanted, max_scan)? else { return Ok(Vec::new()) };
    recs.retain(|&i| keep(src.province(i)));
    src.load(&recs)?;
    recs.retain(|&i| query::chars_in_order(key, &src.name(i).key));
    Ok(recs)
}

/// The records a dedupe run of the directory with the probe added would pair with the probe
/// as short forms (dedupe's `shortform` rules: each short name with its best-fitting full
/// names, none when too many tie).
pub fn short_partners<'s, S: Source<'s>>(
    src: &mut S,
    name: &NameParts,
    feat: &Features,
) -> Result<AHashSet<RecIdx>> {
    let mut out = AHashSet::new();
    let province = feat.province_key();
    // The probe is the short name: its best fits among the directory's names.
    if query::may_be_short(name) {
        out.extend(query::best_fits(&fits_of(src, name, province, None, None)?));
    }
    // The probe is the full name: each short name of the directory that fits it keeps it
    // when it fits it at least as well as its own best fits (and the tie stays small).
    let chars: Vec<char> = name.key.chars().collect();
    let mut shorts: Vec<RecIdx> = Vec::new();
    let mut pairs: Vec<u64> = Vec::new();
    for (k, &a) in chars.iter().enumerate() {
        for &b in &chars[k + 1..] {
            pairs.push(ends_key(a, b));
        }
    }
    for p in pairs {
        shorts.extend_from_slice(&src.postings(Gram::ShortEnds, p, usize::MAX)?);
    }
    shorts.sort_unstable();
    shorts.dedup();
    shorts.retain(|&s| query::province_keys_compatible(src.province(s), province));
    src.load(&shorts)?;
    for s in shorts {
        let sn = src.name(s).clone();
        let Some(f) = query::short_form_fit(&sn, name) else { continue };
        let fits = fits_of(src, &sn, src.province(s), Some(s), Some((f.rank(), RecIdx::MAX)))?;
        if query::best_fits(&fits).contains(&RecIdx::MAX) {
            out.insert(s);
        }
    }
    Ok(out)
}

/// The fits of short name `short` (of province `province`; record `own` of the directory, if
/// it is one) among the directory's names, and `extra` (a probe), sorted.
fn fits_of<'s, S: Source<'s>>(
    src: &mut S,
    short: &NameParts,
    province: u32,
    own: Option<RecIdx>,
    extra: Option<Fit>,
) -> Result<Vec<Fit>> {
    let keep = |p: u32| query::province_keys_compatible(p, province);
    let found = in_order(src, &short.key, &keep, SHORT_FORM_SCAN)?;
    let mut fits: Vec<Fit> = found
        .into_iter()
        .filter(|&i| Some(i) != own)
        .filter_map(|i| query::short_form_fit(short, src.name(i)).map(|f| (f.rank(), i)))
        .collect();
    fits.extend(extra);
    fits.sort_unstable();
    Ok(fits)
}
