//! `orgclean review export|import` for many hands: rows numbered as Excel shows them, decisions
//! in Chinese, and a rejection that is not asked again while its rows are unchanged.

use std::path::Path;

use crate::audit::audit;
use crate::util::*;

fn audit_ok(input: &Path, db: &Path, out: &Path) {
    let o = audit(input, db, out, &[]);
    assert!(o.status.success(), "audit failed: {}", stderr_of(&o));
}

fn import(sheet: &Path, db: &Path) -> std::process::Output {
    orgclean().args(["review", "import"]).arg(sheet).arg("--db").arg(db).output().unwrap()
}

/// The rows of a fresh review export.
fn export(db: &Path, sheet: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let o = orgclean().args(["review", "export", "--db"]).arg(db).arg("--out").arg(sheet).output().unwrap();
    assert!(o.status.success(), "export failed: {}", stderr_of(&o));
    read_csv(sheet)
}

fn decisions(db: &Path) -> Vec<(String, String, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c.prepare("SELECT a_id, b_id, decision FROM decisions ORDER BY a_id, b_id").unwrap();
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
    rows.map(Result::unwrap).collect()
}

const HEADER: &str =
    "kind,key,org_id,org_name,other_id,other_name,code,score,detail,decision,comment,reviewer\n";

#[test]
fn import_numbers_rows_as_excel_does_and_reads_chinese_decisions() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&fixture("audit/night1.csv"), &db, &tmp.path().join("o1"));
    // Row 2 holds a comment with a line break (Excel: Alt+Enter): row 3 is text line 4.
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{HEADER}pair,x,ORG00034951,,ORG00045167,,,,,同一单位,\"first\nsecond\",ann\n\
             pair,x,ORG1,,ORG2,,,,,也许,,\n"
        ),
    )
    .unwrap();
    let o = import(&bad, &db);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr_of(&o);
    assert!(err.contains("row 3: decision \"也许\""), "{err}");
    assert!(err.contains("同一单位") && err.contains("不同单位"), "the hint names the Chinese words: {err}");
    assert!(!err.contains("row 4") && !err.contains("line 4"), "{err}");
    assert!(decisions(&db).is_empty());

    let good = tmp.path().join("good.csv");
    std::fs::write(
        &good,
        format!(
            "{HEADER}pair,x,ORG00034951,,ORG00045167,,,,,同一单位,,ann\n\
             pair,x,ORG1,,ORG2,,,,,否,,\n\
             cluster_member,C-1,ORG3,,ORG4,,,,, Different ,,\n"
        ),
    )
    .unwrap();
    let o = import(&good, &db);
    assert!(o.status.success(), "{}", stderr_of(&o));
    let s = |a: &str, b: &str, d: &str| (a.to_string(), b.to_string(), d.to_string());
    assert_eq!(
        decisions(&db),
        [
            s("ORG00034951", "ORG00045167", "same"),
            s("ORG1", "ORG2", "different"),
            s("ORG3", "ORG4", "different")
        ]
    );
}

#[test]
fn a_rejected_fix_is_not_asked_again_while_its_rows_are_unchanged() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&fixture("audit/night1.csv"), &db, &tmp.path().join("o1"));
    let (h, rows) = export(&db, &tmp.path().join("s1.csv"));
    let (kind, org, code, dec) = (col(&h, "类型"), col(&h, "单位ID"), col(&h, "问题代码"), col(&h, "决定"));
    let is_it =
        |r: &[String]| r[kind] == "上级修正" && r[org] == "ORG00012789" && r[code] == "dangling_parent";
    assert!(rows.iter().any(|r| is_it(r)), "the fix is open before any decision");
    let filled = tmp.path().join("filled.csv");
    let mut w = csv::Writer::from_path(&filled).unwrap();
    w.write_record(&h).unwrap();
    for mut r in rows {
        if is_it(&r) {
            r[dec] = "reject_fix".into();
        }
        w.write_record(&r).unwrap();
    }
    w.flush().unwrap();
    let o = import(&filled, &db);
    assert!(o.status.success(), "{}", stderr_of(&o));

    // Next night, same rows: the fix is withdrawn (needs_review) and not asked again.
    audit_ok(&fixture("audit/night1.csv"), &db, &tmp.path().join("o2"));
    let (_, rows) = export(&db, &tmp.path().join("s2.csv"));
    let again: Vec<_> = rows.iter().filter(|r| r[kind] == "上级修正" && r[org] == "ORG00012789").collect();
    assert!(again.is_empty(), "a rejected fix must not be asked again: {again:?}");

    // The record's row changed: the question comes back.
    let text =
        std::fs::read_to_string(fixture("audit/night1.csv")).unwrap().replace("2016-03-14", "2016-03-15");
    let changed = tmp.path().join("in").join("night1b.csv");
    std::fs::create_dir_all(changed.parent().unwrap()).unwrap();
    std::fs::write(&changed, text).unwrap();
    audit_ok(&changed, &db, &tmp.path().join("o3"));
    let (_, rows) = export(&db, &tmp.path().join("s3.csv"));
    assert!(rows.iter().any(|r| is_it(r)), "a changed row is asked again");
}

fn col(h: &[String], name: &str) -> usize {
    h.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name} in {h:?}"))
}

/// The first sheet of a workbook as text: header and rows.
fn read_xlsx(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let mut rows: Vec<Vec<String>> =
        range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let h = rows.remove(0);
    (h, rows)
}

/// A workbook as a person would save it after filling in the sheet (a plain sheet, text cells).
fn write_xlsx(path: &Path, h: &[String], rows: &[Vec<String>]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in std::iter::once(h).chain(rows.iter().map(Vec::as_slice)).enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

fn export_with(db: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    orgclean().args(["review", "export", "--db"]).arg(db).arg("--out").arg(out).args(extra).output().unwrap()
}

#[test]
fn export_is_a_workbook_with_a_chinese_drop_down_and_each_rows_province_and_city() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&fixture("audit/night1.csv"), &db, &tmp.path().join("o1"));
    let xlsx = tmp.path().join("review.xlsx");
    let o = export_with(&db, &xlsx, &[]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("项待审核（疑似重复 1，"), "the summary in Chinese: {}", stderr_of(&o));
    let (h, rows) = read_xlsx(&xlsx);
    assert_eq!(&h[..4], ["省份", "地市", "类型", "单位ID"]);
    let (prov, city, kind, org, other, dec) = (
        col(&h, "省份"),
        col(&h, "地市"),
        col(&h, "类型"),
        col(&h, "单位ID"),
        col(&h, "对方ID（修正：建议上级）"),
        col(&h, "决定"),
    );
    let pair = rows.iter().position(|r| r[kind] == "疑似重复" && r[org] == "ORG00034951").expect("the pair");
    assert_eq!(rows[pair][prov], "天津市");
    let detail = &rows[pair][col(&h, "说明")];
    assert!(
        detail.contains("同一统一社会信用代码") && detail.contains("得分 0.82"),
        "reasons in Chinese: {detail}"
    );
    let fix = rows.iter().position(|r| r[kind] == "上级修正" && r[org] == "ORG00012789").expect("the fix");
    assert_eq!((rows[fix][prov].as_str(), rows[fix][city].as_str()), ("宁夏回族自治区", "吴忠市"));
    // A fix row's finding and proposed fix read in Chinese too (they were stored in English only).
    let fix_detail = &rows[fix][col(&h, "说明")];
    assert!(fix_detail.contains("；修正："), "the fix in Chinese: {fix_detail}");
    for r in rows.iter().filter(|r| r[kind] == "上级修正") {
        let d = &r[col(&h, "说明")];
        assert!(!d.contains(" is ") && !d.contains("fix:"), "no English in a fix row: {d}");
    }
    assert!(rows.iter().all(|r| !r[prov].is_empty()), "every row has its province: {rows:?}");
    let ws = package_part(&xlsx, "xl/worksheets/sheet1.xml").concat();
    assert!(ws.contains(r#"<pane ySplit="1""#), "frozen header");
    assert!(ws.contains("<dataValidation type=\"list\""), "a drop-down: {ws}");
    assert!(ws.contains("\"同一单位,不同单位\"") && ws.contains("\"接受修正,拒绝修正\""), "{ws}");

    // Filled in Excel: a typo on a row is reported with the row number Excel shows, nothing stored.
    let mut filled = rows.clone();
    filled[pair][dec] = "同一单位".into();
    filled[fix][dec] = "拒收".into();
    let back = tmp.path().join("filled.xlsx");
    write_xlsx(&back, &h, &filled);
    let o = import(&back, &db);
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains(&format!("row {}: decision \"拒收\"", fix + 2)), "{}", stderr_of(&o));
    assert!(decisions(&db).is_empty());
    filled[fix][dec] = "拒绝修正".into();
    write_xlsx(&back, &h, &filled);
    let o = import(&back, &db);
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("已保存 2 项决定"), "{}", stderr_of(&o));
    let s = |a: &str, b: &str, d: &str| (a.to_string(), b.to_string(), d.to_string());
    let fix_parent = &rows[fix][other];
    assert_eq!(
        decisions(&db),
        [s("ORG00012789", fix_parent, "reject_fix"), s("ORG00034951", "ORG00045167", "same")]
    );
}

#[test]
fn export_of_one_province_holds_exactly_that_provinces_rows() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&fixture("audit/night1.csv"), &db, &tmp.path().join("o1"));
    let (h, all) = export(&db, &tmp.path().join("all.csv"));
    let prov = col(&h, "省份");
    for (written, name) in [("天津", "天津市"), ("宁夏回族自治区", "宁夏回族自治区")] {
        let out = tmp.path().join(format!("{name}.xlsx"));
        let o = export_with(&db, &out, &["--province", written]);
        assert!(o.status.success(), "{}", stderr_of(&o));
        let (_, got) = read_xlsx(&out);
        let want: Vec<&Vec<String>> =
            all.iter().filter(|r| r[prov].split(" / ").any(|p| p == name)).collect();
        assert!(!want.is_empty());
        let got_ids: Vec<&str> = got.iter().map(|r| r[col(&h, "键（勿改）")].as_str()).collect();
        let want_ids: Vec<&str> = want.iter().map(|r| r[col(&h, "键（勿改）")].as_str()).collect();
        assert_eq!(got_ids, want_ids, "{name}");
    }
    let o = export_with(&db, &tmp.path().join("x.xlsx"), &["--province", "火星"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr_of(&o).contains("火星"), "{}", stderr_of(&o));
}

#[test]
fn export_never_replaces_the_database_or_an_input() {
    let tmp = tempdir();
    let input = tmp.path().join("in").join("dump.csv");
    std::fs::create_dir_all(input.parent().unwrap()).unwrap();
    std::fs::copy(fixture("audit/night1.csv"), &input).unwrap();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&input, &db, &tmp.path().join("o1"));
    for target in [&db, &input] {
        let before = std::fs::read(target).unwrap();
        for out in
            [target.clone(), tmp.path().join("in").join("..").join(target.strip_prefix(tmp.path()).unwrap())]
        {
            let o = export_with(&db, &out, &[]);
            assert_eq!(o.status.code(), Some(2), "--out {}: {}", out.display(), stderr_of(&o));
            assert!(stderr_of(&o).contains("another file name"), "{}", stderr_of(&o));
        }
        assert_eq!(std::fs::read(target).unwrap(), before, "{} must be untouched", target.display());
    }
}

#[test]
fn a_csv_re_saved_by_excel_imports_with_its_decisions() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&fixture("audit/night1.csv"), &db, &tmp.path().join("o1"));
    let (h, rows) = export(&db, &tmp.path().join("s.csv"));
    let (kind, org, dec) = (col(&h, "类型"), col(&h, "单位ID"), col(&h, "决定"));
    // Excel's "CSV (逗号分隔)" on a Chinese Windows: GB18030 without BOM, CRLF line ends.
    let mut text = String::new();
    for (i, r) in std::iter::once(&h).chain(&rows).enumerate() {
        let mut r = r.clone();
        if i > 0 && r[kind] == "疑似重复" && r[org] == "ORG00034951" {
            r[dec] = "不同单位".into();
        }
        let cells: Vec<String> =
            r.iter()
                .map(|c| {
                    if c.contains([',', '"']) {
                        format!("\"{}\"", c.replace('"', "\"\""))
                    } else {
                        c.clone()
                    }
                })
                .collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    let resaved = tmp.path().join("resaved.csv");
    std::fs::write(&resaved, &bytes).unwrap();
    let o = import(&resaved, &db);
    assert!(o.status.success(), "{}", stderr_of(&o));
    let s = |a: &str, b: &str, d: &str| (a.to_string(), b.to_string(), d.to_string());
    assert_eq!(decisions(&db), [s("ORG00034951", "ORG00045167", "different")]);
}

/// A database recorded before places were stored: `--province` cannot know which items are the
/// province's, and says so instead of writing an empty sheet.
#[test]
fn province_export_from_a_database_without_places_says_to_audit_first() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&fixture("audit/night1.csv"), &db, &tmp.path().join("o1"));
    rusqlite::Connection::open(&db).unwrap().execute("DELETE FROM org_places", []).unwrap();
    let o = export_with(&db, &tmp.path().join("tj.xlsx"), &["--province", "天津"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("run `orgclean audit` once"), "{}", stderr_of(&o));
    assert!(!tmp.path().join("tj.xlsx").exists());
    let o = export_with(&db, &tmp.path().join("all.xlsx"), &[]);
    assert!(o.status.success(), "{}", stderr_of(&o));
}

/// A name a spreadsheet would run as a formula is written as text in the sheet (a leading `'`,
/// as in every report), and the sheet it comes back in still imports.
#[test]
fn formula_looking_names_are_text_in_the_sheet_and_import_back() {
    let tmp = tempdir();
    let evil = "=HYPERLINK(\"http://x.invalid\",\"吴忠市职业技术学校\")";
    let text = std::fs::read_to_string(fixture("audit/night1.csv")).unwrap().replace(
        "ORG00012789,吴忠市职业技术学校,",
        &format!("ORG00012789,\"{}\",", evil.replace('"', "\"\"")),
    );
    let input = tmp.path().join("in").join("night.csv");
    std::fs::create_dir_all(input.parent().unwrap()).unwrap();
    std::fs::write(&input, text).unwrap();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&input, &db, &tmp.path().join("o1"));
    let xlsx = tmp.path().join("r.xlsx");
    assert!(export_with(&db, &xlsx, &[]).status.success());
    let (h, rows) = read_xlsx(&xlsx);
    let (name, dec, kind) = (col(&h, "单位名称"), col(&h, "决定"), col(&h, "类型"));
    let row = rows.iter().position(|r| r[name].contains("HYPERLINK")).expect("the row");
    assert_eq!(rows[row][name], format!("'{evil}"));
    let (_, csv_rows) = export(&db, &tmp.path().join("r.csv"));
    assert!(csv_rows.iter().any(|r| r[name] == format!("'{evil}")));
    let mut filled = rows.clone();
    assert_eq!(filled[row][kind], "上级修正");
    filled[row][dec] = "拒绝修正".into();
    let back = tmp.path().join("filled.xlsx");
    write_xlsx(&back, &h, &filled);
    let o = import(&back, &db);
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_eq!(decisions(&db).len(), 1);
}
