//! Nightly audit (issue 6): every run recorded in SQLite, what changed since the last run, and
//! review decisions that later runs honour.
//!
//! `snapshot` turns a pipeline result into rows keyed by stable ids (org id + code for findings,
//! cluster id for clusters); `db` stores them (schema versioned by `PRAGMA user_version`, one
//! transaction per run); `diff` compares two snapshots; `decisions` applies reviewer decisions to
//! a run; `review` reads and writes the review sheet; `changes` renders what changed.

pub mod changes;
pub mod db;
pub mod decisions;
pub mod diff;
pub mod history;
pub mod review;
pub mod snapshot;

pub use decisions::Decisions;

use sha2::{Digest, Sha256};

use crate::model::{Directory, RecIdx};

/// What a proposed fix was made on: the record's row and its current parent's row (or the parent
/// id when it names no record). A decision about the fix holds while this hash is unchanged.
/// 16 hex digits: enough to tell edits apart, short enough for a spreadsheet column.
pub fn inputs_hash(dir: &Directory, org: RecIdx) -> String {
    let mut h = Sha256::new();
    let mut row = |i: RecIdx| {
        for field in dir.records[i as usize].raw.iter() {
            h.update(field.as_bytes());
            h.update([0x1f]);
        }
        h.update([0x1e]);
    };
    row(org);
    match dir.parent(org) {
        Some(p) => row(p),
        None => {
            let rec = &dir.records[org as usize];
            h.update(b"no-parent-record:");
            h.update(rec.parent_id.as_bytes());
        }
    }
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}
