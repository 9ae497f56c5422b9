//! `orgclean audit`: `run`, then record the run in the audit database and report what changed
//! since the last one (docs/nightly-audit.md).

use std::time::Duration;

use clap::Args;

use crate::error::{Error, Outcome, Result};
use crate::lang::Lang;
use crate::report::commands;

use super::run::{reached_outcome, RunArgs};

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Print the summary (counts and changes) as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Seconds to wait while another audit writes to the same database before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub db_wait: u64,
    /// Record the night even if it read far fewer records than the last one (a real shrink of
    /// the directory, not a broken export).
    #[arg(long)]
    pub accept_shrink: bool,
    /// After the audit, save the night's lookup index to FILE (`orgclean lookup --index FILE`).
    #[arg(long, value_name = "FILE")]
    pub lookup_index: Option<std::path::PathBuf>,
}

pub fn run(args: &AuditArgs, quiet: bool, lang: Lang) -> Result<Outcome> {
    let ra = &args.run;
    let Some(db) = &ra.db else {
        return Err(Error::Usage("`orgclean audit` needs --db FILE (created if missing)".into()));
    };
    let (settings, input) = ra.settings(lang)?;
    let opts = input.to_hierarchy_options(quiet)?;
    let (dumps, out, warn) = (&input.dumps, &ra.out, super::warn);
    let job = commands::RunJob { dumps, import: &opts, settings: &settings, out, warn };
    let mut done = commands::audit(&job, db, Duration::from_secs(args.db_wait), args.accept_shrink)?;
    if let Some(path) = &args.lookup_index {
        // The outputs are written: the clusters and findings make room for the index.
        let p = &mut done.run.pipeline;
        (p.dedupe, p.check) = Default::default();
        crate::lookup::saved::save_directory(&p.dir, &p.names, &p.profiles, settings.dedupe, dumps, path)?;
    }
    let outcome = reached_outcome(&done.run.reached);
    if args.json {
        println!("{}", done.json(outcome.exit_code())?);
    }
    if !quiet {
        eprint!("{}", done.console(&ra.out, lang));
    }
    super::leave_at_exit(done);
    Ok(outcome)
}
