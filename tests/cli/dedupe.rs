use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util::*;

/// Run dedupe on the hard-case fixture; return stdout.
fn dedupe_into(out: &Path, threads: &str) -> String {
    let o = orgclean()
        .env("RAYON_NUM_THREADS", threads)
        .args(["--lang", "en", "dedupe"])
        .arg(fixture("dedupe/hard_cases.csv"))
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_of(&o));
    stdout_of(&o)
}

/// org_id → (is_survivor, survivor_id, reasons).
type MemberInfo = BTreeMap<String, (String, String, String)>;

/// The clusters as sets of member ids, and what clusters.csv says about each member.
fn clusters(out: &Path) -> (BTreeSet<BTreeSet<String>>, MemberInfo) {
    let (header, rows) = read_csv(&out.join("clusters.csv"));
    assert_eq!(
        header,
        [
            "org_id",
            "cluster_id",
            "is_survivor",
            "survivor_id",
            "score",
            "reasons",
            "name",
            "province",
            "city",
            "status"
        ]
    );
    let mut by_cluster: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut info = BTreeMap::new();
    for r in rows {
        by_cluster.entry(r[1].clone()).or_default().insert(r[0].clone());
        info.insert(r[0].clone(), (r[2].clone(), r[3].clone(), r[5].clone()));
    }
    (by_cluster.into_values().collect(), info)
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn hard_cases_cluster_exactly_as_expected() {
    let tmp = tempdir();
    let stdout = dedupe_into(tmp.path(), "2");
    let (got, info) = clusters(tmp.path());
    let want: BTreeSet<BTreeSet<String>> = [
        &["A01", "A02"][..],    // traditional characters
        &["F01", "F02"],        // province and city prefix omitted
        &["D01", "D04"],        // 鼓楼区 of 福州 only
        &["S01", "S03", "S04"], // 第一中学 = 一中 = 第1中学, not 第十一中学
        &["U01", "U02"],        // 中国科大 = 中国科学技术大学
        &["E02", "E03"],        // 科协 = 科学技术协会, (筹); not the company itself
        &["W01", "W02"],        // full-width letters
        &["P01", "P02"],        // (筹)
        &["SH01", "SH02"],      // abbreviation
        &["SH03", "SH04"],      // municipality prefix omitted
        &["Q01", "Q02"],        // 邱庄振 typed for 邱庄镇 (same sound); not 郭庄镇
        &["G01", "G02"],        // 学汇 typed for 学会 (same sound)
        &["M01", "M02"],        // 科协 = 科学技术协会
    ]
    .iter()
    .map(|ids| set(ids))
    .collect();
    assert_eq!(got, want);

    let survivor = |id: &str| info[id].1.clone();
    assert_eq!(survivor("A01"), "A02", "certified beats pending");
    assert_eq!(survivor("D04"), "D01", "certified beats pending even if created later");
    assert_eq!(survivor("W01"), "W02", "valid credit code beats none");
    assert_eq!(survivor("SH01"), "SH02", "more child records");
    assert_eq!(survivor("F01"), "F02", "earliest created");
    // M02's only child was filed in 2019, before M02 existed: it was moved there, and does not
    // vote for M02.
    assert_eq!(survivor("M02"), "M01", "a child older than its parent does not count");
    assert_eq!(survivor("P02"), "P01", "smallest id on a full tie");
    assert_eq!(info["A02"].0, "1");
    assert!(info["A02"].2.starts_with("survivor: certified"), "{}", info["A02"].2);

    // Every merge says why in words.
    assert!(info["SH01"].2.contains("科协 = 科学技术协会"), "{}", info["SH01"].2);
    assert!(info["F01"].2.contains("region prefix 安徽省合肥市 omitted"), "{}", info["F01"].2);
    assert!(info["P02"].2.contains("provisional marker"), "{}", info["P02"].2);
    assert!(info["Q02"].2.contains("庄镇 ≈ 庄振 (same sound zhen)"), "{}", info["Q02"].2);
    assert!(info["G02"].2.contains("学会 ≈ 学汇 (same sound hui)"), "{}", info["G02"].2);

    assert!(stdout.contains("records: 39"), "{stdout}");
    assert!(stdout.contains("clusters: 13 (27 records in clusters"), "{stdout}");
    assert!(stdout.contains("candidate pairs: "), "{stdout}");
    assert!(stdout.contains("广东省: 1 / 3"), "{stdout}");
}

#[test]
fn pairs_csv_flags_merged_pairs_and_never_lists_vetoed_ones() {
    let tmp = tempdir();
    dedupe_into(tmp.path(), "2");
    let (header, rows) = read_csv(&tmp.path().join("pairs.csv"));
    assert_eq!(header, ["org_id_a", "org_id_b", "score", "decision", "reasons", "name_a", "name_b"]);
    let pair = |a: &str, b: &str| rows.iter().find(|r| (r[0] == a && r[1] == b) || (r[0] == b && r[1] == a));
    assert_eq!(pair("S01", "S03").map(|r| r[3].as_str()), Some("merged"));
    for (a, b) in [
        ("S01", "S02"),
        ("U01", "N01"),
        ("E01", "E02"),
        ("H01", "H02"),
        ("D01", "D02"),
        ("L01", "L02"),
        ("A01", "C01"),
    ] {
        assert!(pair(a, b).is_none(), "{a} {b} must be vetoed: {:?}", pair(a, b));
    }
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let (one, two) = (tempdir(), tempdir());
    dedupe_into(one.path(), "1");
    dedupe_into(two.path(), "2");
    for f in ["clusters.csv", "pairs.csv"] {
        assert_eq!(
            std::fs::read(one.path().join(f)).unwrap(),
            std::fs::read(two.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn quiet_prints_nothing_and_bad_thresholds_are_usage_errors() {
    let tmp = tempdir();
    let o = orgclean()
        .args(["--quiet", "dedupe"])
        .arg(fixture("dedupe/hard_cases.csv"))
        .arg("--out")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(o.stdout.is_empty() && o.stderr.is_empty());
    let o = orgclean()
        .args(["dedupe", "--merge-threshold", "0.5", "--review-threshold", "0.9"])
        .arg(fixture("dedupe/hard_cases.csv"))
        .arg("--out")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr_of(&o).contains("--review-threshold 0.9 is above --merge-threshold 0.5"),
        "{}",
        stderr_of(&o)
    );
}

/// Decorated and re-ordered names merge with their plain form; a short form reaches review with
/// its reason, and merges only with the same valid credit code (issue 12, classes 6 and 7).
#[test]
fn decorated_names_merge_and_short_forms_reach_review() {
    let tmp = tempdir();
    let o = orgclean()
        .args(["--quiet", "dedupe"])
        .arg(fixture("dedupe/decorated_and_short.csv"))
        .arg("--out")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_of(&o));
    let (got, info) = clusters(tmp.path());
    let want: BTreeSet<BTreeSet<String>> = [
        &["D01", "D02"][..], // place after the name, in brackets
        &["R01", "R02"],     // region levels reversed
        &["E01", "E02"],     // English gloss
        &["X01", "X02"],     // a character dropped from 科学技术协会
        &["Z01", "Z02"],     // status word
        &["K01", "K02"],     // Co., Ltd.
        &["S07", "S08"],     // short form with the same valid credit code
    ]
    .iter()
    .map(|ids| set(ids))
    .collect();
    assert_eq!(got, want);
    assert!(info["D02"].2.contains("place after the name"), "{}", info["D02"].2);

    let (_, rows) = read_csv(&tmp.path().join("pairs.csv"));
    let pair = |a: &str, b: &str| rows.iter().find(|r| (r[0] == a && r[1] == b) || (r[0] == b && r[1] == a));
    for (a, b) in [("S01", "S02"), ("S03", "S04"), ("S05", "S06")] {
        let r = pair(a, b).unwrap_or_else(|| panic!("{a} / {b} not even for review"));
        assert_eq!(r[3], "needs_review", "{r:?}");
        assert!(r[4].contains("shortens"), "{r:?}");
    }
    // Full names are not short forms of each other.
    for (a, b) in [("N01", "N02"), ("N03", "S01")] {
        assert!(pair(a, b).is_none_or(|r| !r[4].contains("shortens")), "{:?}", pair(a, b));
    }
}

/// Real lists of distinct units: the official list of 3,167 higher-education institutions
/// (fixtures/real-universities), 518 Beijing clinics (fixtures/real-clinics) and 2,918 villages
/// each filed under its county's 科协 (fixtures/real-villages: siblings with homophone names
/// and one parent, 11 pairs of which merged before). Nothing may merge, and few pairs may go to
/// review: the 100 for the 3,167 universities, scaled.
#[test]
fn real_lists_of_distinct_units_merge_nothing() {
    for (list, most_reviews) in [("real-universities", 100), ("real-clinics", 16), ("real-villages", 96)] {
        let tmp = tempdir();
        let o = orgclean()
            .arg("dedupe")
            .arg(fixture(&format!("{list}/orgs.csv")))
            .arg("--out")
            .arg(tmp.path())
            .arg("--quiet")
            .output()
            .unwrap();
        assert!(o.status.success(), "{list}: {}", stderr_of(&o));
        let (_, clusters) = read_csv(&tmp.path().join("clusters.csv"));
        let names: Vec<&str> = clusters.iter().map(|r| r[6].as_str()).collect();
        assert!(clusters.is_empty(), "{list}: wrongly merged: {names:?}");
        let (header, pairs) = read_csv(&tmp.path().join("pairs.csv"));
        let decision = header.iter().position(|h| h == "decision").unwrap();
        let review = pairs.iter().filter(|r| r[decision] == "needs_review").count();
        assert!(review <= most_reviews, "{list}: {review} review pairs");
    }
}

#[test]
fn summary_in_both_languages() {
    for lang in ["zh", "en"] {
        let tmp = tempdir();
        let o = orgclean()
            .args(["--lang", lang, "dedupe"])
            .arg(fixture("dedupe/hard_cases.csv"))
            .arg("--out")
            .arg(tmp.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr_of(&o));
        let s = stdout_of(&o).replace(&*tmp.path().to_string_lossy(), "[OUT]");
        insta::assert_snapshot!(format!("dedupe_summary_{lang}"), s);
    }
}
