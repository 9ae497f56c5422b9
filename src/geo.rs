//! The gazetteer: China's administrative divisions (GB/T 2260 / NBS 2023 codes), embedded in the
//! binary from `data/divisions.csv` (attribution in `data/README.md`).
//!
//! Resolves full and short names (安徽省/安徽, 广西壮族自治区/广西, 合肥市/合肥, 肥西县/肥西),
//! maps any 6-digit division code to its province, and finds the region mentions at the start of an
//! organization name. County names are not unique (鼓楼区 is in 南京 and 徐州), so lookups return
//! every candidate and callers narrow them with whatever context they have.

use std::sync::OnceLock;

mod codes;
mod province_abbreviations;
pub use codes::DivCodes;
pub use province_abbreviations::province_abbreviations;

/// A 6-digit division code (`340000` province, `340100` city, `340123` county).
pub type DivCode = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DivLevel {
    Province,
    City,
    County,
}

#[derive(Debug, Clone)]
pub struct Division {
    pub code: DivCode,
    pub name: String,
    /// Name without its administrative suffix (安徽, 广西, 合肥, 延边); `None` when stripping would
    /// leave fewer than two characters (城区, 郊区).
    pub short: Option<String>,
    pub level: DivLevel,
    pub parent: Option<DivCode>,
    pub province: DivCode,
    /// City-level rows that are not real prefectures: the municipalities' own rows (北京市 under
    /// 北京市) and the 省直辖县级行政区划 placeholders. In the 科协 hierarchy they are transparent:
    /// their counties' associations sit directly under the province-level association.
    pub transparent: bool,
}

/// A region named at the start of an organization name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionMention {
    /// Byte range in the searched string.
    pub start: usize,
    pub end: usize,
    /// Every division the text can mean given the mentions before it, all of one level.
    pub candidates: DivCodes,
    /// True when the text is a short form (合肥 rather than 合肥市).
    pub short: bool,
}

/// Where an organization sits: any level may be unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Region {
    pub province: Option<DivCode>,
    pub city: Option<DivCode>,
    pub county: Option<DivCode>,
}

impl Region {
    pub fn is_empty(&self) -> bool {
        self.province.is_none() && self.city.is_none() && self.county.is_none()
    }

    /// The most specific known division.
    pub fn most_specific(&self) -> Option<DivCode> {
        self.county.or(self.city).or(self.province)
    }
}

pub struct Gazetteer {
    divisions: Vec<Division>,
    by_code: ahash::AHashMap<DivCode, usize>,
    /// Full and short names → division indexes.
    by_name: ahash::AHashMap<String, Vec<usize>>,
    /// The names of two or more characters grouped by their first two characters, longest
    /// first: prefix search compares a few strings instead of hashing every prefix length (by
    /// the first character alone, 新/南/东 each held hundreds and the search was a quarter of
    /// name parsing).
    by_first_two: ByFirstTwo,
}

/// `s.starts_with(prefix)` for a prefix of a few characters, compared in place: through
/// `memcmp`, the call cost more than the compare (a tenth of name parsing went to it).
fn starts_with_short(s: &str, prefix: &str) -> bool {
    let (s, p) = (s.as_bytes(), prefix.as_bytes());
    s.len() >= p.len() && s.iter().zip(p).all(|(a, b)| a == b)
}

/// Names (with their division indexes) by their first two characters.
type ByFirstTwo = ahash::AHashMap<(char, char), Vec<(String, Vec<usize>)>>;

const DIVISIONS_CSV: &str = include_str!("../data/divisions.csv");

/// Ethnic group names that open the suffix of autonomous regions, prefectures, counties and
/// banners (延边朝鲜族自治州 → 延边). Longer names first so 蒙古族 wins over 蒙古.
const ETHNIC: &[&str] = &[
    "达斡尔族",
    "柯尔克孜",
    "鄂伦春族",
    "鄂温克族",
    "维吾尔",
    "哈萨克",
    "朝鲜族",
    "土家族",
    "布依族",
    "哈尼族",
    "傈僳族",
    "东乡族",
    "仡佬族",
    "拉祜族",
    "纳西族",
    "仫佬族",
    "景颇族",
    "撒拉族",
    "布朗族",
    "毛南族",
    "塔吉克",
    "普米族",
    "阿昌族",
    "基诺族",
    "德昂族",
    "保安族",
    "裕固族",
    "门巴族",
    "独龙族",
    "蒙古族",
    "鄂伦春",
    "鄂温克",
    "壮族",
    "回族",
    "藏族",
    "苗族",
    "彝族",
    "侗族",
    "瑶族",
    "白族",
    "黎族",
    "傣族",
    "畲族",
    "佤族",
    "水族",
    "羌族",
    "土族",
    "锡伯",
    "京族",
    "怒族",
    "满族",
    "蒙古",
    "各族",
];

/// Short form of a division name, or `None` if it would be shorter than two characters.
pub fn short_name(name: &str) -> Option<String> {
    short_prefix(name).map(str::to_string)
}

/// `short_name` as the prefix of `name` it is (no allocation: compared per candidate pair).
pub fn short_prefix(name: &str) -> Option<&str> {
    let count = name.chars().count();
    // The first `n` characters, when that leaves two or more and drops something.
    let keep = |n: usize| -> Option<&str> {
        (n >= 2 && n < count).then(|| name.char_indices().nth(n).map_or(name, |(b, _)| &name[..b]))
    };
    if name.contains("自治") {
        let first_ethnic = ETHNIC
            .iter()
            .filter_map(|e| name.find(e))
            .map(|byte| name[..byte].chars().count())
            .filter(|&n| n >= 2)
            .min();
        if let Some(n) = first_ethnic {
            return keep(n);
        }
        for suf in ["自治区", "自治州", "自治县", "自治旗"] {
            if let Some(stem) = name.strip_suffix(suf) {
                return keep(stem.chars().count());
            }
        }
        return None;
    }
    for suf in ["地区", "林区", "特区"] {
        if name.ends_with(suf) && count > 3 {
            return keep(count - 2);
        }
    }
    match name.chars().next_back() {
        Some('省' | '市' | '县' | '区' | '盟' | '旗') if count > 2 => keep(count - 1),
        _ => None,
    }
}

impl Gazetteer {
    /// The embedded gazetteer, parsed once.
    pub fn global() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| Gazetteer::parse(DIVISIONS_CSV))
    }

    fn parse(text: &str) -> Gazetteer {
        let mut divisions = Vec::new();
        for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.split(',').collect();
            // The embedded file is validated by a unit test; a malformed line cannot ship.
            let code: DivCode = f[0].parse().unwrap_or(0);
            let level = match f[2] {
                "province" => DivLevel::Province,
                "city" => DivLevel::City,
                _ => DivLevel::County,
            };
            let parent = f[3].parse().ok();
            let province = f[4].parse().unwrap_or(code);
            divisions.push(Division {
                code,
                name: f[1].to_string(),
                short: short_name(f[1]),
                level,
                parent,
                province,
                transparent: false,
            });
        }
        let by_code: ahash::AHashMap<DivCode, usize> =
            divisions.iter().enumerate().map(|(i, d)| (d.code, i)).collect();
        for i in 0..divisions.len() {
            let d = &divisions[i];
            if d.level == DivLevel::City {
                let prov_name = by_code.get(&d.province).map(|&p| divisions[p].name.as_str());
                let transparent = prov_name == Some(d.name.as_str()) || d.name.contains("直辖");
                divisions[i].transparent = transparent;
            }
        }
        let mut by_name: ahash::AHashMap<String, Vec<usize>> = ahash::AHashMap::new();
        for (i, d) in divisions.iter().enumerate() {
            // Placeholder rows (省直辖县级行政区划) and municipality city rows are not names that
            // appear in org names as a city; the municipality is found as the province.
            if d.transparent {
                continue;
            }
            by_name.entry(d.name.clone()).or_default().push(i);
            if let Some(s) = &d.short {
                by_name.entry(s.clone()).or_default().push(i);
            }
        }
        let mut by_first_two = ByFirstTwo::new();
        for (name, idxs) in &by_name {
            let mut chars = name.chars();
            if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
                by_first_two.entry((a, b)).or_default().push((name.clone(), idxs.clone()));
            }
        }
        for names in by_first_two.values_mut() {
            names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        Gazetteer { divisions, by_code, by_name, by_first_two }
    }

    pub fn divisions(&self) -> &[Division] {
        &self.divisions
    }

    pub fn get(&self, code: DivCode) -> Option<&Division> {
        self.by_code.get(&code).map(|&i| &self.divisions[i])
    }

    pub fn name_of(&self, code: DivCode) -> &str {
        self.get(code).map(|d| d.name.as_str()).unwrap_or("")
    }

    /// Province of any 6-digit code, even one not in the table (a retired county code inside a
    /// credit code still tells its province by its first two digits).
    pub fn province_of(&self, code: DivCode) -> Option<DivCode> {
        if let Some(d) = self.get(code) {
            return Some(d.province);
        }
        let p = code / 10000 * 10000;
        self.get(p).filter(|d| d.level == DivLevel::Province).map(|d| d.code)
    }

    /// The city a division belongs to (itself for a city), `None` for provinces.
    pub fn city_of(&self, code: DivCode) -> Option<DivCode> {
        let d = self.get(code)?;
        match d.level {
            DivLevel::Province => None,
            DivLevel::City => Some(d.code),
            DivLevel::County => d.parent,
        }
    }

    /// Is `inner` equal to or inside `outer`?
    pub fn within(&self, inner: DivCode, outer: DivCode) -> bool {
        let mut c = Some(inner);
        while let Some(code) = c {
            if code == outer {
                return true;
            }
            c = self.get(code).and_then(|d| d.parent);
        }
        false
    }

    /// Every division whose full or short name is `name` (trimmed).
    pub fn lookup(&self, name: &str) -> Vec<&Division> {
        self.divisions_named(name).collect()
    }

    /// `lookup` without the vector: per record, on the hot path.
    pub fn divisions_named(&self, name: &str) -> impl Iterator<Item = &Division> + '_ {
        self.by_name.get(name.trim()).map_or(&[][..], Vec::as_slice).iter().map(|&i| &self.divisions[i])
    }

    fn lookup_level(&self, name: &str, level: DivLevel, within: Option<DivCode>) -> Vec<DivCode> {
        self.lookup(name)
            .into_iter()
            .filter(|d| d.level == level)
            .filter(|d| within.is_none_or(|w| self.within(d.code, w)))
            .map(|d| d.code)
            .collect()
    }

    fn unique(codes: Vec<DivCode>) -> Option<DivCode> {
        (codes.len() == 1).then(|| codes[0])
    }

    pub fn resolve_province(&self, name: &str) -> Option<DivCode> {
        if name.trim().is_empty() {
            return None;
        }
        Self::unique(self.lookup_level(name, DivLevel::Province, None))
    }

    /// A city by name, inside `province` when given. Municipalities: 北京市 as a city value
    /// resolves to the municipality's own city row.
    pub fn resolve_city(&self, name: &str, province: Option<DivCode>) -> Option<DivCode> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        if let Some(found) = Self::unique(self.lookup_level(name, DivLevel::City, province)) {
            return Some(found);
        }
        // The municipalities' transparent city rows are not in the name index.
        let prov = self.resolve_province(name)?;
        if province.is_some_and(|p| p != prov) {
            return None;
        }
        self.divisions
            .iter()
            .find(|d| d.level == DivLevel::City && d.province == prov && d.transparent)
            .map(|d| d.code)
    }

    /// A county by name, inside `city` or else `province` when given; `None` if ambiguous.
    pub fn resolve_county(
        &self,
        name: &str,
        province: Option<DivCode>,
        city: Option<DivCode>,
    ) -> Option<DivCode> {
        if name.trim().is_empty() {
            return None;
        }
        let within = city.or(province);
        let found = self.lookup_level(name, DivLevel::County, within);
        if found.is_empty() && city.is_some() {
            // A wrong or placeholder city column must not hide a county that exists in the province.
            return Self::unique(self.lookup_level(name, DivLevel::County, province));
        }
        Self::unique(found)
    }

    /// Resolve the three region columns of a record into codes, each narrowed by the ones above.
    pub fn resolve_columns(&self, province: &str, city: &str, county: &str) -> Region {
        let mut r = Region { province: self.resolve_province(province), ..Region::default() };
        r.city = self.resolve_city(city, r.province);
        if r.province.is_none() {
            r.province = r.city.and_then(|c| self.province_of(c));
        }
        r.county = self.resolve_county(county, r.province, r.city);
        if let Some(k) = r.county {
            r.province = r.province.or_else(|| self.province_of(k));
            // A municipality has two city rows of its own name (重庆市 500100 for its districts,
            // 500200 for its counties): the city column 重庆市 names either, the county says
            // which. Otherwise 巫溪县 would sit under 500100 here and under 500200 when read
            // from a name, and the two would never be the same place.
            let transparent = |c: DivCode| self.get(c).is_some_and(|d| d.transparent);
            if r.city.is_some_and(|c| transparent(c) && !self.within(k, c)) {
                r.city = self.city_of(k).filter(|&c| transparent(c)).or(r.city);
            }
            r.city = r.city.or_else(|| self.city_of(k));
        }
        r
    }

    /// The chain of region mentions at the start of `s` (安徽省合肥市肥西县…): each mention is
    /// below and inside the one before it. Longest text wins at each step.
    pub fn region_prefix(&self, s: &str) -> Vec<RegionMention> {
        let mut out: Vec<RegionMention> = Vec::new();
        let mut pos = 0;
        loop {
            let rest = &s[pos..];
            let mut chars = rest.chars();
            let (Some(first), Some(second)) = (chars.next(), chars.next()) else { break };
            let names = self.by_first_two.get(&(first, second)).map(Vec::as_slice).unwrap_or(&[]);
            let mut found = None;
            for (text, idxs) in names {
                if !starts_with_short(rest, text) {
                    continue;
                }
                let end = text.len();
                let prev =
                    out.last().map(|p| (self.divisions[self.by_code[&p.candidates[0]]].level, p.candidates));
                let fits = |d: &Division| match prev {
                    None => true,
                    Some((prev_level, prev_codes)) => {
                        d.level > prev_level && prev_codes.iter().any(|&p| self.within(d.code, p))
                    }
                };
                // Most texts name one division: no list to gather.
                let (candidates, short) = if let [only] = idxs.as_slice() {
                    let d = &self.divisions[*only];
                    if !fits(d) {
                        continue;
                    }
                    (DivCodes::One(d.code), d.name != *text)
                } else {
                    let cands: Vec<&Division> =
                        idxs.iter().map(|&i| &self.divisions[i]).filter(|d| fits(d)).collect();
                    // A name that is a province and a city (吉林) is read at the highest level.
                    let Some(top) = cands.iter().map(|d| d.level).min() else {
                        continue;
                    };
                    let codes = DivCodes::of(cands.iter().filter(|d| d.level == top).map(|d| d.code));
                    (codes, cands.iter().all(|d| d.name != *text))
                };
                found = Some(RegionMention { start: pos, end: pos + end, candidates, short });
                break;
            }
            match found {
                Some(m) => {
                    pos = m.end;
                    out.push(m);
                }
                None => break,
            }
        }
        out
    }

    /// The region a chain of mentions pins down (levels with several candidates stay unknown,
    /// but their common ancestors are kept).
    pub fn region_of_mentions(&self, mentions: &[RegionMention]) -> Region {
        let mut r = Region::default();
        for m in mentions {
            let Some(&first) = m.candidates.first() else {
                continue;
            };
            let level = self.get(first).map(|d| d.level);
            let unique = (m.candidates.len() == 1).then_some(first);
            let common_province = {
                let p = self.province_of(first);
                m.candidates.iter().all(|&c| self.province_of(c) == p).then_some(p).flatten()
            };
            r.province = r.province.or(common_province);
            match level {
                Some(DivLevel::Province) => r.province = unique.or(r.province),
                Some(DivLevel::City) => r.city = unique.or(r.city),
                Some(DivLevel::County) => {
                    if let Some(k) = unique {
                        r.county = Some(k);
                        r.city = r.city.or_else(|| self.city_of(k));
                    }
                }
                None => {}
            }
        }
        r
    }

    /// Do two regions contradict each other at any level both know?
    pub fn conflicts(&self, a: &Region, b: &Region) -> bool {
        let differ = |x: Option<DivCode>, y: Option<DivCode>| matches!((x, y), (Some(x), Some(y)) if x != y);
        differ(a.province, b.province) || differ(a.city, b.city) || differ(a.county, b.county)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> &'static Gazetteer {
        Gazetteer::global()
    }

    #[test]
    fn embedded_table_is_complete_and_well_formed() {
        let g = g();
        assert_eq!(g.divisions().len(), 3223);
        assert!(g.divisions().iter().all(|d| d.code >= 110000 && d.code < 660000));
        let count = |l| g.divisions().iter().filter(|d| d.level == l).count();
        assert_eq!(count(DivLevel::Province), 31);
        assert_eq!(count(DivLevel::City), 342);
        for d in g.divisions() {
            if let Some(p) = d.parent {
                assert!(g.get(p).is_some(), "parent of {} missing", d.code);
            }
        }
    }

    #[test]
    fn short_names() {
        assert_eq!(short_name("安徽省").as_deref(), Some("安徽"));
        assert_eq!(short_name("广西壮族自治区").as_deref(), Some("广西"));
        assert_eq!(short_name("内蒙古自治区").as_deref(), Some("内蒙古"));
        assert_eq!(short_name("延边朝鲜族自治州").as_deref(), Some("延边"));
        assert_eq!(short_name("阿里地区").as_deref(), Some("阿里"));
        assert_eq!(short_name("锡林郭勒盟").as_deref(), Some("锡林郭勒"));
        assert_eq!(short_name("肥西县").as_deref(), Some("肥西"));
        assert_eq!(short_name("城区"), None);
        assert_eq!(short_name("长阳土家族自治县").as_deref(), Some("长阳"));
    }

    #[test]
    fn resolves_full_and_short_names() {
        let g = g();
        assert_eq!(g.resolve_province("安徽省"), Some(340000));
        assert_eq!(g.resolve_province("安徽"), Some(340000));
        assert_eq!(g.resolve_province("广西"), Some(450000));
        assert_eq!(g.resolve_city("合肥", None), Some(340100));
        assert_eq!(g.resolve_county("肥西县", None, None), Some(340123));
        assert_eq!(g.resolve_city("北京市", Some(110000)), Some(110100));
    }

    #[test]
    fn shared_county_names_need_context() {
        let g = g();
        assert_eq!(g.resolve_county("鼓楼区", None, None), None);
        assert_eq!(g.resolve_county("鼓楼区", Some(320000), None), None, "南京 and 徐州");
        let nanjing = g.resolve_city("南京市", None);
        assert_eq!(g.resolve_county("鼓楼区", Some(320000), nanjing), Some(320106));
        assert_eq!(g.resolve_county("鼓楼区", Some(350000), None), Some(350102));
    }

    #[test]
    fn codes_map_to_provinces() {
        let g = g();
        assert_eq!(g.province_of(340123), Some(340000));
        assert_eq!(g.province_of(340199), Some(340000), "unknown county code still has a province");
        assert_eq!(g.province_of(990000), None);
        assert!(g.get(110100).is_some_and(|d| d.transparent));
        assert!(g.get(419000).is_some_and(|d| d.transparent));
    }

    #[test]
    fn region_prefix_of_org_names() {
        let g = g();
        let m = g.region_prefix("安徽省合肥市肥西县科学技术协会");
        assert_eq!(m.len(), 3);
        assert_eq!(m[2].candidates, vec![340123]);
        let r = g.region_of_mentions(&m);
        assert_eq!((r.province, r.city, r.county), (Some(340000), Some(340100), Some(340123)));

        let m = g.region_prefix("肥西科协");
        assert_eq!(m.len(), 1);
        assert!(m[0].short);

        let m = g.region_prefix("鼓楼区科学技术协会");
        assert_eq!(m[0].candidates.len(), 4);
        let r = g.region_of_mentions(&m);
        assert_eq!(r.county, None);

        let m = g.region_prefix("吉林市第一中学");
        assert_eq!(g.get(m[0].candidates[0]).map(|d| d.level), Some(DivLevel::City));

        assert!(g.region_prefix("中国科学技术协会").is_empty());
    }

    #[test]
    fn a_municipality_city_column_takes_the_city_row_of_its_county() {
        let g = g();
        let cols = g.resolve_columns("重庆市", "重庆市", "巫溪县");
        assert_eq!((cols.city, cols.county), (Some(500200), Some(500238)));
        assert_eq!(g.resolve_columns("重庆市", "重庆市", "渝中区").city, Some(500100));
        // Read from a name, the county sits in the same city row.
        assert_eq!(g.city_of(500238), Some(500200));
    }

    #[test]
    fn short_prefixes() {
        assert!(starts_with_short("合肥市第一中学", "合肥市"));
        assert!(starts_with_short("合肥市", "合肥市") && starts_with_short("合肥", ""));
        assert!(!starts_with_short("合肥", "合肥市") && !starts_with_short("合肥县", "合肥市"));
    }

    #[test]
    fn conflicts_only_where_both_know() {
        let g = g();
        let a = Region { province: Some(340000), city: Some(340100), county: None };
        let b = Region { province: Some(340000), city: None, county: None };
        let c = Region { province: Some(340000), city: Some(340200), county: None };
        assert!(!g.conflicts(&a, &b));
        assert!(g.conflicts(&a, &c));
    }
}
