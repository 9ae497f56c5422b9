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
pub mod store;

pub use decisions::Decisions;

/// A night that read less than this share of the last recorded night's records is taken for a
/// broken export, not a directory that shrank.
pub const SHRINK_LIMIT: f64 = 0.5;

/// Refuse to record a night that lost most records compared with the last one: recorded, it
/// would mark every missing item "resolved" and bring them all back as "new" the next night.
pub fn refuse_shrink(prev_records: u64, records: u64, prev_run: i64, prev_as_of: &str) -> crate::Result<()> {
    if prev_records == 0 || records as f64 >= prev_records as f64 * SHRINK_LIMIT {
        return Ok(());
    }
    Err(crate::Error::Usage(format!(
        "this night read {records} records, run #{prev_run} (as of {prev_as_of}) read {prev_records}: \
         more than half are gone, which looks like a broken or partial export; nothing was recorded and \
         the outputs of the last good night are kept. Check the dump; if the directory really shrank, run \
         again with --accept-shrink"
    )))
}

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
