//! Files for the sync team: the corrected directory, the id remap and the parent fixes.
//!
//! `orgs_fixed.csv` is a machine file: it keeps the input's header names, encoding, BOM, delimiter
//! and line ends, and every original value byte for byte (no formula escaping — it must round-trip
//! into the platform). Only survivors are kept; parents are re-pointed and the change is explained
//! in a `fix_note` column.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Result;
use crate::model::{Clusters, Confidence, Directory, Field, Finding, RecIdx};
use crate::output;

/// The new parent of every record whose parent changes, and why (for fix_note and parent_fixes.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct ParentChange {
    pub org: RecIdx,
    pub new_parent: RecIdx,
    /// Finding code that caused it, or `parent_merged` when the old parent was merged away.
    pub code: &'static str,
    pub confidence: Confidence,
}

/// Every parent change implied by the proposed fixes (not needs_review) and by merges: a parent
/// that is merged away is replaced by its survivor, also after a proposed fix.
pub fn parent_changes(dir: &Directory, clusters: &Clusters, findings: &[Finding]) -> Vec<ParentChange> {
    let mut fixed: BTreeMap<RecIdx, (RecIdx, &'static str, Confidence)> = BTreeMap::new();
    for f in findings {
        let Some(fix) = &f.fix else { continue };
        if let (Some(p), false) = (fix.new_parent, fix.confidence == Confidence::NeedsReview) {
            fixed.entry(f.org).or_insert((p, f.code.as_str(), fix.confidence));
        }
    }
    let mut out = Vec::new();
    for i in 0..dir.len() as RecIdx {
        if clusters.is_merged_away(i) {
            continue;
        }
        let (target, code, confidence) = match fixed.get(&i) {
            Some(&(p, code, c)) => (Some(p), code, c),
            None => (dir.parent(i), "parent_merged", Confidence::High),
        };
        let Some(mut target) = target else { continue };
        if let Some(s) = clusters.survivor_of(target) {
            target = s;
        }
        if dir.parent(i) != Some(target) {
            out.push(ParentChange { org: i, new_parent: target, code, confidence });
        }
    }
    out
}

pub struct FixedOutputs<'a> {
    pub dir: &'a Directory,
    pub clusters: &'a Clusters,
    pub changes: &'a [ParentChange],
    /// Why each non-survivor was merged (plain words), by record.
    pub merge_reason: &'a dyn Fn(RecIdx) -> String,
    /// Output encoding; `None` = the first input's.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

pub fn write_id_remap(fx: &FixedOutputs, path: &Path) -> Result<()> {
    let dir = fx.dir;
    let mut rows = Vec::new();
    for c in &fx.clusters.clusters {
        for &m in &c.members {
            if m != c.survivor {
                rows.push([dir.id(m).to_string(), dir.id(c.survivor).to_string(), (fx.merge_reason)(m)]);
            }
        }
    }
    rows.sort();
    output::write_csv(path, &["old_id", "new_id", "reason"], rows)
}

pub fn write_parent_fixes(fx: &FixedOutputs, path: &Path) -> Result<()> {
    let dir = fx.dir;
    let rows = fx.changes.iter().map(|c| {
        [
            dir.id(c.org).to_string(),
            dir.records[c.org as usize].parent_id.to_string(),
            dir.id(c.new_parent).to_string(),
            c.code.to_string(),
            c.confidence.as_str().to_string(),
        ]
    });
    output::write_csv(path, &["org_id", "old_parent_id", "new_parent_id", "code", "confidence"], rows)
}

/// The corrected directory in the input's own format.
pub fn write_orgs_fixed(fx: &FixedOutputs, path: &Path) -> Result<()> {
    let dir = fx.dir;
    let Some(first) = dir.files.first() else {
        return output::write_bytes(path, b"");
    };
    // Union of headers: the first file's, then columns only later files have.
    let mut headers: Vec<String> = first.headers.clone();
    for f in &dir.files[1..] {
        for h in &f.headers {
            if !headers.contains(h) {
                headers.push(h.clone());
            }
        }
    }
    let parent_header = first.columns[Field::ParentId.index()].map(|c| first.headers[c].clone());
    let mut notes: BTreeMap<RecIdx, Vec<String>> = BTreeMap::new();
    let mut new_parent: BTreeMap<RecIdx, RecIdx> = BTreeMap::new();
    for c in fx.changes {
        new_parent.insert(c.org, c.new_parent);
        notes.entry(c.org).or_default().push(format!(
            "parent {} -> {} ({}, {})",
            if dir.records[c.org as usize].parent_id.is_empty() {
                "(none)"
            } else {
                &dir.records[c.org as usize].parent_id
            },
            dir.id(c.new_parent),
            c.code,
            c.confidence.as_str()
        ));
    }
    for c in &fx.clusters.clusters {
        let merged: Vec<&str> =
            c.members.iter().filter(|&&m| m != c.survivor).map(|&m| dir.id(m).as_str()).collect();
        notes.entry(c.survivor).or_default().push(format!("merged {}", merged.join(" ")));
    }

    let mut out_headers = headers.clone();
    out_headers.push(unique_name("fix_note", &headers));
    let delimiter = first.delimiter;
    let mut buf: Vec<u8> = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(if first.crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .from_writer(&mut buf);
        let io = |e: csv::Error| crate::Error::Internal(format!("writing orgs_fixed.csv: {e}"));
        w.write_record(&out_headers).map_err(io)?;
        let mut row: Vec<String> = Vec::with_capacity(out_headers.len());
        for i in 0..dir.len() as RecIdx {
            if fx.clusters.is_merged_away(i) {
                continue;
            }
            let rec = &dir.records[i as usize];
            let file = &dir.files[rec.file as usize];
            row.clear();
            if file.headers == first.headers && headers.len() == first.headers.len() {
                row.extend(rec.raw.iter().map(str::to_string));
            } else {
                for h in &headers {
                    let v =
                        file.headers.iter().position(|fh| fh == h).and_then(|c| rec.raw.get(c)).unwrap_or("");
                    row.push(v.to_string());
                }
            }
            if let (Some(p), Some(ph)) = (new_parent.get(&i), &parent_header) {
                if let Some(col) = headers.iter().position(|h| h == ph) {
                    row[col] = dir.id(*p).to_string();
                }
            }
            row.push(notes.get(&i).map(|n| n.join("; ")).unwrap_or_default());
            w.write_record(&row).map_err(io)?;
        }
        w.flush().map_err(|e| crate::Error::Internal(format!("writing orgs_fixed.csv: {e}")))?;
    }
    let encoding = fx.encoding.unwrap_or_else(|| {
        encoding_rs::Encoding::for_label(first.encoding.as_bytes()).unwrap_or(encoding_rs::UTF_8)
    });
    let text = String::from_utf8_lossy(&buf);
    let mut bytes = Vec::with_capacity(buf.len() + 3);
    if encoding == encoding_rs::UTF_8 {
        if first.had_bom {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        bytes.extend_from_slice(&buf);
    } else {
        let (encoded, _, _) = encoding.encode(&text);
        bytes.extend_from_slice(&encoded);
    }
    output::write_bytes(path, &bytes)
}

fn unique_name(base: &str, taken: &[String]) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while taken.iter().any(|h| h == &name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}
