//! `orgclean history`: the trend, one line per recorded run.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::audit::{db, history};
use crate::error::{Error, Outcome, Result};

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Audit database written by `orgclean audit`.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// Print JSON (one object per run) instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: &HistoryArgs) -> Result<Outcome> {
    let adb = db::AuditDb::open(&a.db, false, Duration::from_secs(60))?;
    let rows = history::history(&adb.conn, &a.db)?;
    if a.json {
        let text =
            serde_json::to_string_pretty(&rows).map_err(|e| Error::Internal(format!("history: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", table(&rows));
    }
    Ok(Outcome::Clean)
}

fn table(rows: &[history::HistoryRow]) -> String {
    let mut s = String::new();
    if rows.is_empty() {
        s.push_str("no runs recorded yet\n");
        return s;
    }
    let _ = writeln!(
        s,
        "{:>4}  {:<20}  {:<10}  {:>8}  {:>8}  {:>8}  {:>5}  {:>8}  {:>10}  findings by code",
        "run", "finished (UTC)", "as of", "records", "clusters", "findings", "new", "resolved", "persisting"
    );
    for r in rows {
        let codes: Vec<String> = r.by_code.iter().map(|(c, n)| format!("{c}={n}")).collect();
        let _ = writeln!(
            s,
            "{:>4}  {:<20}  {:<10}  {:>8}  {:>8}  {:>8}  {:>5}  {:>8}  {:>10}  {}",
            r.run_id,
            r.finished_at,
            r.as_of,
            r.records,
            r.clusters,
            r.findings,
            r.new,
            r.resolved,
            r.persisting,
            codes.join(" ")
        );
    }
    s
}
