//! Files for machines keep every value exactly (the sync team applies them: an apostrophe in
//! front of `=` would change an id); files for people neutralize what a spreadsheet would run.

use std::path::Path;

use crate::util::*;

/// Ids and names that a spreadsheet would take for formulas: `=HF` and `-HF2` are one unit.
fn dump() -> std::path::PathBuf {
    fixture("machine/formula_ids.csv")
}

fn cells(path: &Path) -> Vec<Vec<String>> {
    read_csv(path).1
}

fn has_row(rows: &[Vec<String>], want: &[&str]) -> bool {
    rows.iter().any(|r| want.iter().all(|w| r.iter().any(|c| c == w)))
}

fn no_apostrophe(path: &Path) {
    for row in cells(path) {
        assert!(!row.iter().any(|c| c.starts_with('\'')), "{}: {row:?}", path.display());
    }
}

#[test]
fn run_writes_machine_files_exactly_and_files_for_people_escaped() {
    let tmp = tempdir();
    let o = orgclean()
        .args(["-q", "audit", "--as-of", "2025-01-01", "--db"])
        .arg(tmp.path().join("audit.sqlite"))
        .arg("--out")
        .arg(tmp.path().join("out"))
        .arg(dump())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_of(&o));
    let out = tmp.path().join("out");
    for f in ["clusters.csv", "pairs.csv", "findings.csv", "id_remap.csv", "parent_fixes.csv", "changes.csv"]
    {
        no_apostrophe(&out.join(f));
    }
    assert!(has_row(&cells(&out.join("id_remap.csv")), &["-HF2", "=HF"]));
    assert!(has_row(&cells(&out.join("clusters.csv")), &["-HF2", "=HF"]));
    assert!(has_row(&cells(&out.join("pairs.csv")), &["-HF2", "=HF"]));
    assert!(has_row(&cells(&out.join("parent_fixes.csv")), &["@S1", "-HF2", "=HF"]));
    let findings = cells(&out.join("findings.csv"));
    assert!(has_row(&findings, &["@S1", "parent_is_duplicate", "=SUM(1)测试中学", "=HF"]), "{findings:?}");
    assert!(has_row(&findings, &["+S2", "skips_province"]), "{findings:?}");
    assert!(has_row(&cells(&out.join("changes.csv")), &["new", "+S2"]));
    let fixed = std::fs::read_to_string(out.join("orgs_fixed.csv")).unwrap();
    assert!(fixed.contains("\n@S1,=SUM(1)测试中学,,=HF,"), "{fixed}");
    // The certification queue is for people: -HF2 (pending, a duplicate of =HF) is escaped.
    let pending = cells(&out.join("pending.csv"));
    assert!(has_row(&pending, &["'-HF2", "reject_duplicate", "'=HF"]), "{pending:?}");
}

#[test]
fn check_reads_back_the_clusters_dedupe_wrote() {
    let tmp = tempdir();
    let d =
        orgclean().args(["-q", "dedupe", "--out"]).arg(tmp.path().join("d")).arg(dump()).output().unwrap();
    assert!(d.status.success(), "{}", stderr_of(&d));
    let c = orgclean()
        .args(["-q", "check", "--out"])
        .arg(tmp.path().join("c"))
        .arg("--clusters")
        .arg(tmp.path().join("d/clusters.csv"))
        .arg(dump())
        .output()
        .unwrap();
    assert!(c.status.success(), "{}", stderr_of(&c));
    let findings = cells(&tmp.path().join("c/findings.csv"));
    assert!(has_row(&findings, &["@S1", "parent_is_duplicate", "=HF"]), "{findings:?}");
}
