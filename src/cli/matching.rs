//! `orgclean match`: each new registration against the directory: match.csv, match.xlsx.

use std::path::PathBuf;

use clap::Args;

use crate::error::{Error, Outcome, Result};
use crate::lang::Lang;
use crate::lookup::{self, matching, Catalog, Loaded};
use crate::{import, output, report};

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
    let opts = args.thresholds.options()?;
    let as_of = crate::settings::parse_as_of(args.as_of.as_deref())?;
    output::prepare_out_dir(&args.out, &[&args.input.dumps[..], &args.new[..]].concat())?;
    let new_dir = import::import(&args.new, &args.input.to_options(quiet)?)?;
    // Said even with --quiet: these applications were not matched at all.
    if let Some(note) = report::matching::write_rejected(&new_dir, &args.out)? {
        eprintln!("{note}");
    }
    if new_dir.is_empty() {
        return Err(Error::Usage("--new: no accepted record to match".into()));
    }
    let loaded = Loaded::load(&args.input.dumps, &args.input.to_hierarchy_options(quiet)?)?;
    let catalog = Catalog::build(&loaded, opts);
    let rows = matching::match_all(&catalog, &lookup::probes_of(&new_dir))?;
    let (csv, xlsx) = (args.out.join("match.csv"), args.out.join("match.xlsx"));
    report::matching::write_csv(&rows, &csv)?;
    report::matching::write_xlsx(&rows, &xlsx, args.lang, as_of)?;
    if !quiet {
        eprintln!("{}\nwrote {}, {}", report::matching::summary(&rows), csv.display(), xlsx.display());
    }
    super::leave_at_exit(catalog);
    super::leave_at_exit((loaded, new_dir));
    Ok(Outcome::Clean)
}
