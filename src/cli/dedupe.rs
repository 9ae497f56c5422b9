//! `orgclean dedupe`: duplicate clusters (clusters.csv), scored pairs (pairs.csv), summary.

use {clap::Args, std::path::PathBuf};

use crate::{error::Outcome, error::Result, lang::Lang, report::commands, report::console};

#[derive(Debug, Args)]
pub struct DedupeArgs {
    #[command(flatten)]
    pub input: super::InputArgs,
    /// Output directory for clusters.csv and pairs.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub thresholds: super::ThresholdArgs,
}

pub fn run(args: &DedupeArgs, quiet: bool, lang: Lang) -> Result<Outcome> {
    let (opts, import) = (args.thresholds.options()?, args.input.to_options(quiet)?);
    let (dumps, out, warn) = (&args.input.dumps[..], args.out.as_path(), super::warn);
    let found = commands::dedupe(&commands::Job { dumps, import: &import, out, lang, warn }, &opts)?;
    super::print_and_leave(quiet, found, |(dir, res)| console::dedupe(dir, res, out, lang))
}
