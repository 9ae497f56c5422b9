//! The one-character names of the provinces (简称: 川 for 四川, 粤 for 广东), which companies and
//! units use in their short names (川航 for 四川航空公司). `data/province_abbreviations.csv`.

use std::sync::OnceLock;

use super::DivCode;

const PROVINCE_ABBREVIATIONS_CSV: &str = include_str!("../../data/province_abbreviations.csv");

/// The one-character names of province `code` (empty for any other code): 川 and 蜀 for 510000.
/// Looked up for every region mention of every record while short forms are paired: indexed by
/// the code's first two digits, a city or county code answered without a look.
pub fn province_abbreviations(code: DivCode) -> &'static [char] {
    static TABLE: OnceLock<Vec<Vec<char>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = vec![Vec::new(); 100];
        for line in PROVINCE_ABBREVIATIONS_CSV.lines().skip(1) {
            let mut f = line.split(',');
            let code: Option<DivCode> = f.next().and_then(|c| c.parse().ok());
            if let (Some(code), Some(names)) = (code, f.nth(1)) {
                table[(code / 10_000) as usize % 100] =
                    names.split(' ').filter_map(|a| a.chars().next()).collect();
            }
        }
        table
    });
    if !code.is_multiple_of(10_000) {
        return &[];
    }
    table.get((code / 10_000) as usize).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::{DivLevel, Gazetteer};

    #[test]
    fn every_province_has_its_one_character_names_and_only_provinces_do() {
        let g = Gazetteer::global();
        for line in PROVINCE_ABBREVIATIONS_CSV.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 3, "{line}");
            let d =
                g.get(f[0].parse().unwrap()).unwrap_or_else(|| panic!("{line}: code not in divisions.csv"));
            assert_eq!((d.level, d.name.as_str()), (DivLevel::Province, f[1]), "{line}");
            assert!(f[2].split(' ').all(|a| a.chars().count() == 1), "{line}");
        }
        let provinces = g.divisions().iter().filter(|d| d.level == DivLevel::Province);
        assert!(provinces.clone().all(|d| !province_abbreviations(d.code).is_empty()));
        assert_eq!(provinces.count(), PROVINCE_ABBREVIATIONS_CSV.lines().count() - 1);
        assert_eq!(province_abbreviations(510000), ['川', '蜀']);
        assert_eq!(province_abbreviations(440000), ['粤']);
        assert!(province_abbreviations(510100).is_empty(), "a city has none");
    }
}
