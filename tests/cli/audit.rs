//! `orgclean audit`, `review` and `history`: history in SQLite, changes since the last run,
//! decisions that stick, and a database that survives kills and concurrent runs.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use crate::util::*;

const PAUSE_ENV: &str = "ORGCLEAN_TEST_PAUSE_IN_TXN_MS";

fn night(n: u32) -> PathBuf {
    fixture(&format!("audit/night{n}.csv"))
}

pub(crate) fn audit(input: &Path, db: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    orgclean()
        .arg("audit")
        .arg(input)
        .arg("--db")
        .arg(db)
        .arg("--out")
        .arg(out)
        .args(["--as-of", "2025-01-01"])
        .args(extra)
        .output()
        .unwrap()
}

fn audit_ok(input: &Path, db: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let o = audit(input, db, out, extra);
    assert!(o.status.success(), "audit failed: {}", stderr_of(&o));
    o
}

fn changes(out: &Path) -> BTreeSet<(String, String, String)> {
    let (h, rows) = read_csv(&out.join("changes.csv"));
    assert_eq!(h, ["change", "kind", "key", "org_id", "code", "detail"]);
    rows.into_iter().map(|r| (r[0].clone(), r[1].clone(), r[2].clone())).collect()
}

fn set(items: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    items.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect()
}

/// cluster id → member ids, from clusters.csv.
fn clusters(out: &Path) -> BTreeSet<(String, BTreeSet<String>)> {
    let (_, rows) = read_csv(&out.join("clusters.csv"));
    let mut m: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for r in rows {
        m.entry(r[1].clone()).or_default().insert(r[0].clone());
    }
    m.into_iter().collect()
}

fn members(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

pub(crate) fn run_count(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    c.query_row("SELECT count(*) FROM runs", [], |r| r.get(0)).unwrap()
}

/// Export the review sheet, set decisions with `decide(row) -> Some(decision)`, import it.
fn review(db: &Path, tmp: &Path, decide: impl Fn(&[String]) -> Option<&'static str>) -> std::process::Output {
    let sheet = tmp.join("review.csv");
    let o = orgclean()
        .args(["--lang", "en", "review", "export", "--db"])
        .arg(db)
        .arg("--out")
        .arg(&sheet)
        .output()
        .unwrap();
    assert!(o.status.success(), "export failed: {}", stderr_of(&o));
    let (h, rows) = read_csv(&sheet);
    let dec = h.iter().position(|c| c == "decision").unwrap();
    let filled = tmp.join("review_filled.csv");
    let mut w = csv::Writer::from_path(&filled).unwrap();
    w.write_record(&h).unwrap();
    for mut r in rows {
        if let Some(d) = decide(&r) {
            r[dec] = d.to_string();
        }
        w.write_record(&r).unwrap();
    }
    w.flush().unwrap();
    orgclean().args(["review", "import"]).arg(&filled).arg("--db").arg(db).output().unwrap()
}

/// Columns of the English review sheet: kind, org_id, other_id, code.
const KIND: usize = 2;
const ORG: usize = 3;
const OTHER: usize = 5;
const CODE: usize = 7;

fn is(r: &[String], kind: &str, a: &str, b: &str) -> bool {
    r[KIND] == kind && ((r[ORG] == a && r[OTHER] == b) || (r[ORG] == b && r[OTHER] == a))
}

#[test]
fn two_audits_on_a_changed_dump_give_new_resolved_persisting() {
    let tmp = tempdir();
    let db = tmp.path().join("audit.sqlite");
    let (o1, o2) = (tmp.path().join("o1"), tmp.path().join("o2"));
    audit_ok(&night(1), &db, &o1, &[]);
    assert!(changes(&o1).iter().all(|c| c.0 == "new"), "first run: everything is new");
    let o = audit_ok(&night(2), &db, &o2, &["--json"]);
    assert_eq!(
        changes(&o2),
        set(&[
            ("new", "finding", "ORG00028467/self_parent"),
            ("new", "cluster", "C-ORG00011757"),
            ("resolved", "finding", "ORG00028883/self_parent"),
            ("persisting", "finding", "ORG00010970/invalid_uscc"),
            ("persisting", "finding", "ORG00012789/dangling_parent"),
            ("persisting", "cluster", "C-ORG00012177"),
        ])
    );
    let (_, rows) = read_csv(&o2.join("changes.csv"));
    let dangling = rows.iter().find(|r| r[2] == "ORG00012789/dangling_parent").unwrap();
    assert!(dangling[5].starts_with("2 nights in a row"), "{dangling:?}");
    let shrunk = rows.iter().find(|r| r[2] == "C-ORG00012177").unwrap();
    assert!(shrunk[5].contains("were: ORG00012177, ORG00025350, ORG00027867"), "{shrunk:?}");

    let v: serde_json::Value = serde_json::from_str(&stdout_of(&o)).unwrap();
    assert_eq!(v["previous_run_id"], 1);
    assert_eq!(v["changes"]["findings"]["new"], 1);
    assert_eq!(v["changes"]["findings"]["resolved"], 1);
    assert_eq!(v["changes"]["clusters"]["persisting"], 1);

    let md = std::fs::read_to_string(o2.join("report.md")).unwrap();
    assert!(md.contains("## 与上次运行相比") && md.contains("第 1 次运行（数据日期 2025-01-01）"), "{md}");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(o2.join("report.xlsx")).unwrap();
    assert!(wb.sheet_names().contains(&"与上次相比".to_string()));
    // The trend of both nights, a line per finding code.
    let trend = wb.worksheet_range("趋势").unwrap();
    assert_eq!(trend.rows().count(), 3, "header and two nights");
    let chart = crate::util::package_part(&o2.join("report.xlsx"), "xl/charts/chart");
    assert!(chart.iter().any(|c| c.contains("<c:lineChart>")), "no line chart in the workbook");

    let h = orgclean().args(["history", "--db"]).arg(&db).output().unwrap();
    let text = stdout_of(&h);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.lines().nth(2).unwrap().contains("self_parent=1"), "{text}");
}

#[test]
fn fail_on_counts_only_new_findings() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&night(1), &db, &tmp.path().join("o1"), &[]);
    let o = audit(&night(2), &db, &tmp.path().join("o2"), &["--fail-on", "self_parent=1"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr_of(&o));
    // The same self_parent the next night is persisting, not new.
    let o = audit(&night(2), &db, &tmp.path().join("o3"), &["--fail-on", "self_parent=1,dangling_parent=1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    let o =
        audit(&night(2), &tmp.path().join("b.sqlite"), &tmp.path().join("o4"), &["--fail-on", "cycles=1"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_different_decision_splits_the_cluster_even_through_a_third_record() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    let o1 = tmp.path().join("o1");
    audit_ok(&night(1), &db, &o1, &[]);
    assert!(clusters(&o1)
        .contains(&("C-ORG00012177".into(), members(&["ORG00012177", "ORG00025350", "ORG00027867"]))));
    let o = review(&db, tmp.path(), |r| {
        is(r, "cluster_member", "ORG00012177", "ORG00027867").then_some("different")
    });
    assert!(o.status.success(), "{}", stderr_of(&o));
    // ORG00027867 still scores 1.0 with ORG00025350, but that would bring it back through a third record.
    let o2 = tmp.path().join("o2");
    audit_ok(&night(1), &db, &o2, &[]);
    assert_eq!(
        clusters(&o2),
        [("C-ORG00012177".to_string(), members(&["ORG00012177", "ORG00025350"]))].into()
    );
    // The decided item is not asked again.
    let sheet = tmp.path().join("again.csv");
    orgclean()
        .args(["--lang", "en", "review", "export", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&sheet)
        .assert()
        .success();
    let (_, rows) = read_csv(&sheet);
    assert!(!rows.iter().any(|r| is(r, "cluster_member", "ORG00012177", "ORG00027867")));
    assert!(!rows.iter().any(|r| is(r, "pair", "ORG00012177", "ORG00027867")));
}

#[test]
fn a_same_decision_merges_a_grey_zone_pair_in_audit_and_run() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&night(1), &db, &tmp.path().join("o1"), &[]);
    assert_eq!(clusters(&tmp.path().join("o1")).len(), 1);
    let o = review(&db, tmp.path(), |r| is(r, "pair", "ORG00034951", "ORG00045167").then_some("same"));
    assert!(o.status.success(), "{}", stderr_of(&o));
    let o2 = tmp.path().join("o2");
    audit_ok(&night(1), &db, &o2, &[]);
    let merged = ("C-ORG00034951".to_string(), members(&["ORG00034951", "ORG00045167"]));
    assert!(clusters(&o2).contains(&merged), "{:?}", clusters(&o2));
    let o3 = tmp.path().join("o3");
    orgclean().arg("run").arg(night(1)).arg("--db").arg(&db).arg("--out").arg(&o3).assert().success();
    assert!(clusters(&o3).contains(&merged));
}

#[test]
fn a_rejected_fix_stays_rejected_while_its_rows_are_unchanged() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&night(1), &db, &tmp.path().join("o1"), &[]);
    let o = review(&db, tmp.path(), |r| {
        (r[KIND] == "fix" && r[ORG] == "ORG00012789" && r[CODE] == "dangling_parent").then_some("reject_fix")
    });
    assert!(o.status.success(), "{}", stderr_of(&o));
    let o2 = tmp.path().join("o2");
    audit_ok(&night(1), &db, &o2, &[]);
    let (_, f) = read_csv(&o2.join("findings.csv"));
    let row = f.iter().find(|r| r[0] == "ORG00012789").unwrap();
    assert_eq!(row[6], "needs_review");
    assert!(row[7].contains("rejected by reviewer"), "{row:?}");
    let (_, fixes) = read_csv(&o2.join("parent_fixes.csv"));
    assert!(!fixes.iter().any(|r| r[0] == "ORG00012789"));
    // The record's row changed: the fix is proposed again.
    let text = std::fs::read_to_string(night(1)).unwrap().replace("2016-03-14", "2016-03-15");
    let changed = tmp.path().join("in").join("night1b.csv");
    std::fs::create_dir_all(changed.parent().unwrap()).unwrap();
    std::fs::write(&changed, text).unwrap();
    let o3 = tmp.path().join("o3");
    audit_ok(&changed, &db, &o3, &[]);
    let (_, f) = read_csv(&o3.join("findings.csv"));
    assert_eq!(f.iter().find(|r| r[0] == "ORG00012789").unwrap()[6], "high");
}

#[test]
fn bad_review_rows_are_reported_by_line_and_nothing_is_imported() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&night(1), &db, &tmp.path().join("o1"), &[]);
    let sheet = tmp.path().join("bad.csv");
    std::fs::write(
        &sheet,
        "kind,key,org_id,org_name,other_id,other_name,code,score,detail,decision,comment,reviewer\n\
         pair,x,ORG00034951,,ORG00045167,,,,,same,,ann\n\
         pair,x,ORG00034951,,ORG00034951,,,,,different,,\n\
         fix,deadbeef,ORG00012789,,ORG00011733,,dangling_parent,,,accept_fix,,\n\
         cluster_member,C-1,ORG1,,ORG2,,,,,maybe,,\n",
    )
    .unwrap();
    let o = orgclean().args(["review", "import"]).arg(&sheet).arg("--db").arg(&db).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr_of(&o);
    for needle in ["3 bad row(s)", "row 3:", "row 4:", "row 5:", "nothing imported"] {
        assert!(err.contains(needle), "{needle:?} not in {err}");
    }
    let c = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = c.query_row("SELECT count(*) FROM decisions", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0, "the good row must not be imported alone");
}

fn spawn_paused(input: &Path, db: &Path, out: &Path, pause_ms: u64, extra: &[&str]) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("orgclean"))
        .arg("-q")
        .arg("audit")
        .arg(input)
        .arg("--db")
        .arg(db)
        .arg("--out")
        .arg(out)
        .args(["--as-of", "2025-01-01", "--json"])
        .args(extra)
        .env(PAUSE_ENV, pause_ms.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Block until the child says it is paused inside its transaction.
fn wait_for_pause(child: &mut Child) -> BufReader<std::process::ChildStderr> {
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "audit ended before pausing");
        if line.contains("test pause in transaction") {
            return err;
        }
    }
}

#[test]
fn a_killed_audit_leaves_the_previous_state() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&night(1), &db, &tmp.path().join("o1"), &[]);
    let mut child = spawn_paused(&night(2), &db, &tmp.path().join("o2"), 60_000, &[]);
    let _err = wait_for_pause(&mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(run_count(&db), 1, "the killed run must not be recorded");
    orgclean().args(["history", "--db"]).arg(&db).assert().success();
    let o = audit_ok(&night(2), &db, &tmp.path().join("o3"), &["--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&o)).unwrap();
    assert_eq!((v["run_id"].as_i64(), v["previous_run_id"].as_i64()), (Some(2), Some(1)));
}

#[test]
fn concurrent_audits_wait_for_each_other() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&night(1), &db, &tmp.path().join("o0"), &[]);
    let mut first = spawn_paused(&night(1), &db, &tmp.path().join("o1"), 1500, &[]);
    let _err = wait_for_pause(&mut first);
    let second = audit_ok(&night(2), &db, &tmp.path().join("o2"), &["--json"]);
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&second)).unwrap();
    assert_eq!(v["previous_run_id"], 2, "the second audit compares with the one it waited for");
    assert_eq!(run_count(&db), 3);
}

#[test]
fn a_second_audit_that_cannot_wait_fails_cleanly() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&night(1), &db, &tmp.path().join("o0"), &[]);
    let mut first = spawn_paused(&night(1), &db, &tmp.path().join("o1"), 60_000, &[]);
    let _err = wait_for_pause(&mut first);
    let o = audit(&night(2), &db, &tmp.path().join("o2"), &["--db-wait", "0"]);
    first.kill().unwrap();
    first.wait().unwrap();
    // A locked database is the machine's problem, not the dump's: exit 4.
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr_of(&o).contains("another orgclean process is writing"), "{}", stderr_of(&o));
    assert_eq!(run_count(&db), 1);
}

/// Schema v1 exactly as the first release wrote it (frozen here on purpose).
const V1: &str = "
CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
    as_of TEXT NOT NULL, tool_version TEXT NOT NULL, settings TEXT NOT NULL, records INTEGER NOT NULL,
    clusters INTEGER NOT NULL, findings INTEGER NOT NULL, new INTEGER NOT NULL, resolved INTEGER NOT NULL,
    persisting INTEGER NOT NULL);
CREATE TABLE run_inputs (run_id INTEGER NOT NULL REFERENCES runs(id), position INTEGER NOT NULL,
    path TEXT NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, encoding TEXT NOT NULL,
    rows_read INTEGER NOT NULL, accepted INTEGER NOT NULL, rejected INTEGER NOT NULL,
    PRIMARY KEY (run_id, position));
CREATE TABLE findings (run_id INTEGER NOT NULL REFERENCES runs(id), org_id TEXT NOT NULL,
    code TEXT NOT NULL, severity TEXT NOT NULL, name TEXT NOT NULL, detail TEXT NOT NULL,
    proposed_parent_id TEXT NOT NULL, confidence TEXT NOT NULL, nights INTEGER NOT NULL,
    PRIMARY KEY (run_id, org_id, code));
CREATE TABLE clusters (run_id INTEGER NOT NULL REFERENCES runs(id), cluster_id TEXT NOT NULL,
    survivor_id TEXT NOT NULL, size INTEGER NOT NULL, members TEXT NOT NULL, nights INTEGER NOT NULL,
    PRIMARY KEY (run_id, cluster_id));
INSERT INTO runs VALUES (1, '2024-12-31T18:00:00Z', '2024-12-31T18:01:00Z', '2024-12-31', '0.0.9', '{}',
    14, 1, 1, 2, 0, 0);
INSERT INTO findings VALUES (1, 'ORG00012789', 'dangling_parent', 'error', '吴忠市职业技术学校',
    'parent id ORG00012187 is not in the directory', 'ORG00011733', 'high', 3);
INSERT INTO clusters VALUES (1, 'C-ORG00012177', 'ORG00012177', 2,
    '[{\"id\":\"ORG00012177\",\"name\":\"石嘴山市科学技术协会\"},{\"id\":\"ORG00025350\",\"name\":\"x\"}]', 1);
PRAGMA user_version = 1;
";

#[test]
fn a_newer_binary_opens_a_version_1_database() {
    let tmp = tempdir();
    let db = tmp.path().join("old.sqlite");
    rusqlite::Connection::open(&db).unwrap().execute_batch(V1).unwrap();
    let out = tmp.path().join("o");
    let o = audit_ok(&night(1), &db, &out, &["--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&o)).unwrap();
    assert_eq!(v["previous_run_id"], 1);
    let (_, rows) = read_csv(&out.join("changes.csv"));
    let d = rows.iter().find(|r| r[2] == "ORG00012789/dangling_parent").unwrap();
    assert_eq!(d[0], "persisting");
    assert!(d[5].starts_with("4 nights in a row"), "{d:?}");
    let c = rows.iter().find(|r| r[2] == "C-ORG00012177").unwrap();
    assert_eq!(c[0], "persisting");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 5);
    // review works on the migrated database
    orgclean()
        .args(["review", "export", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(tmp.path().join("r.csv"))
        .assert()
        .success();
}

#[test]
fn a_database_from_a_newer_version_or_another_program_is_refused() {
    let tmp = tempdir();
    let newer = tmp.path().join("newer.sqlite");
    rusqlite::Connection::open(&newer).unwrap().execute_batch("PRAGMA user_version = 99;").unwrap();
    let o = audit(&night(1), &newer, &tmp.path().join("o"), &[]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr_of(&o).contains("newer orgclean"), "{}", stderr_of(&o));
    let other = tmp.path().join("other.sqlite");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x);").unwrap();
    let o = audit(&night(1), &other, &tmp.path().join("o"), &[]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr_of(&o).contains("not an orgclean audit database"), "{}", stderr_of(&o));
    // A negative version (another program's) is refused the same way; it used to panic (exit 3).
    let negative = tmp.path().join("negative.sqlite");
    rusqlite::Connection::open(&negative).unwrap().execute_batch("PRAGMA user_version = -3;").unwrap();
    let o = audit(&night(1), &negative, &tmp.path().join("o"), &[]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("not an orgclean audit database (schema version -3"), "{}", stderr_of(&o));
    let o = orgclean().arg("audit").arg(night(1)).arg("--out").arg(tmp.path().join("o")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr_of(&o).contains("--db"));
}

#[test]
fn all_divisions_widens_coverage_in_audit_as_in_run() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&night(1), &db, &tmp.path().join("o1"), &[]);
    audit_ok(&night(1), &db, &tmp.path().join("o2"), &["--all-divisions"]);
    let (_, narrow) = read_csv(&tmp.path().join("o1/coverage.csv"));
    let (_, all) = read_csv(&tmp.path().join("o2/coverage.csv"));
    assert_eq!(all.len(), 3214, "31 provinces + 333 prefectures + 2,850 counties");
    assert!(narrow.len() < all.len());
}

/// Rows stored for the items of all nights (findings, clusters, review pairs).
fn stored_items(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    ["finding_spans", "cluster_spans", "pair_spans"]
        .iter()
        .map(|t| c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0)).unwrap())
        .sum()
}

/// Findings per code of a night's findings.csv.
fn by_code(out: &Path) -> std::collections::BTreeMap<String, i64> {
    let (_, rows) = read_csv(&out.join("findings.csv"));
    let mut m = std::collections::BTreeMap::new();
    for r in rows {
        *m.entry(r[1].clone()).or_insert(0) += 1;
    }
    m
}

#[test]
fn an_unchanged_night_stores_nothing_again_and_every_night_stays_in_the_trend() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    let (o1, o2, o3) = (tmp.path().join("o1"), tmp.path().join("o2"), tmp.path().join("o3"));
    audit_ok(&night(1), &db, &o1, &[]);
    let first = stored_items(&db);
    assert!(first > 0);
    audit_ok(&night(1), &db, &o2, &[]);
    assert_eq!(stored_items(&db), first, "an unchanged night stored its items again");
    // The second night is still what it was: persisting, with its nights counted.
    let (_, rows) = read_csv(&o2.join("changes.csv"));
    assert!(rows.iter().all(|r| r[0] == "persisting"), "{rows:?}");
    assert!(
        rows.iter().filter(|r| r[1] == "finding").all(|r| r[5].starts_with("2 nights in a row")),
        "{rows:?}"
    );
    audit_ok(&night(2), &db, &o3, &[]);
    assert!(stored_items(&db) > first, "night 2 changed something");
    // The trend of every night, as each night's findings.csv counted it.
    let h = orgclean().args(["history", "--json", "--db"]).arg(&db).output().unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&h)).unwrap();
    let runs = v.as_array().unwrap();
    assert_eq!(runs.len(), 3);
    for (run, out) in runs.iter().zip([&o1, &o2, &o3]) {
        let got: std::collections::BTreeMap<String, i64> =
            serde_json::from_value(run["by_code"].clone()).unwrap();
        assert_eq!(got, by_code(out), "run {}", run["run_id"]);
    }
    // Review still sees the last night's items.
    orgclean()
        .args(["review", "export", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(tmp.path().join("r.csv"))
        .assert()
        .success();
    let (_, sheet) = read_csv(&tmp.path().join("r.csv"));
    assert!(!sheet.is_empty());
}

/// Found in review: `history --out` replaced any file, so `--out a.sqlite` destroyed the database.
#[test]
fn history_out_must_be_a_workbook_and_never_replaces_the_database() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&night(1), &db, &tmp.path().join("o1"), &[]);
    let before = std::fs::read(&db).unwrap();
    let o = orgclean().args(["history", "--db"]).arg(&db).arg("--out").arg(&db).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains(".xlsx"), "{}", stderr_of(&o));
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database must be untouched");
    let trend = tmp.path().join("trend.xlsx");
    orgclean().args(["history", "--db"]).arg(&db).arg("--out").arg(&trend).assert().success();
    assert!(trend.exists());
}
