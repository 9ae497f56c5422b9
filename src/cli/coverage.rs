//! `orgclean coverage`: which divisions' science associations are missing, duplicated or
//! misplaced (coverage.csv and a per-province summary on the console).

use std::path::PathBuf;

use clap::Args;

use crate::dedupe::DedupeOptions;
use crate::error::{Outcome, Result};
use crate::lang::Lang;
use crate::report::commands;
use crate::settings::RunSettings;

use super::InputArgs;

#[derive(Debug, Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output directory for coverage.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Report every division of the country, not only those of the provinces in the input.
    #[arg(long)]
    pub all_divisions: bool,
    /// Pairs scoring at least this are merged (0..1); coverage counts merged records as one.
    #[arg(long, default_value_t = DedupeOptions::default().merge_threshold)]
    pub merge_threshold: f32,
}

pub fn run(args: &CoverageArgs, quiet: bool, lang: Lang) -> Result<Outcome> {
    let settings = RunSettings::coverage_only(args.merge_threshold, args.all_divisions, lang)?;
    let opts = args.input.to_hierarchy_options(quiet)?;
    let (dumps, out, warn) = (&args.input.dumps, &args.out, super::warn);
    let (p, text) =
        commands::coverage(&commands::RunJob { dumps, import: &opts, settings: &settings, out, warn })?;
    if !quiet {
        print!("{text}");
    }
    super::leave_at_exit(p);
    Ok(Outcome::Clean)
}
