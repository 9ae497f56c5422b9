//! The association backbone: which record is the association of each division, and which
//! association a record should hang under.

use std::collections::HashMap;

use crate::geo::DivCode;
use crate::model::FixReason;
use crate::model::{Confidence, Field, Level, RecIdx};

use super::rules::Ctx;

/// One association record per division (and the national one).
pub struct AssocIndex {
    pub national: Option<RecIdx>,
    by_division: HashMap<DivCode, RecIdx>,
}

impl AssocIndex {
    /// When a division has several association records (duplicates), the one to point at is the
    /// cluster survivor; without clusters, the one a survivor rule would keep: certified first,
    /// then with a credit code, then created first, then first in the file.
    pub fn build(ctx: &Ctx) -> AssocIndex {
        let mut national: Option<RecIdx> = None;
        let mut by_division: HashMap<DivCode, RecIdx> = HashMap::new();
        let better = |a: RecIdx, b: RecIdx| rank(ctx, a) < rank(ctx, b);
        for (i, p) in ctx.profiles.iter().enumerate() {
            let i = i as RecIdx;
            if !p.is_association {
                continue;
            }
            let slot = if p.level == Level::National {
                &mut national
            } else if let Some(d) = p.own_division() {
                let c = by_division.entry(d).or_insert(i);
                if better(i, *c) {
                    *c = i;
                }
                continue;
            } else {
                continue;
            };
            if slot.is_none_or(|c| better(i, c)) {
                *slot = Some(i);
            }
        }
        AssocIndex { national, by_division }
    }

    pub fn of_division(&self, d: DivCode) -> Option<RecIdx> {
        self.by_division.get(&d).copied()
    }
}

fn rank(ctx: &Ctx, i: RecIdx) -> (bool, crate::model::CertStatus, bool, String, RecIdx) {
    (
        ctx.clusters.is_merged_away(i),
        ctx.dir.status(i),
        ctx.dir.get(i, Field::Uscc).is_empty(),
        ctx.dir.created_at(i).into_owned(),
        i,
    )
}

/// The parent a record should have, or why none can be named.
pub struct Expected {
    pub parent: RecIdx,
    pub confidence: Confidence,
    pub reason: FixReason,
}

/// The association of the record's own region one level up: county association → its city's
/// association (the province's in a municipality or for a 省直辖 county), city → province,
/// province → national; a grassroots unit → the association of the most specific division it is in.
/// Falls back upward (with lower confidence) when that association is not in the directory.
pub fn expected_parent(ctx: &Ctx, idx: &AssocIndex, i: RecIdx) -> Result<Expected, FixReason> {
    expected_parent_of(ctx, idx, &ctx.profiles[i as usize], Some(i))
}

/// `expected_parent` for a unit described by its profile: a record of the directory (`me`, never
/// its own parent) or one that is not in it yet (a new registration).
pub fn expected_parent_of(
    ctx: &Ctx,
    idx: &AssocIndex,
    p: &crate::profile::OrgProfile,
    me: Option<RecIdx>,
) -> Result<Expected, FixReason> {
    let g = ctx.g;
    let r = p.region;
    if p.level == Level::National {
        return Err(FixReason::NationalHasNoParent);
    }
    if p.level == Level::Province {
        return match idx.national {
            Some(n) if Some(n) != me => Ok(Expected {
                parent: n,
                confidence: Confidence::High,
                reason: FixReason::ProvinceUnderNational,
            }),
            _ => Err(FixReason::NationalMissing),
        };
    }
    let Some(province) = r.province else {
        return Err(FixReason::ProvinceUnknown);
    };
    let real_city = r.city.filter(|&c| g.get(c).is_some_and(|d| !d.transparent));
    let mut candidates: Vec<DivCode> = Vec::with_capacity(3);
    if p.level == Level::Grassroots {
        candidates.extend(r.county);
    }
    if matches!(p.level, Level::Grassroots | Level::County) {
        // A county's city from the gazetteer beats a city column that may be a placeholder.
        let city = match (p.level, r.county) {
            (Level::County, Some(k)) => g.city_of(k).filter(|&c| g.get(c).is_some_and(|d| !d.transparent)),
            _ => real_city,
        };
        candidates.extend(city);
    }
    candidates.push(province);
    let ideal = candidates[0];
    for &d in &candidates {
        let Some(a) = idx.of_division(d).filter(|&a| Some(a) != me) else {
            continue;
        };
        let mut confidence = if d == ideal { Confidence::High } else { Confidence::Medium };
        if p.column_region.is_empty() {
            confidence = Confidence::Low;
        }
        let reason = if d == ideal {
            FixReason::OneLevelUp { division: d, level: p.level }
        } else {
            FixReason::NearestAncestor { ideal, division: d }
        };
        return Ok(Expected { parent: a, confidence, reason });
    }
    Err(FixReason::NoAssociation { ideal })
}
