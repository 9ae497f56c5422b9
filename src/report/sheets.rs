//! The sheets of report.xlsx: a summary that leads with what to do, a legend, the per-province
//! counts with charts, then one sheet per table (rows from `tables`).

use crate::lang::Lang;
use crate::model::{FindingCode, Severity};
use crate::pipeline::Pipeline;
use crate::rows;
use rayon::prelude::*;

use super::fixed::ParentChange;
use super::labels;
use super::pending::{PendingItem, Recommendation};
use super::table::{pick, sheet_columns, Cell, Col, Target};
use super::tables;
use super::xlsx::{Band, Sheet, SheetBuilder, MAX_ROWS};
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

/// Every sheet of the run's workbook, in order, each built when its task runs (`xlsx::Book`).
pub fn all<'a>(
    p: &'a Pipeline,
    r: &'a RunReport,
    queue: &'a [PendingItem],
    changes: &'a [ParentChange],
    lang: Lang,
) -> Vec<(usize, SheetBuilder<'a>)> {
    // Each with about how many rows it will have: the longest are written first.
    let members = p.dedupe.clusters.clusters.iter().map(|c| c.members.len()).sum();
    let review =
        p.dedupe.pairs.iter().filter(|x| x.decision == crate::dedupe::PairDecision::NeedsReview).count();
    let mut v: Vec<(usize, SheetBuilder<'a>)> = vec![
        (0, Box::new(move || summary(r, lang))),
        (0, Box::new(move || legend(r, lang))),
        (0, Box::new(move || super::charts::by_province(r, lang))),
        (members, Box::new(move || clusters(p, lang))),
        (review, Box::new(move || pairs(p, lang))),
        (changes.len(), Box::new(move || parent_fixes(p, changes, lang))),
        (p.check.findings.len(), Box::new(move || findings(p, lang))),
        (queue.len(), Box::new(move || pending(p, queue, lang))),
    ];
    v.extend(
        super::coverage::sheets(&p.dir, &p.coverage, lang)
            .into_iter()
            .map(|s| -> (usize, SheetBuilder) { (s.rows.len(), Box::new(move || s)) }),
    );
    v.push((p.dir.rejected.len(), Box::new(move || rejected(p, lang))));
    v
}

/// A table sheet of `items`, a row each (`row` gives every column; the sheet's are picked). The
/// rows a sheet can show are built in parallel, in order; the rest are only counted.
fn table_sheet<'i, 'a, T: Sync>(
    name: &str,
    (cols, csv): (&[Col], &'static str),
    order: &[&str],
    items: &'i [T],
    row: impl Fn(&'i T) -> Vec<Cell<'a>> + Sync,
    lang: Lang,
) -> Sheet<'a> {
    let keep = sheet_columns(cols, order);
    let header = keep.iter().map(|&i| cols[i].header(lang).to_string()).collect();
    let shown = &items[..items.len().min(MAX_ROWS)];
    let rows = shown.par_iter().map(|x| pick(row(x), &keep)).collect();
    let mut s = Sheet::new(name, header, rows);
    s.omitted = items.len() - shown.len();
    s.full_csv = Some(csv);
    s
}

/// The summary: what to do first, then the counts.
fn summary(r: &RunReport, lang: Lang) -> Sheet<'_> {
    let n = names(lang);
    // (cells, bold): section titles are bold.
    let mut rows: Vec<(Vec<Cell>, bool)> = Vec::new();
    let title = |rows: &mut Vec<(Vec<Cell<'static>>, bool)>, t: &'static str| {
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
fn legend(r: &RunReport, lang: Lang) -> Sheet<'_> {
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

fn clusters<'a>(p: &'a Pipeline, lang: Lang) -> Sheet<'a> {
    let children = tables::child_counts(&p.dir);
    let members: Vec<_> = rows::cluster_members(&p.dedupe).collect();
    let row = |m: &rows::MemberRow<'a>| tables::cluster_member(&p.dir, m, &children, lang, Target::Sheet);
    let table = (&tables::CLUSTERS[..], "clusters.csv");
    let mut s = table_sheet(names(lang).clusters, table, tables::CLUSTERS_SHEET, &members, row, lang);
    s.band = Some(Band::by(0, lang));
    // Survivors in bold: the survivor flag's place among the columns the sheet keeps.
    let kept = sheet_columns(&tables::CLUSTERS, tables::CLUSTERS_SHEET);
    s.bold_when = kept.iter().position(|&i| tables::CLUSTERS[i].key == "is_survivor");
    s
}

fn pairs(p: &Pipeline, lang: Lang) -> Sheet<'_> {
    let dir = &p.dir;
    let review = p.dedupe.pairs.iter().filter(|x| x.decision == crate::dedupe::PairDecision::NeedsReview);
    // By province, the surest first: how a provincial administrator works through them. The
    // province is looked up once per pair, not in every comparison.
    let mut review: Vec<_> = review.map(|x| (rows::province_col(dir, x.a), x)).collect();
    review.sort_by(|(pa, a), (pb, b)| {
        pa.cmp(pb).then(b.score.total_cmp(&a.score)).then((a.a, a.b).cmp(&(b.a, b.b)))
    });
    let row = |(_, x): &(&str, &crate::dedupe::ScoredPair)| tables::pair(dir, x, lang, Target::Sheet);
    let table = (&tables::PAIRS[..], "pairs.csv");
    table_sheet(names(lang).pairs, table, tables::PAIRS_SHEET, &review, row, lang)
}

fn parent_fixes<'a>(p: &'a Pipeline, changes: &[ParentChange], lang: Lang) -> Sheet<'a> {
    let dir = &p.dir;
    let mut order: Vec<(&str, &ParentChange)> =
        changes.iter().map(|c| (rows::province_col(dir, c.org), c)).collect();
    order.sort_by(|(pa, a), (pb, b)| pa.cmp(pb).then(a.org.cmp(&b.org)));
    let row = |(_, c): &(&str, &ParentChange)| tables::parent_fix(dir, c, lang, Target::Sheet);
    let table = (&tables::PARENT_FIXES[..], "parent_fixes.csv");
    table_sheet(names(lang).parent_fixes, table, tables::PARENT_FIXES_SHEET, &order, row, lang)
}

/// Findings, errors first, then by province and id: an administrator filters on their province
/// and starts at the top.
fn findings(p: &Pipeline, lang: Lang) -> Sheet<'_> {
    let dir = &p.dir;
    let rank = |s: Severity| match s {
        Severity::Error => 0,
        Severity::Warning => 1,
    };
    // The sort key is read once per finding, not in every comparison.
    let mut fs: Vec<((u8, &str, &str), rows::FindingRow)> = p
        .check
        .findings
        .iter()
        .map(|f| {
            ((rank(f.severity), rows::province_col(dir, f.org), dir.id(f.org).as_str()), rows::finding(f))
        })
        .collect();
    fs.sort_by(|(ka, a), (kb, b)| ka.cmp(kb).then_with(|| a.code.cmp(&b.code)));
    let row = |(_, f): &(_, rows::FindingRow)| tables::finding(dir, f, lang, Target::Sheet);
    let table = (&tables::FINDINGS[..], "findings.csv");
    let mut s = table_sheet(names(lang).findings, table, tables::FINDINGS_SHEET, &fs, row, lang);
    // Many columns: long texts are cut at this width on screen (the cell keeps all of it), so
    // that a printed page one sheet wide stays readable.
    s.max_width = 36.0;
    s
}

fn pending<'a>(p: &'a Pipeline, queue: &[PendingItem], lang: Lang) -> Sheet<'a> {
    let row = |q: &PendingItem| {
        let prov = super::charts::province_name(super::counts::province_of(p, q.org), lang);
        tables::pending(&p.dir, q, prov, lang, Target::Sheet)
    };
    let table = (&tables::PENDING[..], "pending.csv");
    table_sheet(names(lang).pending, table, tables::PENDING_SHEET, queue, row, lang)
}

fn rejected(p: &Pipeline, lang: Lang) -> Sheet<'_> {
    let table = (&tables::REJECTED[..], "rejected_rows.csv");
    table_sheet(names(lang).rejected, table, &[], &p.dir.rejected, tables::rejected, lang)
}
