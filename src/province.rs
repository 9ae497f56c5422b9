//! `--province P`: one province's share of a run or of the review sheet. The analysis always runs
//! on the whole dump (parents, duplicates and chains cross province lines); only the rows handed
//! to the reports are filtered (`report::filter`, `report::review`).

use crate::error::{Error, Result};
use crate::geo::{DivCode, Gazetteer};

/// The province asked for, resolved against the gazetteer, so that `湖南`, `湖南省` and the
/// province column's own spelling all select the same records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvinceFilter {
    pub code: DivCode,
    /// The gazetteer's name (湖南省): what reports print.
    pub name: String,
}

impl ProvinceFilter {
    pub fn parse(written: &str) -> Result<ProvinceFilter> {
        let g = Gazetteer::global();
        match g.resolve_province(written) {
            Some(code) => Ok(ProvinceFilter { code, name: g.name_of(code).to_string() }),
            None => Err(Error::Usage(format!(
                "--province {written:?}: not a province name (write it as in the province column, e.g. 湖南 or 湖南省)"
            ))),
        }
    }

    /// Whether a record counted under the province label `label` (as `Pipeline::province_of`
    /// gives it: the gazetteer's name, or the column as written when it did not resolve) is in
    /// this province.
    pub fn matches(&self, label: &str) -> bool {
        label == self.name || Gazetteer::global().resolve_province(label) == Some(self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_full_names_select_the_same_province() {
        let p = ProvinceFilter::parse("湖南").unwrap();
        assert_eq!(p, ProvinceFilter::parse("湖南省").unwrap());
        assert!(p.matches("湖南省") && p.matches("湖南"));
        assert!(!p.matches("河南省") && !p.matches("(unknown)") && !p.matches(""));
        assert!(ProvinceFilter::parse("火星").is_err());
    }
}
