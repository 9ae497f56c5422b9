//! `orgclean history`: the trend table in the chosen language.

use crate::util::*;

#[test]
fn table_in_both_languages() {
    let tmp = tempdir();
    for night in 1..=2 {
        let o = orgclean()
            .args(["-q", "audit", "--as-of", &format!("2025-01-0{night}"), "--db"])
            .arg(tmp.path().join("a.sqlite"))
            .arg("--out")
            .arg(tmp.path().join(format!("o{night}")))
            .arg(fixture(&format!("audit/night{night}.csv")))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr_of(&o));
    }
    for lang in ["zh", "en"] {
        let h = orgclean()
            .args(["--lang", lang, "history", "--db"])
            .arg(tmp.path().join("a.sqlite"))
            .output()
            .unwrap();
        assert!(h.status.success(), "{}", stderr_of(&h));
        let text: String = stdout_of(&h).lines().map(|l| hide_finished_at(l) + "\n").collect();
        insta::assert_snapshot!(format!("history_table_{lang}"), text);
    }
}

/// The wall-clock column (20 characters after the run number) changes from run to run.
fn hide_finished_at(l: &str) -> String {
    match l.get(6..26) {
        Some(t) if t.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
            format!("{}[FINISHED]{}", &l[..6], &l[26..])
        }
        _ => l.to_string(),
    }
}
