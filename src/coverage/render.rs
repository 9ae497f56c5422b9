//! Coverage as coverage.csv, a report.md section, report.xlsx sheets and console text.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::Result;
use crate::geo::{DivLevel, Gazetteer};
use crate::model::Directory;
use crate::output;
use crate::report::xlsx::{Cell, Sheet};

use super::{Coverage, CoverageCounts, CoverageRow, CoverageSummary, Scope, Status};

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

fn level_word(l: DivLevel) -> &'static str {
    match l {
        DivLevel::Province => "province",
        DivLevel::City => "city",
        DivLevel::County => "county",
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

/// The cells of one coverage.csv row, in `CSV_HEADER` order.
pub fn csv_cells(dir: &Directory, row: &CoverageRow) -> [String; 11] {
    let [province, city, county] = place(row);
    let ids: Vec<String> = row.claims.iter().map(|c| dir.id(c.representative).to_string()).collect();
    let merged: Vec<String> =
        row.claims.iter().flat_map(|c| c.merged.iter().map(|&m| dir.id(m).to_string())).collect();
    let finding: Vec<&str> = row.findings.iter().map(|(c, _)| c.as_str()).collect();
    let detail = match row.status {
        Status::Missing => {
            let at: Vec<&str> = [&province, &city, &county]
                .into_iter()
                .map(String::as_str)
                .filter(|s| !s.is_empty())
                .collect();
            format!("no association of {} in the directory", at.join(" "))
        }
        Status::Present => {
            let c = &row.claims[0];
            match c.merged.len() {
                0 => org(dir, c.representative),
                n => format!("{} (with {n} duplicate records merged into it)", org(dir, c.representative)),
            }
        }
        Status::Duplicated => {
            let names: Vec<String> = row.claims.iter().map(|c| org(dir, c.representative)).collect();
            format!(
                "{} associations after dedupe: {}; dedupe did not merge them (see pairs.csv): keep one",
                row.claims.len(),
                names.join("; ")
            )
        }
        Status::Misplaced => {
            let why: Vec<String> = row.findings.iter().map(|(c, d)| format!("{}: {d}", c.as_str())).collect();
            format!("{}: {} (see findings.csv)", org(dir, row.claims[0].representative), why.join("; "))
        }
    };
    [
        row.division.to_string(),
        province,
        city,
        county,
        level_word(row.level).to_string(),
        row.status.as_str().to_string(),
        ids.join(";"),
        expected_name(row),
        merged.join(";"),
        finding.join(";"),
        detail,
    ]
}

pub fn write_csv(dir: &Directory, cov: &Coverage, path: &Path) -> Result<()> {
    output::write_csv(path, &CSV_HEADER, cov.rows.iter().map(|r| csv_cells(dir, r)))
}

fn scope_words(s: Scope) -> &'static str {
    match s {
        Scope::InputProvinces => "the provinces in the input",
        Scope::All => "every province (--all-divisions)",
    }
}

fn counts_cells(c: &CoverageCounts) -> [String; 6] {
    [
        c.expected.to_string(),
        c.present.to_string(),
        c.missing.to_string(),
        c.duplicated.to_string(),
        c.misplaced.to_string(),
        format!("{:.1}", c.coverage_pct),
    ]
}

/// The per-province table as text for a terminal.
pub fn console(s: &CoverageSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "coverage of the association backbone, {}:", scope_words(s.scope));
    let _ = writeln!(
        out,
        "  {:<14}{:>9}{:>9}{:>9}{:>12}{:>11}{:>10}",
        "province", "expected", "present", "missing", "duplicated", "misplaced", "coverage"
    );
    let line = |out: &mut String, name: &str, c: &CoverageCounts| {
        // CJK characters are two columns wide on a terminal.
        let width: usize = name.chars().map(|ch| if ch.is_ascii() { 1 } else { 2 }).sum();
        let pad = " ".repeat(14usize.saturating_sub(width));
        let [e, p, m, d, x, pct] = counts_cells(c);
        let _ = writeln!(out, "  {name}{pad}{e:>9}{p:>9}{m:>9}{d:>12}{x:>11}{:>10}", format!("{pct}%"));
    };
    for p in &s.provinces {
        line(&mut out, &p.province, &p.counts);
    }
    line(&mut out, "total", &s.total);
    if s.unplaced_associations > 0 {
        let _ = writeln!(
            out,
            "  {} association records name no division that can be pinned down; they cover nothing",
            s.unplaced_associations
        );
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// How many divisions that need attention report.md lists by name; coverage.csv has them all.
const MD_GAPS: usize = 30;

/// The coverage section of report.md.
pub fn markdown(dir: &Directory, cov: &Coverage) -> String {
    let s = &cov.summary;
    let mut out = String::new();
    let _ = writeln!(out, "## Coverage of the association backbone\n");
    let _ = writeln!(
        out,
        "One 科协 expected per province, prefecture-level city and county of {} (coverage.csv). \
         Coverage = divisions with at least one association.\n",
        scope_words(s.scope)
    );
    let _ = writeln!(
        out,
        "| province | expected | present | missing | duplicated | misplaced | coverage % |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for p in &s.provinces {
        let [e, pr, m, d, x, pct] = counts_cells(&p.counts);
        let _ = writeln!(out, "| {} | {e} | {pr} | {m} | {d} | {x} | {pct} |", md_cell(&p.province));
    }
    let [e, pr, m, d, x, pct] = counts_cells(&s.total);
    let _ = writeln!(out, "| **total** | {e} | {pr} | {m} | {d} | {x} | {pct} |");
    if s.unplaced_associations > 0 {
        let _ = writeln!(
            out,
            "\n{} association records name no division that can be pinned down; they cover nothing.",
            s.unplaced_associations
        );
    }
    let mut gaps: Vec<&CoverageRow> = cov.rows.iter().filter(|r| r.status != Status::Present).collect();
    // Missing associations first (the point of the section), then duplicated, then misplaced.
    gaps.sort_by_key(|r| r.status);
    if !gaps.is_empty() {
        let _ = writeln!(out, "\n| division | status | org_ids | detail |\n| --- | --- | --- | --- |");
        for r in gaps.iter().take(MD_GAPS) {
            let c = csv_cells(dir, r);
            let at: Vec<&str> = c[1..4].iter().map(String::as_str).filter(|x| !x.is_empty()).collect();
            let _ = writeln!(
                out,
                "| {} {} | {} | {} | {} |",
                c[0],
                md_cell(&at.join(" ")),
                c[5],
                md_cell(&c[6]),
                md_cell(&c[10])
            );
        }
        if gaps.len() > MD_GAPS {
            let _ = writeln!(out, "\n… and {} more in coverage.csv.", gaps.len() - MD_GAPS);
        }
    }
    out
}

/// Sheets for report.xlsx: the per-province summary, and every division that is not `present`.
pub fn sheets(dir: &Directory, cov: &Coverage) -> Vec<Sheet> {
    let s = &cov.summary;
    let counts_row = |name: &str, c: &CoverageCounts| {
        vec![
            Cell::text(name),
            Cell::from(c.expected),
            Cell::from(c.present),
            Cell::from(c.missing),
            Cell::from(c.duplicated),
            Cell::from(c.misplaced),
            Cell::Number(c.coverage_pct),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = s.provinces.iter().map(|p| counts_row(&p.province, &p.counts)).collect();
    rows.push(counts_row("total", &s.total));
    let mut summary = Sheet::new(
        "Coverage",
        &["province", "expected", "present", "missing", "duplicated", "misplaced", "coverage %"],
        rows,
    );
    if let Some(last) = summary.bold_rows.last_mut() {
        *last = true;
    }
    let gaps = cov
        .rows
        .iter()
        .filter(|r| r.status != Status::Present)
        .map(|r| csv_cells(dir, r).into_iter().map(Cell::text).collect())
        .collect();
    vec![summary, Sheet::new("Coverage gaps", &CSV_HEADER, gaps)]
}
