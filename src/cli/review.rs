//! `orgclean review export|import`: the review sheet for the last audit's open items, and the
//! decisions read back into the audit database.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::audit::{db, review};
use crate::error::{Error, Outcome, Result};
use crate::report;

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Write the open items of the last run (grey-zone pairs, cluster members, fixes) as a CSV to
    /// fill in: decision = same / different (pairs, cluster members) or accept_fix / reject_fix;
    /// the Chinese words 同一单位 / 不同单位, 接受修正 / 拒绝修正 are accepted too.
    Export(ExportArgs),
    /// Store the decisions of a filled-in sheet; every later `run --db`/`audit` honours them.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Audit database written by `orgclean audit`.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// The sheet to write (UTF-8 CSV with BOM: opens in Excel/WPS).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The filled-in sheet.
    #[arg(value_name = "SHEET")]
    pub sheet: PathBuf,

    /// Audit database written by `orgclean audit`.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// Reviewer recorded for rows whose reviewer cell is empty.
    #[arg(long, default_value = "")]
    pub reviewer: String,

    /// Seconds to wait while an audit writes to the database.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub db_wait: u64,
}

pub fn run(cmd: &ReviewCommand, quiet: bool) -> Result<Outcome> {
    match cmd {
        ReviewCommand::Export(a) => export(a, quiet),
        ReviewCommand::Import(a) => import(a, quiet),
    }
}

fn export(a: &ExportArgs, quiet: bool) -> Result<Outcome> {
    let adb = db::AuditDb::open(&a.db, false, Duration::from_secs(60))?;
    let items = db::last_run_items(&adb.conn, &a.db)?.ok_or_else(|| Error::Database {
        path: a.db.clone(),
        message: "no run recorded yet; run `orgclean audit` first".into(),
    })?;
    let decided = db::decided_keys(&adb.conn, &a.db)?;
    let (rows, [pairs, members, fixes]) = report::review::open_rows(&items, &decided);
    report::review::write_sheet(&rows, &a.out)?;
    if !quiet {
        eprintln!(
            "review: {} open items from run #{} ({pairs} pairs, {members} cluster members, {fixes} fixes) \
             written to {}",
            rows.len(),
            items.run_id,
            a.out.display()
        );
    }
    Ok(Outcome::Clean)
}

fn import(a: &ImportArgs, quiet: bool) -> Result<Outcome> {
    let display = a.sheet.display().to_string();
    let bytes = std::fs::read(&a.sheet).map_err(|source| Error::Read { path: a.sheet.clone(), source })?;
    let mut adb = db::AuditDb::open(&a.db, false, Duration::from_secs(a.db_wait))?;
    let parsed = review::parse(&bytes, &display, &a.reviewer, &adb.conn, &a.db)?;
    let path = a.db.clone();
    // One transaction: the sheet is stored whole or not at all.
    let tx = adb.begin_write()?;
    db::store_decisions(&tx, &path, &parsed.decisions, &display)?;
    tx.commit().map_err(|e| Error::Database { path: path.clone(), message: e.to_string() })?;
    if !quiet {
        let mut by: std::collections::BTreeMap<&str, usize> = Default::default();
        for d in &parsed.decisions {
            *by.entry(d.decision.as_str()).or_insert(0) += 1;
        }
        let counts: Vec<String> = by.iter().map(|(k, n)| format!("{k} {n}")).collect();
        eprintln!(
            "review: stored {} decision(s) ({}); {} row(s) without a decision left open",
            parsed.decisions.len(),
            if counts.is_empty() { "none".to_string() } else { counts.join(", ") },
            parsed.undecided
        );
    }
    Ok(Outcome::Clean)
}
