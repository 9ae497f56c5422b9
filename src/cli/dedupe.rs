//! `orgclean dedupe`: duplicate clusters (clusters.csv), scored pairs (pairs.csv), summary.

use std::path::PathBuf;

use clap::Args;

use crate::report::{console, outputs};
use crate::{dedupe::DedupeOptions, error::Outcome, error::Result, lang::Lang};

#[derive(Debug, Args)]
pub struct DedupeArgs {
    #[command(flatten)]
    pub input: super::InputArgs,
    /// Output directory for clusters.csv and pairs.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Pairs scoring at least this are merged (0..1).
    #[arg(long, default_value_t = DedupeOptions::default().merge_threshold)]
    pub merge_threshold: f32,
    /// Pairs scoring at least this and not merged are listed as needs_review (0..1).
    #[arg(long, default_value_t = DedupeOptions::default().review_threshold)]
    pub review_threshold: f32,
}

pub fn run(args: &DedupeArgs, quiet: bool, lang: Lang) -> Result<Outcome> {
    let opts = crate::settings::thresholds(args.merge_threshold, args.review_threshold)?;
    let import_opts = args.input.to_options(quiet)?;
    crate::output::prepare_out_dir(&args.out, &args.input.dumps)?;
    let (dir, result, warnings) = crate::pipeline::dedupe_only(&args.input.dumps, &import_opts, &opts)?;
    super::warn(&warnings);
    outputs::write_dedupe(&dir, &result, &args.out, lang)?;
    if !quiet {
        super::print_stdout(&console::dedupe(&dir, &result, &args.out, lang)?)?;
    }
    super::leave_at_exit((dir, result));
    Ok(Outcome::Clean)
}
