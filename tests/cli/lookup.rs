//! `orgclean lookup` and `orgclean match` on fixtures/lookup (the three calls of the ops desk).

use serde_json::Value;

use crate::util::*;

fn lookup_json(query: &str, province: &str) -> Value {
    let mut cmd = orgclean();
    cmd.arg("lookup").arg(fixture("lookup/orgs.csv")).args(["--query", query, "--json", "--quiet"]);
    if !province.is_empty() {
        cmd.args(["--province", province]);
    }
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON object per query: {text}");
    serde_json::from_str(lines[0]).expect("json")
}

fn ids(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["org_id"].as_str().unwrap_or("").to_string())
        .collect()
}

fn entry<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["results"].as_array().expect("results").iter().find(|r| r["org_id"] == id).expect("entry listed")
}

/// 填报时联想不到归口组织: the platform's substring match misses 合肥市科学技术协会 for 合肥市科协;
/// lookup finds it, first, with its chain up to 中国科协.
#[test]
fn a_unit_autocomplete_does_not_offer_is_found() {
    let v = lookup_json("合肥市科协", "安徽省");
    assert_eq!(v["query"], "合肥市科协");
    assert_eq!(ids(&v)[0], "HF");
    let hf = entry(&v, "HF");
    assert_eq!(hf["offered"], false, "the typed text is not inside the name");
    assert_eq!(hf["chain"], serde_json::json!(["HF", "AH", "ROOT"]));
    assert_eq!(hf["reaches_national"], true);
    // Other associations of the province are not this unit.
    assert!(!ids(&v).contains(&"FX".to_string()) && !ids(&v).contains(&"AH".to_string()), "{v}");
}

/// A division's association that is not in the directory: the closest entries and coverage.
#[test]
fn a_missing_association_is_reported_with_coverage() {
    let v = lookup_json("长丰县科协", "安徽省");
    assert!(ids(&v).is_empty(), "{v}");
    assert!(!v["closest"].as_array().expect("closest").is_empty());
    assert_eq!(v["coverage"]["division"], "长丰县");
    assert_eq!(v["coverage"]["status"], "missing");
    let v = lookup_json("肥西县科协", "安徽省");
    assert_eq!(v["results"][0]["cluster_id"], "C-FX", "{v}");
}

/// 联想到多个组织: three entries of one school come back as one cluster with its survivor, and
/// the other schools (第二, 第十一) are not in it.
#[test]
fn several_entries_of_one_unit_are_one_cluster() {
    let v = lookup_json("合肥一中", "安徽省");
    let results = v["results"].as_array().expect("results");
    let cluster: Vec<&Value> = results.iter().filter(|r| r["cluster_id"] == "C-S1").collect();
    let mut members: Vec<&str> = cluster.iter().map(|r| r["org_id"].as_str().unwrap_or("")).collect();
    members.sort_unstable();
    assert_eq!(members, ["S1", "S1B", "S1C"], "{v}");
    assert_eq!(results[0]["cluster_id"], "C-S1", "best cluster first");
    assert_eq!(entry(&v, "S1")["is_survivor"], true);
    assert_eq!(entry(&v, "S1B")["is_survivor"], false);
    for other in ["S2", "S11", "NJ1"] {
        assert!(results.iter().all(|r| r["org_id"] != other), "{other} listed: {v}");
    }
}

/// 本省的省级管理员看不到该项活动: an entry whose chain skips the province association, and one
/// under a county association that has no parent: which link is broken, and the fix.
#[test]
fn an_entry_the_province_cannot_see_names_the_broken_link_and_fix() {
    let v = lookup_json("合肥市科技馆", "安徽省");
    let m1 = entry(&v, "M1");
    assert_eq!(m1["visible_to_province"], false);
    assert_eq!(m1["broken_link"]["org_id"], "M1");
    assert_eq!(m1["broken_link"]["code"], "skips_province");
    assert_eq!(m1["broken_link"]["proposed_parent_id"], "HF");

    let v = lookup_json("肥西县第二中学", "");
    let f2 = entry(&v, "F2");
    assert_eq!(f2["visible_to_province"], false);
    assert_eq!(f2["chain"], serde_json::json!(["F2", "FX2"]));
    assert_eq!(f2["reaches_national"], false);
    assert_eq!(f2["broken_link"]["org_id"], "FX2");
    assert_eq!(f2["broken_link"]["code"], "missing_parent");
    assert_eq!(f2["broken_link"]["proposed_parent_id"], "HF");

    let v = lookup_json("合肥市第二中学", "安徽省");
    assert_eq!(entry(&v, "S2")["visible_to_province"], true);
    assert!(entry(&v, "S2")["broken_link"].is_null());
}

#[test]
fn the_table_is_in_chinese_and_a_query_file_gives_one_answer_per_line() {
    let tmp = tempdir();
    let q = tmp.path().join("q.txt");
    std::fs::write(&q, "合肥市科技馆\n\n合肥一中\t安徽省\n").expect("write");
    let out = orgclean()
        .arg("lookup")
        .arg(fixture("lookup/orgs.csv"))
        .arg("--queries")
        .arg(&q)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("查询「合肥市科技馆」"), "{text}");
    assert!(text.contains("省级管理员：看不到"), "{text}");
    assert!(text.contains("改挂到 HF 合肥市科学技术协会"), "{text}");
    // The broken link is told in Chinese: the finding, its detail and the confidence.
    assert!(text.contains("断点：M1 合肥市科技馆 [") && text.contains("把握：高"), "{text}");
    assert!(!text.contains("skips_province") && !text.contains("parent is the national"), "{text}");
    assert!(text.contains("★保留 S1 合肥市第一中学"), "{text}");
    // Each entry says why it answers the query, in Chinese.
    assert!(text.contains("原因：都是合肥市的中学；") && text.contains("序号相同（第1）"), "{text}");
    let out = orgclean()
        .arg("lookup")
        .arg(fixture("lookup/orgs.csv"))
        .arg("--queries")
        .arg(&q)
        .arg("--json")
        .output()
        .expect("runs");
    assert_eq!(stdout_of(&out).lines().count(), 2);
}

#[test]
fn lookup_without_a_query_is_a_usage_error() {
    let out = orgclean().arg("lookup").arg(fixture("lookup/orgs.csv")).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = orgclean()
        .arg("lookup")
        .arg(fixture("lookup/orgs.csv"))
        .args(["--query", "  "])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
}

#[test]
fn match_decides_existing_review_or_new_with_a_parent() {
    let tmp = tempdir();
    let out = orgclean()
        .arg("match")
        .arg(fixture("lookup/orgs.csv"))
        .arg("--new")
        .arg(fixture("lookup/new.csv"))
        .arg("--out")
        .arg(tmp.path())
        .args(["--as-of", "2026-01-01"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let (header, rows) = read_csv(&tmp.path().join("match.csv"));
    assert_eq!(header, ["new_id", "decision", "org_id", "name", "score", "reasons", "proposed_parent_id"]);
    let first = |id: &str| rows.iter().find(|r| r[0] == id).cloned().expect("a row per new record");
    let n1 = first("N1");
    assert_eq!((n1[1].as_str(), n1[2].as_str()), ("existing", "S1"), "{rows:?}");
    let n2 = first("N2");
    assert_eq!((n2[1].as_str(), n2[2].as_str()), ("existing", "FX"), "{rows:?}");
    let n3 = first("N3");
    assert_eq!((n3[1].as_str(), n3[2].as_str(), n3[6].as_str()), ("new", "", "HF"), "{rows:?}");
    assert_eq!(rows.iter().filter(|r| r[0] == "N3").count(), 1);
    // One different-sounding character in four identifying ones (技术 / 技能): a person decides.
    let n6 = first("N6");
    assert_eq!((n6[1].as_str(), n6[2].as_str()), ("review", "U1"), "{rows:?}");
    let n5 = first("N5");
    assert_eq!((n5[1].as_str(), n5[2].as_str()), ("existing", "U1"), "{rows:?}");
    assert!(rows.iter().all(|r| ["existing", "review", "new"].contains(&r[1].as_str())));

    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(tmp.path().join("match.xlsx")).expect("xlsx");
    use calamine::Reader;
    let names = wb.sheet_names();
    assert_eq!(names, ["新组织比对"]);
    let range = wb.worksheet_range("新组织比对").expect("sheet");
    let head: Vec<String> = range.rows().next().expect("header").iter().map(|c| c.to_string()).collect();
    // Candidates of one new record are one group, numbered in the first column and shaded alike.
    assert_eq!(&head[..4], ["组号", "申请编号", "申请名称", "结论"]);
    assert!(range.rows().any(|r| r[3] == "已存在"));
    assert!(range.rows().any(|r| r[2] == "中國科學技術大學"));
    let groups: Vec<(String, String)> =
        range.rows().skip(1).map(|r| (r[0].to_string(), r[1].to_string())).collect();
    let new_ids = groups.iter().map(|g| &g.1).collect::<std::collections::BTreeSet<_>>();
    assert_eq!(groups.last().map(|g| g.0.clone()), Some(new_ids.len().to_string()), "{groups:?}");
    assert!(groups.windows(2).all(|w| (w[0].0 == w[1].0) == (w[0].1 == w[1].1)), "{groups:?}");
}

/// Entries with the same normalized name: the one written exactly as typed comes first (a
/// tie broken by record order listed the other one first).
#[test]
fn the_entry_written_exactly_as_typed_comes_first() {
    let v = lookup_json("合肥市 第二中学", "安徽省");
    assert_eq!(ids(&v)[0], "S2B", "{v}");
    let v = lookup_json("合肥市第二中学", "安徽省");
    assert_eq!(ids(&v)[0], "S2", "{v}");
    assert_eq!(v["results"][0]["cluster_id"], v["results"][1]["cluster_id"], "one unit: {v}");
}

fn run_match(new: &str, out: &std::path::Path, quiet: bool) -> std::process::Output {
    let mut cmd = orgclean();
    cmd.arg("match").arg(fixture("lookup/orgs.csv")).arg("--new").arg(fixture(new)).arg("--out").arg(out);
    cmd.args(["--as-of", "2026-01-01"]);
    if quiet {
        cmd.arg("--quiet");
    }
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    out
}

/// A short form (北理工 for 北京理工大学, in no abbreviation list) is a review pair in dedupe
/// (src/dedupe/shortform.rs); match called it `new` and lookup did not list the university.
#[test]
fn a_short_form_goes_to_review_in_match_and_is_listed_by_lookup() {
    let tmp = tempdir();
    run_match("lookup/new.csv", tmp.path(), true);
    let (_, rows) = read_csv(&tmp.path().join("match.csv"));
    let n7 = rows.iter().find(|r| r[0] == "N7").expect("N7");
    assert_eq!((n7[1].as_str(), n7[2].as_str()), ("review", "BIT"), "{rows:?}");
    assert!(n7[5].contains("北理工 shortens 北京理工大学"), "{n7:?}");
    let v = lookup_json("北理工", "北京市");
    assert_eq!(ids(&v)[0], "BIT", "{v}");
}

/// `match` and a later `dedupe` of the directory with the new records never disagree: an
/// `existing` record is in its unit's cluster, a `review` one is a needs_review pair with it,
/// a `new` one is in no pair with any record of the directory.
#[test]
fn match_and_a_later_dedupe_agree() {
    let tmp = tempdir();
    run_match("lookup/new.csv", &tmp.path().join("match"), true);
    let out = orgclean()
        .arg("dedupe")
        .arg(fixture("lookup/orgs.csv"))
        .arg(fixture("lookup/new.csv"))
        .arg("--out")
        .arg(tmp.path().join("dedupe"))
        .arg("--quiet")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let (_, matched) = read_csv(&tmp.path().join("match/match.csv"));
    let (_, clusters) = read_csv(&tmp.path().join("dedupe/clusters.csv"));
    let (_, pairs) = read_csv(&tmp.path().join("dedupe/pairs.csv"));
    let cluster_of = |id: &str| clusters.iter().find(|c| c[0] == id).map(|c| c[1].clone());
    let same_unit = |a: &str, b: &str| a == b || cluster_of(a).is_some_and(|c| Some(c) == cluster_of(b));
    let (_, existing) = read_csv(&fixture("lookup/orgs.csv"));
    let in_directory = |id: &str| existing.iter().any(|r| r[0] == id);
    let pair_with = |new: &str| -> Vec<&Vec<String>> {
        let other = |p: &Vec<String>| {
            if p[0] == new {
                Some(p[1].clone())
            } else if p[1] == new {
                Some(p[0].clone())
            } else {
                None
            }
        };
        pairs.iter().filter(|p| other(p).is_some_and(|o| in_directory(&o))).collect()
    };
    let mut decisions = std::collections::BTreeSet::new();
    for r in &matched {
        let (new, decision, unit) = (r[0].as_str(), r[1].as_str(), r[2].as_str());
        decisions.insert(decision.to_string());
        match decision {
            "existing" => assert!(same_unit(new, unit), "{new} existing {unit}, dedupe: {clusters:?}"),
            "review" => {
                assert!(!same_unit(new, unit), "{new} review {unit} but dedupe merged them");
                let found = pair_with(new)
                    .iter()
                    .any(|p| p[3] == "needs_review" && (same_unit(&p[0], unit) || same_unit(&p[1], unit)));
                assert!(found, "{new} review {unit}: no needs_review pair in {pairs:?}");
            }
            "new" => assert!(pair_with(new).is_empty(), "{new} new, dedupe pairs it: {:?}", pair_with(new)),
            other => panic!("decision {other}"),
        }
    }
    assert_eq!(decisions.len(), 3, "the fixture exercises every decision: {decisions:?}");
}

/// Rows of NEW that cannot be read are listed in match_rejected.csv (file, line, reason) and
/// said on stderr even with --quiet: they were only counted, and only without --quiet.
#[test]
fn unreadable_new_rows_are_written_and_reported() {
    let tmp = tempdir();
    let out = run_match("lookup/new_broken.csv", tmp.path(), true);
    let err = stderr_of(&out);
    assert!(err.contains("2 行无法读取") && err.contains("match_rejected.csv"), "{err}");
    let (header, rows) = read_csv(&tmp.path().join("match_rejected.csv"));
    assert_eq!(&header[..3], ["file", "line", "reason"]);
    let lines: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(lines, ["3", "4"], "{rows:?}");
    assert!(rows[0][0].ends_with("new_broken.csv") && rows[0][2].contains("empty name"), "{rows:?}");
    let (_, matched) = read_csv(&tmp.path().join("match.csv"));
    assert_eq!(matched.len(), 1, "the readable row is matched: {matched:?}");
}

/// The Chinese sheet gives dedupe's reasons in Chinese (they were pairs.csv's English text).
#[test]
fn the_chinese_sheet_gives_reasons_in_chinese() {
    let tmp = tempdir();
    run_match("lookup/new.csv", tmp.path(), true);
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(tmp.path().join("match.xlsx")).expect("xlsx");
    use calamine::Reader;
    let range = wb.worksheet_range("新组织比对").expect("sheet");
    let head: Vec<String> = range.rows().next().expect("header").iter().map(|c| c.to_string()).collect();
    let col = head.iter().position(|h| h == "依据").expect("reasons column");
    let n5: Vec<String> =
        range.rows().find(|r| r[1] == "N5").expect("N5").iter().map(|c| c.to_string()).collect();
    assert!(n5[col].contains("规范化后名称相同"), "{n5:?}");
    assert!(!n5[col].contains("same name"), "{n5:?}");
    let (_, rows) = read_csv(&tmp.path().join("match.csv"));
    assert!(
        rows.iter().any(|r| r[0] == "N5" && r[5].contains("same name after normalization")),
        "csv stays English"
    );
}

/// lookup's proposed parent passes check's re-check of the fixed directory: in loop.csv moving
/// 肥西县第一中学 under the county association closes a cycle once every fix is applied, so
/// check says needs_review — and lookup said `X, high`.
#[test]
fn a_proposed_parent_that_fails_checks_recheck_is_needs_review() {
    let out = orgclean()
        .arg("lookup")
        .arg(fixture("lookup/loop.csv"))
        .args(["--query", "肥西县第一中学", "--json", "--quiet"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let v: Value = serde_json::from_str(stdout_of(&out).trim()).expect("json");
    let link = &entry(&v, "S1")["broken_link"];
    assert_eq!(link["code"], "missing_parent", "{v}");
    assert_eq!(
        (link["proposed_parent_id"].as_str(), link["confidence"].as_str()),
        (Some(""), Some("needs_review")),
        "{v}"
    );
    assert!(link["reason"].as_str().is_some_and(|r| r.contains("re-check")), "{v}");
}

/// A county of a municipality (巫溪县 of 重庆), typed with only its province: its record's city
/// column says 重庆市, which named the districts' city row, so the record was "in a different
/// region" from its own name and never found.
#[test]
fn a_municipality_county_is_found_with_only_its_province() {
    let v = lookup_json("巫溪县科学技术协会", "重庆市");
    assert_eq!(ids(&v).first().map(String::as_str), Some("WX"), "{v}");
}

/// 吉林 names the province and its city 吉林市: typed with only the province, 吉林四中 is read
/// as the province's and was vetoed against 吉林市第四中学 ("names name different places").
#[test]
fn a_name_that_is_a_province_and_its_city_finds_the_city_unit() {
    let v = lookup_json("吉林四中", "吉林省");
    assert_eq!(ids(&v).first().map(String::as_str), Some("JL4"), "{v}");
}

/// `--queries -`: the directory is loaded once and each line of standard input answered (a tab
/// gives the line's province; blank lines are skipped).
#[test]
fn standard_input_is_answered_line_by_line() {
    let out = orgclean()
        .arg("lookup")
        .arg(fixture("lookup/orgs.csv"))
        .args(["--queries", "-", "--json", "--quiet"])
        .write_stdin("合肥一中\t安徽省\n\n北理工\t北京市\n")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let answers: Vec<Value> =
        stdout_of(&out).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert_eq!((answers[0]["province"].as_str(), ids(&answers[0])[0].as_str()), (Some("安徽省"), "S1B"));
    assert_eq!(ids(&answers[1])[0], "BIT");
}

/// A name typed exactly as an entry is written lists that entry, even without a province when
/// the model reads a place into the name (解放 of 解放阶道… as 解放区, in another province):
/// autocomplete offers it, so the desk must see it. With a province given, entries of other
/// provinces stay out.
#[test]
fn a_name_typed_exactly_lists_its_entry_even_when_the_model_places_it_elsewhere() {
    let tmp = tempdir();
    let dump = tmp.path().join("orgs.csv");
    std::fs::write(
        &dump,
        "组织ID,组织名称,统一社会信用代码,上级组织ID,省份,地市,区县,组织类型,认证状态,创建时间\n\
         ROOT,中国科学技术协会,,,,,,全国科协,已认证,2010-01-01\n\
         HLJ,黑龙江省科学技术协会,,ROOT,黑龙江省,,,省级科协,已认证,2011-01-01\n\
         DQ,大庆市科学技术协会,,HLJ,黑龙江省,大庆市,,市级科协,已认证,2012-01-01\n\
         HG,红岗区科学技术协会,,DQ,黑龙江省,大庆市,红岗区,县级科协,已认证,2013-01-01\n\
         JF,解放阶道科学技术协会,,HG,黑龙江省,大庆市,红岗区,基层科协,待认证,2022-06-20\n",
    )
    .expect("write");
    let ask = |province: &str| {
        let out = orgclean()
            .arg("lookup")
            .arg(&dump)
            .args(["--query", "解放阶道科学技术协会", "--json", "--quiet", "--province", province])
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", stderr_of(&out));
        serde_json::from_str::<Value>(stdout_of(&out).trim()).expect("json")
    };
    for province in ["", "黑龙江省"] {
        let v = ask(province);
        assert_eq!(ids(&v).first().map(String::as_str), Some("JF"), "{province}: {v}");
    }
    assert!(ids(&ask("河南省")).is_empty(), "another province's entry is not listed");
}
