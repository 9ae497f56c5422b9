//! Files for the sync team: the corrected directory, the id remap and the parent fixes.
//!
//! `orgs_fixed.csv` is a machine file: it keeps the input's header names, encoding, BOM, delimiter
//! and line ends, and every original value byte for byte (no formula escaping — it must round-trip
//! into the platform). Only survivors are kept; parents are re-pointed and the change is explained
//! in a `fix_note` column.

use std::borrow::Cow;
use std::path::Path;

use crate::dedupe::DedupeResult;
use crate::error::Result;
use crate::import::write::CsvLayout;
use crate::lang::Lang;
use crate::model::{Clusters, Confidence, Directory, Field, Finding, RecIdx};
use crate::output;
use crate::rows;

use super::table::{self, Target};
use super::tables;

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
    // The first proposed fix of each record, by record: read by walking along with the records
    // (a million look-ups in a map cost more).
    let fixed = crate::hierarchy::proposed_parents(findings);
    let mut fixed = fixed.into_iter().peekable();
    let mut out = Vec::new();
    for i in 0..dir.len() as RecIdx {
        let fix = fixed.next_if(|f| f.0 == i);
        if clusters.is_merged_away(i) {
            continue;
        }
        let (target, code, confidence) = match fix {
            Some((_, p, code, c)) => (Some(p), code, c),
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
    pub dedupe: &'a DedupeResult,
    pub changes: &'a [ParentChange],
    /// Output encoding; `None` = the first input's.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The records `orgs_fixed.csv` holds (`--province`); `None` = all.
    pub records: Option<&'a [bool]>,
}

/// `old_id,new_id,reason` for every record merged into a survivor, sorted.
pub fn write_id_remap(fx: &FixedOutputs, path: &Path) -> Result<()> {
    let dir = fx.dir;
    // Sorted as the rows' texts sort (old id, new id, then the note, which is built only for a
    // tie), mostly on a number held in the array: comparing the rows' cell texts, scattered over
    // the heap, was most of this file's cost.
    let mut members: Vec<(u128, rows::MemberRow)> = rows::cluster_members(fx.dedupe)
        .filter(|m| !m.is_survivor())
        .map(|m| (sort_prefix(dir.id(m.org).as_str()), m))
        .collect();
    members.sort_unstable_by(|(ka, a), (kb, b)| {
        ka.cmp(kb)
            .then_with(|| dir.id(a.org).cmp(dir.id(b.org)))
            .then_with(|| dir.id(a.survivor).cmp(dir.id(b.survivor)))
            .then_with(|| rows::merge_note(a, Lang::En).cmp(&rows::merge_note(b, Lang::En)))
    });
    let rows = members.iter().map(|(_, m)| tables::id_remap(dir, m));
    table::write_machine_csv(path, &tables::ID_REMAP, rows)
}

/// The first 16 bytes of `s` as a number that orders as they do (zero-padded; equal numbers
/// say nothing, the strings decide).
pub(super) fn sort_prefix(s: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = s.len().min(16);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

pub fn write_parent_fixes(fx: &FixedOutputs, path: &Path) -> Result<()> {
    table::write_machine_csv(
        path,
        &tables::PARENT_FIXES,
        fx.changes.iter().map(|c| tables::parent_fix(fx.dir, c, Lang::En, Target::Csv)),
    )
}

/// The corrected directory in the input's own format (`import::write::CsvLayout`).
pub fn write_orgs_fixed(fx: &FixedOutputs, path: &Path) -> Result<()> {
    let dir = fx.dir;
    let Some(mut layout) = CsvLayout::of(dir) else {
        return output::write_bytes(path, b"");
    };
    if let Some(enc) = fx.encoding {
        layout.encoding = enc;
    }
    let first = &dir.files[0];
    let parent_col = first.columns[Field::ParentId.index()]
        .and_then(|c| layout.headers.iter().position(|h| *h == first.headers[c]));
    // Every record's fix note and new parent, in record order, read by walking along with the
    // rows (a million look-ups in maps cost more). A record has at most one parent change and is
    // the survivor of at most one cluster: its note is the change, then the merge.
    let mut notes: Vec<(RecIdx, String)> = Vec::with_capacity(fx.changes.len());
    let mut new_parent: Vec<(RecIdx, RecIdx)> = Vec::with_capacity(fx.changes.len());
    for c in fx.changes {
        new_parent.push((c.org, c.new_parent));
        let old = &dir.records[c.org as usize].parent_id;
        notes.push((
            c.org,
            format!(
                "parent {} -> {} ({}, {})",
                if old.is_empty() { "(none)" } else { old },
                dir.id(c.new_parent),
                c.code,
                c.confidence.as_str()
            ),
        ));
    }
    for c in &fx.dedupe.clusters.clusters {
        let mut note = String::from("merged ");
        for (k, &m) in c.members.iter().filter(|&&m| m != c.survivor).enumerate() {
            if k > 0 {
                note.push(' ');
            }
            note.push_str(dir.id(m).as_str());
        }
        notes.push((c.survivor, note));
    }
    // Stable: a record's change note stays before its merge note.
    notes.sort_by_key(|n| n.0);
    new_parent.sort_unstable();
    let (mut notes, mut new_parent) = (notes.into_iter().peekable(), new_parent.into_iter().peekable());
    let note_header = unique_name("fix_note", &layout.headers);
    let kept = |i: RecIdx| fx.records.is_none_or(|r| r[i as usize]);
    let layout_ref = &layout;
    let rows = (0..dir.len() as RecIdx).filter_map(move |i| {
        // Notes and parents of records that are not written are passed over here too.
        let mut note = String::new();
        while let Some((_, n)) = notes.next_if(|n| n.0 == i) {
            if !note.is_empty() {
                note.push_str("; ");
            }
            note.push_str(&n);
        }
        let parent = new_parent.next_if(|p| p.0 == i).map(|p| p.1);
        if !kept(i) || fx.dedupe.clusters.is_merged_away(i) {
            return None;
        }
        let cells = layout_ref.cells(dir, i);
        // Room for the note: no reallocation per row.
        let mut row: Vec<Cow<str>> = Vec::with_capacity(cells.len() + 1);
        row.extend(cells.into_iter().map(Cow::Borrowed));
        if let (Some(p), Some(col)) = (parent, parent_col) {
            row[col] = Cow::Borrowed(dir.id(p).as_str());
        }
        row.push(Cow::Owned(note));
        Some(row)
    });
    let input_bytes = dir.files.iter().map(|f| f.bytes as usize).sum();
    let bytes = layout
        .encode_sized(input_bytes, &[note_header.as_str()], rows)
        .map_err(|m| crate::Error::Internal(format!("writing {}: {m}", path.display())))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// id_remap.csv's order: where two prefixes differ they order as the strings do (ties,
        /// a string that is a prefix of the other, NULs, multi-byte characters cut at byte 16).
        #[test]
        fn the_sort_prefix_orders_as_the_strings_do(a in "[AB\\x00é]{0,20}", b in "[AB\\x00é]{0,20}") {
            let (ka, kb) = (sort_prefix(&a), sort_prefix(&b));
            if ka != kb {
                prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
            }
        }
    }
}
