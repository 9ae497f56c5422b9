//! `orgclean history`: the trend, one line per recorded run; `--out` writes it as a workbook with
//! a line chart of findings per code per night.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::audit::{db, history};
use crate::error::{Error, Outcome, Result};
use crate::lang::Lang;
use crate::report;

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

pub fn run(a: &HistoryArgs, lang: Lang) -> Result<Outcome> {
    // `--out` replaces its file: anything but a workbook path (the database itself, a typo such
    // as `--out audit.sqlite`) would be lost.
    if let Some(out) = &a.out {
        let is_xlsx = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        if !is_xlsx {
            return Err(Error::Usage(format!(
                "--out {}: the trend workbook must be a .xlsx file (it replaces that file)",
                out.display()
            )));
        }
    }
    let adb = db::AuditDb::open(&a.db, false, Duration::from_secs(60))?;
    let rows = history::history(&adb.conn, &a.db)?;
    if let Some(out) = &a.out {
        // The workbook's date is the last night's as-of date: the same database gives the same bytes.
        let as_of = rows
            .last()
            .and_then(|r| chrono::NaiveDate::parse_from_str(&r.as_of, "%Y-%m-%d").ok())
            .unwrap_or_default();
        let sheet = report::history::trend_sheet(&rows, lang);
        let title = lang.pick("orgclean 审计趋势", "orgclean audit trend");
        report::outputs::write_workbook(&[sheet], as_of, title, out)?;
    }
    if a.json {
        let text =
            serde_json::to_string_pretty(&rows).map_err(|e| Error::Internal(format!("history: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", report::history::table(&rows, lang));
    }
    Ok(Outcome::Clean)
}
