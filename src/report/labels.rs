//! Words for people: every code and status of the machine files gets a label in the report's
//! language, in the platform's own words (组织库, 归口单位, 上级组织, 省级管理员, 待认证, 科协). Machine
//! files keep the English codes; these labels go into the report, and into label columns.

use crate::audit::diff::{Change, Kind};
use crate::coverage::Status;
use crate::dedupe::PairDecision;
use crate::lang::Lang;
use crate::model::{Confidence, FindingCode, Severity};

use super::pending::Recommendation;

/// Label of a finding code.
pub fn code(c: FindingCode, lang: Lang) -> &'static str {
    use FindingCode::*;
    match c {
        MissingParent => lang.pick("缺少上级组织", "no parent"),
        SelfParent => lang.pick("上级组织是自己", "own parent"),
        DanglingParent => lang.pick("上级组织不在组织库中", "parent not in the directory"),
        Cycle => lang.pick("上级链成环", "parent chain loops"),
        SkipsProvince => lang.pick("越过省级科协", "skips the province association"),
        CrossProvince => lang.pick("上级组织在外省", "parent in another province"),
        LevelInversion => lang.pick("层级倒挂", "level inversion"),
        ParentIsDuplicate => lang.pick("上级组织是重复条目", "parent is a duplicate"),
        InvalidUscc => lang.pick("统一社会信用代码无效", "invalid credit code"),
        UsccProvinceMismatch => lang.pick("信用代码地区与省份不符", "credit code of another province"),
        UsccExcelMangled => lang.pick("信用代码被 Excel 改成了科学计数法", "credit code mangled by Excel"),
    }
}

/// What the finding means and what to do about it (the legend sheet and report.md).
pub fn code_help(c: FindingCode, lang: Lang) -> (&'static str, &'static str) {
    use FindingCode::*;
    match c {
        MissingParent => (
            lang.pick("没有填写归口单位（上级组织），省级管理员看不到它的活动。", "No supervising unit (parent) is given: the provincial administrator never sees its events."),
            lang.pick("在平台上为其指定归口单位，一般是所在地的科协。", "Set its supervising unit on the platform, usually the local 科协."),
        ),
        SelfParent => (
            lang.pick("上级组织ID就是它自己的ID。", "Its parent id is its own id."),
            lang.pick("改为真正的上级组织（见建议的上级组织）。", "Point it to its real parent (see the proposed parent)."),
        ),
        DanglingParent => (
            lang.pick("上级组织ID在组织库中找不到。", "The parent id names no unit in the directory."),
            lang.pick("改为组织库中存在的上级组织，或补录缺失的上级组织。", "Point it to a unit that exists, or add the missing parent."),
        ),
        Cycle => (
            lang.pick("沿上级组织一路向上会回到自己，整条链都到不了中国科协。", "Following the parents loops back: the chain never reaches 中国科协."),
            lang.pick("断开环：把环中一个单位改挂到正确的科协下。", "Break the loop: re-attach one unit of it to the right 科协."),
        ),
        SkipsProvince => (
            lang.pick("上级链没有经过本省科协，省级管理员看不到它。", "The chain does not pass through its province association: the provincial administrator cannot see it."),
            lang.pick("改挂到本省（或本市、本县）科协下。", "Re-attach it under its province (or city, county) association."),
        ),
        CrossProvince => (
            lang.pick("上级组织在另一个省份。", "Its parent is in another province."),
            lang.pick("核实所在地，改挂到本省的上级组织。", "Check where it is and re-attach it within its province."),
        ),
        LevelInversion => (
            lang.pick("上级组织的层级比它低（如省科协挂在县科协下）。", "Its parent is at a lower level (a province association under a county one)."),
            lang.pick("改挂到更高一级的科协。", "Re-attach it to the association one level up."),
        ),
        ParentIsDuplicate => (
            lang.pick("上级组织是一个将被合并的重复条目。", "Its parent is a duplicate entry that is merged away."),
            lang.pick("改挂到保留的条目（修正文件中已自动改好）。", "Re-attach it to the kept entry (done in the fix files)."),
        ),
        InvalidUscc => (
            lang.pick("统一社会信用代码不符合 GB 32100（长度、字符或校验位不对）。", "The credit code fails GB 32100 (length, characters or check digit)."),
            lang.pick("请单位核对营业执照或登记证书上的代码后更正。", "Ask the unit for the code on its licence and correct it."),
        ),
        UsccProvinceMismatch => (
            lang.pick("信用代码中的登记地区与所填省份不一致。", "The region in the credit code is not the province given."),
            lang.pick("核实单位所在地或信用代码。", "Check the unit's location or its credit code."),
        ),
        UsccExcelMangled => (
            lang.pick(
                "信用代码被 Excel 显示为科学计数法（如 5.11502E+17），保存后数字已丢失。",
                "Excel turned the credit code into a number in scientific notation (5.11502E+17); digits were lost on saving.",
            ),
            lang.pick(
                "从平台重新导出，或在 Excel 中把该列设为“文本”后再导入，不要直接保存 CSV。",
                "Export again, or import the column as Text in Excel before saving the CSV.",
            ),
        ),
    }
}

pub fn severity(s: Severity, lang: Lang) -> &'static str {
    match s {
        Severity::Error => lang.pick("错误", "error"),
        Severity::Warning => lang.pick("警告", "warning"),
    }
}

/// A confidence as machine files write it (`high`…, `Confidence::as_str`), in `lang`; any other
/// word as it is.
pub fn confidence_word(word: &str, lang: Lang) -> &str {
    use Confidence::*;
    match [High, Medium, Low, NeedsReview].into_iter().find(|c| c.as_str() == word) {
        Some(c) => confidence(Some(c), lang),
        None => word,
    }
}

pub fn confidence(c: Option<Confidence>, lang: Lang) -> &'static str {
    match c {
        Some(Confidence::High) => lang.pick("高", "high"),
        Some(Confidence::Medium) => lang.pick("中", "medium"),
        Some(Confidence::Low) => lang.pick("低", "low"),
        Some(Confidence::NeedsReview) => lang.pick("需人工复核", "needs review"),
        None => "",
    }
}

pub fn recommendation(r: Recommendation, lang: Lang) -> &'static str {
    match r {
        Recommendation::RejectDuplicate => lang.pick("驳回（重复注册）", "reject: duplicate"),
        Recommendation::FixParentThenCertify => {
            lang.pick("先修正上级组织再认证", "fix the parent, then certify")
        }
        Recommendation::Certify => lang.pick("认证通过", "certify"),
    }
}

pub fn recommendation_help(r: Recommendation, lang: Lang) -> &'static str {
    match r {
        Recommendation::RejectDuplicate => lang.pick(
            "组织库中已有这个单位：驳回申请，并告知申请人使用已有的条目。",
            "The directory already has this unit: reject, and point the applicant to the existing entry.",
        ),
        Recommendation::FixParentThenCertify => lang.pick(
            "新单位，但它或它上面的单位上级组织有误：先修正，再认证。",
            "A new unit whose chain has a parent fault: fix it, then certify.",
        ),
        Recommendation::Certify => {
            lang.pick("新单位，上级链正确：可以认证。", "A new unit with a sound chain: certify it.")
        }
    }
}

pub fn coverage_status(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Present => lang.pick("已有", "present"),
        Status::Missing => lang.pick("缺失", "missing"),
        Status::Duplicated => lang.pick("重复", "duplicated"),
        Status::Misplaced => lang.pick("挂错位置", "misplaced"),
    }
}

pub fn pair_decision(d: PairDecision, lang: Lang) -> &'static str {
    match d {
        PairDecision::Merged => lang.pick("已合并", "merged"),
        PairDecision::NeedsReview => lang.pick("待复核", "needs review"),
    }
}

pub fn change(c: Change, lang: Lang) -> &'static str {
    match c {
        Change::New => lang.pick("新增", "new"),
        Change::Resolved => lang.pick("已解决", "resolved"),
        Change::Persisting => lang.pick("仍存在", "persisting"),
    }
}

pub fn kind(k: Kind, lang: Lang) -> &'static str {
    match k {
        Kind::Finding => lang.pick("问题", "finding"),
        Kind::Cluster => lang.pick("重复组", "cluster"),
    }
}

/// How a record's status reads (the survivor's reason).
pub fn cert_status(s: crate::model::CertStatus, lang: Lang) -> &'static str {
    use crate::model::CertStatus::*;
    match s {
        Certified => lang.pick("已认证", "certified"),
        Pending => lang.pick("待认证", "pending"),
        Other => lang.pick("其他状态", "other status"),
        Failed => lang.pick("认证未通过", "failed certification"),
    }
}

/// A province label for records whose province is not known.
pub fn unknown_province(lang: Lang) -> &'static str {
    lang.pick("（省份不明）", "(unknown)")
}
