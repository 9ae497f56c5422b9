use crate::util::*;

fn import_ok(rel: &str) -> String {
    let out = orgclean().args(["--lang", "en", "import"]).arg(fixture(rel)).output().unwrap();
    assert!(out.status.success(), "{rel}: {}", stderr_of(&out));
    stdout_of(&out)
}

#[test]
fn every_encoding_and_layout_gives_the_same_rows() {
    for (rel, enc) in [
        ("import/utf8.csv", "UTF-8, delimiter ',', LF"),
        ("import/utf8_bom.csv", "UTF-8 with BOM"),
        ("import/gb18030.csv", "gb18030"),
        ("import/crlf.csv", "CRLF"),
        ("import/tab.tsv", "delimiter tab"),
        ("import/english_headers.csv", "UTF-8"),
    ] {
        let s = import_ok(rel);
        assert!(s.contains(enc), "{rel}: {s}");
        assert!(s.contains("rows read 4 = accepted 4 + rejected 0 + exact repeats 0"), "{rel}: {s}");
    }
    assert!(import_ok("import/english_headers.csv").contains("kept as extra columns: contact"));
}

#[test]
fn quoted_newlines_and_commas() {
    let tmp = tempdir();
    let out = orgclean()
        .args(["--lang", "en", "import", "--out"])
        .arg(tmp.path())
        .arg(fixture("import/quoted_newline.csv"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(stdout_of(&out).contains("rows read 3 = accepted 3"), "{}", stdout_of(&out));
}

#[test]
fn missing_required_column_names_headers_and_flag() {
    let out =
        orgclean().args(["--lang", "en", "import"]).arg(fixture("import/missing_name.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = stderr_of(&out);
    assert!(e.contains("column `name` not found"), "{e}");
    assert!(e.contains("headers seen: 组织ID, 全称, 上级组织ID"), "{e}");
    assert!(e.contains("--column name=HEADER"), "{e}");
    let out = orgclean()
        .args(["--lang", "en", "import", "--column", "name=全称"])
        .arg(fixture("import/missing_name.csv"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
}

#[test]
fn wrong_field_counts_are_rejected_with_lines() {
    let tmp = tempdir();
    let out = orgclean()
        .args(["--lang", "en", "import", "--out"])
        .arg(tmp.path())
        .arg(fixture("import/wrong_field_count.csv"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(stdout_of(&out).contains("rows read 4 = accepted 2 + rejected 2 + exact repeats 0"));
    let (h, rows) = read_csv(&tmp.path().join("rejected_rows.csv"));
    assert_eq!(h, ["file", "line", "reason", "raw"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][1], "3");
    assert_eq!(rows[0][2], "has 11 fields, the header has 10", "an extra empty field still counts");
    assert_eq!(rows[1][1], "4");
    assert_eq!(rows[1][3], "ORG003,合肥市科学技术协会");
}

#[test]
fn duplicate_ids_same_content_counted_different_rejected() {
    let tmp = tempdir();
    let out = orgclean()
        .args(["--lang", "en", "import", "--out"])
        .arg(tmp.path())
        .arg(fixture("import/dup_ids.csv"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        stdout_of(&out).contains("rows read 5 = accepted 3 + rejected 1 + exact repeats 1"),
        "{}",
        stdout_of(&out)
    );
    let (_, rows) = read_csv(&tmp.path().join("rejected_rows.csv"));
    assert_eq!(rows[0][1], "5");
    assert!(
        rows[0][2].contains("id ORG002 already used at") && rows[0][2].contains("dup_ids.csv:3"),
        "{:?}",
        rows[0]
    );
}

#[test]
fn empty_and_header_only_files() {
    let out = orgclean().args(["--lang", "en", "import"]).arg(fixture("import/empty.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("empty.csv: file is empty"), "{}", stderr_of(&out));
    let s = import_ok("import/header_only.csv");
    assert!(s.contains("rows read 0 = accepted 0 + rejected 0 + exact repeats 0"), "{s}");
}

#[test]
fn invalid_credit_codes_are_kept_and_counted() {
    let s = import_ok("import/uscc.csv");
    assert!(s.contains("rows read 5 = accepted 5"), "{s}");
    assert!(s.contains("credit codes failing GB 32100: 3"), "{s}");
}

#[test]
fn stdin_and_directories() {
    let text = std::fs::read(fixture("import/gb18030.csv")).unwrap();
    let out = orgclean().args(["--lang", "en", "import", "-"]).write_stdin(text).output().unwrap();
    assert!(out.status.success());
    assert!(stdout_of(&out).contains("-: gb18030"), "{}", stdout_of(&out));
    let tmp = tempdir();
    std::fs::copy(fixture("import/utf8.csv"), tmp.path().join("a.csv")).unwrap();
    std::fs::copy(fixture("import/crlf.csv"), tmp.path().join("b.csv")).unwrap();
    let out = orgclean().args(["--lang", "en", "import"]).arg(tmp.path()).output().unwrap();
    assert!(out.status.success());
    // The second file repeats the first one's rows exactly (only line ends differ).
    assert!(
        stdout_of(&out).contains("rows read 8 = accepted 4 + rejected 0 + exact repeats 4"),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn output_dir_must_not_be_an_input_dir() {
    let tmp = tempdir();
    let input = tmp.path().join("a.csv");
    std::fs::copy(fixture("import/utf8.csv"), &input).unwrap();
    let out =
        orgclean().args(["--lang", "en", "import", "--out"]).arg(tmp.path()).arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("no input can be overwritten"));
}

/// A dump re-encoded to GB18030 imports to the same table, row for row and line for line: the
/// 20k-row public bench dump when it is beside the project, else the demo dump, which every
/// clone has (this test used to return early without the bench, testing nothing on a clean CI
/// machine).
#[test]
fn dump_reencoded_to_gb18030_gives_identical_table() {
    let bench = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/public-20k/orgs.csv");
    let (dump, rows) = match bench.exists() {
        true => (bench, 20_000),
        false => (fixture("demo/orgs.csv"), 379),
    };
    let bytes = std::fs::read(&dump).unwrap();
    let text = std::str::from_utf8(bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes)).unwrap();
    let (gb, _, _) = encoding_rs::GB18030.encode(text);
    assert!(std::str::from_utf8(&gb).is_err(), "the re-encoded dump is not UTF-8");
    let tmp = tempdir();
    let gb_path = tmp.path().join("orgs-gb.csv");
    std::fs::write(&gb_path, &gb).unwrap();
    let a = orgclean::import::import(&[dump], &Default::default()).unwrap();
    let b = orgclean::import::import(&[gb_path], &Default::default()).unwrap();
    assert_eq!(a.totals().accepted, rows);
    assert_eq!(a.totals().rejected, 0);
    assert_eq!(b.files[0].encoding, "gb18030");
    assert_eq!(a.records.len(), b.records.len());
    for (i, (x, y)) in a.records.iter().zip(&b.records).enumerate() {
        assert_eq!(a.raw_row(i as u32), b.raw_row(i as u32));
        assert_eq!(x.line, y.line);
    }
}

#[test]
fn summary_in_both_languages() {
    for lang in ["zh", "en"] {
        let tmp = tempdir();
        let dumps = ["import/english_headers.csv", "import/dup_ids.csv", "import/uscc.csv", "import/tab.tsv"];
        let out = orgclean()
            .args(["--lang", lang, "import", "--out"])
            .arg(tmp.path())
            .args(dumps.map(fixture))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        let fixtures = fixture("");
        let s = stdout_of(&out)
            .replace(&*fixtures.to_string_lossy(), "[FIXTURES]/")
            .replace(&*tmp.path().to_string_lossy(), "[OUT]");
        insta::assert_snapshot!(format!("import_summary_{lang}"), s);
    }
}
