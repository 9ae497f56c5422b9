//! The audit database: schema, versioned migrations, one transaction per run.
//!
//! Migrations are SQL batches applied in order; `PRAGMA user_version` records how many have run,
//! so a newer binary upgrades an older database in place (inside one transaction) and an older
//! binary refuses a newer database instead of misreading it. Every statement that carries data
//! is parameterized.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{
    params, Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};

use super::decisions::{Decisions, FixKey, PairDecision, Rejection};
use super::diff::{Change, Diff, Previous};
use super::snapshot::{ClusterRow, FindingRow, Member, PairRow, Snapshot};
use crate::error::{Error, Result};

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

const MIGRATIONS: &[&str] = &[V1, V2];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn db_err(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| {
        let busy = matches!(&e, rusqlite::Error::SqliteFailure(f, _)
            if f.code == ErrorCode::DatabaseBusy || f.code == ErrorCode::DatabaseLocked);
        let message = if busy {
            "another orgclean process is writing to this database and did not finish in time; \
             try again later or give a longer --db-wait"
                .to_string()
        } else {
            e.to_string()
        };
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
            return Err(Error::Database {
                path: path.to_path_buf(),
                message: "no such file; `orgclean audit --db FILE` creates it".into(),
            });
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
    let v = user_version(conn).map_err(&e)?;
    if v > SCHEMA_VERSION {
        return Err(newer(v));
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

/// The last recorded run, with its findings and clusters.
pub fn previous_run(conn: &Connection, path: &Path) -> Result<Option<Previous>> {
    let e = db_err(path);
    let Some((run_id, as_of)) = conn
        .query_row("SELECT id, as_of FROM runs ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .optional()
        .map_err(&e)?
    else {
        return Ok(None);
    };
    let mut prev = Previous { run_id, as_of, ..Previous::default() };
    let mut st =
        conn.prepare("SELECT org_id, code, nights, detail FROM findings WHERE run_id = ?1").map_err(&e)?;
    let rows = st
        .query_map([run_id], |r| Ok(((r.get(0)?, r.get(1)?), (r.get::<_, u32>(2)?, r.get(3)?))))
        .map_err(&e)?;
    for row in rows {
        let (k, v) = row.map_err(&e)?;
        prev.findings.insert(k, v);
    }
    let mut st =
        conn.prepare("SELECT cluster_id, nights, members FROM clusters WHERE run_id = ?1").map_err(&e)?;
    let rows = st
        .query_map([run_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, String>(2)?)))
        .map_err(&e)?;
    for row in rows {
        let (id, nights, members) = row.map_err(&e)?;
        let ids = parse_members(&members, path)?.into_iter().map(|m| m.id).collect();
        prev.clusters.insert(id, (nights, ids));
    }
    Ok(Some(prev))
}

fn parse_members(json: &str, path: &Path) -> Result<Vec<Member>> {
    serde_json::from_str(json).map_err(|err| Error::Database {
        path: path.to_path_buf(),
        message: format!("a stored cluster's member list is not valid: {err}"),
    })
}

/// Store this run; returns its id. Call inside the run's transaction.
pub fn insert_run(tx: &Transaction, path: &Path, s: &Snapshot, d: &Diff) -> Result<i64> {
    let e = db_err(path);
    let count = |c: Change| d.rows.iter().filter(|r| r.change == c).count() as i64;
    tx.execute(
        "INSERT INTO runs (started_at, finished_at, as_of, tool_version, settings, records, clusters,
                           findings, new, resolved, persisting)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            s.started_at,
            now_utc(),
            s.as_of,
            env!("CARGO_PKG_VERSION"),
            s.settings_json,
            s.records as i64,
            s.clusters.len() as i64,
            s.findings.len() as i64,
            count(Change::New),
            count(Change::Resolved),
            count(Change::Persisting),
        ],
    )
    .map_err(&e)?;
    let run_id = tx.last_insert_rowid();
    {
        let mut st = tx
            .prepare(
                "INSERT INTO run_inputs (run_id, position, path, bytes, sha256, encoding, rows_read, accepted, rejected)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .map_err(&e)?;
        for (k, i) in s.inputs.iter().enumerate() {
            st.execute(params![
                run_id,
                k as i64,
                i.path,
                i.bytes as i64,
                i.sha256,
                i.encoding,
                i.counts.rows_read as i64,
                i.counts.accepted as i64,
                i.counts.rejected as i64
            ])
            .map_err(&e)?;
        }
        let mut st = tx
            .prepare(
                "INSERT INTO findings (run_id, org_id, code, severity, name, detail, proposed_parent_id,
                                       confidence, nights, proposed_parent_name, reason, inputs_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .map_err(&e)?;
        for (f, nights) in s.findings.iter().zip(&d.finding_nights) {
            st.execute(params![
                run_id,
                f.org_id,
                f.code,
                f.severity,
                f.name,
                f.detail,
                f.proposed_parent_id,
                f.confidence,
                nights,
                f.proposed_parent_name,
                f.reason,
                f.inputs_hash
            ])
            .map_err(&e)?;
        }
        let mut st = tx
            .prepare(
                "INSERT INTO clusters (run_id, cluster_id, survivor_id, size, members, nights)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(&e)?;
        for (c, nights) in s.clusters.iter().zip(&d.cluster_nights) {
            let members = serde_json::to_string(&c.members)
                .map_err(|err| Error::Internal(format!("cluster members as JSON: {err}")))?;
            st.execute(params![run_id, c.cluster_id, c.survivor_id, c.members.len() as i64, members, nights])
                .map_err(&e)?;
        }
        let mut st = tx
            .prepare(
                "INSERT INTO review_pairs (run_id, a_id, b_id, a_name, b_name, score, reasons)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(&e)?;
        for p in &s.review_pairs {
            st.execute(params![run_id, p.a_id, p.b_id, p.a_name, p.b_name, p.score as f64, p.reasons])
                .map_err(&e)?;
        }
    }
    Ok(run_id)
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
pub fn decided_keys(conn: &Connection, path: &Path) -> Result<HashSet<String>> {
    let e = db_err(path);
    let mut st = conn.prepare("SELECT key FROM decisions").map_err(&e)?;
    let keys = st.query_map([], |r| r.get::<_, String>(0)).map_err(&e)?;
    keys.collect::<rusqlite::Result<_>>().map_err(&e)
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

/// What the last run left to review.
#[derive(Debug, Default)]
pub struct OpenItems {
    pub run_id: i64,
    pub pairs: Vec<PairRow>,
    pub clusters: Vec<ClusterRow>,
    /// Findings with a fix (proposed or needs_review).
    pub fixes: Vec<FindingRow>,
}

pub fn last_run_items(conn: &Connection, path: &Path) -> Result<Option<OpenItems>> {
    let e = db_err(path);
    let Some(run_id) =
        conn.query_row("SELECT max(id) FROM runs", [], |r| r.get::<_, Option<i64>>(0)).map_err(&e)?
    else {
        return Ok(None);
    };
    let mut items = OpenItems { run_id, ..OpenItems::default() };
    let mut st = conn
        .prepare(
            "SELECT a_id, b_id, a_name, b_name, score, reasons FROM review_pairs WHERE run_id = ?1
             ORDER BY score DESC, a_id, b_id",
        )
        .map_err(&e)?;
    let rows = st
        .query_map([run_id], |r| {
            Ok(PairRow {
                a_id: r.get(0)?,
                b_id: r.get(1)?,
                a_name: r.get(2)?,
                b_name: r.get(3)?,
                score: r.get::<_, f64>(4)? as f32,
                reasons: r.get(5)?,
            })
        })
        .map_err(&e)?;
    items.pairs = rows.collect::<rusqlite::Result<_>>().map_err(&e)?;

    let mut st = conn
        .prepare(
            "SELECT cluster_id, survivor_id, members FROM clusters WHERE run_id = ?1 ORDER BY cluster_id",
        )
        .map_err(&e)?;
    let rows = st
        .query_map([run_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .map_err(&e)?;
    for row in rows {
        let (cluster_id, survivor_id, members) = row.map_err(&e)?;
        items.clusters.push(ClusterRow { cluster_id, survivor_id, members: parse_members(&members, path)? });
    }

    let mut st = conn
        .prepare(
            "SELECT org_id, code, severity, name, detail, proposed_parent_id, proposed_parent_name,
                    confidence, reason, inputs_hash
             FROM findings WHERE run_id = ?1 AND confidence <> ''
             ORDER BY CASE confidence WHEN 'needs_review' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
                      org_id, code",
        )
        .map_err(&e)?;
    let rows = st
        .query_map([run_id], |r| {
            Ok(FindingRow {
                org_id: r.get(0)?,
                code: r.get(1)?,
                severity: r.get(2)?,
                name: r.get(3)?,
                detail: r.get(4)?,
                proposed_parent_id: r.get(5)?,
                proposed_parent_name: r.get(6)?,
                confidence: r.get(7)?,
                reason: r.get(8)?,
                inputs_hash: r.get(9)?,
            })
        })
        .map_err(&e)?;
    items.fixes = rows.collect::<rusqlite::Result<_>>().map_err(&e)?;
    Ok(Some(items))
}

/// Whether some recorded run had this finding made on these inputs (validates imported fix rows).
pub fn finding_known(
    conn: &Connection,
    path: &Path,
    org_id: &str,
    code: &str,
    inputs_hash: &str,
) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM findings WHERE org_id = ?1 AND code = ?2 AND inputs_hash = ?3)",
        params![org_id, code, inputs_hash],
        |r| r.get(0),
    )
    .map_err(db_err(path))
}
