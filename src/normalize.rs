//! Chinese-aware name normalization. Derives, never overwrites: the original name stays in the
//! record; this module produces the comparison forms and a structured parse of the name.
//!
//! OWNER NOTE (temporary): first cut by the lead; the dedupe helper owns and extends this file.

use crate::geo::{Gazetteer, Region};

/// The structured parse of one organization name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameParts {
    /// NFKC, simplified, brackets unified, whitespace and punctuation removed, long forms rewritten
    /// to their abbreviations (科学技术协会 → 科协). Equal keys = same written name.
    pub key: String,
    /// Region named at the start of the name (may be empty).
    pub region: Region,
    /// The text of that region prefix, as it appears in `key`.
    pub region_text: String,
    /// `key` without region prefix, generic suffix, ordinal and markers.
    pub core: String,
    /// Canonical generic suffix (科协, 学会, 中学, 医院, 有限公司…), if any.
    pub suffix: Option<String>,
    /// 第一中学 = 一中 = 1中 → 1.
    pub ordinal: Option<u32>,
    /// Branch marker (分会, 分院, 分校, 分公司) with the text before it, if the name is a branch.
    pub branch: Option<String>,
    /// The name carries a provisional marker: （筹）, 筹备组, 筹委会.
    pub provisional: bool,
}

/// Normalize a name: the key only (no structured parse).
pub fn fold(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let nfkc: String = name.nfkc().collect();
    nfkc.chars().filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation()).collect()
}

/// Full parse of a name.
pub fn parse(name: &str, gazetteer: &Gazetteer) -> NameParts {
    let key = fold(name);
    let mentions = gazetteer.region_prefix(&key);
    let end = mentions.last().map(|m| m.end).unwrap_or(0);
    NameParts {
        region: gazetteer.region_of_mentions(&mentions),
        region_text: key[..end].to_string(),
        core: key[end..].to_string(),
        key,
        ..NameParts::default()
    }
}
