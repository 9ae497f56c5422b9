//! Why a pair scored, merged, was kept apart or sent to review: one typed reason per piece of
//! evidence, with its data, so that machine files and reports for people say the same thing.
//!
//! `Reason::text(Lang::En)` is the machine text written in `pairs.csv` / `clusters.csv` (stable:
//! documented in docs/dedupe.md); `Reason::text(Lang::Zh)` is a sentence in the platform's words
//! for reports.

use std::fmt;

use crate::lang::Lang;
use crate::model::Level;

/// A folding that made two spellings of a name agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Folding {
    FullWidth,
    Traditional,
    Spaces,
}

impl Folding {
    /// The note `normalize::NameParts::folding` carries for this folding.
    pub fn from_note(note: &str) -> Option<Folding> {
        match note {
            "full-width characters" => Some(Folding::FullWidth),
            "traditional characters" => Some(Folding::Traditional),
            "spaces" => Some(Folding::Spaces),
            _ => None,
        }
    }

    fn en(self) -> &'static str {
        match self {
            Folding::FullWidth => "full-width characters",
            Folding::Traditional => "traditional characters",
            Folding::Spaces => "spaces",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Folding::FullWidth => "全角字符已按半角比较",
            Folding::Traditional => "繁体字已按简体比较",
            Folding::Spaces => "空格已忽略",
        }
    }
}

/// One piece of evidence about a pair. Vetoes (evidence that two records are different units)
/// first, then what a score is made of, then what clustering and reviewers decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    // ---- vetoes
    /// Two different valid credit codes.
    DifferentCreditCodes {
        a: String,
        b: String,
    },
    /// Regions conflict at a level both know (division names, `?` when unknown).
    DifferentRegions {
        a: String,
        b: String,
    },
    /// A national unit (中国…, 全国…) and a regional one.
    NationalAndRegional,
    /// Suffixes naming different kinds of unit (as written in the names).
    DifferentKinds {
        a: String,
        b: String,
    },
    /// Different ordinals, or an ordinal on one side only (`None`).
    DifferentOrdinals {
        a: Option<u32>,
        b: Option<u32>,
    },
    /// A branch (分会, 分院…) and the unit it belongs to.
    BranchAndUnit,
    /// The names' region prefixes name different divisions.
    NamesNameDifferentPlaces {
        a: String,
        b: String,
    },
    /// Generic names (no identifying words) of different places.
    UnitsOfDifferentPlaces {
        a: String,
        b: String,
    },
    /// Different administrative levels of associations.
    DifferentLevels {
        a: Level,
        b: Level,
    },
    /// The words that name the unit differ where they are its whole identity (湖南 / 南华 in
    /// 湖南大学 / 南华大学).
    DifferentNames {
        a: String,
        b: String,
    },

    // ---- score
    /// Generic names of one place: both are that place's `kind` (its 科学技术协会…).
    BothUnitOf {
        kind: String,
        place: String,
    },
    /// Generic names whose place is ambiguous: review only.
    GenericAmbiguousPlace,
    /// A name with no place that is only a kind (交通大学): review only.
    OnlyAKind {
        name: String,
    },
    /// The same town name without a county on one side: many counties have one. Review only.
    /// One name says where the unit is; the other record says nothing of a place (no place in
    /// its name, no region column).
    PlaceOnOneSideOnly {
        place: String,
    },
    /// Two national names opened by different words (中国文联 / 全国文联).
    NationalPrefixesDiffer {
        a: String,
        b: String,
    },
    /// The town word differs around one town name (严店乡 / 严店镇): one town renamed, or two.
    TownWordsDiffer {
        a: String,
        b: String,
    },
    /// Two kind words of one kind (卫生院 / 社区卫生服务中心, 博物馆 / 纪念馆): one unit renamed,
    /// or two units of that kind.
    KindWordsDiffer {
        a: String,
        b: String,
    },
    TownWithoutCounty {
        town: String,
    },
    /// The identifying words differ (a same-sound or one-character difference there): review
    /// only, unless a credit code or parent says they are one unit.
    IdentifyingPartDiffers {
        a: String,
        b: String,
    },
    /// Both records carry one valid credit code, yet their own words would make two units
    /// without it (a place name or a 字号 with a character that sounds different, words two or
    /// more characters apart): a borrowed code, or one unit renamed. Review only.
    SharedCodeDifferentNames {
        a: String,
        b: String,
    },
    /// The identifying words differ by characters that do not sound alike (one put for another, or
    /// two or more): different units, the score is capped below review (峨花村 / 嶂山村,
    /// 北京地坛医院 / 北京潞河医院).
    IdentifyingWordsUnlike {
        differing: usize,
    },
    /// Both records have the same parent record.
    SameParent,
    /// Both records have the same parent once the check's parent fixes are applied (the parent
    /// of at least one of them is re-pointed by a fix).
    SameParentAfterFix,
    SameNormalizedName,
    /// An abbreviation expanded in one name only (科协 = 科学技术协会).
    Expansion {
        short: String,
        long: String,
    },
    Folded(Folding),
    /// One name carries a region prefix the other omits.
    RegionPrefixOmitted {
        prefix: String,
    },
    /// The region prefixes are written differently (longer / shorter).
    RegionWritten {
        long: String,
        short: String,
    },
    ProvisionalIgnored,
    /// A same-sound slip repaired in one name (建鞍区 = 建安区).
    SoundSlipRepaired {
        written: String,
        meant: String,
    },
    /// One wrong character in a generic suffix (科雪技术协会 = 科学技术协会).
    SuffixTypo {
        written: String,
        meant: String,
    },
    SameOrdinal(u32),
    /// A same-sound substitution between the names, shown with a neighbouring character.
    SameSound {
        a: String,
        b: String,
        sound: String,
    },
    /// The bodies differ (after normalization).
    NamesDiffer {
        a: String,
        b: String,
    },
    SameCreditCode,
    /// One name shortens the other, keeping characters in order (川大 / 四川大学).
    Abbreviates {
        short: String,
        long: String,
    },
    Score(f32),
    /// One name is a short form of the other: the characters kept open the words of the long
    /// name (北理工 / 北京理工大学: 北|理工 open 北京|理工).
    Shortens {
        short: String,
        long: String,
        kept: String,
        opened: String,
    },
    /// One name is the other without its final kind or form word, as people type names
    /// (江苏常青树新材料科技 for 江苏常青树新材料科技股份有限公司).
    FormDropped {
        short: String,
        /// The region left out as well (浙江 in 朗迪集团 / 浙江朗迪集团股份有限公司), or empty.
        region: Box<str>,
        form: String,
    },
    /// A short form alone scores low; it is lifted to the review threshold, never to a merge.
    ShortFormForReview(f32),
    /// Read past in a name (`normalize::decor`): `what` is `English gloss`, `status`, `comment`,
    /// `place after the name` or `region levels reversed`; `text` as written.
    Decoration {
        what: &'static str,
        text: String,
    },

    // ---- clustering and reviewers
    MarkedSameByReviewer,
    MarkedDifferentByReviewer,
    /// Not merged: another record of the cluster vetoes it.
    RefusedInCluster,
}

fn ordinal(o: Option<u32>, lang: Lang) -> String {
    match o {
        Some(n) => format!("第{n}"),
        None => lang.pick("无序号", "none").to_string(),
    }
}

fn level_zh(l: Level) -> &'static str {
    match l {
        Level::National => "全国级",
        Level::Province => "省级",
        Level::City => "市级",
        Level::County => "县级",
        Level::Grassroots => "基层",
    }
}

impl Reason {
    /// Whether this reason is a veto (the two are different units).
    pub fn is_veto(&self) -> bool {
        matches!(
            self,
            Reason::DifferentCreditCodes { .. }
                | Reason::DifferentRegions { .. }
                | Reason::NationalAndRegional
                | Reason::DifferentKinds { .. }
                | Reason::DifferentOrdinals { .. }
                | Reason::BranchAndUnit
                | Reason::NamesNameDifferentPlaces { .. }
                | Reason::UnitsOfDifferentPlaces { .. }
                | Reason::DifferentLevels { .. }
                | Reason::DifferentNames { .. }
        )
    }

    /// The reason in `lang`: English is the machine text of pairs.csv / clusters.csv.
    pub fn text(&self, lang: Lang) -> String {
        InLang(self, lang).to_string()
    }

    fn write_en(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Reason::*;
        match self {
            DifferentCreditCodes { a, b } => write!(f, "different credit codes {a} / {b}"),
            DifferentRegions { a, b } => write!(f, "different regions: {a} / {b}"),
            NationalAndRegional => f.write_str("national unit / regional unit"),
            DifferentKinds { a, b } => write!(f, "different kinds of unit: {a} / {b}"),
            DifferentOrdinals { a, b } => {
                write!(f, "different ordinals: {} / {}", ordinal(*a, Lang::En), ordinal(*b, Lang::En))
            }
            BranchAndUnit => f.write_str("a branch and the unit it belongs to"),
            NamesNameDifferentPlaces { a, b } => write!(f, "names name different places: {a} / {b}"),
            UnitsOfDifferentPlaces { a, b } => write!(f, "units of different places: {a} / {b}"),
            DifferentLevels { a, b } => write!(f, "different levels: {} / {}", a.as_str(), b.as_str()),
            DifferentNames { a, b } => write!(f, "different names: {a} / {b}"),
            OnlyAKind { name } => write!(f, "{name} is only a kind of unit, with no place"),
            TownWithoutCounty { town } => write!(f, "town {town} without its county"),
            TownWordsDiffer { a, b } => {
                write!(f, "towns {a} / {b}: one town renamed, or two (no shared credit code)")
            }
            KindWordsDiffer { a, b } => {
                write!(f, "kind words {a} / {b}: one unit renamed, or two units of that kind (no shared credit code)")
            }
            PlaceOnOneSideOnly { place } => {
                write!(f, "only one record says where the unit is ({place}); the other has no place at all")
            }
            NationalPrefixesDiffer { a, b } => write!(f, "national names opened by {a} and by {b}"),
            IdentifyingPartDiffers { a, b } => {
                write!(f, "identifying words differ: {a} / {b} (no shared credit code)")
            }
            SharedCodeDifferentNames { a, b } => {
                write!(
                    f,
                    "same credit code, but the names look like two units: {a} / {b} (a borrowed code, or one unit renamed?)"
                )
            }
            IdentifyingWordsUnlike { differing } => {
                write!(f, "identifying words differ by {differing} character(s) that do not sound alike: different units")
            }
            SameParent => f.write_str("same parent"),
            SameParentAfterFix => f.write_str("same parent once the parent fixes are applied"),
            BothUnitOf { kind, place } => write!(f, "both are the {kind} of {place}"),
            GenericAmbiguousPlace => f.write_str("generic name and the place is ambiguous"),
            SameNormalizedName => f.write_str("same name after normalization"),
            Expansion { short, long } => write!(f, "{short} = {long}"),
            Folded(x) => write!(f, "{} folded", x.en()),
            RegionPrefixOmitted { prefix } => write!(f, "region prefix {prefix} omitted"),
            RegionWritten { long, short } => write!(f, "region {long} = {short}"),
            ProvisionalIgnored => f.write_str("provisional marker (筹) ignored"),
            SoundSlipRepaired { written, meant } => write!(f, "{written} = {meant} (same sound)"),
            SuffixTypo { written, meant } => write!(f, "typo {written} = {meant}"),
            SameOrdinal(n) => write!(f, "same ordinal 第{n}"),
            SameSound { a, b, sound } => write!(f, "{a} ≈ {b} (same sound {sound})"),
            NamesDiffer { a, b } => write!(f, "names differ: {a} / {b}"),
            SameCreditCode => f.write_str("same credit code"),
            Abbreviates { short, long } => write!(f, "{short} abbreviates {long}"),
            Score(s) => write!(f, "score {s:.2}"),
            Shortens { short, long, kept, opened } => {
                write!(f, "{short} shortens {long} ({kept} open {opened})")
            }
            FormDropped { short, region, form } if region.is_empty() => {
                write!(f, "{short} is the other name without {form}")
            }
            FormDropped { short, region, form } => {
                write!(f, "{short} is the other name without {region} and {form}")
            }
            ShortFormForReview(s) => write!(f, "score raised to {s:.2}: a short form alone is for review"),
            Decoration { what, text } => write!(f, "{what}: {text}"),
            MarkedSameByReviewer => f.write_str("marked same by a reviewer"),
            MarkedDifferentByReviewer => f.write_str("kept apart: marked different by a reviewer"),
            RefusedInCluster => f.write_str("not merged: another record of the cluster vetoes it"),
        }
    }

    fn write_zh(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Reason::*;
        match self {
            DifferentCreditCodes { a, b } => write!(f, "统一社会信用代码不同（{a} / {b}）"),
            DifferentRegions { a, b } => write!(f, "所在地区不同：{a} / {b}"),
            NationalAndRegional => f.write_str("一个是全国性单位，一个是地方单位"),
            DifferentKinds { a, b } => write!(f, "单位类别不同：“{a}” / “{b}”"),
            DifferentOrdinals { a, b } => {
                write!(f, "序号不同：{} / {}", ordinal(*a, Lang::Zh), ordinal(*b, Lang::Zh))
            }
            BranchAndUnit => f.write_str("一个是分支机构，一个是其所属单位"),
            NamesNameDifferentPlaces { a, b } => write!(f, "名称中的地名不同：{a} / {b}"),
            UnitsOfDifferentPlaces { a, b } => write!(f, "分属不同地方的同类单位：{a} / {b}"),
            DifferentLevels { a, b } => write!(f, "级别不同：{} / {}", level_zh(*a), level_zh(*b)),
            DifferentNames { a, b } => write!(f, "名称不同：“{a}” / “{b}”是不同单位的名称"),
            OnlyAKind { name } => write!(f, "“{name}”只是单位类别，没有地名，无法确定是哪一个单位"),
            TownWithoutCounty { town } => write!(f, "“{town}”未注明所属区县，多个区县有同名乡镇"),
            TownWordsDiffer { a, b } => {
                write!(f, "“{a}”与“{b}”：可能是同一乡镇改了名，也可能是两个乡镇（没有相同的信用代码）")
            }
            KindWordsDiffer { a, b } => {
                write!(f, "“{a}”与“{b}”：可能是同一单位改了名，也可能是两个同类单位（没有相同的信用代码）")
            }
            PlaceOnOneSideOnly { place } => {
                write!(f, "只有一条记录写明地点（{place}），另一条的名称和地区列都没有地点")
            }
            NationalPrefixesDiffer { a, b } => write!(f, "全国性名称的开头不同（“{a}”与“{b}”）"),
            IdentifyingPartDiffers { a, b } => {
                write!(f, "专名不同：“{a}” / “{b}”，且无相同信用代码佐证")
            }
            SharedCodeDifferentNames { a, b } => {
                write!(
                    f,
                    "信用代码相同，但名称看似两个单位：“{a}” / “{b}”（借用了其他单位的信用代码，或单位更名？）"
                )
            }
            IdentifyingWordsUnlike { differing } => {
                write!(f, "专名有{differing}个字不同且读音不同，是不同的单位")
            }
            SameParent => f.write_str("上级单位相同"),
            SameParentAfterFix => f.write_str("按上级组织修正后上级单位相同"),
            BothUnitOf { kind, place } => write!(f, "都是{place}的{kind}"),
            GenericAmbiguousPlace => f.write_str("名称只有地名和类别，且地名所指不明确"),
            SameNormalizedName => f.write_str("规范化后名称相同"),
            Expansion { short, long } => write!(f, "“{short}”即“{long}”"),
            Folded(x) => f.write_str(x.zh()),
            RegionPrefixOmitted { prefix } => write!(f, "省略了地区前缀“{prefix}”"),
            RegionWritten { long, short } => write!(f, "地名“{long}”与“{short}”写法不同"),
            ProvisionalIgnored => f.write_str("忽略了筹建标记（筹）"),
            SoundSlipRepaired { written, meant } => write!(f, "“{written}”是“{meant}”的同音误写"),
            SuffixTypo { written, meant } => write!(f, "“{written}”是“{meant}”的错字"),
            SameOrdinal(n) => write!(f, "序号相同（第{n}）"),
            SameSound { a, b, sound } => write!(f, "“{a}”与“{b}”同音（{sound}）"),
            NamesDiffer { a, b } => write!(f, "名称不同：{a} / {b}"),
            SameCreditCode => f.write_str("同一统一社会信用代码"),
            Abbreviates { short, long } => write!(f, "“{short}”是“{long}”的简称"),
            Score(s) => write!(f, "得分 {s:.2}"),
            Shortens { short, long, .. } => write!(f, "“{short}”可能是“{long}”的简称"),
            FormDropped { short, region, form } if region.is_empty() => {
                write!(f, "“{short}”是另一名称省略了“{form}”")
            }
            FormDropped { short, region, form } => {
                write!(f, "“{short}”是另一名称省略了“{region}”和“{form}”")
            }
            ShortFormForReview(s) => write!(f, "仅凭简称不能合并，得分提到 {s:.2} 供人工审核"),
            Decoration { what, text } => {
                let label = match *what {
                    "English gloss" => "英文注释",
                    "status" => "状态说明",
                    "comment" => "备注",
                    "place after the name" => "写在名称后的地名",
                    "region levels reversed" => "顺序颠倒的行政区划",
                    other => other,
                };
                write!(f, "已识别{label}“{text}”")
            }
            MarkedSameByReviewer => f.write_str("审核人员已标记为同一单位"),
            MarkedDifferentByReviewer => f.write_str("审核人员已标记为不同单位，不合并"),
            RefusedInCluster => f.write_str("未合并：同一组中另有记录与其冲突"),
        }
    }
}

/// The machine (English) text.
impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_en(f)
    }
}

/// A reason in a language, written straight into what it is formatted into: a 1M-row run writes
/// a member's reasons into clusters.csv, id_remap.csv and the workbook, and a String per reason
/// (then a Vec of them, then the joined String) was a large part of that.
pub struct InLang<'a>(pub &'a Reason, pub Lang);

impl fmt::Display for InLang<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Lang::En => self.0.write_en(f),
            Lang::Zh => self.0.write_zh(f),
        }
    }
}

/// Reasons joined the way machine files write them: `a; b; c`.
pub fn join(reasons: &[Reason], lang: Lang) -> String {
    let mut s = String::new();
    join_into(&mut s, reasons, lang);
    s
}

/// `join`, appended to `out`.
pub fn join_into(out: &mut String, reasons: &[Reason], lang: Lang) {
    use fmt::Write;
    for (k, r) in reasons.iter().enumerate() {
        if k > 0 {
            out.push_str("; ");
        }
        // Writing into a String cannot fail.
        let _ = write!(out, "{}", InLang(r, lang));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_the_machine_text_and_chinese_reads_as_a_sentence() {
        let r = Reason::RegionPrefixOmitted { prefix: "安徽省".into() };
        assert_eq!(r.text(Lang::En), "region prefix 安徽省 omitted");
        assert_eq!(r.text(Lang::Zh), "省略了地区前缀“安徽省”");
        let e = Reason::Expansion { short: "科协".into(), long: "科学技术协会".into() };
        assert_eq!(e.text(Lang::En), "科协 = 科学技术协会");
        assert_eq!(e.text(Lang::Zh), "“科协”即“科学技术协会”");
        assert_eq!(Reason::SameCreditCode.text(Lang::Zh), "同一统一社会信用代码");
        assert_eq!(Reason::Score(0.923).text(Lang::Zh), "得分 0.92");
        assert_eq!(Reason::Score(0.923).to_string(), "score 0.92");
        let o = Reason::DifferentOrdinals { a: Some(1), b: None };
        assert_eq!(o.text(Lang::En), "different ordinals: 第1 / none");
        assert!(o.is_veto() && !Reason::SameCreditCode.is_veto());
        assert_eq!(
            join(&[Reason::SameCreditCode, Reason::Score(1.0)], Lang::En),
            "same credit code; score 1.00"
        );
    }

    #[test]
    fn every_folding_note_has_a_reason() {
        for note in ["full-width characters", "traditional characters", "spaces"] {
            let f = Folding::from_note(note).expect(note);
            assert_eq!(Reason::Folded(f).text(Lang::En), format!("{note} folded"));
        }
    }
}
