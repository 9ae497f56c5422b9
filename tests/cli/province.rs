//! `run`/`audit --province P`: the analysis runs on the whole dump, the reports and queues hold
//! P's rows only, and those rows are exactly the whole run's rows for P.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::util::*;

/// The demo dump with one 天津 record hung under 宁夏's association: a parent in another
/// province, which a dump cut to 天津 first would not see.
fn dump(tmp: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture("demo/orgs.csv")).unwrap();
    let moved = "ORG00034942,天津市航空模型运动协会,51231224058316374C,ORG00010970,";
    assert!(text.contains(moved));
    let text = text.replace(moved, "ORG00034942,天津市航空模型运动协会,51231224058316374C,ORG00010943,");
    let path = tmp.join("in").join("orgs.csv");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn run(cmd: &str, input: &Path, out: &Path, extra: &[&str]) {
    let o = on_dump(cmd, input, out, extra);
    assert!(o.status.success(), "{cmd} failed: {}", stderr_of(&o));
}

fn rows(out: &Path, file: &str) -> (Vec<String>, Vec<Vec<String>>) {
    read_csv(&out.join(file))
}

/// Org ids of the dump whose province column is `p`.
fn ids_in(input: &Path, p: &str) -> BTreeSet<String> {
    let (_, rows) = read_csv(input);
    rows.into_iter().filter(|r| r[4] == p).map(|r| r[0].clone()).collect()
}

#[test]
fn run_for_one_province_holds_exactly_the_whole_runs_rows_for_it() {
    let tmp = tempdir();
    let input = dump(tmp.path());
    let (all, tj) = (tmp.path().join("all"), tmp.path().join("tj"));
    run("run", &input, &all, &[]);
    run("run", &input, &tj, &["--province", "天津"]);
    let ids = ids_in(&input, "天津市");
    let (h, whole) = rows(&all, "findings.csv");
    let prov = h.iter().position(|c| c == "province").unwrap();
    let want: Vec<_> = whole.iter().filter(|r| r[prov] == "天津市").cloned().collect();
    let (_, got) = rows(&tj, "findings.csv");
    assert!(!want.is_empty() && want.len() < whole.len());
    assert_eq!(got, want, "findings of 天津 = the whole run's rows for 天津");
    let moved = got.iter().find(|r| r[0] == "ORG00034942").expect("the moved record has a finding");
    assert_ne!(moved[1], "dangling_parent", "its parent in 宁夏 is seen: {moved:?}");

    // Per-record files: the whole run's rows of 天津's records.
    for (file, col) in [("parent_fixes.csv", 0), ("pending.csv", 0), ("orgs_fixed.csv", 0)] {
        let (_, whole) = rows(&all, file);
        let want: Vec<_> = whole.into_iter().filter(|r| ids.contains(&r[col])).collect();
        let (_, got) = rows(&tj, file);
        assert_eq!(got, want, "{file}");
    }
    // Clusters and pairs: those with a record in 天津, whole; id_remap keeps their members.
    let (_, whole) = rows(&all, "clusters.csv");
    let with_tj: BTreeSet<String> =
        whole.iter().filter(|r| ids.contains(&r[0])).map(|r| r[1].clone()).collect();
    let want: Vec<_> = whole.iter().filter(|r| with_tj.contains(&r[1])).cloned().collect();
    assert!(!want.is_empty());
    assert_eq!(rows(&tj, "clusters.csv").1, want, "clusters.csv");
    let (_, whole) = rows(&all, "pairs.csv");
    let want: Vec<_> = whole.into_iter().filter(|r| ids.contains(&r[0]) || ids.contains(&r[1])).collect();
    assert_eq!(rows(&tj, "pairs.csv").1, want, "pairs.csv");
    // Coverage: 天津's divisions only.
    let (h, cov) = rows(&tj, "coverage.csv");
    let p = h.iter().position(|c| c == "province").unwrap();
    assert!(!cov.is_empty() && cov.iter().all(|r| r[p] == "天津市"), "{cov:?}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tj.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["settings"]["province"], "天津市");
    let provinces: Vec<&String> = summary["report"]["provinces"].as_object().unwrap().keys().collect();
    assert_eq!(provinces, ["天津市"]);
    let md = std::fs::read_to_string(tj.join("report.md")).unwrap();
    assert!(!md.contains("宁夏达博船舶"), "a 宁夏 finding in 天津's report");
}

#[test]
fn audit_for_one_province_records_the_whole_night_and_reports_the_province() {
    let tmp = tempdir();
    let input = dump(tmp.path());
    let db = tmp.path().join("a.sqlite");
    let (all, tj) = (tmp.path().join("all"), tmp.path().join("tj"));
    run("run", &input, &all, &[]);
    run("audit", &input, &tj, &["--db", db.to_str().unwrap(), "--province", "天津市"]);
    let (_, whole) = rows(&all, "findings.csv");
    let c = rusqlite::Connection::open(&db).unwrap();
    let stored: i64 = c.query_row("SELECT findings FROM runs", [], |r| r.get(0)).unwrap();
    assert_eq!(stored as usize, whole.len(), "the database holds the whole night");
    let ids = ids_in(&input, "天津市");
    let (_, changes) = rows(&tj, "changes.csv");
    let (_, f) = rows(&tj, "findings.csv");
    assert!(!f.is_empty() && f.iter().all(|r| ids.contains(&r[0])));
    let new_findings: Vec<_> = changes.iter().filter(|r| r[1] == "finding").collect();
    assert_eq!(new_findings.len(), f.len(), "{changes:?}");
}

#[test]
fn an_unknown_province_is_a_usage_error() {
    let tmp = tempdir();
    let o = orgclean()
        .arg("run")
        .arg(fixture("demo/orgs.csv"))
        .arg("--out")
        .arg(tmp.path().join("o"))
        .args(["--province", "火星"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr_of(&o).contains("火星"), "{}", stderr_of(&o));
}
