//! Issue 14, "nothing silent": a run that could not see what it needed says so, a dump that went
//! through Excel is read as meant (or the damage is named), and every exit code has its reason on
//! stderr.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::*;

fn hostile(name: &str) -> PathBuf {
    fixture(&format!("hostile/{name}"))
}

fn cmd(sub: &str, input: &Path, out: &Path, extra: &[&str]) -> Output {
    let o = on_dump(sub, input, out, extra);
    assert!(!stderr_of(&o).contains("panicked"), "{}", stderr_of(&o));
    o
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

#[test]
fn common_chinese_header_spellings_are_recognised() {
    let tmp = tempdir();
    let o = cmd("run", &hostile("chinese_headers.csv"), tmp.path(), &[]);
    assert_eq!(code(&o), Some(0), "{}", stderr_of(&o));
    // 单位ID, 单位名称, 上级单位ID, 所在省份/地市/区县: nothing is missing, so nothing to warn about.
    assert!(!stderr_of(&o).contains("warning"), "{}", stderr_of(&o));
    let (_, findings) = read_csv(&tmp.path().join("findings.csv"));
    // The province column is read: ORG004 (河南省) under the 安徽 association crosses provinces.
    assert!(findings.iter().any(|r| r[0] == "ORG004" && r[1] == "cross_province"), "{findings:?}");
    // Two 老集镇科学技术协会 of different provinces are not one unit.
    let (_, clusters) = read_csv(&tmp.path().join("clusters.csv"));
    assert!(clusters.is_empty(), "{clusters:?}");
}

#[test]
fn every_missing_column_in_one_message_and_titles_are_not_headers() {
    let tmp = tempdir();
    let o = cmd("run", &hostile("title_renamed.csv"), tmp.path(), &[]);
    assert_eq!(code(&o), Some(2));
    let err = stderr_of(&o);
    assert!(err.contains("columns `id`, `name`, `parent_id` not found"), "{err}");
    assert!(err.contains("headers seen: 编码, 单位名, 上级编码, 地区 (line 2 taken as the header"), "{err}");
    assert!(!err.contains("headers seen: 组织库导出"), "the title is not a header: {err}");
    assert!(err.contains("--column id=编码 --column name=单位名 --column parent_id=上级编码"), "{err}");
    // Mapped as the message says, the run goes through and the title row is accounted for.
    let o = cmd(
        "run",
        &hostile("title_renamed.csv"),
        tmp.path(),
        &["--column", "id=编码", "--column", "name=单位名", "--column", "parent_id=上级编码"],
    );
    assert_eq!(code(&o), Some(0), "{}", stderr_of(&o));
    let (_, rejected) = read_csv(&tmp.path().join("rejected_rows.csv"));
    assert_eq!(rejected.len(), 1);
    assert_eq!((rejected[0][1].as_str(), rejected[0][2].as_str()), ("1", "title row above the header row"));
}

#[test]
fn config_mistakes_are_named_as_config_keys_with_file_and_line() {
    let tmp = tempdir();
    let cfg = tmp.path().join("orgclean.toml");
    let run_with = |config: &str| {
        fs::write(&cfg, config).unwrap();
        cmd(
            "run",
            &hostile("chinese_headers.csv"),
            &tmp.path().join("o"),
            &["--config", cfg.to_str().unwrap()],
        )
    };
    let o = run_with("[input]\n[input.columns]\nname = \"单位名\"\nid = \"编码\"\n");
    assert_eq!(code(&o), Some(2));
    let err = stderr_of(&o);
    assert!(err.contains("orgclean.toml line 3: [input.columns] name = \"单位名\""), "{err}");
    assert!(err.contains("orgclean.toml line 4: [input.columns] id = \"编码\""), "{err}");
    assert!(err.contains("name no header of this file; headers seen: 单位ID, 单位名称"), "{err}");
    assert!(!err.contains("--column"), "the user typed no flag: {err}");

    let o = run_with("[input.columns]\nnom = \"单位名称\"\n\n[severity]\ncycles = \"warning\"\n");
    assert_eq!(code(&o), Some(2));
    let err = stderr_of(&o);
    assert!(err.contains("line 5: [severity] cycles: unknown finding code"), "{err}");
    let o = run_with("[input.columns]\nnom = \"单位名称\"\n");
    let err = stderr_of(&o);
    assert!(
        err.contains("orgclean.toml: line 2: [input.columns] nom = \"单位名称\": unknown field \"nom\""),
        "{err}"
    );
    assert!(!err.contains("--column"), "{err}");
}

#[test]
fn excel_damage_is_read_as_meant_or_named() {
    let tmp = tempdir();
    let o = cmd("run", &hostile("excel_damage.csv"), tmp.path(), &[]);
    assert_eq!(code(&o), Some(0), "{}", stderr_of(&o));
    let err = stderr_of(&o);
    // ="0002" is the id 0002: its child's parent link resolves.
    assert!(err.contains("4 rows hold values written as =\"…\""), "{err}");
    let (_, findings) = read_csv(&tmp.path().join("findings.csv"));
    let of = |id: &str| findings.iter().filter(|r| r[0] == id).map(|r| r[1].clone()).collect::<Vec<_>>();
    assert_eq!(of("0002"), Vec::<String>::new(), "{findings:?}");
    // 5.11502E+17 and a code padded with zeros past the 15th digit: Excel did it, and it says how
    // to export the column as text.
    for id in ["0003", "0004"] {
        let row = findings.iter().find(|r| r[0] == id && r[1] == "uscc_excel_mangled").expect(id);
        assert!(row[3].contains("turned into a number by Excel") && row[3].contains("Text"), "{row:?}");
    }
    assert!(!findings.iter().any(|r| r[1] == "invalid_uscc"), "{findings:?}");
    // A parent id that lost its leading zeros is named as such, with the id it meant.
    let dangling = findings.iter().find(|r| r[0] == "0003" && r[1] == "dangling_parent").expect("dangling");
    assert!(dangling[3].contains("but 0002 is: Excel dropped the id's leading zeros"), "{dangling:?}");
    assert!(
        err.contains(
            "1 parent ids name no record but match an id once leading zeros are put back (2 → 0002)"
        ),
        "{err}"
    );
    // Serial dates are dates: 43580 is 2019-04-25, so its age as of 2025-01-01 is 2078 days.
    let (h, pending) = read_csv(&tmp.path().join("pending.csv"));
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let row = pending.iter().find(|r| r[0] == "0003").expect("pending 0003");
    assert_eq!(row[col("created_at")], "2019-04-25");
    assert_eq!(row[col("age_days")], "2078");
    let row = pending.iter().find(|r| r[0] == "0004").expect("pending 0004");
    assert_eq!(row[col("created_at")], "2019-04-26 12:00:00");
    // The oldest first: a serial number no longer sorts after every real date.
    assert_eq!(pending[0][0], "0003");
}

#[test]
fn a_run_that_cannot_see_regions_or_status_says_so_even_quietly() {
    let tmp = tempdir();
    let o = cmd("run", &hostile("no_regions.csv"), tmp.path(), &["--quiet"]);
    assert_eq!(code(&o), Some(0), "{}", stderr_of(&o));
    let err = stderr_of(&o);
    assert!(err.contains("orgclean: warning: "), "{err}");
    assert!(err.contains("no province / city / county column"), "{err}");
    assert!(err.contains("--column province=省区"), "{err}");
    assert!(err.contains("no status column") && err.contains("--column status=认证"), "{err}");
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("summary.json")).unwrap()).unwrap();
    let warnings = summary["warnings"].as_array().expect("warnings in summary.json");
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    for sub in ["check", "dedupe"] {
        let o = cmd(sub, &hostile("no_regions.csv"), &tmp.path().join(sub), &["--quiet"]);
        assert_eq!(code(&o), Some(0), "{sub}: {}", stderr_of(&o));
        assert!(stderr_of(&o).contains("no province / city / county column"), "{sub}: {}", stderr_of(&o));
    }
}

#[test]
fn nothing_usable_read_is_exit_2_for_run_check_and_dedupe() {
    let tmp = tempdir();
    for sub in ["run", "check", "dedupe"] {
        let o = cmd(sub, &hostile("header_only.csv"), &tmp.path().join(sub), &[]);
        assert_eq!(code(&o), Some(2), "{sub}");
        assert!(stderr_of(&o).contains("no data rows, only the header"), "{sub}: {}", stderr_of(&o));
        let o = cmd(sub, &hostile("all_rejected.csv"), &tmp.path().join(sub), &[]);
        assert_eq!(code(&o), Some(2), "{sub}");
        let err = stderr_of(&o);
        assert!(err.contains("all 3 data rows were rejected, none accepted"), "{sub}: {err}");
        assert!(err.contains("line 2: has 2 fields, the header has 3"), "{sub}: {err}");
    }
    // Nothing was written for a run that read nothing.
    assert!(!tmp.path().join("run/orgs_fixed.csv").exists());
}

#[test]
fn fail_on_says_which_threshold_was_reached_even_quietly() {
    let tmp = tempdir();
    let o = cmd(
        "check",
        &fixture("check/orgs.csv"),
        tmp.path(),
        &["--quiet", "--fail-on", "cycle=1,self_parent=5"],
    );
    assert_eq!(code(&o), Some(1));
    let err = stderr_of(&o);
    assert!(err.contains("--fail-on reached: cycle: 2 ≥ 1"), "{err}");
    assert!(!err.contains("self_parent"), "not reached, not listed: {err}");
    let o =
        cmd("run", &fixture("check/orgs.csv"), &tmp.path().join("r"), &["-q", "--fail-on", "self_parent=1"]);
    assert_eq!(code(&o), Some(1));
    assert!(stderr_of(&o).contains("--fail-on reached: self_parent: 1 ≥ 1"), "{}", stderr_of(&o));
}

#[test]
fn earlier_outputs_in_a_dump_directory_are_skipped_by_name() {
    let tmp = tempdir();
    let dumps = tmp.path().join("dumps");
    fs::create_dir(&dumps).unwrap();
    fs::copy(fixture("check/orgs.csv"), dumps.join("orgs.csv")).unwrap();
    // An earlier run wrote into the dump directory.
    let o = orgclean()
        .arg("run")
        .arg(dumps.join("orgs.csv"))
        .arg("--out")
        .arg(tmp.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(code(&o), Some(0), "{}", stderr_of(&o));
    for f in ["findings.csv", "clusters.csv", "pending.csv"] {
        fs::copy(tmp.path().join("o").join(f), dumps.join(f)).unwrap();
    }
    let o = cmd("check", &dumps, &tmp.path().join("c"), &["-q"]);
    assert_eq!(code(&o), Some(0), "{}", stderr_of(&o));
    let err = stderr_of(&o);
    assert!(err.contains("skipped 3 files an earlier orgclean run wrote (not dumps)"), "{err}");
    assert!(err.contains("findings.csv") && err.contains("pending.csv"), "{err}");
    let (_, rejected) = read_csv(&tmp.path().join("o/rejected_rows.csv"));
    assert!(rejected.is_empty());
}

#[test]
fn config_alone_prints_the_effective_settings_and_thresholds_print_as_written() {
    let o = orgclean().arg("config").output().unwrap();
    assert_eq!(code(&o), Some(0), "{}", stderr_of(&o));
    let s = stdout_of(&o);
    assert!(s.contains("merge_threshold = 0.85\n") && s.contains("review_threshold = 0.7\n"), "{s}");
    assert!(s.contains("invalid_uscc = \"warning\"") && s.contains("cycle = \"error\""), "{s}");
    let tmp = tempdir();
    let cfg = tmp.path().join("o.toml");
    fs::write(&cfg, "[dedupe]\nmerge_threshold = 0.9\n[severity]\ncycle = \"warning\"\n").unwrap();
    let o = orgclean().args(["config", "--config"]).arg(&cfg).output().unwrap();
    let s = stdout_of(&o);
    assert!(s.contains("merge_threshold = 0.9\n") && s.contains("cycle = \"warning\""), "{s}");
    // summary.json holds the thresholds as written, not as their nearest f32.
    let o = cmd("run", &fixture("check/orgs.csv"), &tmp.path().join("o"), &["--merge-threshold", "0.9"]);
    assert_eq!(code(&o), Some(0), "{}", stderr_of(&o));
    let text = fs::read_to_string(tmp.path().join("o/summary.json")).unwrap();
    assert!(text.contains("\"merge_threshold\": 0.9,"), "{}", &text[text.find("settings").unwrap()..][..200]);
    assert!(!text.contains("0.8999999"), "thresholds print as written");
}

/// "100.0% covered" while associations hung under the wrong parent: misplaced is not covered.
#[test]
fn coverage_counts_misplaced_associations_apart_from_covered() {
    let tmp = tempdir();
    let o = cmd("coverage", &fixture("demo/orgs.csv"), &tmp.path().join("c"), &[]);
    assert_eq!(code(&o), Some(0), "{}", stderr_of(&o));
    let out = stdout_of(&o);
    let line = out.lines().find(|l| l.trim_start().starts_with("宁夏回族自治区")).expect("宁夏's row");
    // 28 divisions, 25 present, 3 misplaced: 89.3% covered, 10.7% misplaced.
    assert!(line.contains("89.3%") && line.contains("10.7%"), "{out}");
    assert!(out.contains("挂错 %"), "{out}");

    let run = tmp.path().join("r");
    let o = cmd("run", &fixture("demo/orgs.csv"), &run, &[]);
    assert_eq!(code(&o), Some(0), "{}", stderr_of(&o));
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    let nx = &summary["report"]["coverage"]["provinces"][1];
    assert_eq!((nx["province"].as_str(), nx["misplaced"].as_u64()), (Some("宁夏回族自治区"), Some(3)));
    assert_eq!((nx["coverage_pct"].as_f64(), nx["misplaced_pct"].as_f64()), (Some(89.3), Some(10.7)));
    assert!(stderr_of(&o).contains("挂错位置，不计入"), "{}", stderr_of(&o));
    let md = fs::read_to_string(run.join("report.md")).unwrap();
    assert!(md.contains("| 挂错 % |") && md.contains("不计入覆盖"), "{md}");
}

/// Writing the outputs of 200k rows took 14 s of silence. On a terminal a bar counts the files
/// written; `--quiet` and a stderr that is not a terminal (cron, pipes) get none. The terminal is
/// a pseudo-terminal made by util-linux's `script`.
#[test]
fn run_shows_progress_while_writing_on_a_terminal_and_none_when_quiet() {
    let tmp = tempdir();
    let bin = assert_cmd::cargo::cargo_bin("orgclean");
    let on_terminal = |flags: &str, out: &str| {
        let line = format!(
            "'{}' {flags} run '{}' --out '{}' --as-of 2025-01-01 2>&1 >/dev/null",
            bin.display(),
            fixture("demo/orgs.csv").display(),
            tmp.path().join(out).display()
        );
        let o = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .output()
            .expect("util-linux `script` is needed to give the run a terminal");
        assert!(o.status.success(), "{}", stdout_of(&o));
        stdout_of(&o)
    };
    let shown = on_terminal("", "a");
    assert!(shown.contains("writing outputs"), "{shown}");
    let quiet = on_terminal("-q", "b");
    assert!(!quiet.contains("writing outputs"), "{quiet}");
    let piped = cmd("run", &fixture("demo/orgs.csv"), &tmp.path().join("c"), &[]);
    assert!(!stderr_of(&piped).contains("writing outputs"), "{}", stderr_of(&piped));
}
