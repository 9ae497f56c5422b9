//! `orgclean review export|import`: the review sheet for the last audit's open items, and the
//! decisions read back into the audit database (docs/nightly-audit.md).

use crate::{audit, error::Outcome, error::Result, lang::Lang, province::ProvinceFilter, report};
use {clap::Args, clap::Subcommand, std::path::PathBuf, std::time::Duration};

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Write the open items of the last audit as a workbook to fill in: the decision is a drop-down
    /// (同一单位 / 不同单位 for pairs and cluster members, 接受修正 / 拒绝修正 for fixes).
    Export(ExportArgs),
    /// Store the decisions of a filled-in sheet (.xlsx or CSV); later `run --db`/`audit` honour them.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Audit database written by `orgclean audit`.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The sheet to write: a workbook (.xlsx), or a UTF-8 CSV with BOM when the name ends in .csv.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Only the items of this province (湖南 or 湖南省): one sheet per provincial administrator.
    #[arg(long, value_name = "PROVINCE")]
    pub province: Option<String>,
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

pub fn run(cmd: &ReviewCommand, quiet: bool, lang: Lang) -> Result<Outcome> {
    let summary = match cmd {
        ReviewCommand::Export(a) => {
            let province = a.province.as_deref().map(ProvinceFilter::parse).transpose()?;
            let x = report::review::export(&a.db, &a.out, province.as_ref(), lang)?;
            report::review::export_summary(&x, &a.out, lang)
        }
        ReviewCommand::Import(a) => {
            let done = audit::review::import(&a.sheet, &a.db, &a.reviewer, Duration::from_secs(a.db_wait))?;
            report::review::import_summary(&done, lang)
        }
    };
    if !quiet {
        eprint!("{summary}");
    }
    Ok(Outcome::Clean)
}
