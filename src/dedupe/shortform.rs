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

use crate::normalize::NameParts;

use super::reason::Reason;

mod candidates;

#[cfg(test)]
use candidates::in_order_opening;
pub use candidates::{best_fits, in_order, pairs, province_keys_compatible};

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
    /// A trade word split off the end of the identifying part (科技, 电气: `TRADE_WORDS`).
    trade: bool,
    /// A province's one-character names (川 for 四川: `geo::province_abbreviations`), which a
    /// short form may open this word with instead of its first character (川航 for 四川航空公司).
    aliases: &'static [char],
}

impl Word {
    /// A word that is no trade word and has no one-character name.
    fn plain(start: usize, end: usize, class: Class) -> Word {
        Word { start, end, class, trade: false, aliases: &[] }
    }
}

/// How a short name fits a full one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    /// Identifying words skipped before or between the kept ones.
    pub cost: u8,
    /// Identifying words dropped after the last kept one (a company's trade).
    pub trailing: u8,
    /// Kind and form words dropped (ranks fits that tie on the two above).
    pub dropped_generic: u8,
    /// The short name cut where it opens each word, and those words: ("北|师|大", "北京|师范|大学").
    pub kept: String,
    pub opened: String,
}

impl Fit {
    pub fn rank(&self) -> (u8, u8, u8) {
        (self.cost, self.trailing, self.dropped_generic)
    }
}

/// Can this name be a short form of another: short, no kind word of its own, not a branch,
/// not a place name alone. 集团 is no kind word of its own here: a group's short name keeps it
/// (雅化集团 for 四川雅化实业集团股份有限公司), as a trade word.
pub fn may_be_short(n: &NameParts) -> bool {
    let len = n.key.chars().count();
    (2..=MAX_SHORT_CHARS).contains(&len)
        && n.suffix.is_none_or(|k| k == GROUP)
        && n.branch.is_none()
        && n.ordinal.is_none()
        && !n.body().is_empty()
        && !FULL_NAME_WORDS.iter().any(|w| n.key.contains(w))
}

/// The word a group's name carries before its legal form (集团股份有限公司).
const GROUP: &str = "集团";

/// Trade and form words that end the identifying part of a company's or a unit's name (the
/// 行业 of 企业名称登记管理规定): split off from its end before the rest is cut in two-character
/// words, so that an odd-length 字号 does not shift them (梦网云|科技|集团, not 梦网|云科|技集).
const TRADE_WORDS: &[&str] = &[
    "科技",
    "技术",
    "电子",
    "电器",
    "电气",
    "机械",
    "制造",
    "精密",
    "智能",
    "装备",
    "材料",
    "新材料",
    "化工",
    "能源",
    "新能源",
    "环保",
    "医药",
    "药业",
    "制药",
    "生物",
    "信息",
    "网络",
    "软件",
    "通信",
    "实业",
    "发展",
    "投资",
    "控股",
    "集团",
    "传媒",
    "文化",
    "食品",
    "农业",
    "汽车",
    "电力",
    "建设",
    "工程",
    "置业",
    "地产",
    "物流",
    "贸易",
    "商贸",
    "服务",
    "管理",
    "咨询",
    "光电",
    "数码",
    "纺织",
    "钢铁",
    "矿业",
    "水泥",
    "酒业",
    "银行",
    "证券",
    "保险",
    "信托",
    "金融",
    "股份",
    "国际",
    "控制",
    "设备",
    "仪器",
    "环境",
    "健康",
    "数据",
];

/// Split the identifying part `chars[from..to]`: trade words off its end (while a character is
/// left before them), the rest in two-character words.
fn core_words(chars: &[char], from: usize, to: usize, out: &mut Vec<Word>) {
    let mut end = to;
    let mut tail = Vec::new();
    while let Some(n) = TRADE_WORDS
        .iter()
        .map(|w| w.chars().count())
        .zip(TRADE_WORDS)
        .find(|(n, w)| end > from + n && chars[end - n..end].iter().copied().eq(w.chars()))
        .map(|(n, _)| n)
    {
        tail.push(Word { trade: true, ..Word::plain(end - n, end, Class::Core) });
        end -= n;
    }
    chunks(from, end, Class::Core, out);
    out.extend(tail.into_iter().rev());
}

/// Split `text[from..to]` into words of two characters (most Chinese words are), the last one
/// shorter when the count is odd.
fn chunks(from: usize, to: usize, class: Class, out: &mut Vec<Word>) {
    let mut s = from;
    while s < to {
        let e = (s + 2).min(to);
        out.push(Word::plain(s, e, class));
        s = e;
    }
}

/// Development zones named after their city (苏州工业园区, 宁波高新区), longest first.
const ZONE_WORDS: &[&str] = &[
    "高新技术产业开发区",
    "经济技术开发区",
    "高新技术开发区",
    "经济开发区",
    "工业园区",
    "保税区",
    "高新区",
    "开发区",
];

/// A development zone right after the name's place (工业园区 of 苏州工业园区和顺电气股份有限公司):
/// part of where the unit is, not of its name (和顺电气 for short). Only with two identifying
/// characters or more after it; empty when there is none.
fn zone_after_place(n: &NameParts) -> &'static str {
    if n.region_text().is_empty() {
        return "";
    }
    let rest = n.body();
    let core = rest.strip_suffix(n.suffix.unwrap_or_default()).unwrap_or(rest);
    ZONE_WORDS
        .iter()
        .find(|z| core.strip_prefix(**z).is_some_and(|after| after.chars().count() >= 2))
        .copied()
        .unwrap_or_default()
}

/// The words of a full name: each region mention (or the national prefix), the identifying part
/// in two-character words, the suffix in two-character words.
fn words(n: &NameParts) -> Vec<Word> {
    let pos = |byte: usize| n.key[..byte].chars().count();
    let mut out = Vec::new();
    let region_end = pos(n.region_text().len());
    if n.national || n.mentions.is_empty() {
        if region_end > 0 {
            out.push(Word::plain(0, region_end, Class::Region));
        }
    } else {
        out.extend(n.mentions.iter().map(|m| Word {
            aliases: province_aliases(m),
            ..Word::plain(pos(m.start), pos(m.end), Class::Region)
        }));
    }
    let total = n.key.chars().count();
    let suffix_chars = n.suffix.filter(|s| n.key.ends_with(s)).map_or(0, |s| s.chars().count());
    let core_end = total - suffix_chars;
    let chars: Vec<char> = n.key.chars().collect();
    let zone = zone_after_place(n).chars().count();
    if zone > 0 {
        out.push(Word::plain(region_end, region_end + zone, Class::Region));
    }
    core_words(&chars, region_end + zone, core_end, &mut out);
    chunks(core_end, total, Class::Generic, &mut out);
    out
}

/// The one-character names of the province a region mention names (none for any other place).
fn province_aliases(m: &crate::geo::RegionMention) -> &'static [char] {
    match m.candidates {
        crate::geo::DivCodes::One(code) => crate::geo::province_abbreviations(code),
        crate::geo::DivCodes::Several(_) => &[],
    }
}

/// The kind word of a name that may abbreviate a longer name of the same kind (郑铁局 for
/// 郑州铁路局, 中远公司 for 中国远洋运输总公司): short, ending in its suffix, with at least two
/// identifying characters before it, no place name of its own and no other kind word. A name
/// that spells a place whole (上海大学, 威海职业学院, 河南经贸职业学院, 丰收镇中学) is a unit of
/// that place: the place names it; its words are not cut from another name's. (Allowing them
/// made a tenth of a million-record directory candidate short names, and the universities'
/// list had 河南经贸职业学院 as a short form of 河南对外经济贸易职业学院: two colleges.) `fit` then asks more of it than of a short form
/// without a kind word: it must cut at least two words (`MIN_CUT_WORDS`).
pub fn abbreviated_kind(n: &NameParts) -> Option<&str> {
    let kind = n.suffix.filter(|k| n.key.ends_with(k))?;
    let before = &n.key[..n.key.len() - kind.len()];
    let ok = (3..=MAX_SHORT_CHARS).contains(&n.key.chars().count())
        && before.chars().count() >= MIN_CUT_WORDS
        && n.branch.is_none()
        && n.ordinal.is_none()
        && n.region_text().is_empty()
        && n.town.is_none()
        && n.core.chars().count() >= MIN_CUT_WORDS
        && !FULL_NAME_WORDS.iter().any(|w| before.contains(w));
    ok.then_some(kind)
}

/// Words a short name with its own kind word must cut to their opening characters. A name that
/// keeps its words whole and only leaves some out (湖南大学 / 湖南师范大学, 东风村 / 东风岭村), or
/// cuts just one (湖南工学院 / 湖南工程学院), is another unit of the same kind far more often than
/// an abbreviation; one that cuts two (郑|铁|局, 民|航|局) is how abbreviations are made.
const MIN_CUT_WORDS: usize = 2;

/// Does the fit `path` of a short name with its own kind word abbreviate (`MIN_CUT_WORDS`)? Its
/// identifying words (after its own place name, which must open place words of the full name
/// whole: 上海大学 is not 上|海 of 上海海洋大学) cut at least two words of the full name.
fn abbreviates(short: &NameParts, ws: &[Word], path: &[(usize, usize)]) -> bool {
    let place = short.region_text().chars().count();
    let (mut at, mut cut, mut core_cut) = (0, 0, false);
    for &(w, len) in path {
        let word = &ws[w];
        if at < place {
            if at + len > place || word.class != Class::Region {
                return false;
            }
        } else if len < word.end - word.start {
            cut += 1;
            core_cut |= word.class == Class::Core;
        }
        at += len;
    }
    // Place words alone cut are a place written short (重|大 for 重庆市|大足区), not a unit.
    cut >= MIN_CUT_WORDS && core_cut
}

/// Does `short` shorten `long` (see the module comment)? The best fit, if any within `MAX_COST`.
pub fn fit(short: &NameParts, long: &NameParts) -> Option<Fit> {
    let mut s: Vec<char> = short.key.chars().collect();
    let l: Vec<char> = long.key.chars().collect();
    if s.len() >= l.len() || long.branch.is_some() {
        return None;
    }
    let mut ws = words(long);
    // A short name with a kind word keeps it whole and shortens what comes before it.
    let kind = if may_be_short(short) {
        None
    } else {
        let kind = abbreviated_kind(short).filter(|k| long.suffix == Some(*k))?;
        s.truncate(s.len() - kind.chars().count());
        ws.retain(|w| w.class != Class::Generic);
        // A province's one-character name opens only a short form without a kind word: with
        // one, 闽 of 闽江学院 would open 福建 of 福建江夏学院.
        ws.iter_mut().for_each(|w| w.aliases = &[]);
        Some(kind)
    };
    let has_core = ws.iter().any(|w| w.class == Class::Core);
    let mut best: Best = None;
    let mut path = Vec::new();
    search((&s, &l, &ws), (0, 0), (0, 0), !has_core, &mut path, &mut best);
    let (rank, path) = best?;
    if kind.is_some() && !abbreviates(short, &ws, &path) {
        return None;
    }
    let mut kept = Vec::new();
    let mut opened = Vec::new();
    let mut at = 0;
    for &(w, len) in &path {
        kept.push(s[at..at + len].iter().collect::<String>());
        opened.push(l[ws[w].start..ws[w].end].iter().collect::<String>());
        at += len;
    }
    kept.extend(kind.map(str::to_string));
    opened.extend(kind.map(str::to_string));
    Some(Fit {
        cost: rank.0,
        trailing: rank.1,
        dropped_generic: rank.2,
        kept: kept.join("|"),
        opened: opened.join("|"),
    })
}

/// The best fit found so far: its (cost, trailing) and its (word, characters kept) choices.
type Best = Option<((u8, u8, u8), Vec<(usize, usize)>)>;

/// Depth-first search of the ways `s[i..]` opens words `ws[j..]` of `l` in order, keeping the
/// cheapest (fewest identifying words skipped, then fewest dropped after). `at` is (i, j);
/// `rank` is (cost, trailing) so far: identifying words skipped before a kept identifying word
/// cost, those skipped before a kept form word (星徽股份 for 星徽精密制造股份有限公司) or left
/// after the last kept word are trailing. `path` holds the (word, characters kept) choices.
fn search(
    (s, l, ws): (&[char], &[char], &[Word]),
    at: (usize, usize),
    rank: (u8, u8),
    core_hit: bool,
    path: &mut Vec<(usize, usize)>,
    best: &mut Best,
) {
    let ((i, j), (cost, trailing)) = (at, rank);
    if cost > MAX_COST || best.as_ref().is_some_and(|b| b.0 .0 < cost) {
        return;
    }
    if i == s.len() {
        if core_hit && !path.is_empty() {
            // Fewer kind and form words dropped breaks ties: 天津师大 is 天津师范大学 rather than
            // the university's own 天津师范大学科学技术协会.
            let generic = |w: &Word| w.class == Class::Generic;
            let kept_generic = path.iter().filter(|(w, _)| generic(&ws[*w])).count();
            let dropped_generic = (ws.iter().filter(|w| generic(w)).count() - kept_generic) as u8;
            let trailing = trailing + ws[j..].iter().filter(|w| w.class == Class::Core).count() as u8;
            let rank = (cost, trailing, dropped_generic);
            if best.as_ref().is_none_or(|b| rank < b.0) {
                *best = Some((rank, path.clone()));
            }
        }
        return;
    }
    let mut skipped = 0u8;
    for (w, word) in ws.iter().enumerate().skip(j) {
        let text = &l[word.start..word.end];
        let core = word.class == Class::Core;
        let next = if core { (cost + skipped, trailing) } else { (cost, trailing + skipped) };
        // A company's short name is often its 字号 and its trade (容百科技 for 宁波容百新能源科技
        // 股份有限公司): what qualifies the trade in between (新能源, 轻合金) is left out as one,
        // when the short form keeps the trade word whole after a word it kept whole, or ends
        // with the trade word's first characters (遠東銀 for 遠東國際商業銀行).
        let kept_whole_before =
            path.last().is_some_and(|&(p, n)| ws[p].class == Class::Core && n == ws[p].end - ws[p].start);
        let qualifier_skipped = (cost + skipped.min(1), trailing);
        if word.aliases.contains(&s[i]) && text[0] != s[i] {
            path.push((w, 1));
            search((s, l, ws), (i + 1, w + 1), next, core_hit, path, best);
            path.pop();
        }
        let mut len = 0;
        while len < text.len() && i + len < s.len() && s[i + len] == text[len] {
            len += 1;
            let next = if word.trade && (len == text.len() || i + len == s.len()) && kept_whole_before {
                qualifier_skipped
            } else {
                next
            };
            path.push((w, len));
            search((s, l, ws), (i + len, w + 1), next, core_hit || core, path, best);
            path.pop();
        }
        // The last character of the kind word may end a short form (体院 for 体育学院, 师院 for
        // 师范学院): it is the character that tells the kind.
        // So may a trade word's last character, after a kept word (台泥 for 台湾水泥, 和泰车 for
        // 和泰汽车): there too it is the character that tells the trade.
        let closes = i + 1 == s.len()
            && ((w + 1 == ws.len() && word.class == Class::Generic) || (word.trade && !path.is_empty()));
        if closes && text.len() > 1 && text.last() == Some(&s[i]) {
            path.push((w, 1));
            search((s, l, ws), (i + 1, w + 1), next, core_hit || word.trade, path, best);
            path.pop();
        }
        if core {
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
        short: short.key.to_string(),
        long: long.key.to_string(),
        kept: f.kept,
        opened: f.opened,
    })
}

/// Characters a place name ends with: a name that ends so is a place, not a unit of it
/// (城关镇 is no short form of 城关镇中学, 某村 none of 某村村民委员会).
const PLACE_ENDS: &[char] =
    &['省', '市', '区', '县', '旗', '州', '盟', '镇', '乡', '村', '街', '道', '社', '屯', '庄'];

/// One name is the other without its final kind or form word (江苏常青树新材料科技 for
/// 江苏常青树新材料科技股份有限公司, 康佳集团 for 康佳集团股份有限公司), and maybe without its
/// region as well (朗迪集团 for 浙江朗迪集团股份有限公司): the commonest way people type a name. The shorter must keep identifying words and must hold no kind word of a
/// whole name (清华大学 is not 清华大学出版社 without 出版社, nor 中国石油大学（华东） its 科协
/// without 科学技术协会) and not be a place (城关镇 / 城关镇中学).
/// Evidence for review only, like any short form.
pub fn form_dropped(a: &NameParts, b: &NameParts) -> Option<Reason> {
    let (short, long) = if a.key.len() < b.key.len() { (a, b) } else { (b, a) };
    let form = long.suffix.filter(|f| long.key.ends_with(f))?;
    let kept = &long.key[..long.key.len() - form.len()];
    // The region may be left out too (朗迪集团 for 浙江朗迪集团股份有限公司), when the shorter
    // names none of its own: the columns' region is then checked by the scorer's vetoes.
    let (kept, region) = match kept.strip_prefix(long.region_text()) {
        Some(body)
            if kept != &*short.key && !long.region_text().is_empty() && short.region_text().is_empty() =>
        {
            (body, long.region_text())
        }
        _ => (kept, ""),
    };
    // A unit's name with an association's kind after it names that unit's association
    // (新疆医大科协 is not 新疆医大 written with 科协): never a form dropped.
    let association = long.suffix_kind.is_some_and(|k| k.contains("association") || k.contains("society"));
    let ok = kept == &*short.key
        && !association
        && short.suffix.is_none_or(|k| !FULL_NAME_WORDS.iter().any(|w| k.ends_with(w)))
        && !FULL_NAME_WORDS.iter().any(|w| kept.contains(w))
        && short.core.chars().count() >= 2
        && short.town.is_none()
        && short.branch.is_none()
        && !kept.ends_with(PLACE_ENDS);
    ok.then(|| Reason::FormDropped {
        short: short.key.to_string(),
        region: region.into(),
        form: form.to_string(),
    })
}

#[cfg(test)]
mod tests;
