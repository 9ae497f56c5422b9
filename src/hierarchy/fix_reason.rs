//! Why a parent is proposed, in words: English for the machine files (findings.csv,
//! parent_fixes.csv, the audit database), Chinese for the people who read the sheets, the
//! review workbook and the lookup table.

use std::fmt;

use crate::geo::Gazetteer;
use crate::lang::Lang;
use crate::model::{FixReason, Level, Rejection};

fn level_zh(level: Level) -> &'static str {
    match level {
        Level::National => "全国",
        Level::Province => "省级",
        Level::City => "市级",
        Level::County => "县级",
        Level::Grassroots => "基层",
    }
}

impl FixReason {
    /// The reason as a sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let name = |d: u32| Gazetteer::global().name_of(d).to_string();
        use FixReason::*;
        match (self, lang) {
            (OneLevelUp { division, level }, Lang::En) => {
                format!("the association of {}, one level up from this {} unit", name(*division), level.as_str())
            }
            (OneLevelUp { division, level }, Lang::Zh) => {
                format!("{}科协，本{}单位的上一级科协", name(*division), level_zh(*level))
            }
            (NearestAncestor { ideal, division }, Lang::En) => format!(
                "the association of {} is not in the directory; its nearest ancestor, the association of {}",
                name(*ideal),
                name(*division)
            ),
            (NearestAncestor { ideal, division }, Lang::Zh) => {
                format!("组织库中没有{}科协，改挂最近的上级：{}科协", name(*ideal), name(*division))
            }
            (ProvinceUnderNational, _) => lang
                .pick("省级科协挂在中国科协下", "a province association sits under the national association")
                .into(),
            (NationalHasNoParent, _) => {
                lang.pick("中国科协没有上级组织", "the national association has no parent").into()
            }
            (NationalMissing, _) => {
                lang.pick("组织库中没有中国科协", "the national association is not in the directory").into()
            }
            (ProvinceUnknown, _) => lang
                .pick(
                    "无法确定所在省份（地区列、名称和信用代码中都没有地区）",
                    "the record's province is unknown (no region in its columns, name or credit code)",
                )
                .into(),
            (NoAssociation { ideal }, Lang::En) => {
                format!("no association of {} or above is in the directory", name(*ideal))
            }
            (NoAssociation { ideal }, Lang::Zh) => format!("组织库中没有{}及以上的科协", name(*ideal)),
            (AlreadyTheParent, _) => lang
                .pick(
                    "应挂靠的科协已是它的上级组织；请核对它的地区和类型",
                    "the association this unit belongs under is already its parent; check its region and type",
                )
                .into(),
            (ParentSurvivor, _) => lang
                .pick("上级组织是重复记录，改挂到其重复组保留的记录", "the survivor of the parent's duplicate cluster")
                .into(),
            (ParentSurvivorIsSelf, _) => lang
                .pick("上级组织重复组保留的就是本组织", "the parent's survivor is this record itself")
                .into(),
            (CycleCut(why), Lang::En) => format!("cycle broken at this record's parent edge: {}", why.text(lang)),
            (CycleCut(why), Lang::Zh) => format!("在本组织的上级关系处断开循环：{}", why.text(lang)),
            (CycleAllJustified, _) => lang
                .pick(
                    "循环中每条上级关系看起来都合理；请决定在哪里断开",
                    "every edge of this cycle looks justified; choose where to break it",
                )
                .into(),
            (CycleKept { cut_at }, Lang::En) => {
                format!("keep this edge: the cycle is broken at {}", cut_at.join(", "))
            }
            (CycleKept { cut_at }, Lang::Zh) => format!("保留此上级关系：循环在 {} 处断开", cut_at.join("、")),
            (FailedRecheck { parent }, Lang::En) => {
                format!("the proposed parent ({parent}) did not pass the re-check of the fixed directory")
            }
            (FailedRecheck { parent }, Lang::Zh) => format!("建议的上级组织（{parent}）未通过修正后的复查"),
            (RejectedByReviewer(r), Lang::En) => {
                let Rejection { decided_at, reviewer, parent, comment } = &**r;
                let mut why = format!("rejected by reviewer on {decided_at}");
                if !reviewer.is_empty() {
                    why.push_str(&format!(" ({reviewer})"));
                }
                why.push_str(&format!(": proposed parent {parent} not applied"));
                if !comment.is_empty() {
                    why.push_str(&format!("; {comment}"));
                }
                why
            }
            (RejectedByReviewer(r), Lang::Zh) => {
                let Rejection { decided_at, reviewer, parent, comment } = &**r;
                let who = if reviewer.is_empty() { String::new() } else { format!("（{reviewer}）") };
                let mut why = format!("审核人{who}于 {decided_at} 否决：建议的上级组织 {parent} 未采用");
                if !comment.is_empty() {
                    why.push_str(&format!("；{comment}"));
                }
                why
            }
        }
    }
}

/// English: the machine text.
impl fmt::Display for FixReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The English text is the machine text findings.csv had before the reasons were typed.
    #[test]
    fn english_is_the_machine_text_and_chinese_names_the_places() {
        let hefei = Gazetteer::global().lookup("合肥市")[0].code;
        let r = FixReason::OneLevelUp { division: hefei, level: Level::County };
        assert_eq!(r.to_string(), "the association of 合肥市, one level up from this county unit");
        assert_eq!(r.text(Lang::Zh), "合肥市科协，本县级单位的上一级科协");
        let cut = FixReason::CycleCut(Box::new(FixReason::ProvinceUnknown));
        assert!(cut
            .to_string()
            .starts_with("cycle broken at this record's parent edge: the record's province"));
        assert!(cut.text(Lang::Zh).contains("无法确定所在省份"));
        let rejected = FixReason::RejectedByReviewer(Box::new(Rejection {
            decided_at: "2025-01-02".into(),
            reviewer: "王".into(),
            parent: "HF".into(),
            comment: String::new(),
        }));
        assert_eq!(
            rejected.to_string(),
            "rejected by reviewer on 2025-01-02 (王): proposed parent HF not applied"
        );
    }
}
