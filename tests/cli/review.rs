//! `orgclean review export|import` for many hands: rows numbered as Excel shows them, decisions
//! in Chinese, and a rejection that is not asked again while its rows are unchanged.

use std::path::Path;

use crate::audit::audit;
use crate::util::*;

fn audit_ok(input: &Path, db: &Path, out: &Path) {
    let o = audit(input, db, out, &[]);
    assert!(o.status.success(), "audit failed: {}", stderr_of(&o));
}

fn import(sheet: &Path, db: &Path) -> std::process::Output {
    orgclean().args(["review", "import"]).arg(sheet).arg("--db").arg(db).output().unwrap()
}

/// The rows of a fresh review export.
fn export(db: &Path, sheet: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let o = orgclean().args(["review", "export", "--db"]).arg(db).arg("--out").arg(sheet).output().unwrap();
    assert!(o.status.success(), "export failed: {}", stderr_of(&o));
    read_csv(sheet)
}

fn decisions(db: &Path) -> Vec<(String, String, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c.prepare("SELECT a_id, b_id, decision FROM decisions ORDER BY a_id, b_id").unwrap();
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
    rows.map(Result::unwrap).collect()
}

const HEADER: &str =
    "kind,key,org_id,org_name,other_id,other_name,code,score,detail,decision,comment,reviewer\n";

#[test]
fn import_numbers_rows_as_excel_does_and_reads_chinese_decisions() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&fixture("audit/night1.csv"), &db, &tmp.path().join("o1"));
    // Row 2 holds a comment with a line break (Excel: Alt+Enter): row 3 is text line 4.
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{HEADER}pair,x,ORG00034951,,ORG00045167,,,,,同一单位,\"first\nsecond\",ann\n\
             pair,x,ORG1,,ORG2,,,,,也许,,\n"
        ),
    )
    .unwrap();
    let o = import(&bad, &db);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr_of(&o);
    assert!(err.contains("row 3: decision \"也许\""), "{err}");
    assert!(err.contains("同一单位") && err.contains("不同单位"), "the hint names the Chinese words: {err}");
    assert!(!err.contains("row 4") && !err.contains("line 4"), "{err}");
    assert!(decisions(&db).is_empty());

    let good = tmp.path().join("good.csv");
    std::fs::write(
        &good,
        format!(
            "{HEADER}pair,x,ORG00034951,,ORG00045167,,,,,同一单位,,ann\n\
             pair,x,ORG1,,ORG2,,,,,否,,\n\
             cluster_member,C-1,ORG3,,ORG4,,,,, Different ,,\n"
        ),
    )
    .unwrap();
    let o = import(&good, &db);
    assert!(o.status.success(), "{}", stderr_of(&o));
    let s = |a: &str, b: &str, d: &str| (a.to_string(), b.to_string(), d.to_string());
    assert_eq!(
        decisions(&db),
        [
            s("ORG00034951", "ORG00045167", "same"),
            s("ORG1", "ORG2", "different"),
            s("ORG3", "ORG4", "different")
        ]
    );
}

#[test]
fn a_rejected_fix_is_not_asked_again_while_its_rows_are_unchanged() {
    let tmp = tempdir();
    let db = tmp.path().join("a.sqlite");
    audit_ok(&fixture("audit/night1.csv"), &db, &tmp.path().join("o1"));
    let is_it = |r: &[String]| r[0] == "fix" && r[2] == "ORG00012789" && r[6] == "dangling_parent";
    let (h, rows) = export(&db, &tmp.path().join("s1.csv"));
    assert!(rows.iter().any(|r| is_it(r)), "the fix is open before any decision");
    let dec = h.iter().position(|c| c == "decision").unwrap();
    let filled = tmp.path().join("filled.csv");
    let mut w = csv::Writer::from_path(&filled).unwrap();
    w.write_record(&h).unwrap();
    for mut r in rows {
        if is_it(&r) {
            r[dec] = "reject_fix".into();
        }
        w.write_record(&r).unwrap();
    }
    w.flush().unwrap();
    let o = import(&filled, &db);
    assert!(o.status.success(), "{}", stderr_of(&o));

    // Next night, same rows: the fix is withdrawn (needs_review) and not asked again.
    audit_ok(&fixture("audit/night1.csv"), &db, &tmp.path().join("o2"));
    let (_, rows) = export(&db, &tmp.path().join("s2.csv"));
    let again: Vec<_> = rows.iter().filter(|r| r[0] == "fix" && r[2] == "ORG00012789").collect();
    assert!(again.is_empty(), "a rejected fix must not be asked again: {again:?}");

    // The record's row changed: the question comes back.
    let text =
        std::fs::read_to_string(fixture("audit/night1.csv")).unwrap().replace("2016-03-14", "2016-03-15");
    let changed = tmp.path().join("in").join("night1b.csv");
    std::fs::create_dir_all(changed.parent().unwrap()).unwrap();
    std::fs::write(&changed, text).unwrap();
    audit_ok(&changed, &db, &tmp.path().join("o3"));
    let (_, rows) = export(&db, &tmp.path().join("s3.csv"));
    assert!(rows.iter().any(|r| is_it(r)), "a changed row is asked again");
}
