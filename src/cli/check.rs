//! `orgclean check`: validate parent chains, propose fixes, write findings.csv.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use crate::dedupe::{self, DedupeOptions};
use crate::error::{Outcome, Result};
use crate::hierarchy::{self, CheckOptions};
use crate::lang::Lang;
use crate::model::Clusters;
use crate::output;
use crate::profile;
use crate::progress::timing;
use crate::report::{console, outputs};
use crate::settings;

use super::InputArgs;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output directory for findings.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Duplicate clusters (clusters.csv from `orgclean dedupe`: org_id,cluster_id,is_survivor),
    /// needed for parent_is_duplicate. Without it, check runs dedupe itself.
    #[arg(long, value_name = "FILE", conflicts_with = "no_dedupe")]
    pub clusters: Option<PathBuf>,

    /// When check runs dedupe itself: pairs scoring at least this are merged (0..1), as with
    /// `orgclean dedupe --merge-threshold`.
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
    let fail_on = match &args.fail_on {
        Some(f) => crate::config::parse_fail_on(f)?,
        None => Default::default(),
    };
    let dedupe_opts = settings::merge_only(args.merge_threshold)?;
    let opts = args.input.to_hierarchy_options(quiet)?;
    output::prepare_out_dir(&args.out, &args.input.dumps)?;
    let t = Instant::now();
    let dir = crate::import::import(&args.input.dumps, &opts)?;
    super::warn(&crate::import::warnings(&dir, crate::import::CHECK_RELIES));
    timing("import", t);
    let t = Instant::now();
    let (names, profiles) = profile::parse_and_profile(&dir);
    timing("parse + profile", t);
    let t = Instant::now();
    let clusters = match &args.clusters {
        Some(path) => crate::import::read_clusters(path, &dir)?,
        None if args.no_dedupe => Clusters { clusters: Vec::new(), cluster_of: vec![None; dir.len()] },
        None => dedupe::dedupe(&dir, &names, &profiles, &dedupe_opts).clusters,
    };
    timing("clusters", t);
    let t = Instant::now();
    let result = hierarchy::check(&dir, &profiles, &clusters, CheckOptions::default());
    timing("check", t);
    let t = Instant::now();
    outputs::write_findings(&dir, &result, &args.out.join("findings.csv"), lang)?;
    timing("write", t);
    if !quiet {
        print!("{}", console::check(&dir, &profiles, &result));
    }
    let outcome =
        super::run::reached_outcome(&crate::report::commands::thresholds(&result.findings, &fail_on));
    super::leave_at_exit((dir, names, profiles, clusters, result));
    Ok(outcome)
}
