//! `orgclean match`: each new registration against the directory: match.csv, match.xlsx.

use std::path::PathBuf;

use clap::Args;

use crate::error::{Outcome, Result};
use crate::lang::Lang;
use crate::report;

use super::InputArgs;

#[derive(Debug, Args)]
pub struct MatchArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The new records (applications waiting for certification): any dump `import` reads.
    #[arg(long = "new", value_name = "NEW.csv", required = true)]
    pub new: Vec<PathBuf>,
    /// Output directory for match.csv, match.xlsx (and match_rejected.csv for unreadable rows).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Language of match.xlsx: zh (default) or en. match.csv keeps its English columns and codes.
    #[arg(long, default_value = "zh")]
    pub lang: Lang,
    /// Date written into match.xlsx's properties (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub thresholds: super::ThresholdArgs,
}

pub fn run(args: &MatchArgs, quiet: bool) -> Result<Outcome> {
    let job = report::matching::MatchJob {
        dumps: &args.input.dumps,
        import: args.input.to_hierarchy_options(quiet)?,
        new_import: args.input.to_options(quiet)?,
        new: &args.new,
        out: &args.out,
        opts: args.thresholds.options()?,
        lang: args.lang,
        as_of: crate::settings::parse_as_of(args.as_of.as_deref())?,
    };
    // Said even with --quiet: these applications were not matched at all.
    let text = report::matching::run(&job, |note| eprintln!("{note}"))?;
    if !quiet {
        eprintln!("{text}");
    }
    Ok(Outcome::Clean)
}
