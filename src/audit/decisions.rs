//! Reviewer decisions (types in `crate::decisions`, which the pipeline uses), loaded from the
//! audit database.

use std::path::Path;
use std::time::Duration;

pub use crate::decisions::{Decisions, FixKey, PairDecision, Rejection};

/// The decisions stored in an existing audit database (for `run --db` and `audit`).
pub fn load(path: &Path) -> crate::Result<Decisions> {
    let db = super::db::AuditDb::open(path, false, Duration::from_secs(60))?;
    super::db::load_decisions(&db.conn, path)
}
