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
    /// Canonical valid credit code.
    pub uscc: Option<Box<str>>,
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

    /// Province bucket for blocking (0 = unknown).
    pub fn province_key(&self) -> u32 {
        if self.named_division == Some(NATIONAL) && self.region.province.is_none() {
            return 0;
        }
        self.region.province.unwrap_or(0)
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
    features(name, profile, dir.get(i, Field::Uscc), g)
}

pub fn features(name: &NameParts, profile: &OrgProfile, uscc_raw: &str, g: &Gazetteer) -> Features {
    let mut region = profile.column_region;
    let mut f = Features { uscc: uscc::canonical(uscc_raw).map(Into::into), ..Features::default() };
    if name.national {
        f.named_division = Some(NATIONAL);
    }
    let mut prev_level: Option<DivLevel> = None;
    for m in &name.mentions {
        let text = &name.key[m.start..m.end];
        let cands: Vec<_> = g
            .lookup(text)
            .into_iter()
            .filter(|d| prev_level.is_none_or(|p| d.level > p))
            .filter(|d| consistent(g, &region, d.code))
            .collect();
        if cands.is_empty() {
            // The name says one place, the columns another: trust the columns, keep the flag.
            f.name_conflicts_columns = true;
            f.named_division = None;
            f.named_ambiguous = false;
            region = profile.column_region;
            break;
        }
        // Prefer the reading the columns confirm, deepest first (阿勒泰 = 阿勒泰市 when the
        // county column says so); else a unique reading.
        let confirmed =
            cands.iter().filter(|d| code_at(&region, d.level) == Some(d.code)).max_by_key(|d| d.level);
        let pick = confirmed.or(if cands.len() == 1 { cands.first() } else { None });
        match pick {
            Some(d) => {
                set_at(g, &mut region, d.code, d.level);
                f.named_division = Some(d.code);
                f.named_ambiguous = false;
                prev_level = Some(d.level);
            }
            None => {
                f.named_division = None;
                f.named_ambiguous = true;
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
    use crate::normalize::parse;

    fn feat(name: &str, cols: Region) -> Features {
        let g = Gazetteer::global();
        let n = parse(name, g);
        let profile = OrgProfile {
            region: cols,
            column_region: cols,
            level: crate::model::Level::Grassroots,
            is_association: false,
            uscc: uscc::UsccCheck::Absent,
            uscc_province: None,
        };
        features(&n, &profile, "", g)
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
    fn name_conflicting_with_columns_is_ignored() {
        let g = Gazetteer::global();
        let cols = g.resolve_columns("北京市", "", "");
        let f = feat("中山大学", cols);
        assert!(f.name_conflicts_columns);
        assert_eq!(f.region, cols);
    }
}
