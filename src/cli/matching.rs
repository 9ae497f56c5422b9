//! `orgclean match`: each new registration against the directory: match.csv, match.xlsx.

use std::path::PathBuf;

use clap::Args;

use crate::dedupe::DedupeOptions;
use crate::error::{Error, Outcome, Result};
use crate::import;
use crate::lang::Lang;
use crate::lookup::{self, matching::Decision, Catalog};
use crate::model::Directory;
use crate::normalize::NameParts;
use crate::output;
use crate::profile::{self, OrgProfile};
use crate::report;

use super::InputArgs;

#[derive(Debug, Args)]
pub struct MatchArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// The new records (applications waiting for certification): any dump `import` reads.
    #[arg(long = "new", value_name = "NEW.csv", required = true)]
    pub new: Vec<PathBuf>,

    /// Output directory for match.csv and match.xlsx.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Language of match.xlsx: zh (default) or en. match.csv keeps its English columns and codes.
    #[arg(long, default_value = "zh")]
    pub lang: Lang,

    /// Date written into match.xlsx's properties (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,

    /// Dedupe's merge threshold: at or above it a candidate is `existing`.
    #[arg(long, default_value_t = DedupeOptions::default().merge_threshold)]
    pub merge_threshold: f32,

    /// Dedupe's review threshold: at or above it (and below the merge threshold) `review`.
    #[arg(long, default_value_t = DedupeOptions::default().review_threshold)]
    pub review_threshold: f32,
}

/// A directory read for lookup or match: records, their parsed names and profiles.
pub(super) struct Loaded {
    pub dir: Directory,
    pub names: Vec<NameParts>,
    pub profiles: Vec<OrgProfile>,
}

pub(super) fn load(input: &InputArgs, quiet: bool) -> Result<Loaded> {
    let opts = input.to_hierarchy_options(quiet)?;
    let t = std::time::Instant::now();
    let dir = import::import(&input.dumps, &opts)?;
    crate::progress::timing("import", t);
    if dir.is_empty() {
        return Err(Error::Usage("the directory has no accepted record: nothing to look up".into()));
    }
    let (names, profiles) = profile::parse_and_profile(&dir);
    Ok(Loaded { dir, names, profiles })
}

pub fn run(args: &MatchArgs, quiet: bool) -> Result<Outcome> {
    let opts = super::lookup::thresholds(args.merge_threshold, args.review_threshold)?;
    let as_of = match &args.as_of {
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| Error::Usage(format!("--as-of {s:?}: expected YYYY-MM-DD")))?,
        None => chrono::Local::now().date_naive(),
    };
    let mut all_inputs = args.input.dumps.clone();
    all_inputs.extend(args.new.iter().cloned());
    output::prepare_out_dir(&args.out, &all_inputs)?;
    let new_opts = args.input.to_options(quiet)?;
    let new_dir = import::import(&args.new, &new_opts)?;
    if new_dir.is_empty() {
        return Err(Error::Usage("--new: no accepted record to match".into()));
    }
    let probes = lookup::probes_of(&new_dir);
    let loaded = load(&args.input, quiet)?;
    let catalog = Catalog::build(&loaded.dir, &loaded.names, &loaded.profiles, opts);
    let t = std::time::Instant::now();
    let rows: Vec<lookup::matching::MatchRow> = {
        use rayon::prelude::*;
        probes.par_iter().flat_map_iter(|p| catalog.match_one(p)).collect()
    };
    crate::progress::timing("match: records", t);
    let csv = args.out.join("match.csv");
    let xlsx = args.out.join("match.xlsx");
    report::matching::write_csv(&rows, &csv)?;
    report::matching::write_xlsx(&rows, &xlsx, args.lang, as_of)?;
    if !quiet {
        // Each new record counts once, under the decision of its best row.
        let mut best: Vec<(&str, Decision)> = Vec::new();
        for r in &rows {
            if best.last().is_none_or(|b| b.0 != r.new_id) {
                best.push((&r.new_id, r.decision));
            }
        }
        let count = |d: Decision| best.iter().filter(|b| b.1 == d).count();
        let (existing, review, new) =
            (count(Decision::Existing), count(Decision::Review), count(Decision::New));
        eprintln!("{} 条新组织：{existing} 条已存在，{review} 条待人工核对，{new} 条为新组织", probes.len());
        eprintln!("wrote {}, {}", csv.display(), xlsx.display());
    }
    let rejected = new_dir.rejected.len();
    if rejected > 0 && !quiet {
        eprintln!("--new: {rejected} rows rejected (see `orgclean import` for file, line and reason)");
    }
    super::leave_at_exit(catalog);
    super::leave_at_exit((loaded, new_dir));
    Ok(Outcome::Clean)
}
