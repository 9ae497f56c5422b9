//! Nightly audit (issue 6): every run recorded in SQLite, what changed since the last run, and
//! review decisions that later runs honour.
//!
//! `snapshot` turns a pipeline result into rows keyed by stable ids (org id + code for findings,
//! cluster id for clusters); `db` stores them (schema versioned by `PRAGMA user_version`, one
//! transaction per run); `diff` compares two snapshots; `decisions` applies reviewer decisions to
//! a run; `review` reads the filled-in review sheet. The reports render what changed (`report::changes`).

pub mod db;
pub mod decisions;
pub mod diff;
pub mod history;
pub mod review;
pub mod sheet;
pub mod snapshot;
pub mod store;

pub use decisions::Decisions;

pub use crate::decisions::inputs_hash;

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
