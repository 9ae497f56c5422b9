//! `orgclean check`: validate parent chains, propose fixes, write findings.csv.

use crate::report::{commands, console};
use crate::{dedupe::DedupeOptions, error::Outcome, error::Result, lang::Lang};
use {crate::settings::cluster_source, clap::Args, std::path::PathBuf};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: super::InputArgs,
    /// Output directory for findings.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Duplicate clusters (clusters.csv of `orgclean dedupe`: org_id,cluster_id,is_survivor), for
    /// parent_is_duplicate. Without it, check runs dedupe itself.
    #[arg(long, value_name = "FILE", conflicts_with = "no_dedupe")]
    pub clusters: Option<PathBuf>,
    /// When check runs dedupe itself: pairs scoring at least this are merged (0..1).
    #[arg(long, default_value_t = DedupeOptions::default().merge_threshold, conflicts_with_all = ["clusters", "no_dedupe"])]
    pub merge_threshold: f32,
    /// Do not look for duplicates: no parent is treated as a duplicate (faster).
    #[arg(long)]
    pub no_dedupe: bool,
    /// Exit with 1 when a code reaches a count, e.g. `--fail-on cycle=1,skips_province=10`.
    #[arg(long, value_name = "CODE=N,...")]
    pub fail_on: Option<String>,
}

pub fn run(args: &CheckArgs, quiet: bool, lang: Lang) -> Result<Outcome> {
    let fail_on = crate::config::fail_on_flag(args.fail_on.as_deref())?;
    let source = cluster_source(args.clusters.as_deref(), args.no_dedupe, args.merge_threshold)?;
    let (import, dumps, out) = (args.input.to_hierarchy_options(quiet)?, &args.input.dumps[..], &args.out);
    let job = commands::Job { dumps, import: &import, out, lang, warn: super::warn };
    let c = commands::check(&job, &source)?;
    let reached = commands::thresholds(&c.result.findings, &fail_on);
    super::print_and_leave(quiet, c, |c| console::check(&c.dir, &c.profiles, &c.result, lang))?;
    Ok(super::run::reached_outcome(&reached))
}
