//! The run's tables: columns and the one row function of each. The CSV files, the workbook's
//! sheets and report.md are all rendered from these.

use crate::dedupe::{PairDecision, ScoredPair};
use crate::lang::Lang;
use crate::model::{Directory, Field, FindingCode, RecIdx, RejectedRow};
use crate::rows::{self, FindingRow, MemberRow};
use crate::uscc;

use super::fixed::ParentChange;
use super::labels;
use super::pending::PendingItem;
use super::table::{col, csv_only, sheet_only, Cell, Col, Target, Vis};

pub const REJECTED: [Col; 4] = [
    col("file", "文件", "file"),
    col("line", "行号", "line"),
    col("reason", "原因", "reason"),
    col("raw", "原始内容", "raw"),
];

pub fn rejected(r: &RejectedRow) -> Vec<Cell<'_>> {
    vec![
        Cell::text(r.file.as_str()),
        Cell::Int(r.line),
        Cell::text(r.reason.as_str()),
        Cell::text(r.raw.as_str()),
    ]
}

pub const CLUSTERS: [Col; 11] = [
    col("org_id", "组织ID", "org id"),
    col("cluster_id", "重复组", "cluster"),
    col("is_survivor", "保留", "kept"),
    col("survivor_id", "保留的组织ID", "kept id"),
    col("score", "相似度", "score"),
    csv_only("reasons"),
    col("name", "名称", "name"),
    col("province", "省份", "province"),
    col("city", "地市", "city"),
    col("status", "认证状态", "status"),
    sheet_only("why", "保留或合并的原因", "why kept or merged"),
];

pub const CLUSTERS_SHEET: &[&str] =
    &["cluster_id", "is_survivor", "org_id", "name", "province", "city", "status", "score", "why"];

/// Child records per record (the survivor rule prefers the entry others hang under).
pub fn child_counts(dir: &Directory) -> Vec<u32> {
    let mut children = vec![0u32; dir.len()];
    for i in 0..dir.len() as RecIdx {
        if let Some(p) = dir.parent(i).filter(|&p| p != i) {
            children[p as usize] += 1;
        }
    }
    children
}

/// Why the survivor was kept, in words (one String written in place: once per cluster, twice).
fn survivor_reason(dir: &Directory, s: RecIdx, children: u32, lang: Lang) -> String {
    use std::fmt::Write;
    let sep = lang.pick("；", "; ");
    let mut r = String::new();
    r.push_str(lang.pick("保留：", "survivor: "));
    r.push_str(labels::cert_status(dir.status(s), lang));
    if uscc::canonical(dir.get(s, Field::Uscc)).is_some() {
        r.push_str(sep);
        r.push_str(lang.pick("信用代码有效", "valid credit code"));
    }
    if children > 0 {
        r.push_str(sep);
        // Writing into a String cannot fail.
        let _ = match lang {
            Lang::Zh => write!(r, "有 {children} 个下级组织"),
            Lang::En => write!(r, "{children} child records"),
        };
    }
    let created = dir.created_at(s);
    if !created.is_empty() {
        r.push_str(sep);
        r.push_str(lang.pick("创建于 ", "created "));
        r.push_str(&created);
    }
    r
}

pub fn cluster_member<'d>(
    dir: &'d Directory,
    m: &MemberRow<'d>,
    children: &[u32],
    lang: Lang,
    to: Target,
) -> Vec<Cell<'d>> {
    let reason = |lang| {
        Cell::text(if m.is_survivor() {
            survivor_reason(dir, m.org, children[m.org as usize], lang)
        } else {
            m.reasons(dir, lang)
        })
    };
    vec![
        Cell::text(dir.id(m.org).as_str()),
        Cell::text(m.cluster_id),
        Cell::Flag(m.is_survivor()),
        Cell::text(dir.id(m.survivor).as_str()),
        m.merge.map(|p| Cell::Fixed(p.score as f64, 3)).unwrap_or(Cell::Empty),
        to.only(Vis::Csv, || reason(Lang::En)),
        Cell::text(dir.name(m.org)),
        Cell::text(rows::province_col(dir, m.org)),
        Cell::text(dir.get(m.org, Field::City)),
        Cell::text(dir.get(m.org, Field::Status)),
        to.only(Vis::Sheet, || reason(lang)),
    ]
}

pub const PAIRS: [Col; 11] = [
    col("org_id_a", "组织ID A", "org id A"),
    col("org_id_b", "组织ID B", "org id B"),
    col("score", "相似度", "score"),
    csv_only("decision"),
    csv_only("reasons"),
    col("name_a", "名称 A", "name A"),
    col("name_b", "名称 B", "name B"),
    sheet_only("province", "省份", "province"),
    sheet_only("decision_label", "处理", "decision"),
    sheet_only("reasons_label", "相同之处与疑点", "evidence"),
    sheet_only("todo", "请判断：是否同一单位", "to do: same unit or not"),
];

pub const PAIRS_SHEET: &[&str] =
    &["province", "org_id_a", "name_a", "org_id_b", "name_b", "score", "reasons_label", "todo"];

pub fn pair<'d>(dir: &'d Directory, p: &ScoredPair, lang: Lang, to: Target) -> Vec<Cell<'d>> {
    let todo = match p.decision {
        PairDecision::NeedsReview => lang.pick("相同 / 不同", "same / different"),
        PairDecision::Merged => "",
    };
    vec![
        Cell::text(dir.id(p.a).as_str()),
        Cell::text(dir.id(p.b).as_str()),
        Cell::Fixed(p.score as f64, 3),
        Cell::text(p.decision.as_str()),
        to.only(Vis::Csv, || Cell::text(rows::reasons_text(p, Lang::En))),
        Cell::text(dir.name(p.a)),
        Cell::text(dir.name(p.b)),
        Cell::text(rows::province_col(dir, p.a)),
        Cell::text(labels::pair_decision(p.decision, lang)),
        to.only(Vis::Sheet, || Cell::text(rows::reasons_text(p, lang))),
        Cell::text(todo),
    ]
}

pub const FINDINGS: [Col; 18] = [
    col("org_id", "组织ID", "org id"),
    col("code", "问题代码", "code"),
    csv_only("severity"),
    csv_only("detail"),
    col("parent_id", "现上级组织ID", "parent id"),
    col("proposed_parent_id", "建议上级组织ID", "proposed parent id"),
    csv_only("confidence"),
    col("reason", "建议理由", "why this parent"),
    col("name", "名称", "name"),
    col("province", "省份", "province"),
    col("city", "地市", "city"),
    col("code_label", "问题", "finding"),
    col("detail_label", "详情", "detail"),
    sheet_only("severity_label", "严重程度", "severity"),
    sheet_only("parent_name", "现上级组织", "parent"),
    sheet_only("proposed_parent_name", "建议上级组织", "proposed parent"),
    sheet_only("confidence_label", "把握", "confidence"),
    sheet_only("todo", "怎么办", "what to do"),
];

pub const FINDINGS_SHEET: &[&str] = &[
    "severity_label",
    "province",
    "city",
    "org_id",
    "name",
    "code_label",
    "detail_label",
    "parent_id",
    "parent_name",
    "proposed_parent_id",
    "proposed_parent_name",
    "confidence_label",
    "todo",
];

/// The finding's own texts are copied: findings.csv's rows are made on the fly.
pub fn finding<'d>(dir: &'d Directory, f: &FindingRow, lang: Lang, to: Target) -> Vec<Cell<'d>> {
    let i = f.org;
    let parent = dir.parent(i).filter(|&p| p != i);
    vec![
        Cell::text(dir.id(i).as_str()),
        Cell::text(f.code.as_str()),
        Cell::text(f.severity.as_str()),
        to.only(Vis::Csv, || Cell::text(f.detail.to_string())),
        Cell::text(&*dir.records[i as usize].parent_id),
        Cell::text(rows::id_of(dir, f.proposed)),
        Cell::text(rows::confidence_word(f.confidence)),
        Cell::text(f.reason.clone()),
        Cell::text(dir.name(i)),
        Cell::text(rows::province_col(dir, i)),
        Cell::text(dir.get(i, Field::City)),
        Cell::text(labels::code(f.code, lang)),
        Cell::text(f.detail.text(lang)),
        Cell::text(labels::severity(f.severity, lang)),
        to.only(Vis::Sheet, || Cell::text(rows::name_of(dir, parent))),
        to.only(Vis::Sheet, || Cell::text(rows::name_of(dir, f.proposed))),
        Cell::text(labels::confidence(f.confidence, lang)),
        Cell::text(labels::code_help(f.code, lang).1),
    ]
}

pub const PENDING: [Col; 13] = [
    col("org_id", "组织ID", "org id"),
    col("name", "名称", "name"),
    col("province", "省份", "province"),
    col("city", "地市", "city"),
    col("created_at", "申请时间", "created"),
    col("age_days", "已等待天数", "days waiting"),
    csv_only("recommendation"),
    col("survivor_id", "已有单位ID", "existing unit id"),
    col("survivor_name", "已有单位名称", "existing unit"),
    csv_only("why"),
    col("recommendation_label", "建议", "recommendation"),
    sheet_only("why_label", "原因", "why"),
    sheet_only("decision", "处理结果（请填写）", "decision (fill in)"),
];

pub const PENDING_SHEET: &[&str] = &[
    "province",
    "city",
    "org_id",
    "name",
    "created_at",
    "age_days",
    "recommendation_label",
    "why_label",
    "survivor_id",
    "survivor_name",
    "decision",
];

/// One queue item. `province` is the province the record is counted under.
pub fn pending<'d>(
    dir: &'d Directory,
    q: &PendingItem,
    province: &'d str,
    lang: Lang,
    to: Target,
) -> Vec<Cell<'d>> {
    let i = q.org;
    vec![
        Cell::text(dir.id(i).as_str()),
        Cell::text(dir.name(i)),
        Cell::text(province),
        Cell::text(dir.get(i, Field::City)),
        Cell::text(dir.created_at(i)),
        q.age_days
            .map(|d| if d >= 0 { Cell::Int(d as u64) } else { Cell::Text(d.to_string().into()) })
            .unwrap_or(Cell::Empty),
        Cell::text(q.recommendation.as_str()),
        Cell::text(rows::id_of(dir, q.survivor)),
        Cell::text(rows::name_of(dir, q.survivor)),
        to.only(Vis::Csv, || Cell::text(q.why.text(dir, Lang::En))),
        Cell::text(labels::recommendation(q.recommendation, lang)),
        to.only(Vis::Sheet, || Cell::text(q.why.text(dir, lang))),
        Cell::Empty,
    ]
}

pub const PARENT_FIXES: [Col; 11] = [
    col("org_id", "组织ID", "org id"),
    col("old_parent_id", "原上级组织ID", "old parent id"),
    col("new_parent_id", "新上级组织ID", "new parent id"),
    col("code", "原因代码", "code"),
    csv_only("confidence"),
    sheet_only("name", "名称", "name"),
    sheet_only("province", "省份", "province"),
    sheet_only("old_parent_name", "原上级组织", "old parent"),
    sheet_only("new_parent_name", "新上级组织", "new parent"),
    sheet_only("code_label", "原因", "why"),
    sheet_only("confidence_label", "把握", "confidence"),
];

pub const PARENT_FIXES_SHEET: &[&str] = &[
    "province",
    "org_id",
    "name",
    "old_parent_id",
    "old_parent_name",
    "new_parent_id",
    "new_parent_name",
    "code_label",
    "confidence_label",
];

/// Label of a parent change's cause: a finding code, or the parent's merge.
pub fn change_cause(code: &str, lang: Lang) -> &'static str {
    match FindingCode::parse(code) {
        Some(c) => labels::code(c, lang),
        None => lang.pick("原上级组织被合并到保留条目", "old parent merged into its survivor"),
    }
}

pub fn parent_fix<'d>(dir: &'d Directory, c: &ParentChange, lang: Lang, to: Target) -> Vec<Cell<'d>> {
    let i = c.org;
    vec![
        Cell::text(dir.id(i).as_str()),
        Cell::text(&*dir.records[i as usize].parent_id),
        Cell::text(dir.id(c.new_parent).as_str()),
        Cell::text(c.code),
        Cell::text(c.confidence.as_str()),
        Cell::text(dir.name(i)),
        Cell::text(rows::province_col(dir, i)),
        to.only(Vis::Sheet, || Cell::text(rows::name_of(dir, dir.parent(i)))),
        Cell::text(dir.name(c.new_parent)),
        to.only(Vis::Sheet, || Cell::text(change_cause(c.code, lang))),
        Cell::text(labels::confidence(Some(c.confidence), lang)),
    ]
}

pub const ID_REMAP: [Col; 3] = [csv_only("old_id"), csv_only("new_id"), csv_only("reason")];

pub fn id_remap<'d>(dir: &'d Directory, m: &MemberRow) -> Vec<Cell<'d>> {
    vec![
        Cell::text(dir.id(m.org).as_str()),
        Cell::text(dir.id(m.survivor).as_str()),
        Cell::text(rows::merge_note(m, Lang::En)),
    ]
}
