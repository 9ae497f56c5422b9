//! `orgclean coverage` and the coverage outputs of `orgclean run`: associations removed from a dump
//! become `missing`, a re-registration dedupe keeps apart becomes `duplicated`, one it merges does
//! not change anything.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::util::*;

const HEADER: [&str; 11] = [
    "division_code",
    "province",
    "city",
    "county",
    "level",
    "status",
    "org_ids",
    "expected_name",
    "merged_ids",
    "finding",
    "detail",
];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    level: String,
    status: String,
    org_ids: Vec<String>,
    merged_ids: Vec<String>,
}

fn ids(cell: &str) -> Vec<String> {
    cell.split(';').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// coverage.csv by division code.
fn read_coverage(out: &Path) -> BTreeMap<String, Row> {
    let (headers, rows) = read_csv(&out.join("coverage.csv"));
    assert_eq!(headers, HEADER);
    rows.into_iter()
        .map(|r| {
            let row = Row {
                level: r[4].clone(),
                status: r[5].clone(),
                org_ids: ids(&r[6]),
                merged_ids: ids(&r[8]),
            };
            (r[0].clone(), row)
        })
        .collect()
}

fn coverage(input: &Path, out: &Path, extra: &[&str]) -> (BTreeMap<String, Row>, String) {
    let o = orgclean().arg("coverage").arg(input).arg("--out").arg(out).args(extra).output().unwrap();
    assert!(o.status.success(), "coverage failed: {}", stderr_of(&o));
    (read_coverage(out), stdout_of(&o))
}

/// A dump as header + rows, and the column of each canonical field.
struct Dump {
    header: csv::StringRecord,
    rows: Vec<csv::StringRecord>,
}

const ID: usize = 0;
const NAME: usize = 1;
const USCC: usize = 2;
const PARENT: usize = 3;

impl Dump {
    fn read(path: &Path) -> Dump {
        let mut r = csv::ReaderBuilder::new().from_path(path).unwrap();
        let header = r.headers().unwrap().clone();
        assert!(header[ID].ends_with("组织ID") && &header[PARENT] == "上级组织ID", "column order changed");
        Dump { header, rows: r.records().map(|x| x.unwrap()).collect() }
    }

    fn write(&self, path: &Path) {
        let mut w = csv::Writer::from_path(path).unwrap();
        w.write_record(&self.header).unwrap();
        for r in &self.rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
    }

    fn row(&self, id: &str) -> csv::StringRecord {
        self.rows.iter().find(|r| &r[ID] == id).cloned().unwrap_or_else(|| panic!("{id} not in dump"))
    }

    /// Remove records as if they had never been registered: their children hang under the removed
    /// record's own parent instead (a county's units under the city association, say), so that no
    /// other record's place in the tree becomes wrong.
    fn remove(&mut self, remove: &BTreeSet<String>) {
        let parent_of: BTreeMap<String, String> =
            self.rows.iter().map(|r| (r[ID].to_string(), r[PARENT].to_string())).collect();
        let lift = |mut p: String| {
            while remove.contains(&p) {
                p = parent_of.get(&p).cloned().unwrap_or_default();
            }
            p
        };
        self.rows.retain(|r| !remove.contains(&r[ID]));
        for r in &mut self.rows {
            let p = lift(r[PARENT].to_string());
            *r = r.iter().enumerate().map(|(i, c)| if i == PARENT { p.as_str() } else { c }).collect();
        }
    }

    /// Append a copy of record `of` with another id, name and credit code.
    fn add_copy(&mut self, of: &str, id: &str, name: &str, uscc: &str) {
        let src = self.row(of);
        let rec = src.iter().enumerate().map(|(i, c)| match i {
            ID => id,
            NAME => name,
            USCC => uscc,
            _ => c,
        });
        self.rows.push(rec.collect());
    }
}

/// A valid credit code (GB 32100 with its inner GB 11714 organization code) for a division and a
/// serial number.
fn valid_uscc(prefix: &str, division: &str, serial: u32) -> String {
    const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("{serial:08}");
    let sum: u32 = body.bytes().zip(ORG_WEIGHTS).map(|(b, w)| (b - b'0') as u32 * w).sum();
    let org_check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from(b'0' + c as u8),
    };
    let first17 = format!("{prefix}{division}{body}{org_check}");
    let check = orgclean::uscc::check_char(first17.as_bytes()).expect("charset");
    let code = format!("{first17}{check}");
    assert!(orgclean::uscc::canonical(&code).is_some(), "{code} should be valid");
    code
}

/// Rows whose status differs between two runs, with the new status.
fn changed(before: &BTreeMap<String, Row>, after: &BTreeMap<String, Row>) -> BTreeMap<String, String> {
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "same divisions");
    after
        .iter()
        .filter(|(k, r)| before[*k].status != r.status)
        .map(|(k, r)| (k.clone(), r.status.clone()))
        .collect()
}

/// Every record of the association that covers `code` (its representative and merged records).
fn records_of(rows: &BTreeMap<String, Row>, code: &str) -> BTreeSet<String> {
    let r = &rows[code];
    assert_eq!(r.status, "present", "{code} must be present in the unmodified dump: {r:?}");
    r.org_ids.iter().chain(&r.merged_ids).cloned().collect()
}

#[test]
fn demo_removed_associations_are_missing_and_unmerged_reregistration_is_duplicated() {
    let tmp = tempdir();
    let (base, stdout) = coverage(&fixture("demo/orgs.csv"), &tmp.path().join("base"), &[]);
    // The demo is 宁夏 and 天津 only: nothing of other provinces is expected.
    assert!(base.keys().all(|k| k.starts_with("64") || k.starts_with("12")), "{:?}", base.keys());
    assert!(!base.contains_key("120100"), "天津's own city row is transparent");
    assert!(stdout.contains("宁夏回族自治区") && stdout.contains("合计"), "{stdout}");

    // 泾源县, 盐池县 (宁夏), 西青区 (天津) and the city 中卫市 are deleted, each with every
    // record dedupe merged into it.
    let gone = ["640424", "640323", "120111", "640500"];
    let mut dump = Dump::read(&fixture("demo/orgs.csv"));
    let removed: BTreeSet<String> = gone.iter().flat_map(|c| records_of(&base, c)).collect();
    dump.remove(&removed);

    // 同心县 registered again under a fuller name with another (valid) credit code: two units.
    let tongxin = &base["640324"].org_ids[0];
    let other_code = valid_uscc("13", "640324", 7_203_311);
    assert_ne!(dump.row(tongxin)[USCC].to_string(), other_code);
    dump.add_copy(tongxin, "ORG09900001", "宁夏回族自治区吴忠市同心县科学技术协会", &other_code);
    // 彭阳县 registered again as 彭阳县科协 with the same credit code: dedupe merges it.
    let pengyang = &base["640425"].org_ids[0];
    let same_code = dump.row(pengyang)[USCC].to_string();
    assert!(orgclean::uscc::canonical(&same_code).is_some(), "the fixture's 彭阳县 code is valid");
    dump.add_copy(pengyang, "ORG09900002", "彭阳县科协", &same_code);

    let modified = tmp.path().join("in").join("orgs.csv");
    fs::create_dir_all(modified.parent().unwrap()).unwrap();
    dump.write(&modified);
    let (after, _) = coverage(&modified, &tmp.path().join("after"), &[]);

    let mut want: BTreeMap<String, String> = gone.iter().map(|c| (c.to_string(), "missing".into())).collect();
    want.insert("640324".into(), "duplicated".into());
    assert_eq!(changed(&base, &after), want);
    assert_eq!(after["640500"].level, "city");
    assert!(after["640424"].org_ids.is_empty());

    let dup = &after["640324"].org_ids;
    assert_eq!(dup.len(), 2, "{dup:?}");
    assert!(dup.contains(tongxin) && dup.contains(&"ORG09900001".to_string()), "{dup:?}");
    let py = &after["640425"];
    assert_eq!(py.status, "present");
    let py_ids: Vec<&String> = py.org_ids.iter().chain(&py.merged_ids).collect();
    assert!(py_ids.contains(&&"ORG09900002".to_string()), "merged into the association: {py:?}");
    assert_eq!(py.org_ids.len(), 1);
}

#[test]
fn all_divisions_reports_the_whole_country() {
    let tmp = tempdir();
    let (rows, stdout) = coverage(&fixture("demo/orgs.csv"), tmp.path(), &["--all-divisions"]);
    // 31 provinces + 333 prefectures + 2,850 counties; transparent city rows expect nothing.
    assert_eq!(rows.len(), 31 + 333 + 2850);
    assert_eq!(rows["340123"].status, "missing", "肥西县 is not in the demo");
    assert!(!rows.contains_key("419000") && rows.contains_key("419001"), "济源市 under 河南 itself");
    assert!(stdout.contains("全国所有省份"), "{stdout}");
}

#[test]
fn run_writes_coverage_everywhere() {
    use calamine::{open_workbook, Reader, Xlsx};
    let tmp = tempdir();
    let o = orgclean()
        .args(["run", "--as-of", "2025-01-01", "--out"])
        .arg(tmp.path())
        .arg(fixture("demo/orgs.csv"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("coverage.csv"));
    let rows = read_coverage(tmp.path());
    let by_status = |s: &str| rows.values().filter(|r| r.status == s).count() as u64;

    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("summary.json")).unwrap()).unwrap();
    let total = &summary["report"]["coverage"]["total"];
    for s in ["present", "missing", "duplicated", "misplaced"] {
        assert_eq!(total[s].as_u64(), Some(by_status(s)), "summary.json {s}");
    }
    assert_eq!(total["expected"].as_u64(), Some(rows.len() as u64));
    let provinces = summary["report"]["coverage"]["provinces"].as_array().unwrap();
    let names: Vec<&str> = provinces.iter().filter_map(|p| p["province"].as_str()).collect();
    assert_eq!(names, ["天津市", "宁夏回族自治区"]);

    let md = fs::read_to_string(tmp.path().join("report.md")).unwrap();
    assert!(md.contains("## 科协体系覆盖情况"), "{md}");
    assert!(md.contains("| 宁夏回族自治区 | 28 |"), "{md}");

    let mut wb: Xlsx<_> = open_workbook(tmp.path().join("report.xlsx")).unwrap();
    let sheet = wb.worksheet_range("覆盖情况").unwrap();
    let cells: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(cells[0][..2], ["省份", "应有"]);
    assert_eq!(cells.last().map(|r| r[0].as_str()), Some("合计"));
    let gaps = wb.worksheet_range("覆盖缺口").unwrap();
    assert_eq!(gaps.rows().count() as u64, 1 + rows.len() as u64 - by_status("present"));
}

/// On the public benchmark, when it is beside the project, else on the demo dump (every clone has
/// it; this test used to return early without the benchmark, testing nothing on a clean CI
/// machine): deleting a few associations makes exactly those `missing`. Which associations are
/// deleted is chosen from the unmodified run's own output, not from names known in advance.
#[test]
fn deleted_associations_are_the_only_new_missing_rows() {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/public-20k/orgs.csv");
    // Present county and city associations the dump has at least (the demo is small).
    let (input, counties_at_least, cities_at_least) = match bench.is_file() {
        true => (bench, 100, 10),
        false => (fixture("demo/orgs.csv"), 20, 4),
    };
    let input = input.as_path();
    let tmp = tempdir();
    let (base, _) = coverage(input, &tmp.path().join("base"), &["-q"]);
    let present = |level: &str| -> Vec<String> {
        base.iter()
            .filter(|(_, r)| r.level == level && r.status == "present")
            .map(|(k, _)| k.clone())
            .collect()
    };
    let counties = present("county");
    let cities = present("city");
    assert!(
        counties.len() >= counties_at_least && cities.len() >= cities_at_least,
        "the dump has a backbone: {} counties, {} cities",
        counties.len(),
        cities.len()
    );
    let pick = |v: &[String], at: &[usize]| -> Vec<String> {
        at.iter().map(|&n| v[n * v.len() / 4].clone()).collect()
    };
    let mut gone = pick(&counties, &[0, 1, 2, 3]);
    gone.extend(pick(&cities, &[2]));

    let mut dump = Dump::read(input);
    let removed: BTreeSet<String> = gone.iter().flat_map(|c| records_of(&base, c)).collect();
    dump.remove(&removed);
    let modified = tmp.path().join("in").join("orgs.csv");
    fs::create_dir_all(modified.parent().unwrap()).unwrap();
    dump.write(&modified);
    let (after, _) = coverage(&modified, &tmp.path().join("after"), &["-q"]);

    let newly_missing: BTreeSet<&String> = after
        .iter()
        .filter(|(k, r)| r.status == "missing" && base[*k].status != "missing")
        .map(|(k, _)| k)
        .collect();
    assert_eq!(newly_missing, gone.iter().collect::<BTreeSet<_>>());
}

/// Without an org_type column associations are recognised by name and region (fixtures/coverage).
#[test]
fn associations_recognised_by_name_without_type_column() {
    let tmp = tempdir();
    let (rows, stdout) = coverage(&fixture("coverage/no_type_column.csv"), tmp.path(), &[]);
    let status = |code: &str| rows.get(code).map(|r| r.status.as_str()).unwrap_or("(no row)");
    for (code, want) in [
        ("460000", "present"),
        ("460100", "present"),
        ("460106", "present"),
        ("460200", "present"),
        ("460203", "present"),
        ("469001", "present"),
        ("469005", "present"),
        ("469028", "present"),
        ("460300", "misplaced"),
        ("460108", "missing"),
        ("460400", "missing"),
        ("469000", "(no row)"),
    ] {
        assert_eq!(status(code), want, "{code}");
    }
    assert_eq!(rows.len(), 31);
    assert_eq!(rows.values().filter(|r| r.status == "missing").count(), 22);
    let (_, raw) = read_csv(&tmp.path().join("coverage.csv"));
    let sansha = raw.iter().find(|r| r[0] == "460300").unwrap();
    assert_eq!(sansha[9], "skips_province");
    assert!(stdout.contains("1 条科协记录无法确定所属行政区划"), "{stdout}");
}

#[test]
fn same_bytes_whatever_the_thread_count_and_bad_flags_exit_2() {
    let tmp = tempdir();
    let mut outputs = Vec::new();
    for threads in ["1", "3"] {
        let out = tmp.path().join(threads);
        let o = orgclean()
            .env("RAYON_NUM_THREADS", threads)
            .args(["coverage", "-q", "--out"])
            .arg(&out)
            .arg(fixture("demo/orgs.csv"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr_of(&o));
        outputs.push(fs::read(out.join("coverage.csv")).unwrap());
    }
    assert!(outputs[0] == outputs[1], "coverage.csv differs between thread counts");

    let o = orgclean()
        .args(["coverage", "--merge-threshold", "2", "--out"])
        .arg(tmp.path().join("bad"))
        .arg(fixture("demo/orgs.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr_of(&o).contains("--merge-threshold"), "{}", stderr_of(&o));
}
