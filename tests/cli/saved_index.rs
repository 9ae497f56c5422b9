//! `lookup --save-index` / `lookup --index`: a lookup from the saved index answers exactly as a
//! lookup of the dumps does, and an index the running build did not write is refused.

use std::path::Path;

use crate::util::*;

fn save(dump: &Path, index: &Path) {
    let out = orgclean()
        .arg("lookup")
        .arg(dump)
        .arg("--save-index")
        .arg(index)
        .arg("--quiet")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(out.stdout.is_empty(), "saving alone answers nothing");
}

/// stdout of `lookup` over `source` (the dump, or `--index FILE`) for the query file.
fn answers(source: &[&std::ffi::OsStr], queries: &Path, extra: &[&str]) -> String {
    let out = orgclean()
        .arg("lookup")
        .args(source)
        .arg("--queries")
        .arg(queries)
        .args(extra)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    stdout_of(&out)
}

/// Every name of the dump, typed variants (short forms, 科协, spaces), other provinces, a
/// division with no association, and a name found nowhere.
fn queries_for(dump: &Path, path: &Path) {
    let (_, rows) = read_csv(dump);
    let mut lines: Vec<String> = rows.iter().map(|r| r[1].clone()).collect();
    lines.extend(rows.iter().map(|r| format!("{}\t{}", r[1], r[4])));
    for extra in [
        "合肥一中",
        "北理工",
        "合肥市科协",
        "长丰县科协\t安徽省",
        "肥西县科协\t安徽省",
        "第二中学",
        "科学技术协会",
        "不存在的单位",
    ] {
        lines.push(extra.to_string());
    }
    std::fs::write(path, lines.join("\n") + "\n").expect("write queries");
}

#[test]
fn a_lookup_from_the_saved_index_answers_as_the_dumps_do() {
    let tmp = tempdir();
    for dump in ["lookup/orgs.csv", "lookup/loop.csv"] {
        let dump = fixture(dump);
        let (index, queries) = (tmp.path().join("lookup.idx"), tmp.path().join("q.txt"));
        save(&dump, &index);
        queries_for(&dump, &queries);
        let from_dump = [dump.as_os_str()];
        let from_index = [std::ffi::OsStr::new("--index"), index.as_os_str()];
        for extra in [&["--json"][..], &[][..], &["--lang", "en", "--limit", "3"][..]] {
            let (a, b) = (answers(&from_dump, &queries, extra), answers(&from_index, &queries, extra));
            assert!(a.lines().count() > 10, "{a}");
            assert_eq!(a, b, "{} {extra:?}", dump.display());
        }
    }
    // The comparison covers what the index stores: broken links with fixes, chains, coverage.
    let index = tmp.path().join("lookup.idx");
    save(&fixture("lookup/orgs.csv"), &index);
    let q = tmp.path().join("one.txt");
    std::fs::write(&q, "合肥市科技馆\t安徽省\n长丰县科协\t安徽省\n").expect("write");
    let json = answers(&[std::ffi::OsStr::new("--index"), index.as_os_str()], &q, &["--json"]);
    let v: Vec<serde_json::Value> = json.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    let m1 = v[0]["results"].as_array().expect("results").iter().find(|r| r["org_id"] == "M1").expect("M1");
    assert_eq!(m1["broken_link"]["proposed_parent_id"], "HF", "{m1}");
    assert_eq!(m1["chain"], serde_json::json!(["M1", "ROOT"]));
    assert_eq!(v[1]["coverage"]["status"], "missing", "{}", v[1]);
}

#[test]
fn the_saved_index_answers_standard_input_line_by_line() {
    let tmp = tempdir();
    let index = tmp.path().join("lookup.idx");
    save(&fixture("lookup/orgs.csv"), &index);
    let out = orgclean()
        .args(["lookup", "--queries", "-", "--json", "--quiet", "--index"])
        .arg(&index)
        .write_stdin("合肥一中\n合肥市科协\n")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().nth(1).is_some_and(|l| l.contains("\"org_id\":\"HF\"")), "{text}");
}

#[test]
fn an_index_this_build_did_not_write_is_refused() {
    let tmp = tempdir();
    let index = tmp.path().join("lookup.idx");
    save(&fixture("lookup/orgs.csv"), &index);
    let run = |index: &Path| {
        orgclean().args(["lookup", "--query", "合肥一中", "--index"]).arg(index).output().expect("runs")
    };
    assert!(run(&index).status.success());
    // Another build (another name model) wrote it.
    let conn = rusqlite::Connection::open(&index).expect("open");
    conn.execute("UPDATE meta SET value = 'another-build' WHERE key = 'fingerprint'", []).expect("update");
    drop(conn);
    let out = run(&index);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("--save-index"), "says how to rebuild it: {}", stderr_of(&out));
    // Not an index at all, or no file.
    let text = tmp.path().join("notes.txt");
    std::fs::write(&text, "合肥一中\n").expect("write");
    for path in [text.as_path(), tmp.path().join("missing.idx").as_path()] {
        let out = run(path);
        assert_eq!(out.status.code(), Some(2), "{}: {}", path.display(), stderr_of(&out));
        assert!(stderr_of(&out).contains("--save-index"), "{}", stderr_of(&out));
    }
}

#[test]
fn the_dumps_and_an_index_together_is_a_usage_error() {
    let tmp = tempdir();
    let index = tmp.path().join("lookup.idx");
    save(&fixture("lookup/orgs.csv"), &index);
    let out = orgclean()
        .arg("lookup")
        .arg(fixture("lookup/orgs.csv"))
        .args(["--query", "合肥一中", "--index"])
        .arg(&index)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    // Neither: nothing to look in.
    let out = orgclean().args(["lookup", "--query", "合肥一中"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
}

/// The nightly audit saves the index of the directory it has just read: a lookup after it
/// starts at once and answers as a lookup of the night's dump.
#[test]
fn the_audit_saves_the_nights_index() {
    let tmp = tempdir();
    let (dump, index, queries) =
        (fixture("lookup/orgs.csv"), tmp.path().join("night.idx"), tmp.path().join("q.txt"));
    let extra = ["--lookup-index", index.to_str().expect("utf-8 path"), "--quiet", "--province", "安徽省"];
    let out = crate::audit::audit(&dump, &tmp.path().join("audit.sqlite"), &tmp.path().join("out"), &extra);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr_of(&out));
    queries_for(&dump, &queries);
    let from_dump = answers(&[dump.as_os_str()], &queries, &["--json"]);
    // The whole directory, not only the province the reports were cut to.
    assert!(from_dump.contains("\"org_id\":\"NJ1\""));
    assert_eq!(
        from_dump,
        answers(&[std::ffi::OsStr::new("--index"), index.as_os_str()], &queries, &["--json"])
    );
}
