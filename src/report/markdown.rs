//! report.md: the summary as text for e-mail or chat, in the report's language.

use std::fmt::Write;

use crate::lang::Lang;
use crate::model::FindingCode;

use super::charts::{province_cells, province_name};
use super::labels;
use super::pending::Recommendation;
use super::table::{markdown, Cell};
use super::{top_provinces, RunReport};

pub fn render(r: &RunReport, extra_sections: &[String], lang: Lang) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {} — {}\n", lang.pick("orgclean 组织库清理报告", "orgclean report"), r.as_of);
    let i = &r.import;
    let _ = writeln!(
        s,
        "{}\n",
        match lang {
            Lang::Zh => format!(
                "输入：{} 个文件，读取 {} 行 = 接受 {} + 拒绝 {} + 完全重复 {}。",
                r.inputs.len(),
                i.rows_read,
                i.accepted,
                i.rejected,
                i.exact_repeats
            ),
            Lang::En => format!(
                "Input: {} file(s), {} rows read = {} accepted + {} rejected + {} exact repeats.",
                r.inputs.len(),
                i.rows_read,
                i.accepted,
                i.rejected,
                i.exact_repeats
            ),
        }
    );
    let d = &r.dedupe;
    let c = &r.check;
    let pend = |k: Recommendation| r.pending.get(k.as_str()).copied().unwrap_or(0);
    let todo: [(&str, &str, u64); 6] = [
        ("合并掉的重复记录（id_remap.csv）", "records to merge away (id_remap.csv)", d.records_merged_away),
        ("要修正的上级组织（parent_fixes.csv）", "parent fixes to apply (parent_fixes.csv)", r.parent_fixes),
        ("待认证：可以认证", "pending: certify", pend(Recommendation::Certify)),
        (
            "待认证：先修正上级组织再认证",
            "pending: fix the parent, then certify",
            pend(Recommendation::FixParentThenCertify),
        ),
        ("待认证：驳回（重复注册）", "pending: reject as duplicates", pend(Recommendation::RejectDuplicate)),
        ("需人工判断的疑似重复", "pairs to decide (same unit or not)", d.pairs_needs_review),
    ];
    let rows: Vec<Vec<Cell>> =
        todo.iter().map(|(zh, en, n)| vec![Cell::text(lang.pick(zh, en)), Cell::Int(*n)]).collect();
    let _ = writeln!(s, "## {}\n", lang.pick("要做的事", "What to do"));
    s.push_str(&markdown(&[lang.pick("事项", "what"), lang.pick("数量", "count")], &rows));

    let summary: [(&str, &str, u64); 9] = [
        ("记录", "records", d.records),
        ("重复组", "duplicate clusters", d.clusters),
        ("在重复组中的记录", "records in clusters", d.records_in_clusters),
        ("合并掉的记录（见 id_remap.csv）", "records merged away (see id_remap.csv)", d.records_merged_away),
        ("待复核的疑似重复", "pairs for review", d.pairs_needs_review),
        ("层级与信用代码问题", "hierarchy and credit-code findings", c.findings),
        ("要修正的上级组织（parent_fixes.csv）", "parent fixes to apply (parent_fixes.csv)", r.parent_fixes),
        ("需人工复核的问题", "findings needing review", c.needs_review),
        ("省级管理员看不到的单位", "units invisible to their provincial admin", c.invisible_to_province),
    ];
    let rows: Vec<Vec<Cell>> =
        summary.iter().map(|(zh, en, n)| vec![Cell::text(lang.pick(zh, en)), Cell::Int(*n)]).collect();
    let _ = writeln!(s, "\n## {}\n", lang.pick("概况", "Summary"));
    s.push_str(&markdown(&[lang.pick("项目", "what"), lang.pick("数量", "count")], &rows));

    let rows: Vec<Vec<Cell>> = FindingCode::ALL
        .into_iter()
        .filter_map(|code| {
            let n = *c.by_code.get(code.as_str())?;
            Some(vec![Cell::text(labels::code(code, lang)), Cell::text(code.as_str()), Cell::Int(n)])
        })
        .collect();
    let _ = writeln!(s, "\n## {}\n", lang.pick("问题（按类型）", "Findings by code"));
    s.push_str(&markdown(
        &[lang.pick("问题", "finding"), lang.pick("代码", "code"), lang.pick("数量", "count")],
        &rows,
    ));

    let rows: Vec<Vec<Cell>> = Recommendation::ALL
        .into_iter()
        .filter_map(|k| {
            let n = *r.pending.get(k.as_str())?;
            Some(vec![Cell::text(labels::recommendation(k, lang)), Cell::text(k.as_str()), Cell::Int(n)])
        })
        .collect();
    let _ = writeln!(s, "\n## {}\n", lang.pick("待认证队列", "Certification queue (待认证)"));
    s.push_str(&markdown(
        &[lang.pick("建议", "recommendation"), lang.pick("代码", "code"), lang.pick("数量", "count")],
        &rows,
    ));

    let _ = writeln!(s, "\n## {}\n", lang.pick("工作量最大的省份", "Top provinces"));
    let header = [
        lang.pick("省份", "province"),
        lang.pick("记录", "records"),
        lang.pick("重复组", "clusters"),
        lang.pick("合并掉", "merged away"),
        lang.pick("问题", "findings"),
        lang.pick("省级看不到", "invisible"),
        lang.pick("待认证", "pending"),
    ];
    let rows: Vec<Vec<Cell>> =
        top_provinces(r, 10).into_iter().map(|(p, st)| province_cells(p, st, lang)).collect();
    s.push_str(&markdown(&header, &rows));

    let _ = writeln!(s, "\n## {}\n", lang.pick("最大的重复组", "Largest duplicate clusters"));
    let header = [
        lang.pick("重复组", "cluster"),
        lang.pick("条数", "size"),
        lang.pick("保留的组织ID", "survivor"),
        lang.pick("名称", "name"),
        lang.pick("省份", "province"),
    ];
    let rows: Vec<Vec<Cell>> = r
        .worst_clusters
        .iter()
        .map(|w| {
            vec![
                Cell::text(w.cluster_id.as_str()),
                Cell::Int(w.size as u64),
                Cell::text(w.survivor_id.as_str()),
                Cell::text(w.survivor_name.as_str()),
                Cell::text(province_name(&w.province, lang)),
            ]
        })
        .collect();
    s.push_str(&markdown(&header, &rows));
    for extra in extra_sections {
        s.push('\n');
        s.push_str(extra);
    }
    s
}
