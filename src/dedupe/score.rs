//! Comparing two records: vetoes (evidence that they are different units, whatever the names
//! look like), then a score in [0, 1] with the reasons in plain words. See docs/dedupe.md.

use crate::geo::{DivCode, Gazetteer};
use crate::model::Level;
use crate::normalize::{homophone_distance, homophone_substitutions, shared_reading, NameParts};

use super::features::{Features, NATIONAL};
use super::reason::{Folding, Reason};

/// Bonus for a shared valid credit code: strong evidence, but not enough to merge names that
/// have little in common (a unit that borrowed its parent's code).
const SAME_USCC_BONUS: f32 = 0.15;

/// Score of a name written short (南大 for 南京大学) that carries the same valid credit code as
/// the full one: the merge threshold is 0.85, so such pairs merge, with their reason.
const ABBREVIATION_WITH_USCC: f32 = 0.95;

/// What is known about one record when comparing it.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub name: &'a NameParts,
    pub feat: &'a Features,
    pub level: Level,
}

/// The outcome of comparing two records.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Different units: the reason says why.
    Veto(Reason),
    /// A score and why. `reviewable_only`: the names alone cannot tell (a generic name whose
    /// region is ambiguous), so the pair may be reviewed but never merged automatically.
    Scored { score: f32, reasons: Vec<Reason>, reviewable_only: bool },
}

fn division_name(g: &Gazetteer, code: Option<DivCode>) -> String {
    match code {
        Some(NATIONAL) => "全国".into(),
        Some(c) => g.name_of(c).to_string(),
        None => "?".into(),
    }
}

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
    if g.conflicts(&a.feat.region, &b.feat.region) {
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
    if a.name.core.is_empty() && b.name.core.is_empty() {
        // Generic names (城区科协, 第一中学): the place is the whole identity.
        if let (Some(x), Some(y)) = (a.feat.identity_division(), b.feat.identity_division()) {
            if x != y {
                return Some(VetoKind::PlacesOfGenericNames);
            }
        }
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
            a: a.name.suffix.clone().unwrap_or_default(),
            b: b.name.suffix.clone().unwrap_or_default(),
        },
        VetoKind::Ordinals => Reason::DifferentOrdinals { a: a.name.ordinal, b: b.name.ordinal },
        VetoKind::Branch => Reason::BranchAndUnit,
        VetoKind::NamedPlaces => Reason::NamesNameDifferentPlaces { a: place(named(a)), b: place(named(b)) },
        VetoKind::PlacesOfGenericNames => Reason::UnitsOfDifferentPlaces {
            a: place(a.feat.identity_division()),
            b: place(b.feat.identity_division()),
        },
        VetoKind::Levels => Reason::DifferentLevels { a: a.level, b: b.level },
    }
}

/// Name similarity on the informative text.
///
/// When the generic words of both names agree (same text once the stems are taken out), the
/// names differ only in their identifying words, so the stems are compared alone: 河北警察职业
/// 技术学院科协 and 河北轻工职业技术学院科协 share 14 of 16 characters but none of their 2
/// identifying ones. Otherwise (a typo or a different wording in the generic part) the bodies
/// are compared — or the whole keys, when a typo broke a region prefix — over the longer body;
/// and when both suffixes name the same kind of unit, the cores alone too (有限公司 = 公司).
pub fn name_similarity(a: &NameParts, b: &NameParts) -> f32 {
    let ratio = |d: f32, x: &str, y: &str| {
        let len = x.chars().count().max(y.chars().count()).max(1);
        (1.0 - d / len as f32).max(0.0)
    };
    // Levenshtein in which a same-sound substitution (学汇 / 学会) costs a quarter of an edit.
    let lev = homophone_distance;
    if !a.stem.is_empty() && !b.stem.is_empty() {
        let generic = |n: &NameParts| n.body.replacen(n.stem.as_str(), "", 1);
        if generic(a) == generic(b) {
            return ratio(lev(&a.stem, &b.stem).min(lev(&a.key, &b.key)), &a.stem, &b.stem);
        }
    }
    let body = ratio(lev(&a.body, &b.body).min(lev(&a.key, &b.key)), &a.body, &b.body);
    let same_kind = a.suffix_kind.is_some() && a.suffix_kind == b.suffix_kind;
    if same_kind && !a.core.is_empty() && !b.core.is_empty() {
        body.max(ratio(lev(&a.core, &b.core), &a.core, &b.core))
    } else {
        body
    }
}

/// The score of a pair that no veto forbids, and whether it is review-only; `None` if vetoed.
/// Cheap: no reasons are built.
pub fn score_only(g: &Gazetteer, a: Side, b: Side) -> Option<(f32, bool)> {
    if vetoes(g, a, b) {
        return None;
    }
    let mut score = name_similarity(a.name, b.name);
    let mut reviewable_only = false;
    if a.name.core.is_empty() && b.name.core.is_empty() {
        match (a.feat.identity_division(), b.feat.identity_division()) {
            (Some(_), Some(_)) => score = 1.0,
            _ => reviewable_only = true,
        }
    }
    if a.feat.uscc.is_some() && a.feat.uscc == b.feat.uscc {
        score = (score + SAME_USCC_BONUS).min(1.0);
        if abbreviation(a.name, b.name).is_some() {
            score = score.max(ABBREVIATION_WITH_USCC);
        }
    }
    Some((score, reviewable_only))
}

/// The shorter name, if it abbreviates the longer one the way Chinese names are shortened:
/// keeping some of its characters, in order (南京大学 → 南大, 实验中学 → 实中, 职业技术学院 →
/// 职院, 人民医院 → 医院). Alone this is weak evidence (南大 fits 南昌大学 as well); with the same
/// valid credit code it is the same unit written short.
fn abbreviation<'n>(a: &'n NameParts, b: &'n NameParts) -> Option<(&'n str, &'n str)> {
    // Whole keys: a short form may cut into the place name too (四川大学 → 川大).
    let (na, nb) = (a.key.chars().count(), b.key.chars().count());
    let (short, long) = if na <= nb { (&a.key, &b.key) } else { (&b.key, &a.key) };
    // A name that opens with the whole other one names a part of it (…医院门诊部, …大学校区),
    // which often carries the parent's credit code: that is not a short form.
    if na.min(nb) < 2 || na == nb || long.starts_with(short.as_str()) {
        return None;
    }
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|x| x == c)).then_some((short.as_str(), long.as_str()))
}

/// Compare two records, with reasons in words.
pub fn compare(g: &Gazetteer, a: Side, b: Side) -> Verdict {
    if let Some(v) = veto(g, a, b) {
        return Verdict::Veto(v);
    }
    let mut reasons = Vec::new();
    let mut reviewable_only = false;
    let mut score = name_similarity(a.name, b.name);
    if a.name.core.is_empty() && b.name.core.is_empty() {
        match (a.feat.identity_division(), b.feat.identity_division()) {
            (Some(x), Some(_)) => {
                // Same place (the veto checked), same kind of unit, nothing else in the names.
                score = 1.0;
                reasons.push(Reason::BothUnitOf {
                    kind: b.name.suffix.clone().unwrap_or_else(|| "unit".into()),
                    place: division_name(g, Some(x)),
                });
            }
            _ => {
                reviewable_only = true;
                reasons.push(Reason::GenericAmbiguousPlace);
            }
        }
    }
    if a.name.key == b.name.key {
        reasons.push(Reason::SameNormalizedName);
    }
    describe_differences(a.name, b.name, &mut reasons);
    if a.feat.uscc.is_some() && a.feat.uscc == b.feat.uscc {
        score = (score + SAME_USCC_BONUS).min(1.0);
        reasons.push(Reason::SameCreditCode);
        if let Some((short, long)) = abbreviation(a.name, b.name).filter(|_| score < ABBREVIATION_WITH_USCC) {
            score = ABBREVIATION_WITH_USCC;
            reasons.push(Reason::Abbreviates { short: short.into(), long: long.into() });
        }
    }
    reasons.push(Reason::Score(score));
    Verdict::Scored { score, reasons, reviewable_only }
}

/// Plain-words account of how two names differ where normalization made them agree.
fn describe_differences(a: &NameParts, b: &NameParts, reasons: &mut Vec<Reason>) {
    for (x, y) in [(a, b), (b, a)] {
        for (short, long) in &x.expansions {
            if !y.expansions.contains(&(short, long)) {
                let r = Reason::Expansion { short: short.to_string(), long: long.to_string() };
                if !reasons.contains(&r) {
                    reasons.push(r);
                }
            }
        }
    }
    for note in ["full-width characters", "traditional characters", "spaces"] {
        if a.folding.contains(&note) != b.folding.contains(&note) {
            reasons.extend(Folding::from_note(note).map(Reason::Folded));
        }
    }
    if a.region_text != b.region_text && a.body == b.body {
        let (long, short) = if a.region_text.len() >= b.region_text.len() { (a, b) } else { (b, a) };
        let (l, s) = (long.region_text.as_str(), short.region_text.as_str());
        // The extra text must itself be a place name (2+ characters), else it is a short form.
        let extra = l.strip_suffix(s).or_else(|| l.strip_prefix(s)).filter(|e| e.chars().count() >= 2);
        match extra {
            Some(e) => reasons.push(Reason::RegionPrefixOmitted { prefix: e.into() }),
            None => reasons.push(Reason::RegionWritten { long: l.into(), short: s.into() }),
        }
    }
    if a.provisional != b.provisional {
        reasons.push(Reason::ProvisionalIgnored);
    }
    for n in [a, b] {
        for (written, meant) in &n.sound_slips {
            reasons.push(Reason::SoundSlipRepaired { written: written.clone(), meant: meant.clone() });
        }
        if let Some(t) = &n.suffix_typo {
            reasons
                .push(Reason::SuffixTypo { written: t.clone(), meant: n.suffix.clone().unwrap_or_default() });
        }
    }
    if a.ordinal.is_some() && a.body == b.body && a.key != b.key {
        reasons.push(Reason::SameOrdinal(a.ordinal.unwrap_or(0)));
    }
    reasons.extend(same_sound_slips(&a.key, &b.key));
    if a.body != b.body {
        reasons.push(Reason::NamesDiffer { a: a.body.clone(), b: b.body.clone() });
    }
}

/// "建鞍 ≈ 建安 (same sound an)" for each same-sound substitution between two names, shown with
/// the character before it (after it at the start) so that the word can be recognized.
fn same_sound_slips(a: &str, b: &str) -> Vec<Reason> {
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let word = |s: &[char], i: usize| -> String {
        let (from, to) = if i > 0 { (i - 1, i + 1) } else { (0, 2.min(s.len())) };
        s[from..to].iter().collect()
    };
    homophone_substitutions(a, b)
        .into_iter()
        .map(|(i, j)| {
            let sound = shared_reading(x[i], y[j]).unwrap_or_default();
            Reason::SameSound { a: word(&x, i), b: word(&y, j), sound: sound.to_string() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedupe::features::features;
    use crate::geo::Region;
    use crate::normalize::parse;
    use crate::profile::OrgProfile;
    use crate::uscc::UsccCheck;

    struct Rec {
        name: NameParts,
        feat: Features,
    }

    fn rec(name: &str, prov: &str, city: &str, county: &str, uscc: &str) -> Rec {
        let g = Gazetteer::global();
        let n = parse(name, g);
        let cols: Region = g.resolve_columns(prov, city, county);
        let profile = OrgProfile {
            region: cols,
            column_region: cols,
            level: Level::Grassroots,
            is_association: false,
            uscc: UsccCheck::Absent,
            uscc_province: None,
        };
        let feat = features(&n, &profile, uscc, g);
        Rec { name: n, feat }
    }

    fn cmp(a: &Rec, b: &Rec) -> Verdict {
        fn side(r: &Rec) -> Side<'_> {
            Side { name: &r.name, feat: &r.feat, level: Level::Grassroots }
        }
        // Symmetric by construction: check it on every test pair.
        let g = Gazetteer::global();
        let ab = compare(g, side(a), side(b));
        let quick = score_only(g, side(a), side(b));
        match &ab {
            Verdict::Veto(_) => assert!(quick.is_none()),
            Verdict::Scored { score, reviewable_only, .. } => {
                assert_eq!(quick, Some((*score, *reviewable_only)))
            }
        }
        let ba = compare(g, side(b), side(a));
        assert_eq!(matches!(ab, Verdict::Veto(_)), matches!(ba, Verdict::Veto(_)));
        ab
    }

    fn score(v: &Verdict) -> f32 {
        match v {
            Verdict::Scored { score, .. } => *score,
            Verdict::Veto(_) => 0.0,
        }
    }

    fn vetoed(v: &Verdict, word: &str) -> bool {
        matches!(v, Verdict::Veto(r) if r.to_string().contains(word))
    }

    fn texts(v: &Verdict) -> Vec<String> {
        match v {
            Verdict::Scored { reasons, .. } => reasons.iter().map(|r| r.to_string()).collect(),
            Verdict::Veto(r) => vec![r.to_string()],
        }
    }

    #[test]
    fn same_district_name_in_different_cities_is_vetoed() {
        let a = rec("鼓楼区科学技术协会", "福建省", "福州市", "鼓楼区", "");
        let b = rec("鼓楼区科学技术协会", "河南省", "开封市", "鼓楼区", "");
        assert!(vetoed(&cmp(&a, &b), "regions"));
        let c = rec("城区科协", "广东省", "汕尾市", "城区", "");
        let d = rec("晋城市城区科学技术协会", "", "", "", "");
        assert!(matches!(cmp(&c, &d), Verdict::Veto(_)));
    }

    #[test]
    fn ordinals_veto() {
        let a = rec("潮州市第一中学", "广东省", "潮州市", "", "");
        let b = rec("潮州市第十一中学", "广东省", "潮州市", "", "");
        assert!(vetoed(&cmp(&a, &b), "ordinals"));
        let c = rec("潮州一中", "广东省", "潮州市", "", "");
        assert_eq!(score(&cmp(&a, &c)), 1.0);
    }

    #[test]
    fn kinds_of_unit_veto() {
        let a = rec("中国科学技术大学", "安徽省", "合肥市", "", "");
        let b = rec("中国科学技术协会", "", "", "", "");
        assert!(vetoed(&cmp(&a, &b), "kinds"));
        let c = rec("嘉兴科盛光电股份有限公司", "浙江省", "嘉兴市", "", "");
        let d = rec("嘉兴科盛光电股份有限公司科学技术协会(筹)", "浙江省", "嘉兴市", "", "");
        assert!(vetoed(&cmp(&c, &d), "kinds"), "an org and its own 科协");
    }

    #[test]
    fn a_short_form_with_the_same_credit_code_merges() {
        const CODE: &str = "12510000986745454P";
        let full = rec("四川大学", "四川省", "", "", CODE);
        let short = rec("川大", "四川省", "", "", CODE);
        let v = cmp(&full, &short);
        assert!(score(&v) >= 0.85, "{v:?}");
        assert!(texts(&v).contains(&"川大 abbreviates 四川大学".to_string()));
        // Without the code, characters in order are not enough (南大 also fits 南昌大学).
        let no_code = rec("川大", "四川省", "", "", "");
        assert!(score(&cmp(&full, &no_code)) < 0.7);
        // Not an abbreviation (characters out of order, or one the full name lacks): no help.
        let other = rec("大川", "四川省", "", "", CODE);
        assert!(score(&cmp(&full, &other)) < 0.85);
        // A part of a unit under the unit's code is not its short form.
        let part = rec("合肥市第一人民医院门诊部", "安徽省", "合肥市", "", CODE);
        let hospital = rec("合肥市第一人民医院", "安徽省", "合肥市", "", CODE);
        assert!(score(&cmp(&hospital, &part)) < 0.85);
        let school = rec("乌海市实验中学", "内蒙古自治区", "乌海市", "", "121503007013740219");
        let nick = rec("乌海市实中", "内蒙古自治区", "乌海市", "", "121503007013740219");
        assert!(score(&cmp(&school, &nick)) >= 0.85);
    }

    #[test]
    fn branch_veto() {
        let a = rec("合肥市第一人民医院", "安徽省", "合肥市", "", "");
        let b = rec("合肥市第一人民医院滨湖分院", "安徽省", "合肥市", "", "");
        assert!(vetoed(&cmp(&a, &b), "branch"));
    }

    #[test]
    fn different_valid_codes_veto() {
        let a = rec("长岭镇科学技术协会", "", "", "", "91350200776049653A");
        let b = rec("长岭镇科学技术协会", "", "", "", "91440101MA5CJQ4N59");
        assert!(vetoed(&cmp(&a, &b), "credit codes"));
        let c = rec("长岭镇科协", "", "", "", "91350200776049653A");
        assert!(!matches!(cmp(&a, &c), Verdict::Veto(_)));
        assert_eq!(score(&cmp(&a, &c)), 1.0);
    }

    #[test]
    fn different_places_and_levels_veto() {
        let a = rec("漯河市第二中学", "河南省", "漯河市", "", "");
        let b = rec("舞阳二中", "河南省", "漯河市", "舞阳县", "");
        assert!(matches!(cmp(&a, &b), Verdict::Veto(_)));
        let c = rec("安徽省科学技术协会", "安徽省", "", "", "");
        let d = rec("合肥市科学技术协会", "安徽省", "合肥市", "", "");
        assert!(matches!(cmp(&c, &d), Verdict::Veto(_)));
        let n = rec("中国科学技术史学会", "", "", "", "");
        let h = rec("河北省科学技术史学会", "", "", "", "");
        assert!(vetoed(&cmp(&n, &h), "national"));
    }

    #[test]
    fn variants_match() {
        let base = rec("济南市市中区科学技术协会", "山东省", "济南市", "市中区", "");
        for v in [
            "市中区科协",
            "山东省济南市市中区科学技术协会",
            "济南市 市中区科學技術協會",
            "市中区科学技术协会（筹）",
        ] {
            let r = rec(v, "山东省", "济南市", "市中区", "");
            assert_eq!(score(&cmp(&base, &r)), 1.0, "{v}");
        }
        let a = rec("夏县科学技术协会", "山西省", "运城市", "夏县", "");
        let b = rec("夏县科雪技术协会", "山西省", "运城市", "夏县", "");
        assert_eq!(score(&cmp(&a, &b)), 1.0);
        let c = rec("莒县同金智能科技有限责任公司", "山东省", "日照市", "莒县", "");
        let d = rec("莒县同金智能科技公司", "山东省", "日照市", "莒县", "");
        assert!(score(&cmp(&c, &d)) > 0.85);
    }

    #[test]
    fn a_same_sound_slip_still_merges() {
        let merge = crate::dedupe::DedupeOptions::default().merge_threshold;
        for (x, y) in [
            ("邱庄镇科学技术协会", "邱庄振科学技术协会"),
            ("建安区科学技术协会", "建鞍区科学技术协会"),
            ("合肥市化学学会", "合肥市化学学汇"),
            ("河北警察职业技术学院科协", "河北警查职业技术学院科协"),
        ] {
            let a = rec(x, "", "", "", "");
            let b = rec(y, "", "", "", "");
            let v = cmp(&a, &b);
            assert!(score(&v) >= merge, "{x} / {y}: {v:?}");
            let reasons = texts(&v);
            assert!(reasons.iter().any(|r| r.contains("(same sound")), "{reasons:?}");
        }
        let a = rec("建安区科学技术协会", "河南省", "许昌市", "建安区", "");
        let b = rec("建鞍区科学技术协会", "河南省", "许昌市", "建安区", "");
        let reasons = texts(&cmp(&a, &b));
        assert!(reasons.contains(&"建鞍区 = 建安区 (same sound)".to_string()), "{reasons:?}");
    }

    #[test]
    fn a_different_sound_is_a_full_edit() {
        let merge = crate::dedupe::DedupeOptions::default().merge_threshold;
        let a = rec("邱庄镇科学技术协会", "河北省", "", "", "");
        let b = rec("郭庄镇科学技术协会", "河北省", "", "", "");
        assert!(score(&cmp(&a, &b)) < merge);
        // A slip beside a real difference is no slip: a long shared suffix must not dilute it.
        let s = rec("邱庄振科学技术协会", "河北省", "", "", "");
        assert!(score(&cmp(&s, &b)) < merge);
        // 查 sounds like 察 (cha), 擦 does not (ca): only the first is a slip.
        let c = rec("河北警察职业技术学院科协", "", "", "", "");
        let d = rec("河北警查职业技术学院科协", "", "", "", "");
        let e = rec("河北警擦职业技术学院科协", "", "", "", "");
        assert!(score(&cmp(&c, &d)) > score(&cmp(&c, &e)));
        assert!(score(&cmp(&c, &e)) < merge);
    }

    #[test]
    fn generic_name_with_ambiguous_place_is_review_only() {
        let a = rec("鼓楼区科学技术协会", "", "", "", "");
        let b = rec("鼓楼区科协", "", "", "", "");
        assert!(matches!(cmp(&a, &b), Verdict::Scored { reviewable_only: true, .. }));
    }
}
