//! The review sheet's layout, shared by its writer (`report::review`) and its reader
//! (`audit::review`): columns, their headers in both languages, the words for the kinds of item
//! and for the decisions. A sheet written in either language, or an earlier CSV with the English
//! machine headers, reads back the same.

use crate::lang::Lang;

/// One column of the sheet: (machine name, Chinese header, English header).
pub type Column = (&'static str, &'static str, &'static str);

/// In the order written. Province and city first, so that a sheet can be split among provincial
/// administrators with the filter; `key` last (it is for the tool, not for people).
pub const COLUMNS: [Column; 14] = [
    ("province", "省份", "province"),
    ("city", "地市", "city"),
    ("kind", "类型", "kind"),
    ("org_id", "单位ID", "org_id"),
    ("org_name", "单位名称", "org_name"),
    ("other_id", "对方ID（修正：建议上级）", "other_id"),
    ("other_name", "对方名称", "other_name"),
    ("code", "问题代码", "code"),
    ("score", "相似度", "score"),
    ("detail", "说明", "detail"),
    ("decision", "决定", "decision"),
    ("comment", "备注", "comment"),
    ("reviewer", "审核人", "reviewer"),
    ("key", "键（勿改）", "key"),
];

/// Position of a column by machine name.
pub fn col(name: &str) -> usize {
    COLUMNS.iter().position(|c| c.0 == name).unwrap_or(0)
}

pub fn headers(lang: Lang) -> Vec<&'static str> {
    COLUMNS.iter().map(|c| lang.pick(c.1, c.2)).collect()
}

/// The machine name of a header cell as written (either language; case and blanks ignored).
pub fn column_of(header: &str) -> Option<&'static str> {
    let h = header.trim().to_lowercase();
    COLUMNS.iter().find(|c| [c.0, c.1, c.2].iter().any(|x| x.to_lowercase() == h)).map(|c| c.0)
}

/// The kinds of item: (machine word, Chinese word).
pub const KINDS: [(&str, &str); 3] =
    [("pair", "疑似重复"), ("cluster_member", "已合并"), ("fix", "上级修正")];

pub fn kind_word(kind: &str, lang: Lang) -> &'static str {
    KINDS.iter().find(|k| k.0 == kind).map(|k| lang.pick(k.1, k.0)).unwrap_or("")
}

/// The machine word of a kind as written in either language.
pub fn kind_of(written: &str) -> Option<&'static str> {
    let w = written.trim().to_lowercase();
    KINDS.iter().find(|k| k.0 == w || k.1 == w).map(|k| k.0)
}

/// The words a reviewer may write for each decision, stored as the first (English) word. The
/// second is what the Chinese sheet offers in its drop-down; the English words stay accepted so
/// that sheets filled in before keep working.
pub const PAIR_WORDS: &[(&str, &[&str])] = &[
    ("same", &["same", "同一单位", "同一", "相同", "是", "合并"]),
    ("different", &["different", "不同单位", "不同", "否", "不合并"]),
];
pub const FIX_WORDS: &[(&str, &[&str])] = &[
    ("accept_fix", &["accept_fix", "接受修正", "接受", "同意"]),
    ("reject_fix", &["reject_fix", "拒绝修正", "拒绝", "不同意"]),
];

/// The words a kind's drop-down offers, in the sheet's language.
pub fn choices(kind: &str, lang: Lang) -> Vec<&'static str> {
    let words = if kind == "fix" { FIX_WORDS } else { PAIR_WORDS };
    words.iter().map(|(en, ws)| lang.pick(ws[1], en)).collect()
}

/// The stored decision for a written word (case and surrounding blanks ignored).
pub fn decision_word(written: &str, words: &[(&'static str, &[&str])]) -> Option<&'static str> {
    let w = written.trim().to_lowercase();
    words.iter().find(|(_, ws)| ws.iter().any(|x| *x == w)).map(|(d, _)| *d)
}

/// "同一单位 (same) or 不同单位 (different)": what to write instead.
pub fn words_hint(words: &[(&str, &[&str])]) -> String {
    let each: Vec<String> = words.iter().map(|(d, ws)| format!("{} ({d})", ws[1])).collect();
    each.join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_and_word_reads_back_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let names: Vec<_> = headers(lang).iter().map(|h| column_of(h)).collect();
            let want: Vec<_> = COLUMNS.iter().map(|c| Some(c.0)).collect();
            assert_eq!(names, want);
            for (k, _) in KINDS {
                assert_eq!(kind_of(kind_word(k, lang)), Some(k));
                let words = if k == "fix" { FIX_WORDS } else { PAIR_WORDS };
                for (c, (stored, _)) in choices(k, lang).iter().zip(words) {
                    assert_eq!(decision_word(c, words), Some(*stored));
                }
            }
        }
        assert_eq!(decision_word(" Different ", PAIR_WORDS), Some("different"));
        assert_eq!(decision_word("接受修正", PAIR_WORDS), None);
    }
}
