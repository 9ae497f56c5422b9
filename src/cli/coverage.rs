//! `orgclean coverage`: which divisions' science associations are missing, duplicated or
//! misplaced (coverage.csv and a per-province summary on the console).

use crate::{dedupe::DedupeOptions, error::Outcome, error::Result, lang::Lang, report::commands};
use {super::InputArgs, crate::settings::RunSettings, clap::Args, std::path::PathBuf};

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
    let (import, dumps, out) = (args.input.to_hierarchy_options(quiet)?, &args.input.dumps, &args.out);
    let job = commands::RunJob { dumps, import: &import, settings: &settings, out, warn: super::warn };
    super::print_and_leave(quiet, commands::coverage(&job)?, |(_, text)| Ok(text.clone()))
}
