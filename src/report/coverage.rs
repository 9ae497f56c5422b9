//! Coverage as coverage.csv, a report.md section, report.xlsx sheets and console text.

use std::fmt::Write as _;
use std::path::Path;

use crate::coverage::{Coverage, CoverageCounts, CoverageRow, CoverageSummary, Scope, Status};
use crate::error::Result;
use crate::geo::{DivLevel, Gazetteer};
use crate::lang::Lang;
use crate::model::Directory;
use crate::output;

use super::labels;
use super::table::{md_cell, Cell};
use super::xlsx::Sheet;

pub const CSV_HEADER: [&str; 11] = [
    "division_code",
    "province",
    "city",
    "county",
    "level",
    "status",
    "org_ids",
    "expected_name",
    "merged_ids",
    "finding",
    "detail",
];

/// The suffix of every regional association's full name.
const ASSOC_SUFFIX: &str = "科学技术协会";

fn level_word(l: DivLevel, lang: Lang) -> &'static str {
    match l {
        DivLevel::Province => lang.pick("省级", "province"),
        DivLevel::City => lang.pick("市级", "city"),
        DivLevel::County => lang.pick("县级", "county"),
    }
}

/// Province, city and county names of a row's division. The city is left empty when the county's
/// parent is a transparent row (a municipality's own city row, a 省直辖 placeholder).
fn place(row: &CoverageRow) -> [String; 3] {
    let g = Gazetteer::global();
    let Some(d) = g.get(row.division) else {
        return Default::default();
    };
    let province = g.name_of(d.province).to_string();
    match d.level {
        DivLevel::Province => [province, String::new(), String::new()],
        DivLevel::City => [province, d.name.clone(), String::new()],
        DivLevel::County => {
            let city = d.parent.and_then(|c| g.get(c)).filter(|c| !c.transparent);
            [province, city.map(|c| c.name.clone()).unwrap_or_default(), d.name.clone()]
        }
    }
}

fn expected_name(row: &CoverageRow) -> String {
    format!("{}{ASSOC_SUFFIX}", Gazetteer::global().name_of(row.division))
}

fn org(dir: &Directory, i: u32) -> String {
    format!("{} {}", dir.id(i), dir.name(i))
}

/// What a row means, in words.
fn detail(dir: &Directory, row: &CoverageRow, place: &[String; 3], lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match row.status {
        Status::Missing => {
            let at: Vec<&str> = place.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
            if zh {
                format!("组织库中没有{}的科协", at.join(""))
            } else {
                format!("no association of {} in the directory", at.join(" "))
            }
        }
        Status::Present => {
            let c = &row.claims[0];
            match (c.merged.len(), zh) {
                (0, _) => org(dir, c.representative),
                (n, true) => format!("{}（已合并 {n} 条重复记录）", org(dir, c.representative)),
                (n, false) => {
                    format!("{} (with {n} duplicate records merged into it)", org(dir, c.representative))
                }
            }
        }
        Status::Duplicated => {
            let names: Vec<String> = row.claims.iter().map(|c| org(dir, c.representative)).collect();
            if zh {
                format!(
                    "去重后仍有 {} 个科协：{}；未自动合并（见 pairs.csv），请确认保留哪一个",
                    row.claims.len(),
                    names.join("；")
                )
            } else {
                format!(
                    "{} associations after dedupe: {}; dedupe did not merge them (see pairs.csv): keep one",
                    row.claims.len(),
                    names.join("; ")
                )
            }
        }
        Status::Misplaced => {
            let who = org(dir, row.claims[0].representative);
            if zh {
                let why: Vec<&str> = row.findings.iter().map(|(c, _)| labels::code(*c, lang)).collect();
                format!("{who}：{}（见“层级与信用代码问题”）", why.join("；"))
            } else {
                let why: Vec<String> =
                    row.findings.iter().map(|(c, d)| format!("{}: {d}", c.as_str())).collect();
                format!("{who}: {} (see findings.csv)", why.join("; "))
            }
        }
    }
}

/// The cells of one coverage.csv row, in `CSV_HEADER` order (English: a machine file).
pub fn csv_cells(dir: &Directory, row: &CoverageRow) -> [String; 11] {
    let place = place(row);
    let ids: Vec<String> = row.claims.iter().map(|c| dir.id(c.representative).to_string()).collect();
    let merged: Vec<String> =
        row.claims.iter().flat_map(|c| c.merged.iter().map(|&m| dir.id(m).to_string())).collect();
    let finding: Vec<&str> = row.findings.iter().map(|(c, _)| c.as_str()).collect();
    let detail = detail(dir, row, &place, Lang::En);
    let [province, city, county] = place;
    [
        row.division.to_string(),
        province,
        city,
        county,
        level_word(row.level, Lang::En).to_string(),
        row.status.as_str().to_string(),
        ids.join(";"),
        expected_name(row),
        merged.join(";"),
        finding.join(";"),
        detail,
    ]
}

/// A gap row for people: the same facts with labels in `lang`.
fn gap_cells<'a>(dir: &'a Directory, row: &CoverageRow, lang: Lang) -> Vec<Cell<'a>> {
    let place = place(row);
    let ids: Vec<String> = row.claims.iter().map(|c| dir.id(c.representative).to_string()).collect();
    let detail = detail(dir, row, &place, lang);
    let [province, city, county] = place;
    vec![
        Cell::text(province),
        Cell::text(city),
        Cell::text(county),
        Cell::text(level_word(row.level, lang)),
        Cell::text(labels::coverage_status(row.status, lang)),
        Cell::text(expected_name(row)),
        Cell::text(ids.join(";")),
        Cell::text(detail),
        Cell::Int(row.division as u64),
    ]
}

const GAP_HEADER: [(&str, &str); 9] = [
    ("省份", "province"),
    ("地市", "city"),
    ("区县", "county"),
    ("级别", "level"),
    ("状态", "status"),
    ("应有的科协", "expected association"),
    ("组织ID", "org ids"),
    ("说明", "detail"),
    ("区划代码", "division code"),
];

pub fn write_csv(dir: &Directory, cov: &Coverage, path: &Path) -> Result<()> {
    output::write_csv(path, &CSV_HEADER, cov.rows.iter().map(|r| csv_cells(dir, r)))
}

fn scope_words(s: Scope, lang: Lang) -> &'static str {
    match s {
        Scope::InputProvinces => lang.pick("输入中出现的省份", "the provinces in the input"),
        Scope::All => lang.pick("全国所有省份（--all-divisions）", "every province (--all-divisions)"),
    }
}

fn counts_cells(c: &CoverageCounts) -> [String; 7] {
    [
        c.expected.to_string(),
        c.present.to_string(),
        c.missing.to_string(),
        c.duplicated.to_string(),
        c.misplaced.to_string(),
        format!("{:.1}", c.coverage_pct),
        format!("{:.1}", c.misplaced_pct),
    ]
}

const COUNT_HEADER: [(&str, &str); 8] = [
    ("省份", "province"),
    ("应有", "expected"),
    ("已有", "present"),
    ("缺失", "missing"),
    ("重复", "duplicated"),
    ("挂错位置", "misplaced"),
    ("覆盖率 %", "coverage %"),
    ("挂错 %", "misplaced %"),
];

fn total_word(lang: Lang) -> &'static str {
    lang.pick("合计", "total")
}

/// Terminal width of a text: CJK characters are two columns wide.
fn term_width(t: &str) -> usize {
    t.chars().map(|ch| if ch.is_ascii() { 1 } else { 2 }).sum()
}

/// `t` right-aligned in `w` terminal columns (left-aligned when `left`).
fn pad(t: &str, w: usize, left: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(term_width(t)));
    if left {
        format!("{t}{fill}")
    } else {
        format!("{fill}{t}")
    }
}

/// The per-province table as text for a terminal.
pub fn console(s: &CoverageSummary, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}:",
        lang.pick("科协体系覆盖情况，范围：", "coverage of the association backbone, "),
        scope_words(s.scope, lang)
    );
    let widths = [14usize, 9, 9, 9, 12, 11, 10, 9];
    let mut line = String::from("  ");
    for (k, (zh, en)) in COUNT_HEADER.iter().enumerate() {
        line.push_str(&pad(lang.pick(zh, en), widths[k], k == 0));
    }
    let _ = writeln!(out, "{line}");
    let row = |out: &mut String, name: &str, c: &CoverageCounts| {
        let [e, p, m, d, x, pct, xpct] = counts_cells(c);
        let _ = writeln!(
            out,
            "  {}{e:>9}{p:>9}{m:>9}{d:>12}{x:>11}{:>10}{:>9}",
            pad(name, 14, true),
            format!("{pct}%"),
            format!("{xpct}%")
        );
    };
    for p in &s.provinces {
        row(&mut out, &p.province, &p.counts);
    }
    row(&mut out, total_word(lang), &s.total);
    if s.unplaced_associations > 0 {
        let n = s.unplaced_associations;
        let _ = writeln!(
            out,
            "  {}",
            match lang {
                Lang::Zh => format!("{n} 条科协记录无法确定所属行政区划，不计入覆盖"),
                Lang::En => format!(
                    "{n} association records name no division that can be pinned down; they cover nothing"
                ),
            }
        );
    }
    out
}

/// How many divisions that need attention report.md lists by name; coverage.csv has them all.
const MD_GAPS: usize = 30;

fn counts_row<'a>(name: &'a str, c: &CoverageCounts) -> Vec<Cell<'a>> {
    vec![
        Cell::text(name),
        Cell::Int(c.expected),
        Cell::Int(c.present),
        Cell::Int(c.missing),
        Cell::Int(c.duplicated),
        Cell::Int(c.misplaced),
        Cell::Fixed(c.coverage_pct, 1),
        Cell::Fixed(c.misplaced_pct, 1),
    ]
}

/// The coverage section of report.md.
pub fn markdown(dir: &Directory, cov: &Coverage, lang: Lang) -> String {
    let s = &cov.summary;
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", lang.pick("科协体系覆盖情况", "Coverage of the association backbone"));
    let _ = writeln!(
        out,
        "{}\n",
        match lang {
            Lang::Zh => format!(
                "{}的每个省、地级市和县都应有一个科协（coverage.csv）。覆盖率 = 科协挂在正确上级下（已有或重复）的区划所占比例；科协存在但挂错位置的区划不计入覆盖，单列为“挂错 %”（其活动上级科协看不到）。",
                scope_words(s.scope, lang)
            ),
            Lang::En => format!(
                "One 科协 expected per province, prefecture-level city and county of {} (coverage.csv). \
                 Coverage = divisions whose association is in place (present or duplicated); a division whose \
                 association exists but hangs under the wrong parent is not covered (the association above \
                 does not see its events) and is counted apart as misplaced %.",
                scope_words(s.scope, lang)
            ),
        }
    );
    let header: Vec<&str> = COUNT_HEADER.iter().map(|(zh, en)| lang.pick(zh, en)).collect();
    let mut rows: Vec<Vec<Cell>> = s.provinces.iter().map(|p| counts_row(&p.province, &p.counts)).collect();
    let total = format!("**{}**", total_word(lang));
    rows.push(counts_row(&total, &s.total));
    out.push_str(&super::table::markdown(&header, &rows));
    if s.unplaced_associations > 0 {
        let n = s.unplaced_associations;
        let _ = writeln!(
            out,
            "\n{}",
            match lang {
                Lang::Zh => format!("{n} 条科协记录无法确定所属行政区划，不计入覆盖。"),
                Lang::En => format!(
                    "{n} association records name no division that can be pinned down; they cover nothing."
                ),
            }
        );
    }
    let mut gaps: Vec<&CoverageRow> = cov.rows.iter().filter(|r| r.status != Status::Present).collect();
    // Missing associations first (the point of the section), then duplicated, then misplaced.
    gaps.sort_by_key(|r| r.status);
    if !gaps.is_empty() {
        let _ = writeln!(
            out,
            "\n| {} | {} | {} | {} |\n| --- | --- | --- | --- |",
            lang.pick("区划", "division"),
            lang.pick("状态", "status"),
            lang.pick("组织ID", "org_ids"),
            lang.pick("说明", "detail")
        );
        for r in gaps.iter().take(MD_GAPS) {
            let place = place(r);
            let at: Vec<&str> = place.iter().map(String::as_str).filter(|x| !x.is_empty()).collect();
            let ids: Vec<String> = r.claims.iter().map(|c| dir.id(c.representative).to_string()).collect();
            let _ = writeln!(
                out,
                "| {} {} | {} | {} | {} |",
                r.division,
                md_cell(&at.join(" ")),
                labels::coverage_status(r.status, lang),
                md_cell(&ids.join(";")),
                md_cell(&detail(dir, r, &place, lang))
            );
        }
        if gaps.len() > MD_GAPS {
            let more = gaps.len() - MD_GAPS;
            let _ = writeln!(
                out,
                "\n{}",
                match lang {
                    Lang::Zh => format!("……另有 {more} 条，见 coverage.csv。"),
                    Lang::En => format!("… and {more} more in coverage.csv."),
                }
            );
        }
    }
    out
}

/// Sheet names of the coverage sheets.
pub fn sheet_names(lang: Lang) -> (&'static str, &'static str) {
    (lang.pick("覆盖情况", "Coverage"), lang.pick("覆盖缺口", "Coverage gaps"))
}

/// Sheets for report.xlsx: the per-province summary (with a chart of the counts), and every
/// division that is not `present`.
pub fn sheets<'a>(dir: &'a Directory, cov: &'a Coverage, lang: Lang) -> Vec<Sheet<'a>> {
    let s = &cov.summary;
    let (summary_name, gaps_name) = sheet_names(lang);
    let mut rows: Vec<Vec<Cell>> = s.provinces.iter().map(|p| counts_row(&p.province, &p.counts)).collect();
    let n = rows.len() as u32;
    rows.push(counts_row(total_word(lang), &s.total));
    let header = COUNT_HEADER.iter().map(|(zh, en)| lang.pick(zh, en).to_string()).collect();
    let mut summary = Sheet::new(summary_name, header, rows);
    if let Some(last) = summary.bold_rows.last_mut() {
        *last = true;
    }
    if n > 0 {
        summary.charts.push(super::xlsx::ChartSpec {
            kind: super::xlsx::ChartKind::StackedBar,
            title: lang.pick("各省科协覆盖情况（区划个数）", "Coverage by province (divisions)").to_string(),
            data_sheet: summary_name.to_string(),
            first_row: 1,
            last_row: n,
            category_col: 0,
            value_cols: vec![2, 3, 4, 5],
            name_row: 0,
            value_axis: String::new(),
            at: (n + 3, 0),
        });
    }
    let mut gaps: Vec<&CoverageRow> = cov.rows.iter().filter(|r| r.status != Status::Present).collect();
    gaps.sort_by_key(|r| (r.status, r.division));
    let gap_rows = gaps.iter().map(|r| gap_cells(dir, r, lang)).collect();
    let header = GAP_HEADER.iter().map(|(zh, en)| lang.pick(zh, en).to_string()).collect();
    vec![summary, Sheet::new(gaps_name, header, gap_rows)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::tests::{backbone_without, coverage_of, NINGXIA};

    #[test]
    fn report_lists_missing_before_misplaced_and_csv_names_the_finding() {
        let mut b = backbone_without(&[NINGXIA], &[640522]);
        b.set_parent("A640104", "ROOT");
        let (cov, c) = coverage_of(&b, Scope::InputProvinces);
        let md = markdown(&c.dir, &cov, Lang::En);
        let missing = md.find("| 640522 ").unwrap_or(usize::MAX);
        let misplaced = md.find("| 640104 ").unwrap_or(0);
        assert!(missing < misplaced, "{md}");
        let row = cov.rows.iter().find(|r| r.division == 640104).map(|r| csv_cells(&c.dir, r));
        let row = row.unwrap_or_default();
        assert_eq!(
            (row[5].as_str(), row[6].as_str(), row[9].as_str()),
            ("misplaced", "A640104", "skips_province")
        );
        assert_eq!(row[7], "兴庆区科学技术协会");
        let missing_row = cov.rows.iter().find(|r| r.division == 640522).map(|r| csv_cells(&c.dir, r));
        let missing_row = missing_row.unwrap_or_default();
        assert_eq!(missing_row[1..4], ["宁夏回族自治区", "中卫市", "海原县"]);
        assert_eq!(missing_row[6], "");
    }
}
