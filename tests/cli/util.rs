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

/// `orgclean SUB INPUT --out OUT [--as-of 2025-01-01] EXTRA…`: the shape most tests run. The fixed
/// as-of date (for `run` and `audit`, the commands that count ages) keeps outputs stable.
pub fn on_dump(sub: &str, input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    orgclean()
        .arg(sub)
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(["--as-of", "2025-01-01"].iter().filter(|_| matches!(sub, "run" | "audit")))
        .args(extra)
        .output()
        .expect("runs")
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

/// The text of every part of an xlsx package whose name starts with `prefix` (e.g. the charts,
/// `xl/charts/chart`), in name order.
pub fn package_part(xlsx: &Path, prefix: &str) -> Vec<String> {
    use std::io::Read;
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(xlsx).expect("xlsx exists")).expect("a zip package");
    let mut names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("a part name").into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| {
            let mut s = String::new();
            zip.by_name(n).expect("part").read_to_string(&mut s).expect("utf-8 part");
            s
        })
        .collect()
}

/// Replace the fixture directory and temp paths in command output so snapshots are stable.
pub fn filter_paths(s: &str, tmp: &Path) -> String {
    s.replace(&fixture("").display().to_string(), "[FIXTURES]/").replace(&tmp.display().to_string(), "[TMP]")
}
