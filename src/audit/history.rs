//! The trend for `orgclean history`: one row per recorded run.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rusqlite::Connection;

use super::db::db_err;
use crate::error::Result;

/// One row of `orgclean history`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HistoryRow {
    pub run_id: i64,
    pub finished_at: String,
    pub as_of: String,
    pub records: i64,
    pub clusters: i64,
    pub findings: i64,
    pub new: i64,
    pub resolved: i64,
    pub persisting: i64,
    pub by_code: BTreeMap<String, i64>,
}

pub fn history(conn: &Connection, path: &Path) -> Result<Vec<HistoryRow>> {
    let e = db_err(path);
    let mut st = conn
        .prepare(
            "SELECT id, finished_at, as_of, records, clusters, findings, new, resolved, persisting
             FROM runs ORDER BY id",
        )
        .map_err(&e)?;
    let rows = st
        .query_map([], |r| {
            Ok(HistoryRow {
                run_id: r.get(0)?,
                finished_at: r.get(1)?,
                as_of: r.get(2)?,
                records: r.get(3)?,
                clusters: r.get(4)?,
                findings: r.get(5)?,
                new: r.get(6)?,
                resolved: r.get(7)?,
                persisting: r.get(8)?,
                by_code: BTreeMap::new(),
            })
        })
        .map_err(&e)?;
    let mut out: Vec<HistoryRow> = rows.collect::<rusqlite::Result<_>>().map_err(&e)?;
    let index: HashMap<i64, usize> = out.iter().enumerate().map(|(k, r)| (r.run_id, k)).collect();
    for (run, code, n) in super::store::counts_by_run(conn, path)? {
        if let Some(&k) = index.get(&run) {
            out[k].by_code.insert(code, n);
        }
    }
    Ok(out)
}
