//! `orgclean history`: the trend, one line per recorded run; `--out` writes it as a workbook with
//! a line chart of findings per code per night.

use {clap::Args, std::path::PathBuf};

use crate::{error::Outcome, error::Result, report::commands, report::history};

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
    let rows = commands::history(&a.db, a.out.as_deref(), lang)?;
    super::print_and_leave(false, rows, |rows| history::text(rows, a.json, lang))
}
