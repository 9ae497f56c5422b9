//! `orgclean dedupe`: duplicate clusters (clusters.csv), scored pairs (pairs.csv), summary.

use std::path::PathBuf;

use clap::Args;

use crate::dedupe::{self, DedupeOptions};
use crate::error::{Outcome, Result};
use crate::lang::Lang;
use crate::output;
use crate::report::{console, outputs};
use crate::settings;

use super::InputArgs;

#[derive(Debug, Args)]
pub struct DedupeArgs {
    #[command(flatten)]
    pub input: InputArgs,

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
    let opts = settings::thresholds(args.merge_threshold, args.review_threshold)?;
    let import_opts = crate::import::ImportOptions { require_rows: true, ..args.input.to_options(quiet)? };
    output::prepare_out_dir(&args.out, &args.input.dumps)?;
    let dir = crate::import::import(&args.input.dumps, &import_opts)?;
    super::warn(&crate::import::warnings(&dir, crate::import::DEDUPE_RELIES));
    let result = dedupe::run(&dir, &opts);
    outputs::write_dedupe(&dir, &result, &args.out, lang)?;
    if !quiet {
        print!("{}", console::dedupe(&dir, &result, &args.out, lang));
    }
    super::leave_at_exit((dir, result));
    Ok(Outcome::Clean)
}
