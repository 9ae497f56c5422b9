//! Vetoes: evidence that two records are different units, whatever their names look like.

use crate::geo::{DivCode, Gazetteer};
use crate::model::Level;

use super::super::features::NATIONAL;
use super::super::reason::Reason;
use super::{
    differ_only_in_place_markers, division_name, place_is_identity, place_mention, place_word, short_place,
    Side,
};

/// Evidence that two records are different units, whatever their names.
pub fn veto(g: &Gazetteer, a: Side, b: Side) -> Option<Reason> {
    veto_kind(g, a, b).map(|k| explain_veto(k, g, a, b))
}

/// `veto` without building the explanation: the hot path over millions of candidate pairs.
pub fn vetoes(g: &Gazetteer, a: Side, b: Side) -> bool {
    veto_kind(g, a, b).is_some()
}

/// Which veto applies, without its data (cheap: `veto` explains it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VetoKind {
    CreditCodes,
    Regions,
    NationalAndRegional,
    Kinds,
    Ordinals,
    Branch,
    NamedPlaces,
    PlacesOfGenericNames,
    PlaceWords,
    PlaceMarkers,
    Levels,
}

fn named(s: Side) -> Option<DivCode> {
    if s.feat.named_ambiguous {
        None
    } else {
        s.feat.named_division
    }
}

fn veto_kind(g: &Gazetteer, a: Side, b: Side) -> Option<VetoKind> {
    if let (Some(x), Some(y)) = (&a.feat.uscc, &b.feat.uscc) {
        if x != y {
            return Some(VetoKind::CreditCodes);
        }
    }
    if a.feat.places_conflict(b.feat, g) {
        return Some(VetoKind::Regions);
    }
    let national = |s: Side| s.feat.named_division == Some(NATIONAL);
    let regional = |s: Side| !s.name.mentions.is_empty();
    if (national(a) && regional(b)) || (national(b) && regional(a)) {
        return Some(VetoKind::NationalAndRegional);
    }
    if let (Some(x), Some(y)) = (a.name.suffix_kind, b.name.suffix_kind) {
        if x != y {
            return Some(VetoKind::Kinds);
        }
    }
    if a.name.ordinal != b.name.ordinal {
        return Some(VetoKind::Ordinals);
    }
    if a.name.branch.is_some() != b.name.branch.is_some() {
        return Some(VetoKind::Branch);
    }
    if let (Some(x), Some(y)) = (named(a), named(b)) {
        if x != y {
            return Some(VetoKind::NamedPlaces);
        }
    }
    if place_is_identity(a.name) && place_is_identity(b.name) {
        // Generic names (城区科协, 第一中学): the place is the whole identity.
        if let (Some(x), Some(y)) = (a.feat.identity_division(), b.feat.identity_division()) {
            if x != y {
                return Some(VetoKind::PlacesOfGenericNames);
            }
        }
    }
    if let (Some(x), Some(y)) = (place_mention(a.name), place_mention(b.name)) {
        // 湖南大学 / 南华大学: the place word is part of the name, a different one another unit.
        // (The same mention has the same short form: only different ones need shortening.)
        if x != y && short_place(x) != short_place(y) {
            return Some(VetoKind::PlaceWords);
        }
    }
    if differ_only_in_place_markers(&a.name.key, &b.name.key) {
        return Some(VetoKind::PlaceMarkers);
    }
    if a.level != b.level && a.level != Level::Grassroots && b.level != Level::Grassroots {
        return Some(VetoKind::Levels);
    }
    None
}

fn explain_veto(kind: VetoKind, g: &Gazetteer, a: Side, b: Side) -> Reason {
    let place = |c: Option<DivCode>| division_name(g, c);
    match kind {
        VetoKind::CreditCodes => Reason::DifferentCreditCodes {
            a: a.feat.uscc.as_deref().unwrap_or("").to_string(),
            b: b.feat.uscc.as_deref().unwrap_or("").to_string(),
        },
        VetoKind::Regions => Reason::DifferentRegions {
            a: place(a.feat.region.most_specific()),
            b: place(b.feat.region.most_specific()),
        },
        VetoKind::NationalAndRegional => Reason::NationalAndRegional,
        VetoKind::Kinds => Reason::DifferentKinds {
            a: a.name.suffix.unwrap_or_default().to_string(),
            b: b.name.suffix.unwrap_or_default().to_string(),
        },
        VetoKind::Ordinals => Reason::DifferentOrdinals { a: a.name.ordinal, b: b.name.ordinal },
        VetoKind::Branch => Reason::BranchAndUnit,
        VetoKind::NamedPlaces => Reason::NamesNameDifferentPlaces { a: place(named(a)), b: place(named(b)) },
        VetoKind::PlacesOfGenericNames => Reason::UnitsOfDifferentPlaces {
            a: place(a.feat.identity_division()),
            b: place(b.feat.identity_division()),
        },
        VetoKind::PlaceWords => Reason::DifferentNames {
            a: place_word(a.name).unwrap_or_default().to_string(),
            b: place_word(b.name).unwrap_or_default().to_string(),
        },
        VetoKind::PlaceMarkers => {
            Reason::DifferentNames { a: a.name.key.to_string(), b: b.name.key.to_string() }
        }
        VetoKind::Levels => Reason::DifferentLevels { a: a.level, b: b.level },
    }
}
