//! A run's items as typed rows, each built by one function: `report` renders them as CSV, XLSX
//! and Markdown, and the audit snapshot stores them. Lives below `audit` and `report` so that
//! both use the same rows without importing each other.

use std::fmt::Write;

use crate::dedupe::{reason, DedupeResult, ScoredPair};
use crate::lang::Lang;
use serde::Serialize;

use crate::model::{
    Confidence, Detail, Directory, Field, FileCounts, Finding, FindingCode, RecIdx, Severity,
};

/// One finding with what a reader needs beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub org: RecIdx,
    pub code: FindingCode,
    pub severity: Severity,
    pub detail: Detail,
    /// The proposed parent (none for needs_review and credit-code findings).
    pub proposed: Option<RecIdx>,
    /// `None` for findings without a fix.
    pub confidence: Option<Confidence>,
    pub reason: String,
}

pub fn finding(f: &Finding) -> FindingRow {
    let (proposed, confidence, reason) = match &f.fix {
        Some(fix) => (fix.new_parent, Some(fix.confidence), fix.reason.to_string()),
        None => (None, None, String::new()),
    };
    FindingRow {
        org: f.org,
        code: f.code,
        severity: f.severity,
        detail: f.detail.clone(),
        proposed,
        confidence,
        reason,
    }
}

/// The word for a confidence in machine files; empty for a finding without a fix.
pub fn confidence_word(c: Option<Confidence>) -> &'static str {
    c.map(Confidence::as_str).unwrap_or("")
}

/// A record's id, or empty.
pub fn id_of(dir: &Directory, i: Option<RecIdx>) -> &str {
    i.map(|i| dir.id(i).as_str()).unwrap_or_default()
}

/// A record's name, or empty.
pub fn name_of(dir: &Directory, i: Option<RecIdx>) -> &str {
    i.map(|i| dir.name(i)).unwrap_or_default()
}

/// The raw province column of a record (what the dump says).
pub fn province_col(dir: &Directory, i: RecIdx) -> &str {
    dir.get(i, Field::Province)
}

/// Why two records are the same unit, as text. The one place a pair's reasons become words, so
/// that reasons in another language (issue 12's `Reason::text`) change this function only.
/// Machine files call it with `Lang::En`.
pub fn reasons_text(pair: &ScoredPair, lang: Lang) -> String {
    reason::join(&pair.reasons, lang)
}

/// One member of a duplicate cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow<'a> {
    pub cluster_id: &'a str,
    pub org: RecIdx,
    pub survivor: RecIdx,
    /// The merge that explains a non-survivor (its pair with the survivor if scored, else its
    /// best merged pair in the cluster); `None` for the survivor.
    pub merge: Option<&'a ScoredPair>,
}

impl MemberRow<'_> {
    pub fn is_survivor(&self) -> bool {
        self.org == self.survivor
    }

    /// The other record of the explaining pair when it is not the survivor (merged through it).
    pub fn via(&self) -> Option<RecIdx> {
        let p = self.merge?;
        let other = if p.a == self.org { p.b } else { p.a };
        (other != self.survivor).then_some(other)
    }

    /// The merge reasons (empty for the survivor), prefixed with the record merged through.
    pub fn reasons(&self, dir: &Directory, lang: Lang) -> String {
        let Some(p) = self.merge else { return String::new() };
        let mut s = String::new();
        if let Some(v) = self.via() {
            s.push_str(lang.pick("经由", "via"));
            s.push(' ');
            s.push_str(dir.id(v).as_str());
            s.push_str(": ");
        }
        reason::join_into(&mut s, &p.reasons, lang);
        s
    }
}

/// Every member of every cluster, clusters in their order, members by record index.
pub fn cluster_members<'a>(res: &'a DedupeResult) -> impl Iterator<Item = MemberRow<'a>> + 'a {
    res.clusters.clusters.iter().flat_map(move |c| {
        c.members.iter().map(move |&m| MemberRow {
            cluster_id: c.id.as_str(),
            org: m,
            survivor: c.survivor,
            merge: if m == c.survivor { None } else { res.link.get(&m).and_then(|&k| res.pairs.get(k)) },
        })
    })
}

/// Why a non-survivor was merged, in one line (id_remap.csv, orgs_fixed.csv).
pub fn merge_note(m: &MemberRow, lang: Lang) -> String {
    let duplicate = lang.pick("重复", "duplicate");
    let Some(p) = m.merge else { return duplicate.to_string() };
    // One String written in place: this runs for every record merged away.
    let mut s = String::new();
    let _ = write!(s, "{duplicate} ({} {:.2}): ", lang.pick("相似度", "score"), p.score);
    reason::join_into(&mut s, &p.reasons, lang);
    s
}

/// One input file as summary.json and the audit database record it.
#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
    pub encoding: String,
    pub counts: FileCounts,
}

/// The input files as summary.json and the audit database record them.
pub fn input_info(dir: &Directory) -> Vec<InputInfo> {
    dir.files
        .iter()
        .map(|f| InputInfo {
            path: f.display.clone(),
            bytes: f.bytes,
            sha256: f.sha256.clone(),
            encoding: f.encoding.to_string(),
            counts: f.counts,
        })
        .collect()
}
