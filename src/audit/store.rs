//! A night's findings, clusters and review pairs in the audit database, stored as what changed.
//!
//! Each item is kept as spans: one row per stretch of nights during which it stayed the same,
//! from `first_run` to `last_run` (NULL while it is still there in the latest run). A night that
//! changes little adds little: an unchanged item costs nothing, a changed one closes its span and
//! opens another, a gone one closes its span. Every night stays readable (the items of run R are
//! the spans with `first_run <= R <= last_run`), and the trend per night is kept in `run_counts`.
//! On 1,000,000 records the database grew 70 MB a night when every night was stored whole.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::db::db_err;
use super::diff::{Diff, Previous};
use super::snapshot::{ClusterRow, FindingRow, Member, PairRow, Snapshot};
use crate::error::{Error, Result};

/// v3: spans instead of whole nights (see the module comment). The rows of earlier versions
/// become one-night spans; those of the latest run stay open.
pub const V3: &str = "
CREATE TABLE finding_spans (
    org_id TEXT NOT NULL,
    code TEXT NOT NULL,
    first_run INTEGER NOT NULL,
    last_run INTEGER,
    nights INTEGER NOT NULL,
    digest TEXT NOT NULL,
    severity TEXT NOT NULL,
    name TEXT NOT NULL,
    detail TEXT NOT NULL,
    proposed_parent_id TEXT NOT NULL,
    proposed_parent_name TEXT NOT NULL,
    confidence TEXT NOT NULL,
    reason TEXT NOT NULL,
    inputs_hash TEXT NOT NULL,
    PRIMARY KEY (org_id, code, first_run)
) WITHOUT ROWID;
CREATE TABLE cluster_spans (
    cluster_id TEXT NOT NULL,
    first_run INTEGER NOT NULL,
    last_run INTEGER,
    nights INTEGER NOT NULL,
    digest TEXT NOT NULL,
    survivor_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    members TEXT NOT NULL,
    PRIMARY KEY (cluster_id, first_run)
) WITHOUT ROWID;
CREATE TABLE pair_spans (
    a_id TEXT NOT NULL,
    b_id TEXT NOT NULL,
    first_run INTEGER NOT NULL,
    last_run INTEGER,
    digest TEXT NOT NULL,
    a_name TEXT NOT NULL,
    b_name TEXT NOT NULL,
    score REAL NOT NULL,
    reasons TEXT NOT NULL,
    PRIMARY KEY (a_id, b_id, first_run)
) WITHOUT ROWID;
CREATE TABLE run_counts (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    code TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (run_id, code)
) WITHOUT ROWID;
INSERT INTO finding_spans
    SELECT org_id, code, run_id, CASE WHEN run_id = (SELECT max(id) FROM runs) THEN NULL ELSE run_id END,
           nights, '', severity, name, detail, proposed_parent_id, proposed_parent_name, confidence, reason,
           inputs_hash
    FROM findings;
INSERT INTO cluster_spans
    SELECT cluster_id, run_id, CASE WHEN run_id = (SELECT max(id) FROM runs) THEN NULL ELSE run_id END,
           nights, '', survivor_id, size, members
    FROM clusters;
INSERT INTO pair_spans
    SELECT a_id, b_id, run_id, CASE WHEN run_id = (SELECT max(id) FROM runs) THEN NULL ELSE run_id END,
           '', a_name, b_name, score, reasons
    FROM review_pairs;
INSERT INTO run_counts SELECT run_id, code, count(*) FROM findings GROUP BY run_id, code;
DROP TABLE findings;
DROP TABLE clusters;
DROP TABLE review_pairs;
";

/// v4: where the records named by the items are (the review sheet's 省份/地市, `review export
/// --province`). One row per record, updated when it moves: the latest place is what a reviewer
/// is sent, and an unchanged place costs nothing a night. And a review pair's reasons in Chinese
/// for the sheet (a cluster member's are in its members' JSON).
pub const V4: &str = "
CREATE TABLE org_places (
    org_id TEXT PRIMARY KEY,
    province TEXT NOT NULL,
    city TEXT NOT NULL
) WITHOUT ROWID;
ALTER TABLE pair_spans ADD COLUMN reasons_zh TEXT NOT NULL DEFAULT '';
";

/// v5: a finding's detail and fix reason in Chinese, for the review sheet (its fix rows were in
/// English). The digest covers them, so spans stored before are written again once, on the
/// next audit; until then the review sheet shows their English text.
pub const V5: &str = "
ALTER TABLE finding_spans ADD COLUMN detail_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE finding_spans ADD COLUMN reason_zh TEXT NOT NULL DEFAULT '';
";

/// What an item was stored as: equal digests, nothing to write. Spans migrated from v2 have an
/// empty digest and are rewritten once.
fn digest(fields: &[&str]) -> String {
    let mut h = Sha256::new();
    for f in fields {
        h.update(f.as_bytes());
        h.update([0x1f]);
    }
    h.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

fn finding_digest(f: &FindingRow) -> String {
    digest(&[
        &f.severity,
        &f.name,
        &f.detail,
        &f.proposed_parent_id,
        &f.proposed_parent_name,
        &f.confidence,
        &f.reason,
        &f.inputs_hash,
        &f.detail_zh,
        &f.reason_zh,
    ])
}

fn members_json(c: &ClusterRow) -> Result<String> {
    serde_json::to_string(&c.members)
        .map_err(|err| Error::Internal(format!("cluster members as JSON: {err}")))
}

fn pair_digest(p: &PairRow) -> String {
    digest(&[&p.a_name, &p.b_name, &format!("{:.6}", p.score), &p.reasons, &p.reasons_zh])
}

fn parse_members(json: &str, path: &Path) -> Result<Vec<Member>> {
    serde_json::from_str(json).map_err(|err| Error::Database {
        path: path.to_path_buf(),
        message: format!("a stored cluster's member list is not valid: {err}"),
    })
}

/// The last recorded run, with its findings and clusters (the open spans).
pub fn previous_run(conn: &Connection, path: &Path) -> Result<Option<Previous>> {
    let e = db_err(path);
    let Some((run_id, as_of, records)) = conn
        .query_row("SELECT id, as_of, records FROM runs ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })
        .optional()
        .map_err(&e)?
    else {
        return Ok(None);
    };
    let mut prev = Previous { run_id, as_of, records: records.max(0) as u64, ..Previous::default() };
    // Runs are numbered one after another, so the nights in a row at run R are those at the
    // span's first run plus the runs since.
    let nights_now = |first: i64, nights: u32| nights + (run_id - first).max(0) as u32;
    let mut st = conn
        .prepare("SELECT org_id, code, first_run, nights, detail, digest FROM finding_spans WHERE last_run IS NULL")
        .map_err(&e)?;
    let mut rows = st.query([]).map_err(&e)?;
    while let Some(r) = rows.next().map_err(&e)? {
        let key: (String, String) = (r.get(0).map_err(&e)?, r.get(1).map_err(&e)?);
        let nights = nights_now(r.get(2).map_err(&e)?, r.get(3).map_err(&e)?);
        prev.stored.findings.insert(key.clone(), r.get(5).map_err(&e)?);
        prev.findings.insert(key, (nights, r.get(4).map_err(&e)?));
    }
    let mut st = conn
        .prepare(
            "SELECT cluster_id, first_run, nights, members, digest FROM cluster_spans WHERE last_run IS NULL",
        )
        .map_err(&e)?;
    let mut rows = st.query([]).map_err(&e)?;
    while let Some(r) = rows.next().map_err(&e)? {
        let id: String = r.get(0).map_err(&e)?;
        let nights = nights_now(r.get(1).map_err(&e)?, r.get(2).map_err(&e)?);
        let members: String = r.get(3).map_err(&e)?;
        let ids = parse_members(&members, path)?.into_iter().map(|m| m.id).collect();
        prev.stored.clusters.insert(id.clone(), r.get(4).map_err(&e)?);
        prev.clusters.insert(id, (nights, ids));
    }
    let mut st =
        conn.prepare("SELECT a_id, b_id, digest FROM pair_spans WHERE last_run IS NULL").map_err(&e)?;
    let mut rows = st.query([]).map_err(&e)?;
    while let Some(r) = rows.next().map_err(&e)? {
        prev.stored.pairs.insert((r.get(0).map_err(&e)?, r.get(1).map_err(&e)?), r.get(2).map_err(&e)?);
    }
    Ok(Some(prev))
}

/// How the previous run's open spans were stored, to tell what changed (kept by `previous_run`).
#[derive(Debug, Clone, Default)]
pub struct StoredSpans {
    /// (org id, code) → digest.
    pub findings: HashMap<(String, String), String>,
    /// Cluster id → digest.
    pub clusters: HashMap<String, String>,
    /// (a id, b id) → digest.
    pub pairs: HashMap<(String, String), String>,
}

/// Store this run as what changed since `prev`; returns its id. Call inside the run's
/// transaction, with the `prev` read in it.
pub fn insert_run(
    tx: &Transaction,
    path: &Path,
    s: &Snapshot,
    d: &Diff,
    prev: Option<&Previous>,
) -> Result<i64> {
    use super::diff::Change;
    let e = db_err(path);
    let count = |c: Change| d.rows.iter().filter(|r| r.change == c).count() as i64;
    tx.execute(
        "INSERT INTO runs (started_at, finished_at, as_of, tool_version, settings, records, clusters,
                           findings, new, resolved, persisting)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            s.started_at,
            super::db::now_utc(),
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
    let empty = StoredSpans::default();
    let stored = prev.map_or(&empty, |p| &p.stored);
    let prev_id = prev.map_or(0, |p| p.run_id);
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
        let mut by_code: BTreeMap<&str, i64> = BTreeMap::new();
        for f in &s.findings {
            *by_code.entry(f.code.as_str()).or_default() += 1;
        }
        let mut st =
            tx.prepare("INSERT INTO run_counts (run_id, code, n) VALUES (?1, ?2, ?3)").map_err(&e)?;
        for (code, n) in by_code {
            st.execute(params![run_id, code, n]).map_err(&e)?;
        }

        let mut close = tx
            .prepare(
                "UPDATE finding_spans SET last_run = ?3 WHERE org_id = ?1 AND code = ?2 AND last_run IS NULL",
            )
            .map_err(&e)?;
        let mut open = tx
            .prepare(
                "INSERT INTO finding_spans (org_id, code, first_run, last_run, nights, digest, severity, name, detail,
                     proposed_parent_id, proposed_parent_name, confidence, reason, inputs_hash, detail_zh,
                     reason_zh)
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .map_err(&e)?;
        for (f, nights) in s.findings.iter().zip(&d.finding_nights) {
            let dg = finding_digest(f);
            match stored.findings.get(&f.key()) {
                Some(was) if *was == dg => continue,
                Some(_) => {
                    close.execute(params![f.org_id, f.code, prev_id]).map_err(&e)?;
                }
                None => {}
            }
            open.execute(params![
                f.org_id,
                f.code,
                run_id,
                nights,
                dg,
                f.severity,
                f.name,
                f.detail,
                f.proposed_parent_id,
                f.proposed_parent_name,
                f.confidence,
                f.reason,
                f.inputs_hash,
                f.detail_zh,
                f.reason_zh
            ])
            .map_err(&e)?;
        }
        let now: std::collections::HashSet<(&str, &str)> =
            s.findings.iter().map(|f| (f.org_id.as_str(), f.code.as_str())).collect();
        for (org, code) in stored.findings.keys() {
            if !now.contains(&(org.as_str(), code.as_str())) {
                close.execute(params![org, code, prev_id]).map_err(&e)?;
            }
        }

        let mut close = tx
            .prepare("UPDATE cluster_spans SET last_run = ?2 WHERE cluster_id = ?1 AND last_run IS NULL")
            .map_err(&e)?;
        let mut open = tx
            .prepare(
                "INSERT INTO cluster_spans (cluster_id, first_run, last_run, nights, digest, survivor_id, size, members)
                 VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(&e)?;
        for (c, nights) in s.clusters.iter().zip(&d.cluster_nights) {
            let members = members_json(c)?;
            // The members hold names and merge reasons; the survivor is among them.
            let dg = digest(&[&c.survivor_id, &members]);
            match stored.clusters.get(&c.cluster_id) {
                Some(was) if *was == dg => continue,
                Some(_) => {
                    close.execute(params![c.cluster_id, prev_id]).map_err(&e)?;
                }
                None => {}
            }
            open.execute(params![
                c.cluster_id,
                run_id,
                nights,
                dg,
                c.survivor_id,
                c.members.len() as i64,
                members
            ])
            .map_err(&e)?;
        }
        let now: std::collections::HashSet<&str> = s.clusters.iter().map(|c| c.cluster_id.as_str()).collect();
        for id in stored.clusters.keys() {
            if !now.contains(id.as_str()) {
                close.execute(params![id, prev_id]).map_err(&e)?;
            }
        }

        let mut close = tx
            .prepare("UPDATE pair_spans SET last_run = ?3 WHERE a_id = ?1 AND b_id = ?2 AND last_run IS NULL")
            .map_err(&e)?;
        let mut open = tx
            .prepare(
                "INSERT INTO pair_spans (a_id, b_id, first_run, last_run, digest, a_name, b_name, score, reasons,
                     reasons_zh)
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .map_err(&e)?;
        for p in &s.review_pairs {
            let dg = pair_digest(p);
            match stored.pairs.get(&(p.a_id.clone(), p.b_id.clone())) {
                Some(was) if *was == dg => continue,
                Some(_) => {
                    close.execute(params![p.a_id, p.b_id, prev_id]).map_err(&e)?;
                }
                None => {}
            }
            open.execute(params![
                p.a_id,
                p.b_id,
                run_id,
                dg,
                p.a_name,
                p.b_name,
                p.score as f64,
                p.reasons,
                p.reasons_zh
            ])
            .map_err(&e)?;
        }
        let now: std::collections::HashSet<(&str, &str)> =
            s.review_pairs.iter().map(|p| (p.a_id.as_str(), p.b_id.as_str())).collect();
        for (a, b) in stored.pairs.keys() {
            if !now.contains(&(a.as_str(), b.as_str())) {
                close.execute(params![a, b, prev_id]).map_err(&e)?;
            }
        }
        let mut place = tx
            .prepare(
                "INSERT INTO org_places (org_id, province, city) VALUES (?1, ?2, ?3)
                 ON CONFLICT (org_id) DO UPDATE SET province = excluded.province, city = excluded.city
                 WHERE province <> excluded.province OR city <> excluded.city",
            )
            .map_err(&e)?;
        for p in &s.places {
            place.execute(params![p.org_id, p.province, p.city]).map_err(&e)?;
        }
    }
    Ok(run_id)
}

/// What the last run left to review.
#[derive(Debug, Default)]
pub struct OpenItems {
    pub run_id: i64,
    pub pairs: Vec<PairRow>,
    pub clusters: Vec<ClusterRow>,
    /// Findings with a fix (proposed or needs_review).
    pub fixes: Vec<FindingRow>,
    /// Org id → (province, city), for the records above (databases from before v4 have none
    /// until the next audit).
    pub places: HashMap<String, (String, String)>,
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
            "SELECT a_id, b_id, a_name, b_name, score, reasons, reasons_zh FROM pair_spans WHERE last_run IS NULL
             ORDER BY score DESC, a_id, b_id",
        )
        .map_err(&e)?;
    let rows = st
        .query_map([], |r| {
            Ok(PairRow {
                a_id: r.get(0)?,
                b_id: r.get(1)?,
                a_name: r.get(2)?,
                b_name: r.get(3)?,
                score: r.get::<_, f64>(4)? as f32,
                reasons: r.get(5)?,
                reasons_zh: r.get(6)?,
            })
        })
        .map_err(&e)?;
    items.pairs = rows.collect::<rusqlite::Result<_>>().map_err(&e)?;

    let mut st = conn
        .prepare(
            "SELECT cluster_id, survivor_id, members FROM cluster_spans WHERE last_run IS NULL ORDER BY cluster_id",
        )
        .map_err(&e)?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .map_err(&e)?;
    for row in rows {
        let (cluster_id, survivor_id, members) = row.map_err(&e)?;
        items.clusters.push(ClusterRow { cluster_id, survivor_id, members: parse_members(&members, path)? });
    }

    let mut st = conn
        .prepare(
            "SELECT org_id, code, severity, name, detail, proposed_parent_id, proposed_parent_name,
                    confidence, reason, inputs_hash, detail_zh, reason_zh
             FROM finding_spans WHERE last_run IS NULL AND confidence <> ''
             ORDER BY CASE confidence WHEN 'needs_review' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
                      org_id, code",
        )
        .map_err(&e)?;
    let rows = st
        .query_map([], |r| {
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
                detail_zh: r.get(10)?,
                reason_zh: r.get(11)?,
            })
        })
        .map_err(&e)?;
    items.fixes = rows.collect::<rusqlite::Result<_>>().map_err(&e)?;

    let mut st = conn.prepare("SELECT org_id, province, city FROM org_places").map_err(&e)?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?)))).map_err(&e)?;
    items.places = rows.collect::<rusqlite::Result<_>>().map_err(&e)?;
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
        "SELECT EXISTS (SELECT 1 FROM finding_spans WHERE org_id = ?1 AND code = ?2 AND inputs_hash = ?3)",
        params![org_id, code, inputs_hash],
        |r| r.get(0),
    )
    .map_err(db_err(path))
}

/// Findings per code of every recorded run (the trend), by run id.
pub fn counts_by_run(conn: &Connection, path: &Path) -> Result<Vec<(i64, String, i64)>> {
    let e = db_err(path);
    let mut st = conn.prepare("SELECT run_id, code, n FROM run_counts ORDER BY run_id, code").map_err(&e)?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(&e)?;
    rows.collect::<rusqlite::Result<_>>().map_err(&e)
}

/// The input paths of the last recorded run, as given to it.
pub fn last_run_inputs(conn: &Connection, path: &Path) -> Result<Vec<String>> {
    let e = db_err(path);
    let mut st = conn
        .prepare("SELECT path FROM run_inputs WHERE run_id = (SELECT max(id) FROM runs) ORDER BY position")
        .map_err(&e)?;
    let rows = st.query_map([], |r| r.get(0)).map_err(&e)?;
    rows.collect::<rusqlite::Result<_>>().map_err(&e)
}
