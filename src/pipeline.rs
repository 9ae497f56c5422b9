//! import → normalize/profile → dedupe → check in one process, each step's output handed to the
//! next without re-reading anything.

use std::path::PathBuf;
use std::time::Instant;

use crate::coverage::{self, Coverage, Scope};
use crate::decisions::Decisions;
use crate::dedupe::{self, DedupeOptions, DedupeResult};
use crate::error::Result;
use crate::hierarchy::{self, graph, CheckOptions, CheckResult};
use crate::import::{self, ImportOptions};
use crate::model::Directory;
use crate::normalize::NameParts;
use crate::profile::{self, OrgProfile};

/// Everything the steps computed, for the reports.
pub struct Pipeline {
    pub dir: Directory,
    pub names: Vec<NameParts>,
    pub profiles: Vec<OrgProfile>,
    pub dedupe: DedupeResult,
    pub check: CheckResult,
    /// Per record: its chain has a structural finding on it or above it.
    pub broken_chain: Vec<bool>,
    /// Which divisions' associations are in the directory (scope from `Steps::coverage`).
    pub coverage: Coverage,
    /// What the run could not see or had to repair (missing columns, Excel damage), in words:
    /// printed as warnings and shown in the reports.
    pub warnings: Vec<String>,
    /// (step, seconds), for the console and summary.json only.
    pub timings: Vec<(&'static str, f64)>,
}

impl Pipeline {
    /// The province a record is counted and filtered under (`--province`, reports, review
    /// sheet): its resolved province, else its province column as written, else `(unknown)`.
    pub fn province_of(&self, i: crate::model::RecIdx) -> &str {
        match self.profiles[i as usize].region.province {
            Some(code) => crate::geo::Gazetteer::global().name_of(code),
            None => match self.dir.get(i, crate::model::Field::Province) {
                "" => UNKNOWN_PROVINCE,
                s => s,
            },
        }
    }

    /// The city (地市) of a record the same way; empty when unknown.
    pub fn city_of(&self, i: crate::model::RecIdx) -> &str {
        match self.profiles[i as usize].region.city {
            Some(code) => crate::geo::Gazetteer::global().name_of(code),
            None => self.dir.get(i, crate::model::Field::City),
        }
    }
}

/// Label of records whose province is unknown (summary.json key; reports translate it).
pub const UNKNOWN_PROVINCE: &str = "(unknown)";

/// What the steps after import need besides the directory.
pub struct Steps<'a> {
    pub dedupe: DedupeOptions,
    /// Reviewer decisions from an audit database (issue 6): pair decisions steer clustering,
    /// rejected fixes are withdrawn after the check.
    pub decisions: &'a Decisions,
    /// Which divisions coverage reports (`--all-divisions` = `Scope::All`).
    pub coverage: Scope,
}

pub fn run(inputs: &[PathBuf], import_opts: &ImportOptions, steps: &Steps) -> Result<Pipeline> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let dir = import::import(inputs, import_opts)?;
    timings.push(("import", t.elapsed().as_secs_f64()));
    let spinner = crate::progress::step(
        &format!("{} records: normalize, dedupe, check, coverage", dir.len()),
        import_opts.progress,
    );
    let p = analyse(dir, steps, timings);
    spinner.finish_and_clear();
    Ok(p)
}

/// The steps after import, on a directory already in memory.
pub fn analyse(dir: Directory, steps: &Steps, mut timings: Vec<(&'static str, f64)>) -> Pipeline {
    let decisions = steps.decisions;
    let warnings = import::warnings(&dir, import::RUN_RELIES);
    let t = Instant::now();
    let (names, profiles) = profile::parse_and_profile(&dir);
    timings.push(("normalize", t.elapsed().as_secs_f64()));

    let t = Instant::now();
    let rules = decisions.pair_rules(&dir);
    let dedupe = dedupe::dedupe_with(&dir, &names, &profiles, &steps.dedupe, &rules);
    timings.push(("dedupe", t.elapsed().as_secs_f64()));

    let t = Instant::now();
    let mut check = hierarchy::check(&dir, &profiles, &dedupe.clusters, CheckOptions::default());
    hierarchy::withdraw_rejected_fixes(&mut check.findings, |f| decisions.rejected_fix(&dir, f));
    let broken_chain = broken_chains(&dir, &check);
    timings.push(("check", t.elapsed().as_secs_f64()));

    let t = Instant::now();
    let coverage = coverage::compute(&dir, &profiles, &dedupe.clusters, &check.findings, steps.coverage);
    timings.push(("coverage", t.elapsed().as_secs_f64()));
    Pipeline { dir, names, profiles, dedupe, check, broken_chain, coverage, warnings, timings }
}

fn broken_chains(dir: &Directory, check: &CheckResult) -> Vec<bool> {
    let mut faulty = vec![false; dir.len()];
    for f in check.findings.iter().filter(|f| f.code.is_structural()) {
        faulty[f.org as usize] = true;
    }
    let edges = graph::edges_from(dir);
    let cycle_of = graph::cycles(&edges);
    graph::fold_up(&edges, &cycle_of, |_| true, |y, above| faulty[y as usize] || above.unwrap_or(false))
}
