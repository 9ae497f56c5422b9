//! Shared helpers: the binary under test, fixture paths, a temp dir, and output filtering.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn orgclean() -> Command {
    let mut cmd = Command::cargo_bin("orgclean").expect("binary built by cargo test");
    cmd.env_remove("RUST_LOG");
    cmd
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

pub fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Read a CSV written by orgclean (UTF-8 with BOM) into header + rows.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_path(path).expect("csv exists");
    let headers =
        r.headers().expect("header").iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    let rows = r.records().map(|rec| rec.expect("row").iter().map(str::to_string).collect()).collect();
    (headers, rows)
}

/// Replace the fixture directory and temp paths in command output so snapshots are stable.
pub fn filter_paths(s: &str, tmp: &Path) -> String {
    s.replace(&fixture("").display().to_string(), "[FIXTURES]/").replace(&tmp.display().to_string(), "[TMP]")
}
