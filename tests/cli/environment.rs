//! Issue 14: exit codes a nightly job can act on (3 a bug, 4 the machine), outputs others can
//! read, an audit that never records a broken night, and the config file's every section.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use crate::util::*;

fn run(input: &Path, out: &Path, extra: &[&str]) -> Output {
    on_dump("run", input, out, extra)
}

use crate::audit::{audit, run_count as runs_in};

#[test]
fn a_bug_exits_3_with_what_to_do() {
    let tmp = tempdir();
    let o = orgclean()
        .arg("run")
        .arg(fixture("check/orgs.csv"))
        .arg("--out")
        .arg(tmp.path())
        .env("ORGCLEAN_TEST_PANIC", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr_of(&o));
    assert!(
        stderr_of(&o).contains("orgclean: error: internal error: a bug stopped the run"),
        "{}",
        stderr_of(&o)
    );
    assert!(stderr_of(&o).contains("please report it"), "{}", stderr_of(&o));
}

#[test]
fn a_locked_or_damaged_database_exits_4() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    assert!(audit(&fixture("audit/night1.csv"), &db, &tmp.path().join("o1"), &[]).status.success());
    // Another program holds the write lock and does not let go.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let o = audit(&fixture("audit/night2.csv"), &db, &tmp.path().join("o2"), &["--db-wait", "1"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("try again later or give a longer --db-wait"), "{}", stderr_of(&o));
    holder.execute_batch("ROLLBACK;").unwrap();
    drop(holder);
    // A file that is not a database at all.
    let junk = tmp.path().join("junk.sqlite");
    fs::write(&junk, vec![b'x'; 8192]).unwrap();
    let o = audit(&fixture("audit/night1.csv"), &junk, &tmp.path().join("o3"), &[]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("restore it from a backup, or give a new --db"), "{}", stderr_of(&o));
}

#[test]
fn outputs_follow_the_umask() {
    let tmp = tempdir();
    for (umask, want) in [("022", 0o644), ("027", 0o640)] {
        let out = tmp.path().join(umask);
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
            .arg(assert_cmd::cargo::cargo_bin("orgclean"))
            .args(["-q", "run"])
            .arg(fixture("check/orgs.csv"))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr_of(&o));
        for f in ["orgs_fixed.csv", "report.xlsx", "summary.json"] {
            let mode = fs::metadata(out.join(f)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, want, "{f} under umask {umask}: {mode:o}");
        }
    }
}

#[test]
fn a_cell_too_long_for_excel_is_cut_with_a_marker_and_the_csv_keeps_it() {
    use calamine::{Data, Reader};
    let tmp = tempdir();
    let p = tmp.path().join("long.csv");
    let long = "科".repeat(100_000);
    let mut text = fs::read_to_string(fixture("check/orgs.csv")).unwrap();
    text.push_str(&format!("LONG,{long},,AH,安徽省,,,,待认证,2015-01-01\n"));
    fs::write(&p, text).unwrap();
    let o = run(&p, &tmp.path().join("o"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(tmp.path().join("o/report.xlsx")).unwrap();
    let mut cut = 0;
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for cell in range.used_cells() {
            if let Data::String(s) = cell.2 {
                if s.starts_with("科科科") {
                    assert_eq!(s.chars().count(), 32_767, "{name}");
                    assert!(s.ends_with("full text in the CSV]") && s.contains("100000"), "{name}");
                    cut += 1;
                }
            }
        }
    }
    assert!(cut > 0, "the long name is in no sheet");
    let fixed = fs::read_to_string(tmp.path().join("o/orgs_fixed.csv")).unwrap();
    assert!(fixed.contains(&long), "orgs_fixed.csv keeps the whole name");
}

#[test]
fn a_disk_filling_up_mid_run_exits_4_and_keeps_nothing_partial() {
    let Some(m) = crate::hostile::Mount::tmpfs("size=48k") else { return };
    // The demo dump's outputs need far more than 48 KiB: the run fails while writing.
    let o = run(&fixture("demo/orgs.csv"), m.path(), &[]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("No space left on device"), "{}", stderr_of(&o));
    let left: Vec<_> = fs::read_dir(m.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn audit_refuses_a_night_that_lost_most_rows_and_keeps_the_last_good_one() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    let out = tmp.path().join("o");
    assert!(audit(&fixture("audit/night1.csv"), &db, &out, &[]).status.success());
    let good = fs::read(out.join("orgs_fixed.csv")).unwrap();
    // A cut-short export: the header and 3 of 14 rows.
    let short = tmp.path().join("short.csv");
    let text = fs::read_to_string(fixture("audit/night1.csv")).unwrap();
    fs::write(&short, text.lines().take(4).collect::<Vec<_>>().join("\n") + "\n").unwrap();
    let o = audit(&short, &db, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    let err = stderr_of(&o);
    assert!(err.contains("this night read 3 records, run #1 (as of 2025-01-01) read 14"), "{err}");
    assert!(err.contains("--accept-shrink"), "{err}");
    assert_eq!(runs_in(&db), 1, "the broken night was recorded");
    assert_eq!(
        fs::read(out.join("orgs_fixed.csv")).unwrap(),
        good,
        "the last good night's outputs were replaced"
    );
    // A night that read nothing at all.
    let o = audit(&fixture("hostile/header_only.csv"), &db, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    assert_eq!(runs_in(&db), 1);
    // The operator confirms the directory really shrank.
    let o = audit(&short, &db, &out, &["--accept-shrink"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    assert_eq!(runs_in(&db), 2);
}

#[test]
fn audit_fail_on_names_the_new_findings_that_reached_it() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    let o = audit(
        &fixture("audit/night2.csv"),
        &db,
        &tmp.path().join("o"),
        &["-q", "--fail-on", "self_parent=1"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr_of(&o).contains("--fail-on reached: self_parent: 1 new ≥ 1"), "{}", stderr_of(&o));
}

/// Every section of the config file changes what a run does.
#[test]
fn config_sections_override_the_defaults() {
    let tmp = tempdir();
    let cfg = tmp.path().join("orgclean.toml");
    let input = fixture("check/orgs.csv");
    let base = run(&input, &tmp.path().join("base"), &[]);
    assert!(base.status.success(), "{}", stderr_of(&base));
    let (_, findings) = read_csv(&tmp.path().join("base/findings.csv"));
    let severity_of =
        |rows: &[Vec<String>], code: &str| rows.iter().find(|r| r[1] == code).map(|r| r[2].clone());
    assert_eq!(severity_of(&findings, "invalid_uscc").as_deref(), Some("warning"));

    fs::write(&cfg, "[severity]\ninvalid_uscc = \"error\"\n\n[output]\nencoding = \"gb18030\"\n").unwrap();
    let o = run(&input, &tmp.path().join("cfg"), &["--config", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    let (_, findings) = read_csv(&tmp.path().join("cfg/findings.csv"));
    assert_eq!(severity_of(&findings, "invalid_uscc").as_deref(), Some("error"), "[severity]");
    let fixed = fs::read(tmp.path().join("cfg/orgs_fixed.csv")).unwrap();
    assert!(std::str::from_utf8(&fixed).is_err(), "[output] encoding = gb18030 writes GB18030");
    let (text, _, bad) = encoding_rs::GB18030.decode(&fixed);
    assert!(!bad && text.contains("安徽省科学技术协会"));

    // [dedupe]: a stricter merge threshold merges fewer records of the demo dump.
    let demo = fixture("demo/orgs.csv");
    assert!(run(&demo, &tmp.path().join("d0"), &["-q"]).status.success());
    fs::write(&cfg, "[dedupe]\nmerge_threshold = 0.99\nreview_threshold = 0.99\n").unwrap();
    let o = run(&demo, &tmp.path().join("d1"), &["-q", "--config", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    let (_, loose) = read_csv(&tmp.path().join("d0/clusters.csv"));
    let (_, strict) = read_csv(&tmp.path().join("d1/clusters.csv"));
    assert!(
        strict.len() < loose.len(),
        "[dedupe]: {} clustered rows, {} by default",
        strict.len(),
        loose.len()
    );
    let summary = fs::read_to_string(tmp.path().join("d1/summary.json")).unwrap();
    assert!(summary.contains("\"merge_threshold\": 0.99,"), "{summary}");

    // [input.columns]: a dump with a header orgclean does not know, mapped in the config.
    let renamed = tmp.path().join("renamed.csv");
    fs::write(&renamed, fs::read_to_string(&input).unwrap().replacen("组织名称", "全称", 1)).unwrap();
    let o = run(&renamed, &tmp.path().join("r1"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    fs::write(&cfg, "[input.columns]\nname = \"全称\"\n").unwrap();
    let o = run(&renamed, &tmp.path().join("r2"), &["--config", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "[input.columns]: {}", stderr_of(&o));
}
