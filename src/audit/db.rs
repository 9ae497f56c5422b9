//! The audit database: schema, versioned migrations, one transaction per run.
//!
//! Migrations are SQL batches applied in order; `PRAGMA user_version` records how many have run,
//! so a newer binary upgrades an older database in place (inside one transaction) and an older
//! binary refuses a newer database instead of misreading it. Every statement that carries data
//! is parameterized.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

use super::decisions::{Decisions, FixKey, PairDecision, Rejection};
use crate::error::{Error, Result};

// Where the runs' contents are stored (spans of unchanged nights); re-exported for callers.
pub use super::store::{finding_known, insert_run, last_run_inputs, last_run_items, previous_run, OpenItems};

/// v1: runs, their inputs, findings and clusters.
const V1: &str = "
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    as_of TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    settings TEXT NOT NULL,
    records INTEGER NOT NULL,
    clusters INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    new INTEGER NOT NULL,
    resolved INTEGER NOT NULL,
    persisting INTEGER NOT NULL
);
CREATE TABLE run_inputs (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    position INTEGER NOT NULL,
    path TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    encoding TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    PRIMARY KEY (run_id, position)
);
CREATE TABLE findings (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    org_id TEXT NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    name TEXT NOT NULL,
    detail TEXT NOT NULL,
    proposed_parent_id TEXT NOT NULL,
    confidence TEXT NOT NULL,
    nights INTEGER NOT NULL,
    PRIMARY KEY (run_id, org_id, code)
);
CREATE TABLE clusters (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    cluster_id TEXT NOT NULL,
    survivor_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    members TEXT NOT NULL,
    nights INTEGER NOT NULL,
    PRIMARY KEY (run_id, cluster_id)
);
";

/// v2: what review needs (grey-zone pairs, what a fix was made on) and the decisions.
const V2: &str = "
ALTER TABLE findings ADD COLUMN proposed_parent_name TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN inputs_hash TEXT NOT NULL DEFAULT '';
CREATE TABLE review_pairs (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    a_id TEXT NOT NULL,
    b_id TEXT NOT NULL,
    a_name TEXT NOT NULL,
    b_name TEXT NOT NULL,
    score REAL NOT NULL,
    reasons TEXT NOT NULL,
    PRIMARY KEY (run_id, a_id, b_id)
);
CREATE TABLE decisions (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('pair', 'fix')),
    a_id TEXT NOT NULL,
    b_id TEXT NOT NULL,
    code TEXT NOT NULL,
    inputs_hash TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('same', 'different', 'accept_fix', 'reject_fix')),
    comment TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    source TEXT NOT NULL
);
";

const MIGRATIONS: &[&str] = &[V1, V2, super::store::V3, super::store::V4, super::store::V5];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn db_err(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| {
        let code = match &e {
            rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
            _ => None,
        };
        let hint = match code {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                return Error::Database {
                    path: path.to_path_buf(),
                    message:
                        "another orgclean process is writing to this database and did not finish in time; \
                              try again later or give a longer --db-wait"
                            .to_string(),
                }
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                "the file is damaged or is not an SQLite database: restore it from a backup, or give a new \
                 --db (the history then starts again)"
            }
            Some(ErrorCode::DiskFull) => {
                "the disk is full: free some space and run again (nothing was recorded)"
            }
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
                "make the database file and its directory writable for this user, or give another --db"
            }
            _ => "",
        };
        let message = if hint.is_empty() { e.to_string() } else { format!("{e}; {hint}") };
        Error::Database { path: path.to_path_buf(), message }
    }
}

pub struct AuditDb {
    pub conn: Connection,
    pub path: PathBuf,
}

impl AuditDb {
    /// Open (and with `create`, create) the database and bring its schema up to date. `wait` is
    /// how long to wait for another process holding the write lock.
    pub fn open(path: &Path, create: bool, wait: Duration) -> Result<AuditDb> {
        if !create && !path.is_file() {
            return Err(Error::input(
                path.display().to_string(),
                "no such audit database; check the path (`orgclean audit --db FILE` creates it)",
            ));
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let e = db_err(path);
        let mut conn = Connection::open_with_flags(path, flags).map_err(&e)?;
        conn.busy_timeout(wait).map_err(&e)?;
        // Full fsync at commit: a run that reported success survives a power cut.
        conn.pragma_update(None, "synchronous", "FULL").map_err(&e)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(&e)?;
        migrate(&mut conn, path)?;
        Ok(AuditDb { conn, path: path.to_path_buf() })
    }

    /// BEGIN IMMEDIATE: takes the write lock now (waiting up to the busy timeout), so two audits
    /// on one database run their write phases one after the other.
    pub fn begin_write(&mut self) -> Result<Transaction<'_>> {
        let path = self.path.clone();
        self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err(&path))
    }
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let e = db_err(path);
    let newer = |v: i64| {
        Error::Database {
        path: path.to_path_buf(),
        message: format!(
            "schema version {v} was written by a newer orgclean (this one knows up to {SCHEMA_VERSION}); upgrade orgclean"
        ),
    }
    };
    // A negative version is no orgclean schema (it also cannot index the migrations: it panicked).
    let foreign = |v: i64| Error::Database {
        path: path.to_path_buf(),
        message: format!(
            "not an orgclean audit database (schema version {v}; orgclean writes 1 to {SCHEMA_VERSION}); \
             give --db a new file name, or the database an earlier audit wrote"
        ),
    };
    let v = user_version(conn).map_err(&e)?;
    if v > SCHEMA_VERSION {
        return Err(newer(v));
    }
    if v < 0 {
        return Err(foreign(v));
    }
    if v == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&e)?;
    // Re-read under the lock: another process may have migrated meanwhile.
    let v = user_version(&tx).map_err(&e)?;
    if v > SCHEMA_VERSION {
        return Err(newer(v));
    }
    if v < 0 {
        return Err(foreign(v));
    }
    if v == 0 {
        let tables: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
            .map_err(&e)?;
        if tables > 0 {
            return Err(Error::Database {
                path: path.to_path_buf(),
                message: "not an orgclean audit database (it has tables but no orgclean schema version)"
                    .into(),
            });
        }
    }
    for m in &MIGRATIONS[v as usize..] {
        tx.execute_batch(m).map_err(&e)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(&e)?;
    tx.commit().map_err(&e)
}

pub fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A decision as stored; `key` identifies what it is about (a later decision on the same key
/// replaces it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDecision {
    pub kind: &'static str,
    /// Pair: the two ids, smaller first. Fix: org id and proposed parent id.
    pub a_id: String,
    pub b_id: String,
    pub code: String,
    pub inputs_hash: String,
    pub decision: String,
    pub comment: String,
    pub reviewer: String,
}

impl StoredDecision {
    pub fn key(&self) -> String {
        let parts: Vec<&str> = match self.kind {
            "pair" => vec!["pair", &self.a_id, &self.b_id],
            _ => vec![self.kind, &self.a_id, &self.code, &self.b_id, &self.inputs_hash],
        };
        serde_json::to_string(&parts).unwrap_or_default()
    }
}

pub fn store_decisions(tx: &Transaction, path: &Path, ds: &[StoredDecision], source: &str) -> Result<()> {
    let e = db_err(path);
    let at = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let mut st = tx
        .prepare(
            "INSERT INTO decisions (key, kind, a_id, b_id, code, inputs_hash, decision, comment, reviewer, decided_at, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (key) DO UPDATE SET decision = excluded.decision, comment = excluded.comment,
                 reviewer = excluded.reviewer, decided_at = excluded.decided_at, source = excluded.source",
        )
        .map_err(&e)?;
    for d in ds {
        st.execute(params![
            d.key(),
            d.kind,
            d.a_id,
            d.b_id,
            d.code,
            d.inputs_hash,
            d.decision,
            d.comment,
            d.reviewer,
            at,
            source
        ])
        .map_err(&e)?;
    }
    Ok(())
}

/// The keys of every stored decision (to leave decided items out of the review sheet).
/// The keys of the items that need no new decision. A rejected fix also covers its withdrawn
/// form: the next run turns the rejected proposal into a needs_review finding without a proposed
/// parent, on the same rows (same inputs hash). That item is the rejection itself, not a new
/// question; once the rows change, the hash changes and the item is asked again.
pub fn decided_keys(conn: &Connection, path: &Path) -> Result<HashSet<String>> {
    let e = db_err(path);
    let mut st =
        conn.prepare("SELECT key, kind, a_id, code, inputs_hash, decision FROM decisions").map_err(&e)?;
    let mut rows = st.query([]).map_err(&e)?;
    let mut keys = HashSet::new();
    while let Some(r) = rows.next().map_err(&e)? {
        keys.insert(r.get::<_, String>(0).map_err(&e)?);
        let (kind, decision): (String, String) = (r.get(1).map_err(&e)?, r.get(5).map_err(&e)?);
        if kind == "fix" && decision == "reject_fix" {
            let (org, code, hash): (String, String, String) =
                (r.get(2).map_err(&e)?, r.get(3).map_err(&e)?, r.get(4).map_err(&e)?);
            keys.insert(super::review::fix_decision(&org, &code, "", &hash).key());
        }
    }
    Ok(keys)
}

pub fn load_decisions(conn: &Connection, path: &Path) -> Result<Decisions> {
    let e = db_err(path);
    let mut d = Decisions::default();
    let mut st = conn
        .prepare(
            "SELECT kind, a_id, b_id, code, inputs_hash, decision, comment, reviewer, decided_at
             FROM decisions ORDER BY key",
        )
        .map_err(&e)?;
    let mut rows = st.query([]).map_err(&e)?;
    while let Some(r) = rows.next().map_err(&e)? {
        let kind: String = r.get(0).map_err(&e)?;
        let decision: String = r.get(5).map_err(&e)?;
        match (kind.as_str(), decision.as_str()) {
            ("pair", "same" | "different") => d.pairs.push(PairDecision {
                a_id: r.get(1).map_err(&e)?,
                b_id: r.get(2).map_err(&e)?,
                same: decision == "same",
            }),
            ("fix", "reject_fix") => {
                let key = FixKey {
                    org_id: r.get(1).map_err(&e)?,
                    code: r.get(3).map_err(&e)?,
                    proposed_parent_id: r.get(2).map_err(&e)?,
                    inputs_hash: r.get(4).map_err(&e)?,
                };
                let rej = Rejection {
                    decided_at: r.get(8).map_err(&e)?,
                    reviewer: r.get(7).map_err(&e)?,
                    comment: r.get(6).map_err(&e)?,
                };
                d.rejected_fixes.insert(key, rej);
            }
            _ => {}
        }
    }
    Ok(d)
}
