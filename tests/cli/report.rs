//! The reports for people: Chinese by default, English with `--lang en`, charts and a print
//! layout in the workbook; machine files keep English columns and codes in both.

use std::fs;
use std::path::Path;

use calamine::{open_workbook, Reader, Xlsx};

use crate::util::*;

fn run_demo(out: &Path, lang: &str) -> std::process::Output {
    let o = orgclean()
        .args(["run", "--as-of", "2025-01-01", "--lang", lang, "--out"])
        .arg(out)
        .arg(fixture("demo/orgs.csv"))
        .output()
        .unwrap();
    assert!(o.status.success(), "run failed: {}", stderr_of(&o));
    o
}

/// The demo run's report.xlsx in `lang`, opened; the temporary directory holds every output.
fn demo_workbook(lang: &str) -> (tempfile::TempDir, Xlsx<std::io::BufReader<fs::File>>) {
    let tmp = tempdir();
    run_demo(tmp.path(), lang);
    let wb = open_workbook(tmp.path().join("report.xlsx")).unwrap();
    (tmp, wb)
}

fn cells(wb: &mut Xlsx<std::io::BufReader<fs::File>>, sheet: &str) -> Vec<Vec<String>> {
    let range = wb.worksheet_range(sheet).unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

#[test]
fn report_md_and_console_in_both_languages() {
    for lang in ["zh", "en"] {
        let tmp = tempdir();
        let o = run_demo(tmp.path(), lang);
        let console = filter_paths(&stderr_of(&o), tmp.path());
        insta::assert_snapshot!(format!("demo_console_{lang}"), console);
        let md = fs::read_to_string(tmp.path().join("report.md")).unwrap();
        insta::assert_snapshot!(format!("demo_report_md_{lang}"), md);
    }
}

#[test]
fn workbook_speaks_chinese_by_default_and_leads_with_what_to_do() {
    let (tmp, mut wb) = demo_workbook("zh");
    assert_eq!(
        wb.sheet_names(),
        [
            "概要",
            "问题说明",
            "按省份",
            "重复组",
            "待复核疑似重复",
            "上级组织修正",
            "层级与信用代码问题",
            "待认证队列",
            "覆盖情况",
            "覆盖缺口",
            "被拒绝的行"
        ]
    );
    let summary = cells(&mut wb, "概要");
    assert_eq!(summary[0][..3], ["事项", "数量", "见工作表"]);
    assert_eq!(summary[1][0], "要做的事");
    assert!(summary[2][0].starts_with("合并重复条目"), "{:?}", summary[2]);
    assert_eq!(summary[3][2], "上级组织修正");

    // The legend explains every code, in Chinese, with what to do.
    let legend = cells(&mut wb, "问题说明");
    let skips = legend.iter().find(|r| r[0] == "skips_province").expect("skips_province in the legend");
    assert_eq!(skips[1], "越过省级科协");
    assert!(skips[3].contains("省级管理员"), "{skips:?}");
    assert!(legend.iter().any(|r| r[0] == "reject_duplicate" && r[1] == "驳回（重复注册）"));

    // Findings: Chinese headers, errors before warnings, then by province.
    let f = cells(&mut wb, "层级与信用代码问题");
    assert_eq!(f[0][..6], ["严重程度", "省份", "地市", "组织ID", "名称", "问题"]);
    let sev: Vec<&str> = f[1..].iter().map(|r| r[0].as_str()).collect();
    assert!(sev.iter().all(|s| *s == "错误" || *s == "警告"), "{sev:?}");
    let first_warning = sev.iter().position(|s| *s == "警告").unwrap_or(sev.len());
    assert!(sev[first_warning..].iter().all(|s| *s == "警告"), "errors first: {sev:?}");
    let errors: Vec<&str> = f[1..1 + first_warning].iter().map(|r| r[1].as_str()).collect();
    assert!(errors.windows(2).all(|w| w[0] <= w[1]), "errors by province: {errors:?}");

    // The certification queue says what to do in words.
    let q = cells(&mut wb, "待认证队列");
    let rec = q[0].iter().position(|h| h == "建议").unwrap();
    assert!(q[1..]
        .iter()
        .all(|r| ["认证通过", "先修正上级组织再认证", "驳回（重复注册）"].contains(&r[rec].as_str())));

    // Parent fixes as a sheet, one row per line of parent_fixes.csv.
    let fixes = cells(&mut wb, "上级组织修正");
    let (_, csv_rows) = read_csv(&tmp.path().join("parent_fixes.csv"));
    assert_eq!(fixes.len() - 1, csv_rows.len());
    assert_eq!(fixes[0][..3], ["省份", "组织ID", "名称"]);

    // The machine files keep their English columns and codes; a label column for people.
    let (h, rows) = read_csv(&tmp.path().join("findings.csv"));
    assert_eq!(h[..3], ["org_id", "code", "severity"]);
    let label = h.iter().position(|c| c == "code_label").unwrap();
    let dangling = rows.iter().find(|r| r[1] == "dangling_parent").expect("a dangling parent in the demo");
    assert_eq!(dangling[label], "上级组织不在组织库中");
}

/// The clusters sheet numbers its groups in the first column, and three conditional formats over
/// the whole table shade the odd groups and set survivors in bold (no format per cell): first
/// shaded and bold, then shaded, then bold, each stopping the others (LibreOffice applies one).
#[test]
fn clusters_sheet_numbers_and_shades_groups_and_bolds_survivors() {
    let (tmp, mut wb) = demo_workbook("zh");
    let path = tmp.path().join("report.xlsx");
    let sheet = cells(&mut wb, "重复组");
    assert_eq!(sheet[0][..3], ["组号", "重复组", "保留"], "{:?}", sheet[0]);
    let mut want = 0;
    for (k, row) in sheet[1..].iter().enumerate() {
        if k == 0 || row[1] != sheet[k][1] {
            want += 1;
        }
        assert_eq!(row[0], want.to_string(), "row {}: {row:?}", k + 1);
    }
    let (_, csv) = read_csv(&tmp.path().join("clusters.csv"));
    let clusters: std::collections::BTreeSet<&str> = csv.iter().map(|r| r[1].as_str()).collect();
    assert!(want > 1 && want == clusters.len(), "{want} groups, {} clusters", clusters.len());
    assert!(sheet[1..].iter().any(|r| r[2] == "✓"), "a survivor is ticked");

    let order = package_part(&path, "xl/workbook.xml").join("");
    let k = order.find("name=\"重复组\"").map(|at| order[..at].matches("<sheet ").count()).unwrap();
    let xml = package_part(&path, &format!("xl/worksheets/sheet{k}.xml")).join("");
    let last = format!("A2:J{}", sheet.len());
    assert!(xml.contains(&format!("<conditionalFormatting sqref=\"{last}\">")), "{last}");
    // The rules in order, each stopping the rest, each with its format: (formula, bold, shaded).
    let dxfs: Vec<String> =
        package_part(&path, "xl/styles.xml").join("").split("<dxf>").skip(1).map(String::from).collect();
    let rules: Vec<(String, bool, bool)> = xml
        .split("<cfRule ")
        .skip(1)
        .map(|r| {
            assert!(r.contains("stopIfTrue=\"1\""), "{r}");
            let id: usize =
                r.split("dxfId=\"").nth(1).and_then(|t| t.split('"').next()).unwrap().parse().unwrap();
            let formula = r.split("<formula>").nth(1).and_then(|t| t.split("</formula>").next()).unwrap();
            (formula.replace("&quot;", "\""), dxfs[id].contains("<b/>"), dxfs[id].contains("F2F2F2"))
        })
        .collect();
    let want =
        [("AND(ISODD($A2),$C2=\"✓\")", true, true), ("ISODD($A2)", false, true), ("$C2=\"✓\"", true, false)];
    let want: Vec<(String, bool, bool)> = want.iter().map(|&(f, b, s)| (f.to_string(), b, s)).collect();
    assert_eq!(rules, want);
    // No cell carries a style of its own but the header, the group numbers (centred) and the
    // scores (a number format).
    let score = sheet[0].iter().position(|h| h == "相似度").unwrap();
    let cells_of = |col: usize| xml.matches(&format!("<c r=\"{}", char::from(b'A' + col as u8))).count() - 1;
    let styled = xml.matches(" s=\"").count();
    assert_eq!(styled, sheet[0].len() + cells_of(0) + cells_of(score), "{styled} styled cells");
}

#[test]
fn workbook_has_native_charts_and_a_print_layout() {
    let tmp = tempdir();
    run_demo(tmp.path(), "zh");
    let path = tmp.path().join("report.xlsx");
    let charts = package_part(&path, "xl/charts/chart");
    assert_eq!(charts.len(), 3, "findings by province and code, duplicates by province, coverage");
    let all = charts.join("\n");
    for title in ["各省问题数（按类型）", "各省重复条目", "各省科协覆盖情况（区划个数）"]
    {
        assert!(all.contains(title), "chart {title} missing");
    }
    assert!(charts.iter().all(|c| c.contains("<c:barChart>")));
    assert!(all.contains("<c:grouping val=\"stacked\"/>"), "stacked bars by code");
    assert!(all.contains("按省份!$A$2:$A$"), "categories are the provinces of the 按省份 sheet");

    let sheets = package_part(&path, "xl/worksheets/sheet");
    for s in &sheets {
        assert!(s.contains("orientation=\"landscape\""), "not landscape");
        assert!(
            s.contains("<pageSetUpPr fitToPage=\"1\"/>") && s.contains("fitToHeight=\"0\""),
            "not fit to width"
        );
    }
    let workbook = package_part(&path, "xl/workbook.xml").join("");
    assert_eq!(
        workbook.matches("_xlnm.Print_Titles").count(),
        sheets.len(),
        "header row repeated on every sheet"
    );
}

#[test]
fn english_workbook_with_lang_en_and_same_machine_files() {
    let zh = tempdir();
    let en = tempdir();
    run_demo(zh.path(), "zh");
    run_demo(en.path(), "en");
    let mut wb: Xlsx<_> = open_workbook(en.path().join("report.xlsx")).unwrap();
    assert_eq!(wb.sheet_names()[..4], ["Summary", "Legend", "By province", "Duplicate clusters"]);
    let f = cells(&mut wb, "Hierarchy findings");
    assert_eq!(f[0][..3], ["severity", "province", "city"]);
    // Machine files do not depend on the language, except their label columns.
    for file in
        ["clusters.csv", "pairs.csv", "orgs_fixed.csv", "id_remap.csv", "parent_fixes.csv", "coverage.csv"]
    {
        assert_eq!(
            fs::read(zh.path().join(file)).unwrap(),
            fs::read(en.path().join(file)).unwrap(),
            "{file}"
        );
    }
    let (h, rows) = read_csv(&en.path().join("pending.csv"));
    let label = h.iter().position(|c| c == "recommendation_label").unwrap();
    let rec = h.iter().position(|c| c == "recommendation").unwrap();
    assert!(rows.iter().any(|r| r[rec] == "certify" && r[label] == "certify"), "{rows:?}");
}

/// A sheet of more than 10,000 rows has its rows written into the package by orgclean itself
/// (src/report/xlsx/stream.rs), not by the workbook library: through the binary, the
/// certification queue of a dump of 10,050 applications is whole in the workbook, each row
/// the application pending.csv lists, and the workbook opens.
#[test]
fn a_long_sheet_holds_every_row_its_csv_holds() {
    use std::fmt::Write;
    let tmp = tempdir();
    let dump = tmp.path().join("orgs.csv");
    let mut text = String::from("组织ID,组织名称,上级组织ID,省份,地市,区县,组织类型,认证状态,创建时间\n");
    text.push_str("P1,河南省科学技术协会,,河南省,,,省级科协,已认证,2015-01-01\n");
    let words: Vec<char> =
        "金石木水火土山川日月星辰风云雷电江河湖海松柏梅兰竹菊春夏秋冬东西南北红黄蓝绿".chars().collect();
    for i in 0..10_050usize {
        let n = words.len();
        let name: String = [words[i % n], words[(i / n) % n], words[(i / n / n) % n]].iter().collect();
        let _ = writeln!(text, "A{i:05},郑州{name}科技有限公司,P1,河南省,郑州市,,企业,待认证,2024-03-01");
    }
    fs::write(&dump, text).unwrap();
    let out = tmp.path().join("out");
    let o = orgclean().args(["run", "--as-of", "2025-01-01", "--out"]).arg(&out).arg(&dump).output().unwrap();
    assert!(o.status.success(), "run failed: {}", stderr_of(&o));

    let (header, rows) = read_csv(&out.join("pending.csv"));
    assert!(rows.len() > 10_000, "{} pending rows", rows.len());
    let id = header.iter().position(|h| h == "org_id").unwrap();
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let sheet = cells(&mut wb, "待认证队列");
    assert_eq!(sheet.len(), rows.len() + 1, "header and every row");
    let col = sheet[0].iter().position(|h| h == "组织ID").unwrap();
    let mut in_sheet: Vec<&str> = sheet[1..].iter().map(|r| r[col].as_str()).collect();
    let mut in_csv: Vec<&str> = rows.iter().map(|r| r[id].as_str()).collect();
    in_sheet.sort_unstable();
    in_csv.sort_unstable();
    assert_eq!(in_sheet, in_csv);
    // The sheet's declared extent covers its rows (readers size the sheet by it).
    let part = package_part(&out.join("report.xlsx"), "xl/worksheets/sheet");
    let dimension =
        format!("<dimension ref=\"A1:{}{}\"/>", (b'A' + sheet[0].len() as u8 - 1) as char, rows.len() + 1);
    assert!(part.iter().any(|x| x.contains(&dimension)), "no {dimension}");
}
