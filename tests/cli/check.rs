//! `orgclean check` on the hand-made fixture in fixtures/check/.

use std::collections::BTreeMap;

use crate::util::{fixture, orgclean, read_csv, stdout_of, tempdir};

#[derive(Debug)]
struct Row {
    code: String,
    detail: String,
    /// `detail_label`: the detail in the chosen language.
    label: String,
    proposed: String,
    confidence: String,
    name: String,
}

fn run_check(with_clusters: bool) -> (BTreeMap<(String, String), Row>, String) {
    run_check_in(with_clusters, "en")
}

fn run_check_in(with_clusters: bool, lang: &str) -> (BTreeMap<(String, String), Row>, String) {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let mut cmd = orgclean();
    cmd.args(["--lang", lang, "check"]).arg(fixture("check/orgs.csv")).arg("--out").arg(&out);
    if with_clusters {
        cmd.arg("--clusters").arg(fixture("check/clusters.csv"));
    } else {
        cmd.arg("--no-dedupe");
    }
    let output = cmd.output().expect("runs");
    assert!(output.status.success(), "check failed: {}", String::from_utf8_lossy(&output.stderr));
    let (headers, rows) = read_csv(&out.join("findings.csv"));
    assert_eq!(
        headers,
        [
            "org_id",
            "code",
            "severity",
            "detail",
            "parent_id",
            "proposed_parent_id",
            "confidence",
            "reason",
            "name",
            "province",
            "city",
            "code_label",
            "detail_label"
        ]
    );
    let map = rows
        .into_iter()
        .map(|r| {
            let key = (r[0].clone(), r[1].clone());
            let row = Row {
                code: r[1].clone(),
                detail: r[3].clone(),
                label: r[12].clone(),
                proposed: r[5].clone(),
                confidence: r[6].clone(),
                name: r[8].clone(),
            };
            (key, row)
        })
        .collect();
    (map, stdout_of(&output))
}

#[test]
fn every_code_is_found_with_its_fix() {
    let (rows, _) = run_check(true);
    let codes: Vec<(&str, &str)> = rows.keys().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let mut want = vec![
        ("LJ", "skips_province"),
        ("S1", "parent_is_duplicate"),
        ("S10", "uscc_province_mismatch"),
        ("S2", "missing_parent"),
        ("S3", "self_parent"),
        ("S4", "dangling_parent"),
        ("S5", "cycle"),
        ("S6", "cycle"),
        ("S7", "cross_province"),
        ("S8", "level_inversion"),
        ("S9", "invalid_uscc"),
    ];
    want.sort();
    assert_eq!(codes, want);
    let fix = |id: &str, code: &str| {
        let r = &rows[&(id.to_string(), code.to_string())];
        (r.proposed.as_str(), r.confidence.as_str())
    };
    assert_eq!(fix("LJ", "skips_province"), ("HF", "high"));
    assert_eq!(fix("S1", "parent_is_duplicate"), ("FX", "high"));
    for id in ["S2", "S3", "S4", "S5", "S6", "S7"] {
        let code = &rows.keys().find(|(a, _)| a == id).map(|(_, c)| c.clone()).unwrap_or_default();
        assert_eq!(fix(id, code), ("FX", "high"), "{id}");
    }
    assert_eq!(fix("S8", "level_inversion"), ("FX", "high"));
    let lj = &rows[&("LJ".to_string(), "skips_province".to_string())];
    assert!(lj.detail.contains("1 units below it are invisible"), "{}", lj.detail);
    let cyc = &rows[&("S5".to_string(), "cycle".to_string())];
    assert!(cyc.detail.contains("S5 → S6 → S5"), "{}", cyc.detail);
    assert_eq!(rows[&("S9".to_string(), "invalid_uscc".to_string())].code, "invalid_uscc");
    // findings.csv is a machine file: a name a spreadsheet would run as a formula is kept exactly.
    assert_eq!(rows[&("S4".to_string(), "dangling_parent".to_string())].name, "=SUM(1)测试中学");
}

#[test]
fn without_clusters_parents_are_not_duplicates() {
    let (rows, _) = run_check(false);
    assert!(!rows.keys().any(|(_, c)| c == "parent_is_duplicate"));
    assert!(rows.contains_key(&("S2".to_string(), "missing_parent".to_string())));
}

#[test]
fn without_a_clusters_file_check_runs_dedupe_itself() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let output = orgclean()
        .arg("-q")
        .arg("check")
        .arg(fixture("check/orgs.csv"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(output.status.success());
    let (_, rows) = read_csv(&out.join("findings.csv"));
    // 肥西县科协 is a duplicate of 肥西县科学技术协会: S1's parent.
    assert!(rows.iter().any(|r| r[0] == "S1" && r[1] == "parent_is_duplicate" && r[5] == "FX"), "{rows:?}");
}

#[test]
fn details_stay_english_for_machines_with_a_label_in_the_chosen_language() {
    let (zh, _) = run_check_in(true, "zh");
    let cyc = &zh[&("S5".to_string(), "cycle".to_string())];
    assert_eq!(cyc.detail, "on a parent cycle of 2: S5 → S6 → S5");
    assert_eq!(cyc.label, "处在 2 个单位组成的上级链环中：S5 → S6 → S5");
    let (en, _) = run_check_in(true, "en");
    let cyc = &en[&("S5".to_string(), "cycle".to_string())];
    assert_eq!((cyc.detail.as_str(), cyc.label.as_str()), (cyc.label.as_str(), cyc.detail.as_str()));
    for row in zh.values() {
        assert!(!row.label.is_empty() && !row.label.is_ascii(), "{row:?}");
    }
}

#[test]
fn summary_by_code_and_province_in_both_languages() {
    for lang in ["zh", "en"] {
        let (_, stdout) = run_check_in(true, lang);
        insta::assert_snapshot!(format!("check_summary_{lang}"), stdout);
    }
}

#[test]
fn clusters_file_without_survivor_is_an_input_error() {
    let tmp = tempdir();
    let bad = tmp.path().join("clusters.csv");
    std::fs::write(&bad, "org_id,cluster_id,is_survivor\nFX,C,0\nFX2,C,0\n").expect("write");
    let output = orgclean()
        .arg("check")
        .arg(fixture("check/orgs.csv"))
        .arg("--out")
        .arg(tmp.path().join("out"))
        .arg("--clusters")
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("has no survivor"));
}

/// Clusters from another dump (a country's file beside one province's export): a cluster whose
/// survivor this dump lacks is left out and said, not a failure of the whole check (it was exit
/// 2, "has no survivor"); the clusters whose records are here are still used.
#[test]
fn clusters_whose_survivor_is_in_another_dump_are_left_out_and_said() {
    let tmp = tempdir();
    let clusters = tmp.path().join("clusters.csv");
    std::fs::write(
        &clusters,
        "org_id,cluster_id,is_survivor,survivor_id\n\
         FX,C-FX,1,FX\n\
         FX2,C-FX,0,FX\n\
         ELSEWHERE9,C-ELSEWHERE9,1,ELSEWHERE9\n\
         S1,C-ELSEWHERE9,0,ELSEWHERE9\n",
    )
    .expect("write");
    let check = |out: &str, clusters: &std::path::Path| {
        let o = orgclean()
            .arg("check")
            .arg(fixture("check/orgs.csv"))
            .arg("--out")
            .arg(tmp.path().join(out))
            .arg("--clusters")
            .arg(clusters)
            .output()
            .expect("runs");
        let findings = std::fs::read(tmp.path().join(out).join("findings.csv")).unwrap_or_default();
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned(), findings)
    };
    let (code, stderr, findings) = check("out", &clusters);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("1 rows name records that are not in the dump"), "{stderr}");
    assert!(stderr.contains("C-ELSEWHERE9 (survivor ELSEWHERE9)"), "{stderr}");
    // The cluster whose records are here still counts, as it does on its own.
    let (code, _, alone) = check("alone", &fixture("check/clusters.csv"));
    assert_eq!(code, Some(0));
    assert!(findings.len() > 200, "findings.csv missing or empty");
    assert_eq!(findings, alone, "leaving the other dump's cluster out changed the findings of this one's");
}

#[test]
fn fail_on_sets_the_exit_code() {
    let tmp = tempdir();
    let run = |fail_on: &str| {
        orgclean()
            .arg("-q")
            .arg("check")
            .arg(fixture("check/orgs.csv"))
            .arg("--no-dedupe")
            .arg("--out")
            .arg(tmp.path().join("out"))
            .args(["--fail-on", fail_on])
            .output()
            .expect("runs")
            .status
            .code()
    };
    assert_eq!(run("cycle=1"), Some(1), "the fixture has a cycle");
    assert_eq!(run("cycle=1000"), Some(0));
    assert_eq!(run("cycles=1"), Some(2), "unknown code is a usage error");
}

/// Findings of `check --no-dedupe` on a fixture, as (org_id, code, proposed_parent_id).
fn findings_of(name: &str) -> Vec<(String, String, String)> {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let output = orgclean()
        .arg("-q")
        .arg("check")
        .arg(fixture(name))
        .arg("--no-dedupe")
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(output.status.code() == Some(0) || output.status.code() == Some(1), "{output:?}");
    read_csv(&out.join("findings.csv"))
        .1
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[5].clone()))
        .collect()
}

#[test]
fn without_a_type_column_the_region_columns_say_which_level_a_short_name_means() {
    // 东营科协 is the city's or 东营区's association; the county column says 东营区, so its
    // parent, the city association, is above it: no level inversion.
    assert_eq!(findings_of("check/no_type_column.csv"), vec![]);
}

#[test]
fn without_a_county_column_the_name_gives_the_county() {
    // The file cannot say 寒亭区, the name does: the school goes under 寒亭区's association. A
    // name without a county (潍坊第一中学) goes under the city's.
    let got = findings_of("check/no_county_column.csv");
    let want = [("S", "missing_parent", "K"), ("T", "missing_parent", "C")];
    let want: Vec<_> = want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(got, want);
}

#[test]
fn a_dump_without_a_parent_column_is_an_input_error() {
    let tmp = tempdir();
    let dump = tmp.path().join("no_parent.csv");
    std::fs::write(&dump, "组织ID,组织名称,省份\nA1,合肥市科学技术协会,安徽省\n").unwrap();
    for cmd in ["check", "run", "coverage"] {
        let output =
            orgclean().arg(cmd).arg(&dump).arg("--out").arg(tmp.path().join(cmd)).output().expect("runs");
        assert_eq!(output.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(
            err.contains("column `parent_id` not found")
                && err.contains("headers seen: 组织ID, 组织名称, 省份")
                && err.contains("use --column parent_id=HEADER"),
            "{cmd}: {err}"
        );
    }
    // dedupe and import do not need it.
    let output =
        orgclean().arg("dedupe").arg(&dump).arg("--out").arg(tmp.path().join("d")).output().expect("runs");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn the_built_in_dedupe_takes_the_merge_threshold() {
    let tmp = tempdir();
    let dump = tmp.path().join("orgs.csv");
    std::fs::write(
        &dump,
        "组织ID,组织名称,上级组织ID,省份,地市,区县,认证状态,创建时间\n\
         N,中国科学技术协会,,,,,已认证,2010-01-01\n\
         P,安徽省科学技术协会,N,安徽省,,,已认证,2010-01-01\n\
         C,合肥市科学技术协会,P,安徽省,合肥市,,已认证,2010-01-01\n\
         X1,合肥市化学学会,C,安徽省,合肥市,,已认证,2015-01-01\n\
         X2,合肥市化学学汇,C,安徽省,合肥市,,待认证,2016-01-01\n\
         S,合肥市化学学汇有机化学分会,X2,安徽省,合肥市,,已认证,2017-01-01\n",
    )
    .unwrap();
    let dup_parents = |extra: &[&str]| {
        let out = tmp.path().join("out");
        let o =
            orgclean().arg("-q").arg("check").arg(&dump).arg("--out").arg(&out).args(extra).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        let rows = read_csv(&out.join("findings.csv")).1;
        rows.iter().filter(|r| r[1] == "parent_is_duplicate").map(|r| r[0].clone()).collect::<Vec<_>>()
    };
    // 学汇 is 学会 typed with a same-sound slip (score below 1): merged at 0.85, not at 0.99.
    assert_eq!(dup_parents(&[]), vec!["S".to_string()]);
    assert!(dup_parents(&["--merge-threshold", "0.99"]).is_empty());
    let bad = orgclean()
        .arg("check")
        .arg(&dump)
        .arg("--out")
        .arg(tmp.path().join("o"))
        .args(["--merge-threshold", "2"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
