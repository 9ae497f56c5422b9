//! Where each record sits: its region and administrative level, from its own columns, its name
//! (via the gazetteer) and its credit code.
//!
//! OWNER NOTE (temporary): first cut by the lead; the hierarchy helper owns and extends this file.

use crate::geo::{DivCode, Gazetteer, Region};
use crate::model::{Directory, Field, Level, RecIdx};
use crate::normalize::NameParts;
use crate::uscc::{self, UsccCheck};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgProfile {
    /// Best estimate of the record's region (see `docs/levels.md` for how sources are combined).
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

/// Profile every record. `names[i]` is the parse of record i's name.
pub fn profile_all(dir: &Directory, names: &[NameParts], g: &Gazetteer) -> Vec<OrgProfile> {
    (0..dir.len() as RecIdx).map(|i| profile_one(dir, i, &names[i as usize], g)).collect()
}

pub fn profile_one(dir: &Directory, i: RecIdx, name: &NameParts, g: &Gazetteer) -> OrgProfile {
    let column_region =
        g.resolve_columns(dir.get(i, Field::Province), dir.get(i, Field::City), dir.get(i, Field::County));
    let uscc = uscc::validate(dir.get(i, Field::Uscc));
    let uscc_province = match uscc {
        UsccCheck::Valid { division } => g.province_of(division),
        _ => None,
    };
    let region = if column_region.is_empty() { name.region } else { column_region };
    OrgProfile { region, column_region, level: Level::Grassroots, is_association: false, uscc, uscc_province }
}
