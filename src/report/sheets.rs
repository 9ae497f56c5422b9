//! The sheets of report.xlsx: a summary that leads with what to do, a legend, the per-province
//! counts with charts, then one sheet per table (rows from `tables`).

use crate::lang::Lang;
use crate::model::{FindingCode, Severity};
use crate::pipeline::Pipeline;
use crate::rows;

use super::fixed::ParentChange;
use super::labels;
use super::pending::{PendingItem, Recommendation};
use super::table::{sheet_parts, Cell, Col};
use super::tables;
use super::xlsx::Sheet;
use super::RunReport;

/// Sheet names in the report's language.
pub struct Names {
    pub summary: &'static str,
    pub legend: &'static str,
    pub clusters: &'static str,
    pub pairs: &'static str,
    pub parent_fixes: &'static str,
    pub findings: &'static str,
    pub pending: &'static str,
    pub rejected: &'static str,
}

pub fn names(lang: Lang) -> Names {
    Names {
        summary: lang.pick("概要", "Summary"),
        legend: lang.pick("问题说明", "Legend"),
        clusters: lang.pick("重复组", "Duplicate clusters"),
        pairs: lang.pick("待复核疑似重复", "Pairs to review"),
        parent_fixes: lang.pick("上级组织修正", "Parent fixes"),
        findings: lang.pick("层级与信用代码问题", "Hierarchy findings"),
        pending: lang.pick("待认证队列", "Certification queue"),
        rejected: lang.pick("被拒绝的行", "Rejected rows"),
    }
}

/// Every sheet of the run's workbook, in order.
pub fn all(
    p: &Pipeline,
    r: &RunReport,
    queue: &[PendingItem],
    changes: &[ParentChange],
    lang: Lang,
) -> Vec<Sheet> {
    let mut v = vec![summary(r, lang), legend(r, lang), super::charts::by_province(r, lang)];
    v.push(clusters(p, lang));
    v.push(pairs(p, lang));
    v.push(parent_fixes(p, changes, lang));
    v.push(findings(p, lang));
    v.push(pending(p, queue, lang));
    v.extend(super::coverage::sheets(&p.dir, &p.coverage, lang));
    v.push(rejected(p, lang));
    v
}

fn table_sheet(
    name: &str,
    (cols, csv): (&[Col], &'static str),
    order: &[&str],
    rows: impl IntoIterator<Item = Vec<Cell>>,
    lang: Lang,
) -> Sheet {
    let (header, rows) = sheet_parts(cols, order, rows, lang);
    let mut s = Sheet::capped(name, header, rows);
    s.full_csv = Some(csv);
    s
}

/// The summary: what to do first, then the counts.
fn summary(r: &RunReport, lang: Lang) -> Sheet {
    let n = names(lang);
    // (cells, bold): section titles are bold.
    let mut rows: Vec<(Vec<Cell>, bool)> = Vec::new();
    let title = |rows: &mut Vec<(Vec<Cell>, bool)>, t: &str| {
        rows.push((vec![Cell::text(t), Cell::Empty, Cell::Empty], true));
    };
    let blank = || (vec![Cell::Empty, Cell::Empty, Cell::Empty], false);
    let pend = |k: Recommendation| r.pending.get(k.as_str()).copied().unwrap_or(0);
    title(&mut rows, lang.pick("要做的事", "What to do"));
    let actions: [(String, u64, &str); 8] = [
        (
            match lang {
                Lang::Zh => {
                    format!("合并重复条目：{} 组重复，合并掉的记录（id_remap.csv）", r.dedupe.clusters)
                }
                Lang::En => format!(
                    "Merge duplicates: {} clusters; records merged away (id_remap.csv)",
                    r.dedupe.clusters
                ),
            },
            r.dedupe.records_merged_away,
            n.clusters,
        ),
        (
            lang.pick("修正上级组织（parent_fixes.csv）", "Fix these parents (parent_fixes.csv)").to_string(),
            r.parent_fixes,
            n.parent_fixes,
        ),
        (
            lang.pick("待认证：可以认证", "Pending: certify").to_string(),
            pend(Recommendation::Certify),
            n.pending,
        ),
        (
            lang.pick("待认证：先修正上级组织再认证", "Pending: fix the parent, then certify").to_string(),
            pend(Recommendation::FixParentThenCertify),
            n.pending,
        ),
        (
            lang.pick("待认证：驳回（重复注册）", "Pending: reject (duplicates)").to_string(),
            pend(Recommendation::RejectDuplicate),
            n.pending,
        ),
        (
            lang.pick("人工判断疑似重复（是否同一单位）", "Decide pairs: same unit or not").to_string(),
            r.dedupe.pairs_needs_review,
            n.pairs,
        ),
        (
            lang.pick("人工复核无法自动修正的问题", "Review findings without a sure fix").to_string(),
            r.check.needs_review,
            n.findings,
        ),
        (
            lang.pick("补建缺失的科协", "Create the missing associations").to_string(),
            r.coverage.total.missing,
            super::coverage::sheet_names(lang).1,
        ),
    ];
    for (what, count, sheet) in actions {
        rows.push((vec![Cell::text(what), Cell::Int(count), Cell::text(sheet)], false));
    }
    rows.push(blank());
    title(&mut rows, lang.pick("概况", "Overview"));
    let i = &r.import;
    let facts: [(&str, &str, u64, &str); 10] = [
        ("读取的行", "rows read", i.rows_read, ""),
        ("接受的行", "accepted", i.accepted, ""),
        ("被拒绝的行", "rejected", i.rejected, n.rejected),
        ("完全重复的行（已跳过）", "exact repeats (skipped)", i.exact_repeats, ""),
        ("重复组", "duplicate clusters", r.dedupe.clusters, n.clusters),
        ("层级与信用代码问题", "hierarchy and credit-code findings", r.check.findings, n.findings),
        ("其中：错误", "of which errors", r.check.errors, n.findings),
        ("其中：警告", "of which warnings", r.check.warnings, n.findings),
        (
            "省级管理员看不到的单位",
            "units invisible to their provincial admin",
            r.check.invisible_to_province,
            "",
        ),
        ("待认证申请", "pending applications", r.pending.values().sum(), n.pending),
    ];
    for (zh, en, count, sheet) in facts {
        rows.push((vec![Cell::text(lang.pick(zh, en)), Cell::Int(count), Cell::text(sheet)], false));
    }
    rows.push((
        vec![
            Cell::text(lang.pick("科协覆盖率 %", "association coverage %")),
            Cell::Fixed(r.coverage.total.coverage_pct, 1),
            Cell::text(super::coverage::sheet_names(lang).0),
        ],
        false,
    ));
    rows.push(blank());
    title(&mut rows, lang.pick("问题（按类型）", "Findings by code"));
    for code in FindingCode::ALL {
        if let Some(&count) = r.check.by_code.get(code.as_str()) {
            rows.push((
                vec![Cell::text(labels::code(code, lang)), Cell::Int(count), Cell::text(n.legend)],
                false,
            ));
        }
    }
    let header = [lang.pick("事项", "item"), lang.pick("数量", "count"), lang.pick("见工作表", "see sheet")]
        .map(String::from)
        .to_vec();
    let bold = rows.iter().map(|r| r.1).collect();
    let mut s = Sheet::new(n.summary, header, rows.into_iter().map(|r| r.0).collect());
    s.bold_rows = bold;
    s.autofilter = false;
    s
}

/// Every finding code and certification recommendation: what it means and what to do.
fn legend(r: &RunReport, lang: Lang) -> Sheet {
    let mut rows: Vec<Vec<Cell>> = FindingCode::ALL
        .into_iter()
        .map(|c| {
            let (meaning, todo) = labels::code_help(c, lang);
            vec![
                Cell::text(c.as_str()),
                Cell::text(labels::code(c, lang)),
                Cell::Int(r.check.by_code.get(c.as_str()).copied().unwrap_or(0)),
                Cell::text(meaning),
                Cell::text(todo),
            ]
        })
        .collect();
    for k in Recommendation::ALL {
        rows.push(vec![
            Cell::text(k.as_str()),
            Cell::text(labels::recommendation(k, lang)),
            Cell::Int(r.pending.get(k.as_str()).copied().unwrap_or(0)),
            Cell::text(labels::recommendation_help(k, lang)),
            Cell::Empty,
        ]);
    }
    let header = [
        lang.pick("代码（机器文件中）", "code (in machine files)"),
        lang.pick("名称", "name"),
        lang.pick("本次数量", "count"),
        lang.pick("含义", "meaning"),
        lang.pick("怎么办", "what to do"),
    ]
    .map(String::from)
    .to_vec();
    let mut s = Sheet::new(names(lang).legend, header, rows);
    s.autofilter = false;
    s.max_width = 70.0;
    s
}

fn clusters(p: &Pipeline, lang: Lang) -> Sheet {
    let children = tables::child_counts(&p.dir);
    let members: Vec<_> = rows::cluster_members(&p.dedupe).collect();
    let bold: Vec<bool> = members.iter().map(|m| m.is_survivor()).collect();
    let cells = members.iter().map(|m| tables::cluster_member(&p.dir, m, &children, lang));
    let mut s = table_sheet(
        names(lang).clusters,
        (&tables::CLUSTERS, "clusters.csv"),
        tables::CLUSTERS_SHEET,
        cells,
        lang,
    );
    s.band_by = Some(0);
    s.bold_rows = bold;
    s
}

fn pairs(p: &Pipeline, lang: Lang) -> Sheet {
    let mut review: Vec<_> =
        p.dedupe.pairs.iter().filter(|x| x.decision == crate::dedupe::PairDecision::NeedsReview).collect();
    // By province, the surest first: how a provincial administrator works through them.
    review.sort_by(|a, b| {
        rows::province_col(&p.dir, a.a)
            .cmp(rows::province_col(&p.dir, b.a))
            .then(b.score.total_cmp(&a.score))
            .then((a.a, a.b).cmp(&(b.a, b.b)))
    });
    let cells = review.into_iter().map(|x| tables::pair(&p.dir, x, lang));
    table_sheet(names(lang).pairs, (&tables::PAIRS, "pairs.csv"), tables::PAIRS_SHEET, cells, lang)
}

fn parent_fixes(p: &Pipeline, changes: &[ParentChange], lang: Lang) -> Sheet {
    let mut order: Vec<&ParentChange> = changes.iter().collect();
    order.sort_by(|a, b| {
        rows::province_col(&p.dir, a.org).cmp(rows::province_col(&p.dir, b.org)).then(a.org.cmp(&b.org))
    });
    let cells = order.into_iter().map(|c| tables::parent_fix(&p.dir, c, lang));
    table_sheet(
        names(lang).parent_fixes,
        (&tables::PARENT_FIXES, "parent_fixes.csv"),
        tables::PARENT_FIXES_SHEET,
        cells,
        lang,
    )
}

/// Findings, errors first, then by province and id: an administrator filters on their province
/// and starts at the top.
fn findings(p: &Pipeline, lang: Lang) -> Sheet {
    let dir = &p.dir;
    let mut fs: Vec<rows::FindingRow> = p.check.findings.iter().map(rows::finding).collect();
    let rank = |s: Severity| match s {
        Severity::Error => 0,
        Severity::Warning => 1,
    };
    fs.sort_by(|a, b| {
        rank(a.severity)
            .cmp(&rank(b.severity))
            .then_with(|| rows::province_col(dir, a.org).cmp(rows::province_col(dir, b.org)))
            .then_with(|| dir.id(a.org).cmp(dir.id(b.org)))
            .then_with(|| a.code.cmp(&b.code))
    });
    let cells = fs.iter().map(|f| tables::finding(dir, f, lang));
    let mut s = table_sheet(
        names(lang).findings,
        (&tables::FINDINGS, "findings.csv"),
        tables::FINDINGS_SHEET,
        cells,
        lang,
    );
    // Many columns: long texts are cut at this width on screen (the cell keeps all of it), so
    // that a printed page one sheet wide stays readable.
    s.max_width = 36.0;
    s
}

fn pending(p: &Pipeline, queue: &[PendingItem], lang: Lang) -> Sheet {
    let cells = queue.iter().map(|q| {
        let prov = super::charts::province_name(super::counts::province_of(p, q.org), lang);
        tables::pending(&p.dir, q, prov, lang)
    });
    table_sheet(names(lang).pending, (&tables::PENDING, "pending.csv"), tables::PENDING_SHEET, cells, lang)
}

fn rejected(p: &Pipeline, lang: Lang) -> Sheet {
    let cells = p.dir.rejected.iter().map(tables::rejected);
    table_sheet(names(lang).rejected, (&tables::REJECTED, "rejected_rows.csv"), &[], cells, lang)
}
