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
pub mod snapshot;

pub use decisions::Decisions;

pub use crate::decisions::inputs_hash;
