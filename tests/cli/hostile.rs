//! The bad-input catalogue (issue 7): every case drives the real binary and checks the exit code
//! and the message a user sees — and that the message is the one documented in
//! docs/input-errors.md. Fixtures: fixtures/hostile/ (written by its make.py); large cases are
//! generated here.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::*;

/// The subcommand the catalogue drives. `run` reads its input with the same importer, so the
/// catalogue applies to it unchanged: switch to `["run"]` (the temp `--out` below is passed to
/// every call that has none) when it lands.
const SUBCOMMAND: &[&str] = &["--lang", "en", "import"];

fn import_like<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = orgclean().args(SUBCOMMAND).args(args).output().expect("binary runs");
    let err = stderr_of(&out);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_ne!(out.status.code(), Some(101), "panic exit: {err}");
    out
}

fn hostile(name: &str) -> PathBuf {
    fixture(&format!("hostile/{name}"))
}

/// The messages of docs/input-errors.md: every snippet a test checks must be documented there.
fn documented(snippet: &str) {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/input-errors.md"))
        .expect("docs/input-errors.md");
    assert!(doc.contains(snippet), "docs/input-errors.md does not show the message {snippet:?}");
}

/// Exit 2 with `snippets` in the message (each documented).
fn fails(out: &Output, snippets: &[&str]) {
    fails_with(2, out, snippets)
}

/// Exit 4 (the machine, not the input: disk, permissions, database) with `snippets`.
fn fails_env(out: &Output, snippets: &[&str]) {
    fails_with(4, out, snippets)
}

fn fails_with(code: i32, out: &Output, snippets: &[&str]) {
    let err = stderr_of(out);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(err.starts_with("orgclean: error: "), "{err}");
    for s in snippets {
        assert!(err.contains(s), "missing {s:?} in: {err}");
        documented(s);
    }
}

fn succeeds(out: &Output, counts: &str) -> String {
    assert!(out.status.success(), "stderr: {}", stderr_of(out));
    let s = stdout_of(out);
    assert!(s.contains(counts), "want {counts:?} in: {s}");
    s
}

#[test]
fn empty_file_and_only_a_bom_or_blank_lines() {
    fails(&import_like([hostile("empty.csv")]), &["file is empty; export the directory again"]);
    for f in ["bom_only.csv", "blank_lines.csv"] {
        fails(&import_like([hostile(f)]), &["file has no header row (only a BOM, spaces or blank lines)"]);
    }
}

#[test]
fn header_only_is_an_empty_directory_not_an_error() {
    succeeds(
        &import_like([hostile("header_only.csv")]),
        "rows read 0 = accepted 0 + rejected 0 + exact repeats 0",
    );
}

#[test]
fn utf16_says_save_as_utf8_or_gb18030() {
    for f in ["utf16le_bom.csv", "utf16be_bom.csv"] {
        fails(
            &import_like([hostile(f)]),
            &["file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8 or GB18030"],
        );
    }
    fails(
        &import_like([hostile("utf16le_nobom.csv")]),
        &["file is UTF-16 (no byte-order mark, but every other byte is NUL); save it as UTF-8 or GB18030"],
    );
}

#[test]
fn mixed_encodings_name_both_lines() {
    fails(
        &import_like([hostile("mixed_encodings.csv")]),
        &["mixed encodings: line 3 is UTF-8 Chinese text, but the byte 0xD7 at offset 0 (line 1, byte 1 of the line) is not UTF-8"],
    );
}

#[test]
fn bytes_invalid_in_both_encodings() {
    fails(
        &import_like([hostile("invalid_bytes.csv")]),
        &["neither UTF-8 (first bad byte 0xFF at offset 77 (line 3, byte 8 of the line)) nor GB18030"],
    );
}

#[test]
fn semicolon_tab_and_bar_delimiters_are_detected() {
    let s = succeeds(&import_like([hostile("semicolon.csv")]), "rows read 2 = accepted 2");
    assert!(s.contains("delimiter ';'"), "{s}");
    let s = succeeds(&import_like([hostile("tab.tsv")]), "rows read 2 = accepted 2");
    assert!(s.contains("delimiter tab"), "{s}");
    let s = succeeds(&import_like([hostile("pipe.csv")]), "rows read 1 = accepted 1");
    assert!(s.contains("delimiter '|'"), "{s}");
    // A wrong --delimiter reads the header as one column: the message says what to try.
    fails(
        &import_like(
            ["--delimiter", ","].map(OsStr::new).into_iter().chain([hostile("pipe.csv").as_os_str()]),
        ),
        &["columns `id`, `name` not found", "try --delimiter '|'"],
    );
}

#[test]
fn unclosed_quote_is_reported_where_it_opens() {
    fails(
        &import_like([hostile("unclosed_quote.csv")]),
        &["line 4, character 8: a quote opens a field here and is never closed, so the rest of the file (lines 4-34) would be read as one value"],
    );
}

#[test]
fn stray_quote_swallowing_rows_is_reported() {
    fails(
        &import_like([hostile("stray_quote.csv")]),
        &["line 3, character 8: a quoted field opens here and runs on over line 4, which looks like a row of its own"],
    );
}

#[test]
fn stray_quote_bending_a_row_out_of_shape_is_reported() {
    let tmp = tempdir();
    let p = tmp.path().join("bent.csv");
    // Two columns (too few for the row-shape check): the quote makes row 3 swallow row 4 and the
    // value after the closing quote adds a field.
    std::fs::write(&p, "组织ID,组织名称\nORG001,中国科协\nORG002,\"安徽省科协\nORG003,\"合肥市科协\",x\n")
        .unwrap();
    fails(
        &import_like([&p]),
        &["line 3, character 8: a quoted field opens here and runs on to line 4, leaving the record with 3 fields instead of 2"],
    );
}

#[test]
fn quoted_values_over_several_lines_are_fine() {
    succeeds(&import_like([hostile("quoted_multiline_ok.csv")]), "rows read 1 = accepted 1");
}

#[test]
fn duplicate_header_names() {
    fails(
        &import_like([hostile("dup_headers.csv")]),
        &["line 1: header \"组织名称\" appears in columns [2, 3]; field `name` is ambiguous"],
    );
    // Duplicates among the columns orgclean does not interpret are kept as they are.
    let s = succeeds(&import_like([hostile("dup_unmapped_headers.csv")]), "rows read 1 = accepted 1");
    assert!(s.contains("kept as extra columns: 备注, 备注"), "{s}");
}

#[test]
fn title_rows_above_the_header_are_listed() {
    let tmp = tempdir();
    let out =
        import_like([OsStr::new("--out"), tmp.path().as_os_str(), hostile("title_rows.csv").as_os_str()]);
    succeeds(&out, "rows read 4 = accepted 2 + rejected 2");
    let (_, rows) = read_csv(&tmp.path().join("rejected_rows.csv"));
    assert_eq!((rows[0][1].as_str(), rows[0][2].as_str()), ("1", "title row above the header row"));
    assert_eq!(rows[1][1], "2");
    documented("title row above the header row");
}

#[test]
fn nul_bytes() {
    let tmp = tempdir();
    let out =
        import_like([OsStr::new("--out"), tmp.path().as_os_str(), hostile("nul_bytes.csv").as_os_str()]);
    succeeds(&out, "rows read 2 = accepted 1 + rejected 1");
    let (_, rows) = read_csv(&tmp.path().join("rejected_rows.csv"));
    assert_eq!(rows[0][2], "NUL byte in column 2 (组织名称)");
    documented("NUL byte in column 2 (组织名称)");
    fails(&import_like([hostile("nul_header.csv")]), &["line 1: header 3 holds a NUL byte"]);
}

#[test]
fn a_100_000_character_field() {
    let tmp = tempdir();
    let p = tmp.path().join("long.csv");
    let long = "科".repeat(100_000);
    std::fs::write(&p, format!("组织ID,组织名称,备注\nORG001,{long},\"{long}\n{long}\"\nORG002,乙,x\n"))
        .unwrap();
    let out = import_like([OsStr::new("--out"), tmp.path().join("out").as_os_str(), p.as_os_str()]);
    succeeds(&out, "rows read 2 = accepted 2 + rejected 0");
}

#[test]
fn a_thousand_columns() {
    let tmp = tempdir();
    let p = tmp.path().join("wide.csv");
    let header: Vec<String> = ["组织ID".to_string(), "组织名称".to_string()]
        .into_iter()
        .chain((3..=1000).map(|i| format!("c{i}")))
        .collect();
    let row = |id: &str| -> String {
        [id.to_string(), "单位".to_string()]
            .into_iter()
            .chain((3..=1000).map(|i| i.to_string()))
            .collect::<Vec<_>>()
            .join(",")
    };
    std::fs::write(&p, format!("{}\n{}\n{}\n{},extra\n", header.join(","), row("A"), row("B"), row("C")))
        .unwrap();
    let s = succeeds(&import_like([&p]), "rows read 3 = accepted 2 + rejected 1");
    assert!(
        s.contains("kept as extra columns: c3, c4,") && s.contains("c1000"),
        "{}",
        &s[..200.min(s.len())]
    );
}

#[test]
fn ids_with_spaces_or_full_width_digits_are_one_id() {
    let tmp = tempdir();
    let out = import_like([
        OsStr::new("--out"),
        tmp.path().as_os_str(),
        hostile("ids_whitespace_fullwidth.csv").as_os_str(),
    ]);
    succeeds(&out, "rows read 4 = accepted 3 + rejected 1");
    let (_, rows) = read_csv(&tmp.path().join("rejected_rows.csv"));
    assert_eq!(rows[0][1], "4");
    assert!(
        rows[0][2].starts_with("id ORG002 already used at ")
            && rows[0][2].ends_with(":3 with different content (first occurrence kept)"),
        "{:?}",
        rows[0]
    );
    // The original text is kept; parents written with spaces or full-width digits resolve.
    let dir =
        orgclean::import::import(&[hostile("ids_whitespace_fullwidth.csv")], &Default::default()).unwrap();
    assert_eq!(dir.raw_row(0).get(0), Some(" ORG001 "));
    assert_eq!(dir.parent(1), Some(0));
    assert_eq!(dir.parent(2), Some(1));
}

#[test]
fn parent_ids_naming_the_row_itself_through_variants() {
    let s = succeeds(&import_like([hostile("self_parent.csv")]), "rows read 4 = accepted 4");
    let line = "rows whose parent id is their own id (after trimming and width folding): 2";
    assert!(s.contains(line), "{s}");
    documented(line);
}

#[test]
fn directories_of_dumps_and_directories_without() {
    let tmp = tempdir();
    std::fs::copy(hostile("tab.tsv"), tmp.path().join("a.tsv")).unwrap();
    std::fs::copy(hostile("semicolon.csv"), tmp.path().join("b.csv")).unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    std::fs::write(tmp.path().join("notes.md"), "x").unwrap();
    succeeds(&import_like([tmp.path()]), "rows read 4 = accepted 2 + rejected 2 + exact repeats 0");
    fails(
        &import_like([hostile("no_csv_dir")]),
        &["directory holds no .csv, .tsv or .txt files (1 other entries; subdirectories are not searched)"],
    );
}

#[test]
fn a_workbook_instead_of_its_csv() {
    fails(
        &import_like([hostile("workbook.xlsx")]),
        &["file is a ZIP archive (an Excel .xlsx / WPS .et workbook?), not CSV"],
    );
}

#[test]
fn a_missing_path() {
    fails(&import_like([hostile("does_not_exist.csv")]), &["no such file or directory; check the path"]);
}

/// Whether this process runs as root (CI does): /proc/self belongs to the effective user.
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

/// chmod 000 does not stop root (CAP_DAC_OVERRIDE), and CI runs as root: there the binary is run
/// as `nobody` (setpriv drops the capabilities with the user), so the check runs everywhere.
#[test]
fn an_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempdir();
    let p = tmp.path().join("secret.csv");
    std::fs::copy(hostile("tab.tsv"), &p).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = if is_root() {
        // The temp dir must be passable for nobody: only the file is closed.
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(assert_cmd::cargo::cargo_bin("orgclean"))
            .args(SUBCOMMAND)
            .arg(&p)
            .output()
            .expect(
                "setpriv (util-linux) runs the binary as nobody; without it this test cannot run as root",
            );
        assert!(!stderr_of(&out).contains("setpriv:"), "setpriv failed: {}", stderr_of(&out));
        out
    } else {
        assert!(std::fs::read(&p).is_err(), "a chmod 000 file is readable for a user that is not root");
        import_like([&p])
    };
    fails_env(&out, &["secret.csv: permission denied; make the file (and its directory) readable"]);
}

#[test]
fn output_directory_that_is_a_file_or_the_inputs_directory() {
    let tmp = tempdir();
    let input = tmp.path().join("a.csv");
    std::fs::copy(hostile("header_only.csv"), &input).unwrap();
    fails(
        &import_like([OsStr::new("--out"), tmp.path().as_os_str(), input.as_os_str()]),
        &["choose another --out so that no input can be overwritten"],
    );
    fails(
        &import_like([OsStr::new("--out"), input.as_os_str(), input.as_os_str()]),
        &["this is a file, not a directory"],
    );
    assert_eq!(std::fs::read(&input).unwrap(), std::fs::read(hostile("header_only.csv")).unwrap());
}

/// chmod 555 does not stop root: there the directory is a read-only bind mount of itself.
#[test]
fn output_directory_not_writable() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempdir();
    let out = tmp.path().join("locked");
    std::fs::create_dir(&out).unwrap();
    let _mount = if is_root() {
        Some(Mount::bind_read_only(&out))
    } else {
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
        None
    };
    assert!(std::fs::write(out.join("probe"), b"x").is_err(), "the directory is still writable");
    fails_env(
        &import_like([OsStr::new("--out"), out.as_os_str(), hostile("header_only.csv").as_os_str()]),
        &["choose another --out, or make the directory writable for this user"],
    );
}

/// A directory that cannot be created, for any user: its parent is a file.
#[test]
fn output_directory_under_a_file() {
    let tmp = tempdir();
    let file = tmp.path().join("a.csv");
    std::fs::write(&file, "x").unwrap();
    let out = file.join("out");
    fails_env(
        &import_like([OsStr::new("--out"), out.as_os_str(), hostile("header_only.csv").as_os_str()]),
        &["a part of the path is a file, not a directory; choose another --out"],
    );
}

/// A file system mounted for one test. Mounting needs root with CAP_SYS_ADMIN: as root (CI) a
/// failing mount fails the test; for other users the test is skipped, saying so.
pub(crate) struct Mount {
    dir: Option<tempfile::TempDir>,
    target: PathBuf,
}

impl Mount {
    pub(crate) fn tmpfs(options: &str) -> Option<Mount> {
        let dir = tempdir();
        let target = dir.path().to_path_buf();
        let ok = mount(&["-t", "tmpfs", "-o", options, "tmpfs"], &target);
        if !ok {
            assert!(!is_root(), "running as root but cannot mount a tmpfs: this test would test nothing");
            eprintln!("skipped: cannot mount a tmpfs here (not root)");
        }
        ok.then_some(Mount { dir: Some(dir), target })
    }

    /// `dir` made read-only for everyone, root included, by a read-only bind mount onto itself.
    pub(crate) fn bind_read_only(dir: &Path) -> Mount {
        let d = dir.to_str().unwrap();
        let ok = mount(&["--bind", "-o", "ro", d], dir);
        assert!(ok, "cannot bind-mount {d} read-only (needs root)");
        Mount { dir: None, target: dir.to_path_buf() }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.as_ref().map_or(&self.target, |d| d.path())
    }
}

fn mount(args: &[&str], target: &Path) -> bool {
    std::process::Command::new("mount")
        .args(args)
        .arg(target)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.target).status();
    }
}

#[test]
fn output_on_a_read_only_filesystem() {
    let Some(m) = Mount::tmpfs("ro,size=64k") else { return };
    fails_env(
        &import_like([OsStr::new("--out"), m.path().as_os_str(), hostile("header_only.csv").as_os_str()]),
        &["Read-only file system", "choose another --out, or make the directory writable for this user"],
    );
}

#[test]
fn disk_full_while_writing_leaves_no_output_and_no_temp_file() {
    let Some(m) = Mount::tmpfs("size=16k") else { return };
    let tmp = tempdir();
    let input = tmp.path().join("many_rejects.csv");
    // 3,000 rows with an empty name: rejected_rows.csv is far bigger than the 16 KiB disk.
    let rows: String = (0..3000).map(|i| format!("ORG{i:05},\n")).collect();
    std::fs::write(&input, format!("组织ID,组织名称\n{rows}")).unwrap();
    fails_env(
        &import_like([OsStr::new("--out"), m.path().as_os_str(), input.as_os_str()]),
        &[
            "No space left on device",
            "no partial file was left behind; free some space (or choose another --out) and run again",
        ],
    );
    let left: Vec<_> = std::fs::read_dir(m.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Every file of an output directory, by name.
fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap_or_default()))
        .collect();
    files.sort();
    files
}

#[test]
fn a_run_that_fails_while_writing_leaves_the_previous_set_whole() {
    let tmp = tempdir();
    let run = |input: &Path, out: &Path| {
        orgclean()
            .args(["-q", "run"])
            .arg(input)
            .arg("--out")
            .arg(out)
            .args(["--as-of", "2025-01-01"])
            .output()
            .unwrap()
    };
    // Run 1 (the demo) fits on the disk; run 2, the same directory eight times over, does not.
    // Outputs are written in order, rejected_rows.csv first.
    let demo = fixture("demo/orgs.csv");
    let first = tmp.path().join("first");
    assert!(run(&demo, &first).status.success());
    let size: usize = files_of(&first).iter().map(|f| f.1.len()).sum();
    let Some(m) = Mount::tmpfs(&format!("size={}k", size / 1024 + 128)) else { return };
    assert!(run(&demo, m.path()).status.success());
    let before = files_of(m.path());

    let mut rd = csv::Reader::from_path(&demo).unwrap();
    let mut w = csv::Writer::from_path(tmp.path().join("bigger.csv")).unwrap();
    w.write_record(rd.headers().unwrap()).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    for k in 0..8 {
        for r in &rows {
            // Ids and parent ids (the first and fourth columns) made unique per copy.
            let f: Vec<String> = r
                .iter()
                .enumerate()
                .map(
                    |(i, v)| {
                        if (i == 0 || i == 3) && !v.is_empty() {
                            format!("K{k}{v}")
                        } else {
                            v.to_string()
                        }
                    },
                )
                .collect();
            w.write_record(&f).unwrap();
        }
    }
    // A row with no name: run 2's first file (rejected_rows.csv) is small and differs from run 1's.
    w.write_record(["BAD1", "", "", "", "", "", "", "", "", ""]).unwrap();
    w.flush().unwrap();
    let o = run(&tmp.path().join("bigger.csv"), m.path());
    assert!(!o.status.success(), "run 2 was meant not to fit: {}", stderr_of(&o));
    assert!(stderr_of(&o).contains("No space left on device"), "{}", stderr_of(&o));
    // Not one file of run 2, no staging directory: run 1's set exactly.
    assert!(files_of(m.path()) == before, "the output set changed after a failed run");
}

#[test]
fn an_output_that_cannot_be_replaced_leaves_the_previous_set_whole() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let run = |input: &Path| {
        orgclean()
            .args(["-q", "run"])
            .arg(input)
            .arg("--out")
            .arg(&out)
            .args(["--as-of", "2025-01-01"])
            .output()
            .unwrap()
    };
    assert!(run(&fixture("demo/orgs.csv")).status.success());
    // Something in the way of one output (written late, after most of the others).
    std::fs::remove_file(out.join("pending.csv")).unwrap();
    std::fs::create_dir(out.join("pending.csv")).unwrap();
    let before = files_of(&out);
    let o = run(&fixture("check/orgs.csv"));
    assert_eq!(o.status.code(), Some(4), "{}", stderr_of(&o));
    assert!(
        stderr_of(&o).contains("pending.csv") && stderr_of(&o).contains("not a file"),
        "{}",
        stderr_of(&o)
    );
    assert!(files_of(&out) == before, "outputs of the failed run were moved in");
}

/// Inputs the fuzz targets found (fuzz/run.sh keeps them) stay fixed.
#[test]
fn fuzz_regressions() {
    use orgclean::import::fuzzing;
    type Entry = (&'static str, fn(&[u8]));
    let targets: [Entry; 3] = [
        ("import", fuzzing::import_input),
        ("normalize", fuzzing::normalize_input),
        ("uscc", fuzzing::uscc_input),
    ];
    for (name, run) in targets {
        let dir = hostile(&format!("fuzz/{name}"));
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            if std::panic::catch_unwind(|| run(&data)).is_err() {
                panic!("{name} fuzz regression {} panics again", path.display());
            }
        }
    }
}

/// The whole catalogue through `orgclean run`: every hostile file gets the same verdict (exit
/// code, and the same error message) as from `import` — except that `run` also needs a parent
/// column — and a failed run leaves no output behind.
#[test]
fn run_gives_the_same_verdicts_as_import() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture("hostile"))
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e != "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "catalogue incomplete: {files:?}");
    for f in files {
        let imported = orgclean().arg("import").arg(&f).output().expect("runs");
        let tmp = tempdir();
        let out = tmp.path().join("out");
        let ran = orgclean()
            .args(["run", "--as-of", "2025-01-01", "--out"])
            .arg(&out)
            .arg(&f)
            .output()
            .expect("runs");
        let (ie, re) = (stderr_of(&imported), stderr_of(&ran));
        assert!(!re.contains("panicked"), "{}: panic: {re}", f.display());
        // A file the importer reads but that has no parent column: `run` checks the hierarchy,
        // so it refuses the file (exit 2) instead of reporting every record as missing_parent.
        let no_parent = imported.status.code() == Some(0) && re.contains("column `parent_id` not found");
        // A file the importer reads without accepting a row: `import` accounts for it, `run`
        // has nothing to check and says so (exit 2).
        let no_rows = imported.status.code() == Some(0)
            && (re.contains("no data rows, only the header")
                || re.contains("data rows were rejected, none accepted"));
        // One message for every missing column: `run` adds the parent to import's list.
        let also_parent = !ie.contains("`parent_id` (looked for") && re.contains("`parent_id` (looked for");
        let no_parent = no_parent || no_rows || also_parent;
        if !no_parent {
            assert_eq!(imported.status.code(), ran.status.code(), "{}: import {ie} / run {re}", f.display());
        }
        if ran.status.code() == Some(2) {
            let first = |s: &str| s.lines().next().unwrap_or("").to_string();
            if !no_parent {
                assert_eq!(first(&ie), first(&re), "{}", f.display());
            }
            let left: Vec<_> =
                std::fs::read_dir(&out).map(|d| d.filter_map(|e| e.ok()).collect()).unwrap_or_default();
            assert!(left.is_empty(), "{}: outputs left after a failed run: {left:?}", f.display());
        }
    }
}
