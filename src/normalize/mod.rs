//! Chinese-aware name normalization. Derives, never overwrites: the original name stays in the
//! record; this module produces the comparison forms and a structured parse of the name.
//!
//! Steps, in order (each has a unit test below):
//! 1. NFKC (full-width → half-width), traditional → simplified, brackets unified, whitespace
//!    removed;
//! 2. provisional markers at the end ((筹), (筹备), 筹备组, 筹委会…) removed and remembered;
//! 3. remaining punctuation removed, ASCII upper-cased;
//! 4. abbreviations expanded to their long form (`data/abbreviations.csv`: 科协 → 科学技术协会);
//! 5. region prefix read with the gazetteer (安徽省合肥市, 肥西, 中国/全国 = national);
//! 6. ordinal made canonical (第十一 / 十一中 / 11中 → 第11), generic suffix and its kind
//!    (`data/name_suffixes.csv`), branch marker (分会, 分院, 分校, 分公司…).

mod decor;
mod numeral;
mod region_slip;
mod sound;
mod tables;

use unicode_normalization::UnicodeNormalization;

use crate::geo::{Gazetteer, Region, RegionMention};

pub use numeral::{chinese_value, find_ordinal, is_numeral_char, numeral_value};
use sound::same_sound as sounds_alike;
pub use sound::{homophone_distance, homophone_substitutions, same_sound, shared_reading};
pub use tables::{one_per_division, Abbreviations, Suffixes};

/// The structured parse of one organization name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameParts {
    /// The canonical written name: folded (NFKC, simplified, no whitespace or punctuation),
    /// provisional marker removed, abbreviations expanded to their long form (科协 → 科学技术协会),
    /// ordinal canonical (第11). Equal keys = same name as written.
    pub key: Box<str>,
    /// Region named at the start of the name (may be empty), from the name alone.
    pub region: Region,
    /// Bytes of `key` that are the region prefix (`region_text`); the rest is the `body`. A
    /// length rather than two more strings, and boxed strings rather than `String`s: a million
    /// names are held through the whole dedupe, and this took them from 344 to 248 bytes each
    /// plus two allocations fewer (docs/dedupe.md, twelfth session).
    region_len: u32,
    /// The region mentions of the prefix, each with every division its text can mean.
    pub mentions: Box<[RegionMention]>,
    /// The name opens with 中国 / 中华人民共和国 / 全国: a national unit.
    pub national: bool,
    /// `body` without generic suffix and ordinal: the identifying words.
    pub core: Box<str>,
    /// `core` with generic words at its end stripped too (职业技术学院, 有限公司, 镇): the words that
    /// tell one unit from another of the same kind. Empty when the core is nothing but generic
    /// words (吉林职业技术学院科协: the place word 吉林 is the identity, read from the region).
    pub stem: Box<str>,
    /// Canonical generic suffix (科学技术协会, 学会, 中学, 医院, 有限公司…), if any.
    pub suffix: Option<&'static str>,
    /// Kind of unit the suffix names (`data/name_suffixes.csv`): science_association, company…
    pub suffix_kind: Option<&'static str>,
    /// The suffix names a kind a division has exactly one of (`data/one_per_division.csv`:
    /// 科学技术协会, 人民政府…): the place is the identity.
    pub one_per_place: bool,
    /// A town (乡镇/街道) the core opens with (城关镇 in 城关镇科协, 城关镇中心小学): a place the
    /// gazetteer does not know, which many counties share, so it identifies only with its county.
    pub town: Option<Box<str>>,
    /// 第一中学 = 一中 = 1中 → 1.
    pub ordinal: Option<u32>,
    /// Branch marker (分会, 分院, 分校, 分公司…) with the text before it, if the name is a branch.
    pub branch: Option<Box<str>>,
    /// The name carries a provisional marker: （筹）, 筹备组, 筹委会.
    pub provisional: bool,
    /// Abbreviations expanded in this name (short, long), for reasons.
    pub expansions: Box<[(&'static str, &'static str)]>,
    /// The generic suffix as written when it had one wrong character (科雪技术协会); `suffix`
    /// and `body` hold the correct spelling.
    pub suffix_typo: Option<Box<str>>,
    /// Same-sound slips repaired in generic words, as written → repaired (递一 → 第一), for
    /// reasons.
    pub sound_slips: Box<[(String, String)]>,
    /// Which foldings changed the written name: full-width characters, traditional characters,
    /// spaces (for reasons).
    pub folding: Box<[&'static str]>,
    /// What was read past to get at the name (`normalize::decor`): an English gloss, a status,
    /// a comment, a place after the body, region levels reversed; each with its text.
    pub decorations: Box<[(&'static str, String)]>,
}

impl NameParts {
    /// The text of the region prefix, as it appears in `key` (may be empty).
    pub fn region_text(&self) -> &str {
        &self.key[..self.region_len as usize]
    }

    /// `key` without the region prefix: what two names of one region are compared on.
    pub fn body(&self) -> &str {
        &self.key[self.region_len as usize..]
    }

    /// Free parsed names on every core: a million of them are several million small strings
    /// (heaptrack, 300k rows: 26 MB of strings beside 74 MB of `NameParts`), and freeing them
    /// one by one left a core idle for a quarter of a second.
    pub fn free_all(names: Vec<NameParts>) {
        use rayon::prelude::*;
        names.into_par_iter().for_each(drop);
    }

    /// A bare regional association: the name is a region plus 科学技术协会 (or another association
    /// suffix) and nothing else, so the region is its whole identity.
    pub fn is_region_association(&self) -> bool {
        self.core.is_empty()
            && self.ordinal.is_none()
            && self.branch.is_none()
            && (!self.mentions.is_empty() || self.national)
            && self.suffix_kind.is_some()
    }
}

/// Branch markers: a name containing one is a part of another unit, never the unit itself.
const BRANCH_MARKERS: &[&str] = &["分公司", "分中心", "分会", "分院", "分校", "分所", "分部", "分馆", "支行"];

/// Provisional (being founded) markers, matched at the end of the bracket-unified name. Bare
/// 筹 / 筹备 only count inside brackets: 统筹 at the end of a name is a word, not a marker.
const PROVISIONAL_MARKERS: &[&str] = &[
    "(筹备委员会)",
    "(筹备组)",
    "(筹委会)",
    "(筹备中)",
    "(筹备)",
    "(筹建)",
    "(筹)",
    "筹备委员会",
    "筹备组",
    "筹委会",
    "筹备处",
];

/// Words that, right after a short region name, show it is part of a town or street name.
const TOWN_WORDS: &[&str] = &["镇", "乡", "街道", "村", "社区", "路"];

/// Prefixes that make a name national (中国科学技术协会, 全国…学会).
const NATIONAL_PREFIXES: &[&str] = &["中华人民共和国", "中国", "全国"];

/// Kind words people shorten right after the place (湖南师大, 温州医大仁济学院, 上海第二工大): read
/// only there, after an ordinal at most, because elsewhere the same two characters are parts of
/// other words (职工大学, 施工大队, 兽医大队); and 高专 only at the end of a name.
const KIND_WORDS_AFTER_PLACE: &[(&str, &str)] =
    &[("师大", "师范大学"), ("医大", "医科大学"), ("农大", "农业大学"), ("工大", "工业大学")];

/// Where a kind word written short stands in `expanded` whose place ends at `place_end`, the
/// short form and its long form (`KIND_WORDS_AFTER_PLACE`).
fn kind_word_written_short(expanded: &str, place_end: usize) -> Option<(usize, &'static str, &'static str)> {
    if let Some(at) = expanded.strip_suffix("高专").map(str::len).filter(|&at| at > 0) {
        return Some((at, "高专", "高等专科学校"));
    }
    if place_end == 0 {
        return None;
    }
    let rest = &expanded[place_end..];
    let ordinal = rest.strip_prefix('第').map_or(0, |r| {
        '第'.len_utf8()
            + r.chars().take_while(|&c| numeral::is_numeral_char(c)).map(char::len_utf8).sum::<usize>()
    });
    let at = place_end + ordinal;
    KIND_WORDS_AFTER_PLACE
        .iter()
        .find(|(short, _)| expanded[at..].starts_with(short))
        .map(|&(s, l)| (at, s, l))
}

/// A regional association whose place name ends in a same-sound slip that leaves a short form
/// readable (亳州式科学技术协会: 亳州 is read, 式 is left over): the short mention is repaired
/// to the full name (亳州市) only when the rest is then nothing but an association suffix. Any
/// other text after a short form may be a word of the name (合肥世纪中学 is not 合肥市纪中学).
fn repair_short_association(
    text: &str,
    mentions: &[RegionMention],
    g: &Gazetteer,
) -> Option<(String, Vec<RegionMention>, (String, String))> {
    let (last, before) = mentions.split_last()?;
    if !last.short {
        return None;
    }
    let (repaired, again, slip) = region_slip::repair(text, before, g)?;
    let rest = &repaired[again.last()?.end..];
    let whole_suffix = Suffixes::global()
        .find(rest)
        .is_some_and(|(suffix, kind)| suffix == rest && kind.ends_with("association"));
    whole_suffix.then_some((repaired, again, slip))
}

/// NFKC, traditional → simplified, every bracket as ASCII ( ), whitespace removed.
fn unify(name: &str) -> String {
    unify_noting(name, &mut Vec::new())
}

/// Traditional → simplified one character at a time, and only for characters that are not
/// also simplified ones: the converter's phrase table maps some common simplified characters
/// to rare variants (宁 → 㝉), which would break region names.
fn to_simplified(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(|c| simplified_char(c) != Some(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match simplified_char(c) {
            Some(x) => out.push(x),
            None => out.push_str(&convert_one(c)),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The per-character conversion of `character_converter` (kept whole-name conversion out: it
/// turned 宁 into 㝉 and broke region names).
fn convert_one(c: char) -> String {
    let mut buf = [0u8; 4];
    let one: &str = c.encode_utf8(&mut buf);
    if c.is_ascii() || character_converter::is_simplified(one) {
        one.to_string()
    } else {
        character_converter::traditional_to_simplified(one).into_owned()
    }
}

/// CJK ideographs (Extension A and the URO block) covered by the precomputed table.
const CJK_TABLE: std::ops::RangeInclusive<u32> = 0x3400..=0x9FFF;

/// Every character of `CJK_TABLE` that `convert_one` changes, with its one-character result
/// (`traditional simplified` per line), and the characters it turns into several (`char -`).
/// Computed from `character_converter` once and kept here because computing it at start-up took
/// a second on every call (a lookup from the ops desk included); the unit test
/// `simplified_table_is_the_crates_conversion` recomputes it and fails when the crate changes.
const SIMPLIFIED_TABLE: &str = include_str!("../../data/simplified_chars.txt");

/// `convert_one` for one character: `Some(simplified)` when the result is one character
/// (ASCII and characters outside the table map to themselves), `None` when the crate must be
/// asked.
fn simplified_char(c: char) -> Option<char> {
    // Indexed by code point from the start of `CJK_TABLE`: `SAME` for a character that stays,
    // `SEVERAL` for one the crate turns into several, else the one it becomes. A hash map here
    // cost a tenth of name parsing.
    const SAME: u32 = 0;
    const SEVERAL: u32 = u32::MAX;
    static TABLE: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    let code = c as u32;
    if c.is_ascii() {
        return Some(c);
    }
    if !CJK_TABLE.contains(&code) {
        // Punctuation, full-width forms, letters: no traditional form, and asking the crate
        // (a slow check per call) for every 、 or · cost a tenth of name parsing. Compatibility
        // ideographs and the supplementary planes still go to the crate.
        let ideograph_elsewhere = (0xF900..=0xFAFF).contains(&code) || code >= 0x20000;
        return if ideograph_elsewhere { None } else { Some(c) };
    }
    let table = TABLE.get_or_init(|| {
        let mut table = vec![SAME; (CJK_TABLE.end() - CJK_TABLE.start() + 1) as usize];
        for l in SIMPLIFIED_TABLE.lines() {
            let mut it = l.split(' ');
            let (Some(from), Some(to)) = (it.next().and_then(|f| f.chars().next()), it.next()) else {
                continue;
            };
            if let Some(slot) =
                (from as u32).checked_sub(*CJK_TABLE.start()).and_then(|k| table.get_mut(k as usize))
            {
                *slot = if to == "-" { SEVERAL } else { to.chars().next().map_or(SAME, |t| t as u32) };
            }
        }
        table
    });
    match table[(code - CJK_TABLE.start()) as usize] {
        SAME => Some(c),
        SEVERAL => None,
        to => char::from_u32(to),
    }
}

/// The table `SIMPLIFIED_TABLE` holds, computed from the crate (slow: a second).
#[cfg(test)]
fn simplified_table_from_crate() -> String {
    let mut out = String::new();
    for u in CJK_TABLE {
        let Some(ch) = char::from_u32(u) else { continue };
        let conv = convert_one(ch);
        let mut it = conv.chars();
        match (it.next(), it.next()) {
            (Some(x), None) if x == ch => {}
            (Some(x), None) => out.push_str(&format!("{ch} {x}\n")),
            _ => out.push_str(&format!("{ch} -\n")),
        }
    }
    out
}

/// `unify`, noting in `notes` which foldings changed the name (for reasons).
fn unify_noting(name: &str, notes: &mut Vec<&'static str>) -> String {
    unify_plain(name).unwrap_or_else(|| unify_full(name, notes))
}

/// `unify_noting` of any name, character by character through every folding.
fn unify_full(name: &str, notes: &mut Vec<&'static str>) -> String {
    // Most names are already NFKC: the quick check skips the allocation for them.
    let nfkc: String = match unicode_normalization::is_nfkc_quick(name.chars()) {
        unicode_normalization::IsNormalized::Yes => name.to_string(),
        _ => name.nfkc().collect(),
    };
    if nfkc != name {
        notes.push("full-width characters");
    }
    let simp = to_simplified(&nfkc);
    if simp != nfkc {
        notes.push("traditional characters");
    }
    if simp.chars().any(char::is_whitespace) {
        notes.push("spaces");
    }
    simp.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '【' | '〔' | '［' | '｛' | '《' | '〈' | '「' | '『' | '[' | '{' | '<' => '(',
            '】' | '〕' | '］' | '｝' | '》' | '〉' | '」' | '』' | ']' | '}' | '>' => ')',
            c => c,
        })
        .collect()
}

/// `unify` of a name of nothing but ASCII without whitespace and CJK ideographs that are
/// already simplified, as most names are: NFKC and traditional → simplified leave every such
/// character as it is (the test `plain_names_unify_as_the_full_path` checks the whole range), so
/// only the ASCII brackets change, and nothing is noted. `None` for any other name (the full path
/// takes it). The full path cost a third of the parse of a name.
fn unify_plain(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii() {
            if c.is_whitespace() {
                return None;
            }
            out.push(match c {
                '[' | '{' | '<' => '(',
                ']' | '}' | '>' => ')',
                c => c,
            });
        } else if CJK_TABLE.contains(&(c as u32)) && simplified_char(c) == Some(c) {
            out.push(c);
        } else {
            return None;
        }
    }
    Some(out)
}

/// Remove provisional markers at the end; true if there was one.
fn strip_provisional(s: &mut String) -> bool {
    let mut found = false;
    while let Some(m) = PROVISIONAL_MARKERS.iter().find(|m| s.ends_with(*m) && s.len() > m.len()) {
        s.truncate(s.len() - m.len());
        found = true;
    }
    found
}

/// Keep letters and digits (CJK ideographs are letters), upper-case ASCII.
fn strip_punctuation(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    out.extend(
        s.chars().filter(|&c| is_cjk_ideograph(c) || c.is_alphanumeric()).map(|c| c.to_ascii_uppercase()),
    );
    out
}

/// CJK Unified Ideographs and Extension A: every one is a letter (the test
/// `cjk_ideographs_are_alphanumeric` checks the whole range), so most characters of a name skip
/// the Unicode table look-up of `char::is_alphanumeric`.
fn is_cjk_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

/// Generic words that end the identifying part of a name without naming a kind of unit.
const GENERIC_TAIL_WORDS: &[&str] = &["街道", "镇", "乡"];

/// Strip generic suffixes and town words from the end of `core` while something is left.
fn stem_of(core: &str) -> String {
    let mut stem = core;
    loop {
        let found = Suffixes::global()
            .find(stem)
            .map(|(s, _)| s)
            .or_else(|| GENERIC_TAIL_WORDS.iter().copied().find(|w| stem.ends_with(w)));
        match found {
            Some(w) if w.len() <= stem.len() => stem = &stem[..stem.len() - w.len()],
            _ => return stem.to_string(),
        }
    }
}

/// The town a core opens with: two or more characters then 镇/乡/街道 (城关镇, 朱巷镇, 回龙乡).
/// One character before it is a word (城乡, 家乡), not a town.
fn town_of(core: &str) -> Option<String> {
    // Most cores hold none of the words: one scan for their first characters skips three
    // substring searches.
    if !core.contains(['镇', '乡', '街']) {
        return None;
    }
    let (i, m) = GENERIC_TAIL_WORDS.iter().filter_map(|m| core.find(m).map(|i| (i, *m))).min()?;
    let end = i + m.len();
    if core[..i].chars().count() >= 2 {
        return Some(core[..end].to_string());
    }
    // A one-character town name is written with the word after it (口镇街道, 杨镇地区): read
    // alone, 口 or 杨 was no town, and the village after it was compared with the town name in
    // front (口镇街道雪陈村 / 口镇街道马陈村: one character in seven instead of one in two).
    let more = ["街道", "地区"].iter().find(|w| core[end..].starts_with(*w))?;
    Some(core[..end + more.len()].to_string())
}

/// Normalize a name to its folded form only: NFKC, simplified, no whitespace or punctuation
/// (abbreviations and markers untouched).
pub fn fold(name: &str) -> String {
    strip_punctuation(&unify(name))
}

/// Full parse of a name.
pub fn parse(name: &str, gazetteer: &Gazetteer) -> NameParts {
    parse_reading(name, gazetteer, true)
}

/// `parse` reading no place at the start of the name: for a record filed under a place that no
/// reading of its name's opening words fits (北辰实业股份有限公司 filed under 北京市: 北辰 is the
/// company's 字号, not 天津's 北辰区; see `profile::parse_and_profile`).
pub fn parse_without_place(name: &str, gazetteer: &Gazetteer) -> NameParts {
    parse_reading(name, gazetteer, false)
}

fn parse_reading(name: &str, gazetteer: &Gazetteer, read_place: bool) -> NameParts {
    let mut folding = Vec::new();
    let mut unified = unify_noting(name, &mut folding);
    if let Some(bracketed) = decor::bracket_spaced_tail(name, gazetteer) {
        unified = bracketed;
    }
    let mut stripped = decor::strip(&mut unified, gazetteer);
    let provisional = strip_provisional(&mut unified);
    if provisional {
        let more = decor::strip(&mut unified, gazetteer);
        stripped.removed.extend(more.removed);
        stripped.trailing_region = stripped.trailing_region.or(more.trailing_region);
    }
    let Some(place) = stripped.trailing_region else {
        return parse_unified(&unified, gazetteer, folding, provisional, stripped.removed, read_place);
    };
    // A place after the body: the region the name left out (第五中学（白银市）), read in front,
    // unless the unit is of a kind whose bracketed place names a campus or a branch.
    let rest = parse_unified(
        &unified,
        gazetteer,
        folding.clone(),
        provisional,
        stripped.removed.clone(),
        read_place,
    );
    let mut removed = stripped.removed;
    if decor::place_goes_first(&rest) {
        removed.push(("place after the name", place.clone()));
        parse_unified(&format!("{place}{unified}"), gazetteer, folding, provisional, removed, read_place)
    } else {
        parse_unified(&format!("{unified}({place})"), gazetteer, folding, provisional, removed, read_place)
    }
}

/// `parse` of a unified name with its decorations and provisional marker already removed.
fn parse_unified(
    unified: &str,
    gazetteer: &Gazetteer,
    folding: Vec<&'static str>,
    provisional: bool,
    mut decorations: Vec<(&'static str, String)>,
    read_place: bool,
) -> NameParts {
    let folded = strip_punctuation(unified);
    let (mut expanded, mut expansions, mut sound_slips) =
        Abbreviations::global().expand_noting_slips(&folded);

    let (region_text, mentions, national) =
        match NATIONAL_PREFIXES.iter().find(|p| expanded.starts_with(*p) && expanded.len() > p.len()) {
            Some(p) => (p.to_string(), Vec::new(), true),
            None if !read_place => (String::new(), Vec::new(), false),
            None => {
                let mut mentions = gazetteer.region_prefix(&expanded);
                if let Some(fixed) = decor::reorder_regions(&expanded, &mentions, gazetteer) {
                    // Reordering keeps the length of the region text.
                    mentions = gazetteer.region_prefix(&fixed);
                    let span = mentions.last().map_or(0, |m| m.end);
                    decorations.push(("region levels reversed", expanded[..span].to_string()));
                    expanded = fixed;
                }
                let slip = region_slip::repair(&expanded, &mentions, gazetteer)
                    .or_else(|| repair_short_association(&expanded, &mentions, gazetteer));
                if let Some((repaired, again, slip)) = slip {
                    expanded = repaired;
                    mentions = again;
                    sound_slips.push(slip);
                }
                // A short form followed by 镇/乡/街道… names a town (城关镇), not the county 城关区.
                while mentions
                    .last()
                    .is_some_and(|m| m.short && TOWN_WORDS.iter().any(|w| expanded[m.end..].starts_with(w)))
                {
                    mentions.pop();
                }
                // A place written short with one character after it that is no kind word opens
                // an abbreviation (北林大 for 北京林业大学), not a unit of that place (北林区's 大).
                if let [only] = mentions.as_slice() {
                    let rest = &expanded[only.end..];
                    if only.short && rest.chars().count() == 1 && Suffixes::global().find(rest).is_none() {
                        mentions.clear();
                    }
                }
                let end = mentions.last().map(|m| m.end).unwrap_or(0);
                (expanded[..end].to_string(), mentions, false)
            }
        };
    if let Some((at, short, long)) = kind_word_written_short(&expanded, region_text.len()) {
        expanded.replace_range(at..at + short.len(), long);
        expansions.push((short, long));
    }
    let rest = &expanded[region_text.len()..];
    let repaired = repair_ordinal_marker(rest);
    let rest = match &repaired {
        Some((fixed, slip)) => {
            sound_slips.push(slip.clone());
            fixed.as_str()
        }
        None => rest,
    };

    let (body, ordinal) = match find_ordinal(rest) {
        Some(o) => {
            let tail = o.school.unwrap_or(&rest[o.end..]);
            (format!("{}第{}{}", &rest[..o.start], o.value, tail), Some(o.value))
        }
        None => (rest.to_string(), None),
    };
    let (exact, wrong, dropped) = Suffixes::global().find_all(&body);
    // A wrong character, else a missing one (科学技协会), in a long generic suffix. A reading
    // that keeps the last character (科学技术会: 协 dropped) beats one that changes it (科学技术馆):
    // the last character carries the kind.
    let (wrong, dropped) = (wrong.map(|t| (t, 0isize)), dropped.map(|t| (t, 1isize)));
    let last = body.chars().next_back();
    let keeps_last = |t: &((&str, &str), isize)| t.0 .0.chars().next_back() == last;
    let typo = match (wrong, dropped) {
        (Some(w), Some(d)) if !keeps_last(&w) && keeps_last(&d) => Some(d),
        (w, d) => w.or(d),
    };
    // Else the suffix's last character typed twice (村民委员会会): one character more.
    let typo = typo.or_else(|| Suffixes::global().find_with_doubled_last(&body).map(|t| (t, -1)));
    let mut body = body;
    let mut suffix_typo = None;
    if let Some(((canonical, _), missing)) = typo {
        // Write the generic words correctly so that the typo does not count as a difference.
        let written = (canonical.chars().count() as isize - missing) as usize;
        let cut = body.char_indices().rev().nth(written - 1).map_or(0, |(i, _)| i);
        suffix_typo = Some(body[cut..].into());
        body = format!("{}{canonical}", &body[..cut]);
    }
    let found = typo.map(|t| t.0).or(exact);
    let suffix = found.map(|(s, _)| s);
    let suffix_kind = found.map(|(_, k)| k);
    let mut core = body[..body.len() - suffix.map_or(0, str::len)].to_string();
    if let Some(n) = ordinal {
        core = core.replacen(&format!("第{n}"), "", 1);
    }
    let stem = stem_of(&core);
    let one_per_place = suffix.is_some_and(one_per_division);
    let town = town_of(&core);
    // Every marker opens with 分 or 支: most names have neither, and skip the searches.
    let may_branch = body.contains(['分', '支']);
    let branch = BRANCH_MARKERS
        .iter()
        .filter(|_| may_branch)
        .filter_map(|m| body.rfind(m).map(|i| i + m.len()))
        .max()
        .map(|end| body[..end].into());

    NameParts {
        key: [region_text.as_str(), body.as_str()].concat().into_boxed_str(),
        region: gazetteer.region_of_mentions(&mentions),
        region_len: region_text.len() as u32,
        mentions: mentions.into_boxed_slice(),
        national,
        core: core.into_boxed_str(),
        stem: stem.into_boxed_str(),
        suffix,
        suffix_kind,
        one_per_place,
        town: town.map(String::into_boxed_str),
        ordinal,
        branch,
        provisional,
        expansions: expansions.into_boxed_slice(),
        suffix_typo,
        sound_slips: sound_slips.into_boxed_slice(),
        folding: folding.into_boxed_slice(),
        decorations: decorations.into_boxed_slice(),
    }
}

/// The ordinal marker 第 typed as another character of the same sound before a numeral (递一,
/// 弟一, 地一 for 第一: a pinyin input slip): the text with 第 written, and the slip as written →
/// repaired. Only where the repaired text reads as an ordinal at that very place, and only in a
/// name with no 第 of its own.
fn repair_ordinal_marker(rest: &str) -> Option<(String, (String, String))> {
    if rest.contains('第') {
        return None;
    }
    let chars: Vec<(usize, char)> = rest.char_indices().collect();
    chars.windows(2).find_map(|w| {
        let ((i, c), (_, next)) = (w[0], w[1]);
        if !numeral::is_numeral_char(next) || !sounds_alike(c, '第') {
            return None;
        }
        let fixed = format!("{}第{}", &rest[..i], &rest[i + c.len_utf8()..]);
        let ordinal = find_ordinal(&fixed)?;
        (ordinal.start == i).then(|| (fixed, (format!("{c}{next}"), format!("第{next}"))))
    })
}

#[cfg(test)]
mod tests;
