//! Where each record sits: its region and administrative level, from its own columns, its name
//! (via the gazetteer) and its credit code. How conflicts between these sources are resolved is
//! documented in `docs/levels.md`; the short version:
//!
//! - **Region**: the province/city/county columns first; levels the columns leave empty are filled
//!   from the name when the name does not contradict the columns; the credit code's province is used
//!   only when neither columns nor name give a province (a wrong credit code is a finding of its own,
//!   so it must never move a record).
//! - **Level**: a name that is nothing but a region plus 科协/科学技术协会 is self-describing and wins;
//!   otherwise the org_type column (省级科协, 市级科协, 县级科协, 全国科协, in any wording that says so);
//!   everything else is grassroots.

use rayon::prelude::*;

use crate::geo::{DivCode, DivLevel, Gazetteer, Region};
use crate::model::{Directory, Field, Level, RecIdx};
use crate::normalize::NameParts;
use crate::uscc::{self, UsccCheck};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgProfile {
    /// Best estimate of the record's region (see `docs/levels.md` for how sources are combined).
    /// For an association, cut to the association's own level (a county association's city is kept,
    /// a province association has only the province).
    pub region: Region,
    /// Region from the province/city/county columns alone.
    pub column_region: Region,
    pub level: Level,
    /// A regional science association (科协 of a province, city or county, or the national one):
    /// the backbone that events are reviewed through.
    pub is_association: bool,
    pub uscc: UsccCheck,
    /// Province of the credit code's division code, for valid codes.
    pub uscc_province: Option<DivCode>,
}

impl OrgProfile {
    /// The division an association stands for (its province, city or county code); `None` for
    /// grassroots units, the national association, and associations whose division is unknown.
    pub fn own_division(&self) -> Option<DivCode> {
        if !self.is_association {
            return None;
        }
        match self.level {
            Level::Province => self.region.province,
            Level::City => self.region.city,
            Level::County => self.region.county,
            Level::National | Level::Grassroots => None,
        }
    }
}

/// Profile every record. `names[i]` is the parse of record i's name.
/// Parse every name and profile every record: what dedupe, check and coverage all start from.
pub fn parse_and_profile(dir: &Directory) -> (Vec<NameParts>, Vec<OrgProfile>) {
    let g = Gazetteer::global();
    let t = std::time::Instant::now();
    let mut names = parse_names(dir, g);
    crate::progress::timing("parse names", t);
    let t = std::time::Instant::now();
    let mut profiles = profile_all(dir, &names, g);
    reread_misread_places(dir, &mut names, &mut profiles, g);
    crate::progress::timing("profile records", t);
    (names, profiles)
}

/// `parse_and_profile` for a few records (a lookup's queries and candidates, one call per
/// query): not a phase worth a timing line.
pub fn parse_and_profile_few(dir: &Directory) -> (Vec<NameParts>, Vec<OrgProfile>) {
    let g = Gazetteer::global();
    let mut names = parse_names(dir, g);
    let mut profiles = profile_all(dir, &names, g);
    reread_misread_places(dir, &mut names, &mut profiles, g);
    (names, profiles)
}

/// A name that opens with a place written short (北辰 for 北辰区) which the record's own region
/// columns rule out (filed under 北京市, 北辰区 is 天津's) names no place there: those words are
/// the unit's own name, its 字号 (北辰实业股份有限公司). Such names are parsed again reading no
/// place, and profiled again: compared as places they vetoed the same company written with its
/// region (北京北辰实业股份有限公司: 北京 / 北辰).
fn reread_misread_places(
    dir: &Directory,
    names: &mut [NameParts],
    profiles: &mut [OrgProfile],
    g: &Gazetteer,
) {
    let misread: Vec<RecIdx> = (0..dir.len() as RecIdx)
        .into_par_iter()
        .filter(|&i| place_misread(&names[i as usize], &profiles[i as usize].column_region, g))
        .collect();
    for i in misread {
        names[i as usize] = crate::normalize::parse_without_place(dir.name(i), g);
        profiles[i as usize] = profile_one(dir, i, &names[i as usize], g);
    }
}

/// Does `name` open with places written short only, the first of which no reading fits the
/// record's region `columns` (which name a province at least)?
fn place_misread(name: &NameParts, columns: &Region, g: &Gazetteer) -> bool {
    let Some(first) = name.mentions.first() else { return false };
    if columns.province.is_none() || !name.mentions.iter().all(|m| m.short) {
        return false;
    }
    let known = [columns.province, columns.city, columns.county];
    let fits = |d: DivCode| known.into_iter().flatten().all(|c| g.within(d, c) || g.within(c, d));
    let text = name.key.get(first.start..first.end).unwrap_or_default();
    !g.divisions_named(text).any(|d| fits(d.code))
}

/// Every record's parsed name, each distinct name parsed once: about one name in ten is written
/// exactly as another record's (the same unit filed twice, the same school name in many
/// counties), and a parse costs far more than a copy. `parse` depends on the name alone.
fn parse_names(dir: &Directory, g: &Gazetteer) -> Vec<NameParts> {
    let first =
        first_of_each(&(0..dir.len() as RecIdx).into_par_iter().map(|i| dir.name(i)).collect::<Vec<_>>());
    let mut names: Vec<NameParts> = (0..dir.len())
        .into_par_iter()
        .map(|i| {
            if first[i] as usize == i {
                crate::normalize::parse(dir.name(i as RecIdx), g)
            } else {
                NameParts::default()
            }
        })
        .collect();
    // The copies are made in parallel (one by one they were a tenth of the phase), from the
    // first record of each name, which was parsed above, then moved into place; a batch at a
    // time, so that the copies in flight stay a few megabytes.
    let repeats: Vec<usize> = (0..names.len()).filter(|&i| first[i] as usize != i).collect();
    for batch in repeats.chunks(1 << 13) {
        let copies: Vec<NameParts> = batch.par_iter().map(|&i| names[first[i] as usize].clone()).collect();
        for (&i, copy) in batch.iter().zip(copies) {
            names[i] = copy;
        }
    }
    names
}

/// For each item, the index of the first item equal to it.
fn first_of_each(items: &[&str]) -> Vec<RecIdx> {
    let hasher = ahash::RandomState::with_seeds(3, 5, 7, 11);
    first_of_each_by(items, |s| hasher.hash_one(s))
}

/// `first_of_each` with the hash given. On one thread, with a hash map, this was a tenth of
/// name parsing (a cache miss per name): the items are hashed and sorted by hash in parallel,
/// and only items of one hash are compared.
fn first_of_each_by(items: &[&str], hash: impl Fn(&str) -> u64 + Sync) -> Vec<RecIdx> {
    let mut keyed: Vec<(u64, RecIdx)> =
        items.par_iter().enumerate().map(|(i, s)| (hash(s), i as RecIdx)).collect();
    // By hash, then by position: in a group the first of each text comes first.
    keyed.par_sort_unstable();
    let mut first: Vec<RecIdx> = (0..items.len() as RecIdx).collect();
    let mut texts: Vec<RecIdx> = Vec::new();
    for group in keyed.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        // The first position of each distinct text of the group (almost always one text).
        texts.clear();
        for &(_, i) in group {
            match texts.iter().find(|&&t| items[t as usize] == items[i as usize]) {
                Some(&t) => first[i as usize] = t,
                None => texts.push(i),
            }
        }
    }
    first
}

pub fn profile_all(dir: &Directory, names: &[NameParts], g: &Gazetteer) -> Vec<OrgProfile> {
    (0..dir.len() as RecIdx)
        .into_par_iter()
        .map_init(ColumnRegions::default, |seen, i| profile_with(dir, i, &names[i as usize], g, seen))
        .collect()
}

/// The region columns resolved so far, by their text: a directory writes a few thousand
/// distinct (province, city, county) triples across a million rows, and resolving one was half
/// of profiling (gazetteer look-ups that allocate). `resolve_columns` depends on the text alone.
type ColumnRegions<'a> = ahash::AHashMap<(&'a str, &'a str, &'a str), Region>;

pub fn profile_one(dir: &Directory, i: RecIdx, name: &NameParts, g: &Gazetteer) -> OrgProfile {
    profile_with(dir, i, name, g, &mut ColumnRegions::default())
}

fn profile_with<'a>(
    dir: &'a Directory,
    i: RecIdx,
    name: &NameParts,
    g: &Gazetteer,
    seen: &mut ColumnRegions<'a>,
) -> OrgProfile {
    let columns = (dir.get(i, Field::Province), dir.get(i, Field::City), dir.get(i, Field::County));
    let column_region =
        *seen.entry(columns).or_insert_with(|| g.resolve_columns(columns.0, columns.1, columns.2));
    let uscc = uscc::validate(dir.get(i, Field::Uscc));
    let uscc_province = match uscc {
        UsccCheck::Valid { division } => g.province_of(division),
        _ => None,
    };
    let named = name_level(name, g, &column_region);
    let typed = type_level(dir.get(i, Field::OrgType));
    let (level, is_association) = match (named, typed) {
        (Some(NamedLevel { level, full: true, .. }), _) => (level, true),
        // A short region name can mean several levels (东营 is the city and its 东营区; 阿勒泰 the
        // prefecture and the county-level city): the type column says which, else the region
        // columns when they name one of its readings.
        (Some(NamedLevel { full: false, .. }), Some(t)) => (t, true),
        (Some(NamedLevel { level, full: false, confirmed }), None) => (confirmed.unwrap_or(level), true),
        (None, Some(t)) => (t, true),
        (None, None) => (Level::Grassroots, false),
    };
    let mut region = if is_association {
        // An association's own division is in its name: use it to fill what the columns leave out.
        cut_to_level(g, merge_regions(g, column_region, name.region), level)
    } else if column_region.is_empty() {
        name.region
    } else {
        // The columns' depth is the unit's registered depth: a university named after its city
        // (大连理工大学) with only a province in its columns is a province-level unit. But only
        // as deep as the file can say: in a dump without a county column, 寒亭区实验小学 of
        // 潍坊市 is in 寒亭区.
        let absent = |f: Field| !dir.has_column(i, f);
        if absent(Field::County) || absent(Field::City) {
            fill_absent_columns(g, column_region, name.region, absent(Field::City), absent(Field::County))
        } else {
            column_region
        }
    };
    if region.province.is_none() {
        region.province = uscc_province;
    }
    OrgProfile { region, column_region, level, is_association, uscc, uscc_province }
}

/// The region of a unit from a file without a city or county column: the levels the file has no
/// column for are taken from the name where it agrees with the columns. A level the file has a
/// column for stays as the row gives it, and so does the depth it implies: a row whose city cell
/// is empty is a province-level unit, whatever county its name starts with.
fn fill_absent_columns(
    g: &Gazetteer,
    columns: Region,
    name: Region,
    city_absent: bool,
    county_absent: bool,
) -> Region {
    let mut merged = merge_regions(g, columns, name);
    if !city_absent && merged.city != columns.city {
        return columns;
    }
    if !county_absent {
        merged.county = columns.county;
    }
    merged
}

/// Columns first; each level they leave empty is taken from the name if the name agrees with
/// everything the columns do say.
fn merge_regions(g: &Gazetteer, columns: Region, name: Region) -> Region {
    if columns.is_empty() {
        return name;
    }
    if name.is_empty() || g.conflicts(&columns, &name) {
        return columns;
    }
    let mut r = columns;
    r.province = r.province.or(name.province);
    if r.city.is_none() && r.county.is_none() {
        r.city = name.city;
    }
    if r.county.is_none() {
        // A county from the name must sit in the city the columns give.
        if let Some(k) = name.county {
            if r.city.is_none_or(|c| g.city_of(k) == Some(c)) {
                r.county = Some(k);
                r.city = r.city.or_else(|| g.city_of(k));
            }
        }
    }
    r
}

/// An association's region stops at its own level.
fn cut_to_level(g: &Gazetteer, mut r: Region, level: Level) -> Region {
    match level {
        Level::National => Region::default(),
        Level::Province => Region { province: r.province, ..Region::default() },
        Level::City => {
            r.county = None;
            // A municipality's association is province-level; a "city" one there is the same thing.
            if r.city.and_then(|c| g.get(c)).is_some_and(|d| d.transparent) {
                r.city = None;
            }
            r
        }
        Level::County | Level::Grassroots => r,
    }
}

/// The written forms of "science and technology association" after name folding.
const ASSOC_WORDS: &[&str] = &["科学技术协会", "科协", "科學技術協會"];
/// Provisional markers that do not change what an association is.
const PROVISIONAL: &[&str] = &["(筹)", "（筹）", "筹备组", "筹委会", "筹"];
const NATIONAL_NAMES: &[&str] = &["中国科学技术协会", "中国科协", "中华人民共和国科学技术协会"];

/// The level a name states, and whether it states it in full (安徽省, 东营区) rather than in a
/// short form that may mean several levels (东营).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NamedLevel {
    level: Level,
    full: bool,
    /// For a short form, the deepest level at which one of its readings is the division the
    /// columns give (东营 with county column 东营区 → county).
    confirmed: Option<Level>,
}

/// Level of a name that is just a region (or China) plus the association word.
fn name_level(name: &NameParts, g: &Gazetteer, columns: &Region) -> Option<NamedLevel> {
    let key = &*name.key;
    let bare = strip_provisional(key);
    if NATIONAL_NAMES.contains(&bare) {
        return Some(NamedLevel { level: Level::National, full: true, confirmed: None });
    }
    if name.region_text().is_empty() {
        return None;
    }
    let rest = strip_provisional(key.strip_prefix(name.region_text())?);
    if !ASSOC_WORDS.contains(&rest) {
        return None;
    }
    let mentions = g.region_prefix(name.region_text());
    let last = mentions.last()?;
    let code = *last.candidates.first()?;
    let level = level_of(g.get(code)?.level);
    let confirmed = if last.short {
        let text = name.region_text().get(last.start..last.end).unwrap_or("");
        g.lookup(text)
            .into_iter()
            .filter(|d| {
                let column = match d.level {
                    DivLevel::Province => columns.province,
                    DivLevel::City => columns.city,
                    DivLevel::County => columns.county,
                };
                column == Some(d.code)
            })
            .map(|d| d.level)
            .max()
            .map(level_of)
    } else {
        None
    };
    Some(NamedLevel { level, full: !last.short, confirmed })
}

fn level_of(d: DivLevel) -> Level {
    match d {
        DivLevel::Province => Level::Province,
        DivLevel::City => Level::City,
        DivLevel::County => Level::County,
    }
}

fn strip_provisional(s: &str) -> &str {
    let mut s = s;
    for m in PROVISIONAL {
        if let Some(t) = s.strip_suffix(m) {
            s = t;
            break;
        }
    }
    s
}

/// Level named by an org_type value, for association types only. Words that mark a grassroots
/// association (企业科协, 高校科协, 基层科协, 乡镇/街道科协…) are not regional associations.
pub fn type_level(org_type: &str) -> Option<Level> {
    let t = org_type.trim();
    if !(t.contains("科协") || t.contains("科学技术协会")) {
        return None;
    }
    const GRASSROOTS: &[&str] =
        &["基层", "企业", "高校", "学校", "院校", "乡", "镇", "街道", "村", "社区", "园区", "学会", "医院"];
    if GRASSROOTS.iter().any(|w| t.contains(w)) {
        return None;
    }
    if t.contains("全国") || t.contains("中国") || t.contains("国家") {
        Some(Level::National)
    } else if t.contains("县") {
        Some(Level::County)
    } else if t.contains("自治区") {
        Some(Level::Province)
    } else if t.contains("区") {
        Some(Level::County)
    } else if t.contains("市") || t.contains("地") || t.contains("州") || t.contains("盟") {
        Some(Level::City)
    } else if t.contains("省") {
        Some(Level::Province)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hierarchy::testkit::DirBuilder;

    fn profile(name: &str, prov: &str, city: &str, county: &str, typ: &str) -> OrgProfile {
        let mut b = DirBuilder::new();
        b.add_full("A", name, "", "", prov, city, county, typ);
        let (dir, names) = b.build_with_names();
        profile_one(&dir, 0, &names[0], Gazetteer::global())
    }

    #[test]
    fn each_name_parsed_as_if_alone() {
        assert_eq!(first_of_each(&["甲", "乙", "甲", "丙", "乙", "甲"]), vec![0, 1, 0, 3, 1, 0]);
        // Every text of one hash: the texts themselves still tell them apart.
        let items = ["甲", "乙", "甲", "丙", "乙", "甲", "丙"];
        assert_eq!(first_of_each_by(&items, |_| 7), vec![0, 1, 0, 3, 1, 0, 3]);
        assert_eq!(first_of_each_by(&items, |s| s.len() as u64), vec![0, 1, 0, 3, 1, 0, 3]);
        let mut b = DirBuilder::new();
        for (id, name) in [("A", "合肥市科协"), ("B", "第一中学"), ("C", "合肥市科协"), ("D", "合肥市科协")]
        {
            b.add_full(id, name, "", "", "", "", "", "");
        }
        let (dir, _) = b.build_with_names();
        let g = Gazetteer::global();
        let names = parse_names(&dir, g);
        for (i, n) in names.iter().enumerate() {
            assert_eq!(*n, crate::normalize::parse(dir.name(i as RecIdx), g), "record {i}");
        }
    }

    /// A place written short that the record's columns rule out is the unit's own name: the
    /// company 北辰实业 filed under 北京市 is not in 天津's 北辰区 (the real company list had it
    /// vetoed against 北京北辰实业股份有限公司 as 北京 / 北辰).
    #[test]
    fn a_short_place_the_columns_rule_out_is_read_as_the_name() {
        let mut b = DirBuilder::new();
        b.add_full("A", "北辰实业股份有限公司", "", "", "北京市", "", "", "企业");
        b.add_full("B", "北辰实业股份有限公司", "", "", "天津市", "", "", "企业");
        b.add_full("C", "北辰区实业公司", "", "", "北京市", "", "", "企业");
        b.add_full("D", "北辰实业股份有限公司", "", "", "", "", "", "企业");
        let (dir, _) = b.build_with_names();
        let (names, profiles) = parse_and_profile_few(&dir);
        assert_eq!((names[0].region_text(), &*names[0].core), ("", "北辰实业"));
        assert_eq!(profiles[0], profile_one(&dir, 0, &names[0], Gazetteer::global()));
        // Filed where the place is, written whole, or filed nowhere: read as a place.
        let places: Vec<&str> = names[1..].iter().map(|n| n.region_text()).collect();
        assert_eq!(places, ["北辰", "北辰区", "北辰"]);
    }

    #[test]
    fn org_type_words() {
        assert_eq!(type_level("省级科协"), Some(Level::Province));
        assert_eq!(type_level("市级科协"), Some(Level::City));
        assert_eq!(type_level("地市级科协"), Some(Level::City));
        assert_eq!(type_level("县级科协"), Some(Level::County));
        assert_eq!(type_level("区县科协"), Some(Level::County));
        assert_eq!(type_level("全国科协"), Some(Level::National));
        assert_eq!(type_level("自治区科协"), Some(Level::Province));
        assert_eq!(type_level("省直辖县科协"), Some(Level::County));
        assert_eq!(type_level("企业科协"), None);
        assert_eq!(type_level("高校科协"), None);
        assert_eq!(type_level("基层科协"), None);
        assert_eq!(type_level("学校"), None);
    }

    #[test]
    fn levels_from_names_without_type_column() {
        assert_eq!(profile("中国科学技术协会", "", "", "", "").level, Level::National);
        let p = profile("安徽省科学技术协会", "", "", "", "");
        assert_eq!((p.level, p.is_association, p.own_division()), (Level::Province, true, Some(340000)));
        let p = profile("合肥市科协", "", "", "", "");
        assert_eq!((p.level, p.own_division()), (Level::City, Some(340100)));
        let p = profile("安徽省合肥市肥西县科学技术协会", "", "", "", "");
        assert_eq!((p.level, p.own_division()), (Level::County, Some(340123)));
        let p = profile("肥西县科学技术协会（筹）", "", "", "", "");
        assert_eq!(p.level, Level::County);
        // A university's association is grassroots even though its name starts with a region.
        let p = profile("上海大学科学技术协会", "上海市", "", "", "");
        assert_eq!((p.level, p.is_association), (Level::Grassroots, false));
        assert_eq!(profile("合肥市第一中学", "", "", "", "").level, Level::Grassroots);
    }

    #[test]
    fn municipalities_are_province_level_and_districts_county_level() {
        let p = profile("北京市科学技术协会", "北京市", "北京市", "", "省级科协");
        assert_eq!((p.level, p.own_division(), p.region.city), (Level::Province, Some(110000), None));
        let p = profile("北京市朝阳区科学技术协会", "北京市", "北京市", "朝阳区", "县级科协");
        assert_eq!((p.level, p.own_division()), (Level::County, Some(110105)));
    }

    #[test]
    fn short_names_that_mean_two_levels_follow_the_type_column() {
        let p = profile("东营科协", "山东省", "东营市", "东营区", "县级科协");
        assert_eq!((p.level, p.own_division()), (Level::County, Some(370502)));
        let p = profile("东营市科协", "山东省", "东营市", "", "县级科协");
        assert_eq!((p.level, p.own_division()), (Level::City, Some(370500)), "a full name wins");
    }

    #[test]
    fn type_column_used_when_the_name_is_misspelt() {
        let p = profile("合飞市科学技术协会", "安徽省", "合肥市", "", "市级科协");
        assert_eq!((p.level, p.own_division()), (Level::City, Some(340100)));
    }

    #[test]
    fn shared_county_names_resolved_by_columns() {
        let p = profile("鼓楼区科学技术协会", "江苏省", "南京市", "鼓楼区", "");
        assert_eq!((p.level, p.own_division()), (Level::County, Some(320106)));
    }

    #[test]
    fn columns_win_over_name_and_credit_code() {
        // Name names another county: the columns are kept.
        let p = profile("庐江县第一中学", "安徽省", "合肥市", "肥西县", "学校");
        assert_eq!(p.region.county, Some(340123));
        // For a grassroots unit the columns' depth is kept: the name does not deepen it.
        let p = profile("大连理工大学", "辽宁省", "", "", "高校");
        assert_eq!((p.region.province, p.region.city), (Some(210000), None));
        // With no region columns at all, the name gives the region.
        let p = profile("肥西县第一中学", "", "", "", "学校");
        assert_eq!(p.region.county, Some(340123));
        // An association's name fills its own division.
        let p = profile("肥西县科学技术协会", "安徽省", "合肥市", "", "");
        assert_eq!(p.own_division(), Some(340123));
    }
}
