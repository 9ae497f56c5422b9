//! `orgclean history`: the trend, one line per recorded run; `--out` writes it as a workbook with
//! a line chart of findings per code per night.

use std::path::PathBuf;

use clap::Args;

use crate::{audit::db, audit::history, error::Outcome, error::Result, report::history as render};

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Audit database written by `orgclean audit`.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Print JSON (one object per run) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also write the trend as a workbook (a sheet and a line chart per finding code).
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: Option<PathBuf>,
}

pub fn run(a: &HistoryArgs, lang: crate::lang::Lang) -> Result<Outcome> {
    a.out.as_deref().map(|out| crate::settings::xlsx_out(out, "--out")).transpose()?;
    let adb = db::AuditDb::open(&a.db, false, std::time::Duration::from_secs(60))?;
    let rows = history::history(&adb.conn, &a.db)?;
    if let Some(out) = &a.out {
        render::write_workbook(&rows, lang, out)?;
    }
    super::print_stdout(&render::text(&rows, a.json, lang)?)?;
    Ok(Outcome::Clean)
}
