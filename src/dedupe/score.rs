//! Comparing two records: vetoes (evidence that they are different units, whatever the names
//! look like), then a score in [0, 1] with the reasons in plain words. See docs/dedupe.md.

use crate::geo::{DivCode, Gazetteer};
use crate::model::Level;
use crate::normalize::{
    homophone_distance, homophone_substitutions, is_numeral_char, shared_reading, NameParts,
};

use super::features::{Features, NATIONAL};
use super::reason::{Folding, Reason};

mod veto;
pub use veto::{veto, vetoes};

/// Bonus for a shared valid credit code: strong evidence, but not enough to merge names that
/// have little in common (a unit that borrowed its parent's code).
const SAME_USCC_BONUS: f32 = 0.15;

/// Score given to a pair whose identifying words differ by characters that do not sound alike
/// (see `differing_identity_chars`) with no independent evidence: below any sensible review threshold. Such pairs are different units
/// (峨花村 / 嶂山村 under one township, 北京地坛医院 / 北京潞河医院); listing them for review made
/// real lists of distinct units produce more review pairs than records.
const UNLIKE_IDENTITY_SCORE: f32 = 0.5;

/// Score of a name written short (南大 for 南京大学) that carries the same valid credit code as
/// the full one: the merge threshold is 0.85, so such pairs merge, with their reason.
const ABBREVIATION_WITH_USCC: f32 = 0.95;

/// What is known about one record when comparing it.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub name: &'a NameParts,
    pub feat: &'a Features,
    pub level: Level,
}

/// The outcome of comparing two records.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Different units: the reason says why.
    Veto(Reason),
    /// A score and why. `reviewable_only`: the names alone cannot tell (a generic name whose
    /// region is ambiguous), so the pair may be reviewed but never merged automatically.
    Scored { score: f32, reasons: Vec<Reason>, reviewable_only: bool },
}

fn division_name(g: &Gazetteer, code: Option<DivCode>) -> String {
    match code {
        Some(NATIONAL) => "全国".into(),
        Some(c) => g.name_of(c).to_string(),
        None => "?".into(),
    }
}

/// Name similarity on the informative text.
///
/// When the generic words of both names agree (same text once the stems are taken out), the
/// names differ only in their identifying words, so the stems are compared alone: 河北警察职业
/// 技术学院科协 and 河北轻工职业技术学院科协 share 14 of 16 characters but none of their 2
/// identifying ones. Otherwise (a typo or a different wording in the generic part) the bodies
/// are compared — or the whole keys, when a typo broke a region prefix — over the longer body;
/// and when both suffixes name the same kind of unit, the cores alone too (有限公司 = 公司).
pub fn name_similarity(a: &NameParts, b: &NameParts) -> f32 {
    let ratio = |d: f32, x: &str, y: &str| {
        let len = x.chars().count().max(y.chars().count()).max(1);
        (1.0 - d / len as f32).max(0.0)
    };
    // Levenshtein in which a same-sound substitution (学汇 / 学会) costs a quarter of an edit.
    let lev = homophone_distance;
    if slips_outside_identity(a, b) {
        // A slip in a division name the parse could not repair (南澳线第二小学) or in a generic
        // word: the whole keys line up, each slip a quarter of an edit.
        return ratio(lev(&a.key, &b.key), &a.key, &b.key);
    }
    // One stem may be empty (山西职业技术学院 / 山西铁道职业技术学院): then the other's
    // identifying words are all the difference, and the shared generic words must not dilute it.
    if (!a.stem.is_empty() || !b.stem.is_empty()) && same_generic_words(a, b) {
        return ratio(lev(&a.stem, &b.stem), &a.stem, &b.stem);
    }
    // Bodies only: a difference in the place words (海口乡 / 海口市, 湖南 / 中南) is another place,
    // not a typo; division names typed with a slip were already read as the division.
    let body = ratio(lev(a.body(), b.body()), a.body(), b.body());

    let same_kind = a.suffix_kind.is_some() && a.suffix_kind == b.suffix_kind;
    if same_kind && !a.core.is_empty() && !b.core.is_empty() {
        body.max(ratio(lev(&a.core, &b.core), &a.core, &b.core))
    } else {
        body
    }
}

/// The bodies agree once each has its stem's first occurrence taken out (what
/// `body.replacen(stem, "", 1)` would give), compared in place: this runs for millions of pairs.
fn same_generic_words(a: &NameParts, b: &NameParts) -> bool {
    let (a1, a2) = without_first(a.body(), &a.stem);
    let (b1, b2) = without_first(b.body(), &b.stem);
    a1.len() + a2.len() == b1.len() + b2.len() && {
        let (x, y) = (a1.bytes().chain(a2.bytes()), b1.bytes().chain(b2.bytes()));
        x.eq(y)
    }
}

/// `text` before and after the first occurrence of `part` (all of it before when `part` is
/// absent).
fn without_first<'t>(text: &'t str, part: &str) -> (&'t str, &'t str) {
    // Stems mostly open the body: a prefix test spares the substring search.
    let at =
        if text.starts_with(part) { Some(0) } else { memchr::memmem::find(text.as_bytes(), part.as_bytes()) };
    match at {
        Some(i) => (&text[..i], &text[i + part.len()..]),
        None => (text, ""),
    }
}

/// The score of a pair that no veto forbids, and whether it is review-only; `None` if vetoed.
/// Cheap: no reasons are built.
pub fn score_only(g: &Gazetteer, a: Side, b: Side) -> Option<(f32, bool)> {
    if vetoes(g, a, b) {
        return None;
    }
    let (score, reviewable_only) = assess(g, a, b, None);
    Some((score, reviewable_only))
}

/// Characters that tell places (and the units named after them) apart inside a name:
/// directions, numbers, 大/小. 浦南村 / 浦北村, 东里 / 西里, 一村 / 二村, 十村 / 十二村,
/// 大庄 / 小庄 are different places, never one place typed two ways.
fn is_place_marker(c: char) -> bool {
    "东西南北上下前后大小".contains(c) || is_numeral_char(c)
}

/// The two keys differ in one short stretch (at most two characters on either side, after their
/// common beginning and end), and that stretch holds only place markers.
fn differ_only_in_place_markers(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let (head, mx, my, tail) = differing_middle(a, b);
    // Inside the name only (not its first or last character); a character missing on one side is
    // a typo unless it is a number (十村 / 十二村).
    let substituted = !mx.is_empty() && !my.is_empty();
    let marker = |c: char| if substituted { is_place_marker(c) } else { is_numeral_char(c) };
    mx.chars().count() <= 2
        && my.chars().count() <= 2
        && head > 0
        && tail > 0
        && mx.chars().chain(my.chars()).all(marker)
}

/// The characters two strings share at their start, what differs between, and the characters
/// they share at their end (counted after the start is set aside). On the text itself, without
/// collecting characters: this runs for millions of pairs.
fn differing_middle<'s>(a: &'s str, b: &'s str) -> (usize, &'s str, &'s str, usize) {
    let (head, head_bytes) = common_chars(a.chars(), b.chars());
    let (ra, rb) = (&a[head_bytes..], &b[head_bytes..]);
    let (tail, tail_bytes) = common_chars(ra.chars().rev(), rb.chars().rev());
    (head, &ra[..ra.len() - tail_bytes], &rb[..rb.len() - tail_bytes], tail)
}

/// How many characters two sequences share at their start, and their length in bytes.
fn common_chars(a: impl Iterator<Item = char>, b: impl Iterator<Item = char>) -> (usize, usize) {
    a.zip(b).take_while(|(p, q)| p == q).fold((0, 0), |(n, bytes), (c, _)| (n + 1, bytes + c.len_utf8()))
}

/// Does the name's place identify the unit (城区科协, 第一中学: nothing else in the name)? Only
/// for kinds a division has one of, or with an ordinal (a place has one 第一中学).
fn place_is_identity(n: &NameParts) -> bool {
    n.core.is_empty() && (n.one_per_place || n.ordinal.is_some())
}

/// The place word a name opens with (its deepest region mention, in short form: 湖南, 长沙),
/// for kinds a place has many of. There the place word is part of the name: 湖南大学 and
/// 南华大学, 长沙幼儿师范… and 湖南幼儿师范… are different units, while 合肥学院 and
/// 安徽省合肥学院 (a higher level added) share it. `None` where the place is the identity.
fn place_word(n: &NameParts) -> Option<&str> {
    place_mention(n).map(short_place)
}

/// The deepest region mention a name opens with, as written, for kinds a place has many of.
fn place_mention(n: &NameParts) -> Option<&str> {
    if place_is_identity(n) {
        return None;
    }
    let m = n.mentions.last()?;
    Some(&n.key[m.start..m.end])
}

fn short_place(text: &str) -> &str {
    crate::geo::short_prefix(text).unwrap_or(text)
}

/// The town a name opens its core with, without its 镇/乡/街道 (a town becomes a 镇 and stays
/// the same place: 朱巷乡 / 朱巷镇).
fn town_name(n: &NameParts) -> Option<&str> {
    let t = n.town.as_deref()?;
    Some(["街道", "镇", "乡"].iter().find_map(|w| t.strip_suffix(w)).unwrap_or(t))
}

/// Both records lie in a known county (from the columns or the name), on every reading.
fn county_known(s: Side) -> bool {
    s.feat.places().iter().all(|r| r.county.is_some())
}

/// Both records carry the same valid credit code.
fn same_credit_code(a: Side, b: Side) -> bool {
    a.feat.uscc.is_some() && a.feat.uscc == b.feat.uscc
}

/// The keys differ only by same-sound slips, each inside a place word or a generic suffix of
/// one of the names (南澳线 / 南澳县, 鞍徽 / 安徽, 中国 / 终国): division names the gazetteer
/// confirms and generic words, not the words that identify the unit.
fn slips_outside_identity(a: &NameParts, b: &NameParts) -> bool {
    let slips = homophone_substitutions(&a.key, &b.key);
    // A slip in a place word counts as outside the identity when both names open with a place
    // (南澳县 / 南澳线, read 南澳 + 线), or the place is the identity of the unit's kind (鞍徽科协 / 安徽科协). Else the other name
    // reads those characters as its own words: 东宏股份 / 东港股份 are two companies, not 东港
    // misspelt.
    let generic_or_place = |n: &NameParts, other: &NameParts, i: usize| {
        let len = n.key.chars().count();
        let suffix = n.suffix.map_or(0, |s| s.chars().count());
        let in_place =
            i < n.region_text().chars().count() && (n.one_per_place || !other.region_text().is_empty());
        in_place || i >= len - suffix
    };
    !slips.is_empty() && slips.iter().all(|&(i, _)| generic_or_place(a, b, i) || generic_or_place(b, a, i))
}

/// The names differ in their identifying part (the stems: what is left once place, ordinal and
/// generic words are taken out) while their generic words agree. A slip in a generic word
/// (邱庄振 for 邱庄镇: the town word) or in a division name is not such a difference.
fn identifying_part_differs(a: &NameParts, b: &NameParts) -> bool {
    // Without a generic suffix the whole stem is the identifying part: a difference there counts
    // too (王营村委会 / 陈营村委会, where 村委会 is no known suffix, merged at 0.88).
    // Suffixes that differ only by a qualifier (诊所 / 中医诊所, 公司 / 有限公司) leave the stems
    // comparable: 济世惠生诊所 / 济世民康中医诊所 are two clinics.
    let comparable = match (a.suffix, b.suffix) {
        (Some(x), Some(y)) => x.ends_with(y) || y.ends_with(x),
        (x, y) => x == y,
    };
    if a.stem == b.stem || !comparable || slips_outside_identity(a, b) {
        return false;
    }
    let generic_slip = |x: &NameParts, y: &NameParts| {
        !y.stem.is_empty() && x.core.starts_with(&*y.stem) && y.core.starts_with(&*y.stem) && {
            let (tx, ty) = (&x.core[y.stem.len()..], &y.core[y.stem.len()..]);
            tx.chars().count() == ty.chars().count()
                && tx.chars().zip(ty.chars()).all(|(p, q)| p == q || crate::normalize::same_sound(p, q))
        }
    };
    !(generic_slip(a, b) || generic_slip(b, a))
}

/// How many characters of two identifying parts differ once their shared opening and ending are
/// set aside, a same-sound substitution counting as none (峨花 / 嶂山 two, 峨花 / 峨山 one,
/// 明汇矿业 / 明矿业 one), and whether one was put for another (a substitution, not a character
/// dropped or added). People type names with pinyin input methods: their slips sound the same,
/// and a dropped character keeps the rest of the name; a different character that sounds
/// different is a different name (潘庄村 / 罗庄村 under one township are two villages).
fn differing_identity_chars(a: &str, b: &str) -> (usize, bool) {
    let (_, dx, dy, _) = differing_middle(a, b);
    let (nx, ny) = (dx.chars().count(), dy.chars().count());
    if nx == ny {
        // Characters the two share between their differences are no difference.
        let n = dx
            .chars()
            .zip(dy.chars())
            .filter(|&(p, q)| p != q && !crate::normalize::same_sound(p, q))
            .count();
        (n, n > 0)
    } else {
        (nx.max(ny), false)
    }
}

/// One string is the other with characters left out, in order (职教 / 职业教育, 中西 / 中西医结合).
fn one_shortens_the_other(x: &str, y: &str) -> bool {
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    crate::dedupe::shortform::in_order(short, long)
}

/// With one valid credit code on both records, do own words `x` / `y` (which would make two units
/// without it) still read as one unit's? The code excuses a shortening of the words or of the
/// whole name (安大 / 安徽大学, 中西医院 / 中西医结合医院, …街道中卫生院 / …街道中心卫生院), not
/// another name: the stations of one township health centre filed with its code
/// (…卫生院榆林社区卫生服务站 / …卫生院前鲁…), village clinics with their township's, a branch
/// with its firm's, a code copied in error; or one unit renamed. A place name with characters
/// added is another place (李村 / 李家庄村, 王庄 / 大王庄), so for a settlement only one
/// character dropped (峨花村 / 峨村) is excused.
fn code_excuses(a: &NameParts, b: &NameParts, x: &str, y: &str) -> bool {
    let shortening = one_shortens_the_other(x, y) || one_shortens_the_other(&a.key, &b.key);
    let places = names_a_settlement(a) && names_a_settlement(b);
    shortening && (!places || x.chars().count().abs_diff(y.chars().count()) <= 1)
}

/// Two records with one valid credit code whose identifying words would make two units without
/// it, and which the code does not excuse (`code_excuses`): a pair for review, which a cluster
/// may not join through a third record (…榆林… and …前鲁…社区卫生服务站 both linked to
/// …卫生院社区卫生服务站 made one cluster of two stations).
pub fn code_shared_by_two_units(a: Side, b: Side) -> bool {
    if !same_credit_code(a, b) || !identifying_part_differs(a.name, b.name) {
        return false;
    }
    let (x, y, _, unlike) = own_words_compared(a.name, b.name);
    unlike && !code_excuses(a.name, b.name, x, y)
}

/// The two names' own words, how many of their characters differ (`differing_identity_chars`),
/// and whether they would make two units (`unlike`). One character in three or more of the
/// unit's own words, put for one that sounds different: 潘庄 / 罗庄, 王家楼 / 李家楼 (two villages
/// of one township); in longer words (科学技术 / 科学技能) it may be a slip of another kind. A
/// village's or a community's own words are a place name whatever their length (甲夼马家 /
/// 甲夼曲家, 四道营子 / 头道营子), and a company's or a clinic's are its 字号 (世纪博康 / 世纪众康):
/// one character put for one that sounds different names another place or another firm.
fn own_words_compared<'n>(a: &'n NameParts, b: &'n NameParts) -> (&'n str, &'n str, usize, bool) {
    let (x, y) = own_words(a, b);
    let (differing, substituted) = differing_identity_chars(x, y);
    let short = x.chars().count().min(y.chars().count());
    let proper = own_words_are_a_proper_name(a) && own_words_are_a_proper_name(b);
    let unlike = differing >= 2 || (substituted && (proper || 3 * differing >= short));
    (x, y, differing, unlike)
}

/// The stems of two names without the town they both open with (张桥镇 in 张桥镇潘庄村委会): the
/// words that name the unit itself.
/// A settlement word ending them is generic too (丽城社区 / 府城社区, 邹高庄村 / 张高庄村).
fn own_words<'n>(a: &'n NameParts, b: &'n NameParts) -> (&'n str, &'n str) {
    let town = a.town.as_deref().filter(|t| b.town.as_deref() == Some(*t));
    let strip = |n: &'n NameParts| {
        let own = town.and_then(|t| n.stem.strip_prefix(t)).unwrap_or(&*n.stem);
        SETTLEMENT_WORDS.iter().find_map(|w| own.strip_suffix(w).filter(|o| !o.is_empty())).unwrap_or(own)
    };
    (strip(a), strip(b))
}

/// Words that end a village's or a community's own name (before 村民委员会 / 居民委员会).
const SETTLEMENT_WORDS: &[&str] = &["社区", "村"];

/// Kinds of unit named after the settlement they serve.
const SETTLEMENT_KINDS: &[&str] = &["village_committee", "residents_committee"];

/// Kinds of unit named by a 字号, a trade name of their own (企业名称登记管理规定; clinics are
/// named the same way).
const TRADE_NAMED_KINDS: &[&str] = &["company", "clinic", "tcm_clinic", "dental_clinic", "cosmetic_clinic"];

/// The name is a settlement's unit: its kind is a village's or a community's committee, or its
/// own words end in 村 or 社区 (上庄子村卫生室, 甜水园东里社区卫生服务站).
fn names_a_settlement(n: &NameParts) -> bool {
    n.suffix_kind.is_some_and(|k| SETTLEMENT_KINDS.contains(&k))
        || SETTLEMENT_WORDS.iter().any(|w| n.stem.ends_with(w))
}

/// The unit's own words are a proper name: a settlement's place name or a firm's 字号.
fn own_words_are_a_proper_name(n: &NameParts) -> bool {
    names_a_settlement(n) || n.suffix_kind.is_some_and(|k| TRADE_NAMED_KINDS.contains(&k))
}

/// Score, review-only flag and (when `reasons` is given) the reasons of a pair no veto forbids.
/// `compare` and `score_only` both come here, so the two can never disagree.
fn assess(g: &Gazetteer, a: Side, b: Side, reasons: Option<&mut Vec<Reason>>) -> (f32, bool) {
    let explain = reasons.is_some();
    let mut said: Vec<Reason> = Vec::new();
    let mut say = |r: &dyn Fn() -> Reason| {
        if explain {
            said.push(r());
        }
    };
    let mut reviewable_only = false;
    let mut score = name_similarity(a.name, b.name);
    if place_is_identity(a.name) && place_is_identity(b.name) {
        match (a.feat.identity_division(), b.feat.identity_division()) {
            (Some(x), Some(_)) => {
                // Same place (the veto checked), same kind of unit, nothing else in the names.
                score = 1.0;
                say(&|| Reason::BothUnitOf {
                    kind: b.name.suffix.unwrap_or("unit").to_string(),
                    place: division_name(g, Some(x)),
                });
            }
            _ => {
                reviewable_only = true;
                say(&|| Reason::GenericAmbiguousPlace);
            }
        }
    }
    let same_code = same_credit_code(a, b);
    for s in [a, b] {
        // The code names the unit when the name does not; it cannot glue two units together
        // (different codes veto).
        if s.feat.kind_only && !same_code {
            reviewable_only = true;
            say(&|| Reason::OnlyAKind { name: s.name.body().to_string() });
        }
    }
    if let (Some(t), Some(u)) = (town_name(a.name), town_name(b.name)) {
        // The parent (a county's 科协) or a credit code places the town; else it is any of them.
        let placed = same_code || a.feat.parent.is_some() && a.feat.parent == b.feat.parent;
        if t == u && !(county_known(a) && county_known(b)) && !placed {
            reviewable_only = true;
            say(&|| Reason::TownWithoutCounty {
                town: a.name.town.as_deref().unwrap_or_default().to_string(),
            });
        }
    }
    if !same_code {
        // A town's 乡, 镇 or 街道 word differs around one town name (严店乡 / 严店镇): a county has
        // one town of a name at a time, so it may be the town renamed, its old record kept
        // beside the new; or a directory of two towns. A merge moves events: a person decides,
        // unless a shared credit code does.
        if let (Some(ta), Some(tb)) = (a.name.town.as_deref(), b.name.town.as_deref()) {
            if ta != tb && town_name(a.name) == town_name(b.name) {
                reviewable_only = true;
                say(&|| Reason::TownWordsDiffer { a: ta.into(), b: tb.into() });
            }
        }
        // Two different words of one kind (卫生院 / 社区卫生服务中心, 博物馆 / 纪念馆, 研究院 /
        // 研究所): no veto, since units are renamed within their kind, but no merge on the names
        // alone either, since a place has several units of a kind. A word that only drops the
        // other's qualifier (公司 for 有限公司, 卫生服务中心 for 社区卫生服务中心) is how people
        // shorten it, not another word.
        if let (Some(x), Some(y)) = (a.name.suffix, b.name.suffix) {
            if !(x.ends_with(y) || y.ends_with(x)) {
                reviewable_only = true;
                say(&|| Reason::KindWordsDiffer { a: x.into(), b: y.into() });
            }
        }
        // A place on one side only: 鲁艺 / 延安鲁艺, 影协 / 全国影协 with no region column. The
        // place may be what tells the unit apart; with a column placing both it is an omission.
        let placed = |s: Side| !s.name.region_text().is_empty();
        let nowhere = |s: Side| {
            !placed(s) && s.feat.region == crate::geo::Region::default() && s.feat.readings.is_empty()
        };
        for (x, y) in [(a, b), (b, a)] {
            if placed(x) && nowhere(y) {
                reviewable_only = true;
                say(&|| Reason::PlaceOnOneSideOnly { place: x.name.region_text().to_string() });
            }
        }
        if a.name.national && b.name.national && a.name.region_text() != b.name.region_text() {
            reviewable_only = true;
            say(&|| Reason::NationalPrefixesDiffer {
                a: a.name.region_text().to_string(),
                b: b.name.region_text().to_string(),
            });
        }
    }
    // Only the same valid credit code is independent evidence that two records are one unit
    // despite a difference in their identifying words, and only for a slip or a shortening
    // (`code_excuses`). A shared parent is none, even for a same-sound character: siblings share
    // their parent by construction, and the names of sibling villages, towns and firms are
    // homophones as often as typing slips (燕庄 / 闫庄 and 李家村 / 栗家村 of one town in the real
    // village list; 蒋集镇 / 江集镇 of one county made 117 of the 210 wrong merges on 1M
    // generated rows while a shared parent excused them).
    if identifying_part_differs(a.name, b.name) {
        let (x, y, differing, unlike) = own_words_compared(a.name, b.name);
        if !same_code {
            reviewable_only = true;
            say(&|| Reason::IdentifyingPartDiffers {
                a: a.name.stem.to_string(),
                b: b.name.stem.to_string(),
            });
            if unlike && score > UNLIKE_IDENTITY_SCORE {
                score = UNLIKE_IDENTITY_SCORE;
                say(&|| Reason::IdentifyingWordsUnlike { differing });
            }
        } else if unlike && !code_excuses(a.name, b.name, x, y) {
            reviewable_only = true;
            say(&|| Reason::SharedCodeDifferentNames { a: x.into(), b: y.into() });
        }
    }
    if explain {
        if a.name.key == b.name.key {
            say(&|| Reason::SameNormalizedName);
        }
        let mut differences = Vec::new();
        describe_differences(a.name, b.name, &mut differences);
        for d in differences {
            say(&|| d.clone());
        }
    }
    if same_code {
        score = (score + SAME_USCC_BONUS).min(1.0);
        say(&|| Reason::SameCreditCode);
        if let Some((short, long)) = abbreviation(a.name, b.name).filter(|_| score < ABBREVIATION_WITH_USCC) {
            score = ABBREVIATION_WITH_USCC;
            say(&|| Reason::Abbreviates { short: short.into(), long: long.into() });
        }
    } else if a.feat.parent.is_some() && a.feat.parent == b.feat.parent {
        say(&|| Reason::SameParent);
    }
    say(&|| Reason::Score(score));
    if let Some(r) = reasons {
        *r = said;
    }
    (score, reviewable_only)
}

/// The shorter name, if it abbreviates the longer one the way Chinese names are shortened:
/// keeping some of its characters, in order (南京大学 → 南大, 实验中学 → 实中, 职业技术学院 →
/// 职院, 人民医院 → 医院). Alone this is weak evidence (南大 fits 南昌大学 as well); with the same
/// valid credit code it is the same unit written short.
fn abbreviation<'n>(a: &'n NameParts, b: &'n NameParts) -> Option<(&'n str, &'n str)> {
    // Whole keys: a short form may cut into the place name too (四川大学 → 川大).
    let (na, nb) = (a.key.chars().count(), b.key.chars().count());
    let (short, long): (&str, &str) = if na <= nb { (&a.key, &b.key) } else { (&b.key, &a.key) };
    // A name that opens with the whole other one names a part of it (…医院门诊部, …大学校区),
    // which often carries the parent's credit code: that is not a short form.
    if na.min(nb) < 2 || na == nb || long.starts_with(short) {
        return None;
    }
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|x| x == c)).then_some((short, long))
}

/// Compare two records, with reasons in words.
pub fn compare(g: &Gazetteer, a: Side, b: Side) -> Verdict {
    if let Some(v) = veto(g, a, b) {
        return Verdict::Veto(v);
    }
    let mut reasons = Vec::new();
    let (score, reviewable_only) = assess(g, a, b, Some(&mut reasons));
    Verdict::Scored { score, reasons, reviewable_only }
}

/// Plain-words account of how two names differ where normalization made them agree.
fn describe_differences(a: &NameParts, b: &NameParts, reasons: &mut Vec<Reason>) {
    for (x, y) in [(a, b), (b, a)] {
        for (short, long) in &x.expansions {
            if !y.expansions.contains(&(short, long)) {
                let r = Reason::Expansion { short: short.to_string(), long: long.to_string() };
                if !reasons.contains(&r) {
                    reasons.push(r);
                }
            }
        }
    }
    for note in ["full-width characters", "traditional characters", "spaces"] {
        if a.folding.contains(&note) != b.folding.contains(&note) {
            reasons.extend(Folding::from_note(note).map(Reason::Folded));
        }
    }
    if a.region_text() != b.region_text() && a.body() == b.body() {
        let (long, short) = if a.region_text().len() >= b.region_text().len() { (a, b) } else { (b, a) };
        let (l, s) = (long.region_text(), short.region_text());
        // The extra text must itself be a place name (2+ characters), else it is a short form.
        let extra = l.strip_suffix(s).or_else(|| l.strip_prefix(s)).filter(|e| e.chars().count() >= 2);
        match extra {
            Some(e) => reasons.push(Reason::RegionPrefixOmitted { prefix: e.into() }),
            None => reasons.push(Reason::RegionWritten { long: l.into(), short: s.into() }),
        }
    }
    if a.provisional != b.provisional {
        reasons.push(Reason::ProvisionalIgnored);
    }
    for n in [a, b] {
        for (written, meant) in &n.sound_slips {
            reasons.push(Reason::SoundSlipRepaired { written: written.clone(), meant: meant.clone() });
        }
        if let Some(t) = &n.suffix_typo {
            reasons.push(Reason::SuffixTypo {
                written: t.to_string(),
                meant: n.suffix.unwrap_or_default().to_string(),
            });
        }
    }
    if a.ordinal.is_some() && a.body() == b.body() && a.key != b.key {
        reasons.push(Reason::SameOrdinal(a.ordinal.unwrap_or(0)));
    }
    reasons.extend(same_sound_slips(&a.key, &b.key));
    if a.body() != b.body() {
        reasons.push(Reason::NamesDiffer { a: a.body().to_string(), b: b.body().to_string() });
    }
}

/// "建鞍 ≈ 建安 (same sound an)" for each same-sound substitution between two names, shown with
/// the character before it (after it at the start) so that the word can be recognized.
fn same_sound_slips(a: &str, b: &str) -> Vec<Reason> {
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let word = |s: &[char], i: usize| -> String {
        let (from, to) = if i > 0 { (i - 1, i + 1) } else { (0, 2.min(s.len())) };
        s[from..to].iter().collect()
    };
    homophone_substitutions(a, b)
        .into_iter()
        .map(|(i, j)| {
            let sound = shared_reading(x[i], y[j]).unwrap_or_default();
            Reason::SameSound { a: word(&x, i), b: word(&y, j), sound: sound.to_string() }
        })
        .collect()
}

#[cfg(test)]
mod tests;
