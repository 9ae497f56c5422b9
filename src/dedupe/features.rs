//! Per-record evidence for comparing records: the region combined from the columns and the name,
//! the division the name itself names, and the valid credit code.

use crate::geo::{DivCode, DivLevel, Gazetteer, Region};
use crate::model::{Directory, Field, RecIdx};
use crate::normalize::NameParts;
use crate::profile::OrgProfile;
use crate::uscc;

/// Pseudo division code for national units (中国…, 全国…).
pub const NATIONAL: DivCode = 1;

#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Region from the columns, completed by the name's region prefix where the two agree.
    pub region: Region,
    /// The name's region prefix contradicts the columns (the columns are used).
    pub name_conflicts_columns: bool,
    /// The division the name's prefix names (its deepest mention, narrowed by the columns);
    /// `NATIONAL` for 中国/全国 names; `None` if the name names none or it stays ambiguous.
    pub named_division: Option<DivCode>,
    /// The name has a region prefix but its division stays ambiguous (鼓楼区 with no columns).
    pub named_ambiguous: bool,
    /// Every place the record can be when its name's place is ambiguous (长沙 is 长沙市 or 长沙县):
    /// `region` refined by each reading the columns allow. Empty when there is one reading
    /// (`region` itself).
    pub readings: Box<[Region]>,
    /// Canonical valid credit code.
    pub uscc: Option<Box<str>>,
    /// The parent record, as independent evidence (two records under one parent).
    pub parent: Option<RecIdx>,
    /// The name has no place in it and its body is only a kind: it also stands, with a place
    /// before it, for units of several places in this directory (交通大学, 作家协会). It names
    /// none of them, so it never merges automatically (it would glue them together).
    pub kind_only: bool,
}

impl Features {
    /// What the record is "the unit of" when its name has no identifying words (城区科协, 第一中学):
    /// the division the name names, else the deepest region known from the columns.
    pub fn identity_division(&self) -> Option<DivCode> {
        if self.named_ambiguous {
            return None;
        }
        self.named_division.or(self.region.most_specific())
    }

    /// The places the record can be: its readings, or its one region.
    pub fn places(&self) -> &[Region] {
        if self.readings.is_empty() {
            std::slice::from_ref(&self.region)
        } else {
            &self.readings
        }
    }

    /// Can the two records be in the same place? No when no reading of one is compatible with
    /// any reading of the other, at any level either knows (长沙 / 衡阳 under 湖南省: 长沙市 or
    /// 长沙县 against 衡阳市 or 衡阳县).
    pub fn places_conflict(&self, other: &Features, g: &Gazetteer) -> bool {
        self.places().iter().all(|x| other.places().iter().all(|y| g.conflicts(x, y)))
    }

    /// Province bucket for blocking (0 = unknown).
    pub fn province_key(&self) -> u32 {
        if self.named_division == Some(NATIONAL) && self.region.province.is_none() {
            return 0;
        }
        self.region.province.unwrap_or(0)
    }
}

/// The two most frequent vetoes of a record, packed in 16 bytes: over 90% of candidate pairs
/// differ in credit code or region, and telling so from this dense array instead of from the
/// records' own structures and the strings they point to keeps the scoring loop in cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VetoKey {
    /// Hash of the valid credit code (never 0), 0 without one.
    code: u64,
    /// The record's one place, 21 bits per level (0 = unknown); `SEVERAL` when it has several
    /// readings or a code does not fit.
    place: u64,
}

const LEVEL_BITS: u32 = 21;
const LEVEL_MASK: u64 = (1 << LEVEL_BITS) - 1;
const SEVERAL: u64 = u64::MAX;

impl VetoKey {
    pub fn of(f: &Features) -> VetoKey {
        static HASHER: std::sync::OnceLock<ahash::RandomState> = std::sync::OnceLock::new();
        let hasher = HASHER.get_or_init(|| ahash::RandomState::with_seeds(7, 11, 13, 17));
        let code = f.uscc.as_deref().map_or(0, |u| hasher.hash_one(u).max(1));
        let place = match f.places() {
            [one] => {
                let levels = [one.province, one.city, one.county].map(|c| c.map_or(0, u64::from));
                if levels.iter().all(|&c| c <= LEVEL_MASK) {
                    levels[0] | levels[1] << LEVEL_BITS | levels[2] << (2 * LEVEL_BITS)
                } else {
                    SEVERAL
                }
            }
            _ => SEVERAL,
        };
        VetoKey { code, place }
    }

    /// The two records certainly differ in credit code (different hashes are different codes) or
    /// in place (`Features::places_conflict` on one place each). `false` says nothing: the
    /// records themselves must be compared.
    pub fn certainly_vetoed(self, other: VetoKey) -> bool {
        if self.code != 0 && other.code != 0 && self.code != other.code {
            return true;
        }
        if self.place == SEVERAL || other.place == SEVERAL {
            return false;
        }
        (0..3).any(|k| {
            let (x, y) = (
                (self.place >> (k * LEVEL_BITS)) & LEVEL_MASK,
                (other.place >> (k * LEVEL_BITS)) & LEVEL_MASK,
            );
            x != 0 && y != 0 && x != y
        })
    }
}

fn code_at(r: &Region, level: DivLevel) -> Option<DivCode> {
    match level {
        DivLevel::Province => r.province,
        DivLevel::City => r.city,
        DivLevel::County => r.county,
    }
}

fn set_at(g: &Gazetteer, r: &mut Region, code: DivCode, level: DivLevel) {
    match level {
        DivLevel::Province => r.province = Some(code),
        DivLevel::City => r.city = Some(code),
        DivLevel::County => {
            r.county = Some(code);
            r.city = r.city.or_else(|| g.city_of(code));
        }
    }
    r.province = r.province.or_else(|| g.province_of(code));
}

/// Is division `d` compatible with every level `r` knows (inside it or containing it)?
fn consistent(g: &Gazetteer, r: &Region, d: DivCode) -> bool {
    [r.province, r.city, r.county].into_iter().flatten().all(|c| g.within(d, c) || g.within(c, d))
}

/// Features of record `i` of `dir`.
pub fn of_record(
    dir: &Directory,
    i: RecIdx,
    name: &NameParts,
    profile: &OrgProfile,
    g: &Gazetteer,
) -> Features {
    // The profile validated this very code: validating it again was a third of this phase.
    let code = match profile.uscc {
        uscc::UsccCheck::Valid { .. } => Some(dir.get(i, Field::Uscc).trim().to_ascii_uppercase().into()),
        _ => None,
    };
    debug_assert_eq!(code.as_deref(), uscc::canonical(dir.get(i, Field::Uscc)).as_deref());
    let mut f = features_with_code(name, profile, code, g);
    f.parent = dir.parent(i).filter(|&p| p != i);
    f
}

#[cfg(test)]
pub fn features(name: &NameParts, profile: &OrgProfile, uscc_raw: &str, g: &Gazetteer) -> Features {
    features_with_code(name, profile, uscc::canonical(uscc_raw).map(Into::into), g)
}

/// A grassroots record (no association) parsed from its name, filed under `columns`, with a
/// credit code as written: the record tests of dedupe's rules are made of.
#[cfg(test)]
pub fn parsed(name: &str, columns: Region, uscc_raw: &str) -> (NameParts, Features) {
    let g = Gazetteer::global();
    let n = crate::normalize::parse(name, g);
    let profile = OrgProfile {
        region: columns,
        column_region: columns,
        level: crate::model::Level::Grassroots,
        is_association: false,
        uscc: uscc::UsccCheck::Absent,
        uscc_province: None,
    };
    let f = features(&n, &profile, uscc_raw, g);
    (n, f)
}

/// `features` given the canonical valid credit code.
fn features_with_code(
    name: &NameParts,
    profile: &OrgProfile,
    uscc: Option<Box<str>>,
    g: &Gazetteer,
) -> Features {
    let mut region = profile.column_region;
    let mut f = Features { uscc, ..Features::default() };
    if name.national {
        f.named_division = Some(NATIONAL);
    }
    let mut prev_level: Option<DivLevel> = None;
    for m in &name.mentions {
        let text = &name.key[m.start..m.end];
        let mut readings = g
            .divisions_named(text)
            .filter(|d| prev_level.is_none_or(|p| d.level > p))
            .filter(|d| consistent(g, &region, d.code));
        // Most texts have one reading: a vector only for several (a third of this phase was
        // collecting one-element vectors).
        let (one, several): ([&crate::geo::Division; 1], Vec<&crate::geo::Division>);
        let cands: &[&crate::geo::Division] = match (readings.next(), readings.next()) {
            (None, _) => &[],
            (Some(a), None) => {
                one = [a];
                &one
            }
            (Some(a), Some(b)) => {
                several = [a, b].into_iter().chain(readings).collect();
                &several
            }
        };
        if cands.is_empty() {
            // The name says one place, the columns another: trust the columns, keep the flag.
            f.name_conflicts_columns = true;
            f.named_division = None;
            f.named_ambiguous = false;
            f.readings = Box::default();
            region = profile.column_region;
            break;
        }
        // Prefer the reading the columns confirm, deepest first (阿勒泰 = 阿勒泰市 when the
        // county column says so); else a unique reading.
        // The province column alone does not confirm the province reading of a name that is
        // also a city of that province: with only 吉林省 given, 吉林四中 is as much 吉林市's. (A
        // city column does confirm its city over a county of the same name, 广安 = 广安市 not
        // 广安区: units are named after their city far more often.)
        let open_below = |c: &&crate::geo::Division| {
            c.level == DivLevel::Province
                && cands.iter().any(|d| {
                    d.level > c.level && code_at(&region, d.level).is_none() && g.within(d.code, c.code)
                })
        };
        let confirmed = cands
            .iter()
            .filter(|d| code_at(&region, d.level) == Some(d.code))
            .max_by_key(|d| d.level)
            .filter(|c| !open_below(c));
        let pick = confirmed.or(if cands.len() == 1 { cands.first() } else { None });
        match pick {
            Some(d) => {
                set_at(g, &mut region, d.code, d.level);
                // A deeper mention read uniquely fixes the place (set_at fills its city).
                f.readings = Box::default();
                f.named_division = Some(d.code);
                f.named_ambiguous = false;
                prev_level = Some(d.level);
            }
            None => {
                f.named_division = None;
                f.named_ambiguous = true;
                // Every reading stays a possible place: two names conflict when none of one's
                // readings fits any of the other's.
                f.readings = cands
                    .iter()
                    .map(|d| {
                        let mut r = region;
                        set_at(g, &mut r, d.code, d.level);
                        r
                    })
                    .collect();
                // Keep what every reading agrees on (all in one province).
                let p = g.province_of(cands[0].code);
                if cands.iter().all(|d| g.province_of(d.code) == p) {
                    region.province = region.province.or(p);
                }
                prev_level = cands.iter().map(|d| d.level).min();
            }
        }
    }
    f.region = region;
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feat(name: &str, cols: Region) -> Features {
        parsed(name, cols, "").1
    }

    #[test]
    fn columns_narrow_an_ambiguous_county() {
        let g = Gazetteer::global();
        let none = feat("鼓楼区科学技术协会", Region::default());
        assert!(none.named_ambiguous);
        assert_eq!(none.identity_division(), None);
        let fz = g.resolve_columns("福建省", "福州市", "");
        let f = feat("鼓楼区科学技术协会", fz);
        assert_eq!(f.named_division, Some(350102));
        assert_eq!(f.region.county, Some(350102));
    }

    #[test]
    fn a_short_name_reads_at_the_level_the_columns_confirm() {
        let g = Gazetteer::global();
        let cols = g.resolve_columns("新疆维吾尔自治区", "阿勒泰地区", "阿勒泰市");
        let f = feat("阿勒泰科协", cols);
        assert_eq!(f.named_division, cols.county);
        let city = g.resolve_columns("新疆维吾尔自治区", "阿勒泰地区", "");
        assert_eq!(feat("阿勒泰地区科协", city).named_division, city.city);
    }

    #[test]
    fn every_reading_of_an_ambiguous_place_is_kept() {
        let g = Gazetteer::global();
        let hunan = g.resolve_columns("湖南省", "", "");
        let cs = feat("长沙幼儿师范高等专科学校", hunan);
        let hy = feat("衡阳幼儿师范高等专科学校", hunan);
        assert!(cs.named_ambiguous && cs.readings.len() == 2, "{cs:?}");
        assert!(cs.places_conflict(&hy, g), "长沙 is no reading of 衡阳");
        assert!(!cs.places_conflict(&feat("长沙县幼儿师范高等专科学校", hunan), g));
        assert!(!cs.places_conflict(&feat("湖南幼儿师范高等专科学校", hunan), g));
        let henan = g.resolve_columns("河南省", "", "");
        assert!(feat("南阳师范学院", henan).places_conflict(&feat("安阳师范学院", henan), g));
        let none = Region::default();
        assert!(feat("上海交通大学", none).places_conflict(&feat("西安交通大学", none), g));
    }

    #[test]
    fn a_province_column_leaves_a_city_of_the_same_name_open() {
        let g = Gazetteer::global();
        let jilin = g.resolve_columns("吉林省", "", "");
        let short = feat("吉林四中", jilin);
        assert!(short.named_ambiguous, "吉林 is 吉林省 or 吉林市: {short:?}");
        let city = feat("吉林四中", g.resolve_columns("吉林省", "吉林市", ""));
        assert_eq!(city.named_division, Some(220200));
        assert!(!short.places_conflict(&city, g));
        // Written in full, the province is the province.
        assert_eq!(feat("吉林省科学技术协会", jilin).named_division, Some(220000));
    }

    #[test]
    fn veto_keys_veto_only_what_the_records_veto() {
        let g = Gazetteer::global();
        let with_code = |mut f: Features, code: &str| {
            f.uscc = Some(code.into());
            f
        };
        let hunan = g.resolve_columns("湖南省", "", "");
        let henan = g.resolve_columns("河南省", "", "");
        let records = [
            feat("长沙幼儿师范高等专科学校", hunan),
            feat("衡阳幼儿师范高等专科学校", hunan),
            feat("长沙县幼儿师范高等专科学校", hunan),
            feat("湖南幼儿师范高等专科学校", hunan),
            feat("南阳师范学院", henan),
            feat("安阳师范学院", henan),
            feat("上海交通大学", Region::default()),
            feat("西安交通大学", Region::default()),
            feat("交通大学", Region::default()),
            feat("鼓楼区科学技术协会", Region::default()),
            feat("鼓楼区科学技术协会", g.resolve_columns("福建省", "福州市", "")),
            feat("中国科学技术协会", Region::default()),
            with_code(feat("合肥市第一中学", Region::default()), "91340100MA2N0X1234"),
            with_code(feat("合肥市第一中学", Region::default()), "91340100MA2N0X5678"),
            with_code(feat("合肥一中", Region::default()), "91340100MA2N0X1234"),
            with_code(feat("芜湖市第一中学", Region::default()), "91340100MA2N0X1234"),
        ];
        let mut vetoed = 0;
        for a in &records {
            for b in &records {
                let quick = VetoKey::of(a).certainly_vetoed(VetoKey::of(b));
                let codes_differ = matches!((&a.uscc, &b.uscc), (Some(x), Some(y)) if x != y);
                let full = codes_differ || a.places_conflict(b, g);
                assert!(!quick || full, "{a:?} / {b:?}");
                vetoed += usize::from(quick);
            }
        }
        // It does catch most of them: different codes, different places of one reading.
        assert!(vetoed > 40, "{vetoed}");
        let (x, y) = (&records[12], &records[13]);
        assert!(VetoKey::of(x).certainly_vetoed(VetoKey::of(y)));
        assert!(!VetoKey::of(x).certainly_vetoed(VetoKey::of(&records[14])));
        assert!(VetoKey::of(&records[4]).certainly_vetoed(VetoKey::of(&records[3])), "南阳 / 湖南");
        assert!(VetoKey::of(&records[12]).certainly_vetoed(VetoKey::of(&records[15])), "合肥 / 芜湖");
        assert!(!VetoKey::of(&records[0]).certainly_vetoed(VetoKey::of(&records[1])), "several readings");
    }

    #[test]
    fn name_conflicting_with_columns_is_ignored() {
        let g = Gazetteer::global();
        let cols = g.resolve_columns("北京市", "", "");
        let f = feat("中山大学", cols);
        assert!(f.name_conflicts_columns);
        assert_eq!(f.region, cols);
    }
}
