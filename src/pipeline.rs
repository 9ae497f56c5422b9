//! import → normalize/profile → dedupe → check in one process, each step's output handed to the
//! next without re-reading anything.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::coverage::{self, Coverage, Scope};
use crate::decisions::Decisions;
use crate::dedupe::{self, DedupeOptions, DedupeResult};
use crate::error::Result;
use crate::hierarchy::{self, graph, CheckOptions, CheckResult};
use crate::import::{self, ImportOptions};
use crate::model::{Clusters, Directory};
use crate::normalize::NameParts;
use crate::profile::{self, OrgProfile};
use crate::progress::timing;
pub use crate::settings::ClusterSource;

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

/// Work done with the dedupe result beside the check (`Steps::beside_check`).
/// The flag is set when the check finds that the dedupe settles differently (`settled`): the
/// work may stop, and is done again with the settled result.
pub type BesideCheck<'a> = dyn Fn(&Directory, &DedupeResult, &AtomicBool) + Sync + 'a;

/// What the steps after import need besides the directory.
pub struct Steps<'a> {
    pub dedupe: DedupeOptions,
    /// Reviewer decisions from an audit database (issue 6): pair decisions steer clustering,
    /// rejected fixes are withdrawn after the check.
    pub decisions: &'a Decisions,
    /// Which divisions coverage reports (`--all-divisions` = `Scope::All`).
    pub coverage: Scope,
    /// Keep the parsed names in the pipeline after dedupe (`audit` builds its lookup index from
    /// them). Otherwise they are freed before the hierarchy check: for 1M rows they are 600 MB,
    /// and a run's memory peaked in the check with them still held.
    pub keep_names: bool,
    /// Work to do with the dedupe result while the check runs again (from the second round of
    /// settling on): `run` writes clusters.csv and pairs.csv there, on the core the check leaves
    /// idle most of its time.
    pub beside_check: Option<&'a BesideCheck<'a>>,
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
    let mut settling = dedupe::settling(&dir, &names, &profiles, &steps.dedupe, &rules);
    timings.push(("dedupe", t.elapsed().as_secs_f64()));

    let mut check_secs = 0.0;
    let (check, dedupe) = settled(
        &dir,
        &mut settling,
        |dedupe| {
            let t = Instant::now();
            let mut check = hierarchy::check(&dir, &profiles, &dedupe.clusters, CheckOptions::default());
            hierarchy::withdraw_rejected_fixes(&mut check.findings, |f| decisions.rejected_fix(&dir, f));
            check_secs += t.elapsed().as_secs_f64();
            timing("check", t);
            check
        },
        |dedupe, stale| {
            if let Some(work) = steps.beside_check {
                work(&dir, dedupe, stale);
            }
        },
    );
    // Of the settled result only: a round the settling replaces needs neither. Independent, and
    // each on one thread.
    let t = Instant::now();
    let ((broken_chain, coverage), ()) = rayon::join(
        || {
            rayon::join(
                || broken_chains(&dir, &check),
                || coverage::compute(&dir, &profiles, &dedupe.clusters, &check.findings, steps.coverage),
            )
        },
        || settling.free(),
    );
    check_secs += t.elapsed().as_secs_f64();
    timings.push(("check", check_secs));
    timing("broken chains + coverage", t);
    // Dropped here, explicitly: a binding shadowed without being moved lives to the end of scope.
    let names = if steps.keep_names {
        names
    } else {
        NameParts::free_all(names);
        Vec::new()
    };
    Pipeline { dir, names, profiles, dedupe, check, broken_chain, coverage, warnings, timings }
}

/// What `check` alone computed.
pub struct Checked {
    pub dir: Directory,
    pub names: Vec<NameParts>,
    pub profiles: Vec<OrgProfile>,
    pub clusters: Clusters,
    pub result: CheckResult,
    /// What the check could not see (missing columns, Excel damage), in words.
    pub warnings: Vec<String>,
}

/// `check`: import, profile, the clusters, the hierarchy check (phase times on stderr with
/// `ORGCLEAN_TIMING=1`).
pub fn check_only(
    inputs: &[PathBuf],
    import_opts: &ImportOptions,
    source: &ClusterSource,
) -> Result<Checked> {
    let t = Instant::now();
    let dir = import::import(inputs, import_opts)?;
    let mut warnings = import::warnings(&dir, import::CHECK_RELIES);
    timing("import", t);
    let t = Instant::now();
    let (names, profiles) = profile::parse_and_profile(&dir);
    timing("parse + profile", t);
    let t = Instant::now();
    let clusters = match source {
        ClusterSource::File(path) => {
            let (clusters, said) = import::read_clusters(path, &dir)?;
            warnings.extend(said);
            clusters
        }
        ClusterSource::None => Clusters { clusters: Vec::new(), cluster_of: vec![None; dir.len()] },
        ClusterSource::Dedupe(opts) => {
            let rules = dedupe::PairRules::default();
            let mut settling = dedupe::settling(&dir, &names, &profiles, opts, &rules);
            let (result, dedupe) = settled(
                &dir,
                &mut settling,
                |dedupe| hierarchy::check(&dir, &profiles, &dedupe.clusters, CheckOptions::default()),
                |_, _| {},
            );
            drop(settling);
            timing("clusters + check", t);
            return Ok(Checked { clusters: dedupe.clusters, dir, names, profiles, result, warnings });
        }
    };
    timing("clusters", t);
    let t = Instant::now();
    let result = hierarchy::check(&dir, &profiles, &clusters, CheckOptions::default());
    timing("check", t);
    Ok(Checked { dir, names, profiles, clusters, result, warnings })
}

/// `dedupe`: import and dedupe; the directory, the result and what dedupe could not see.
pub fn dedupe_only(
    inputs: &[PathBuf],
    import_opts: &ImportOptions,
    opts: &DedupeOptions,
) -> Result<(Directory, DedupeResult, Vec<String>)> {
    let dir = import::import(inputs, &ImportOptions { require_rows: true, ..import_opts.clone() })?;
    let warnings = import::warnings(&dir, import::DEDUPE_RELIES);
    let result = dedupe::run(&dir, opts);
    Ok((dir, result, warnings))
}

/// A command's data, left for the OS to reclaim when the process exits right after: freeing
/// millions of small strings one by one took a second of a 1M-row check.
pub fn leave_at_exit<T>(data: T) {
    std::mem::forget(data);
}

/// Rounds of check and dedupe settling again: one more than a parent re-pointed by the check
/// that turns a refused pair into a merge, which changes what the check proposes, takes.
const SETTLE_ROUNDS: usize = 3;

/// Check the dedupe's clusters (`check` returns the check's result), then settle the dedupe
/// with the parents the check re-points (those `orgs_fixed.csv` will have), and check again
/// until the two agree: a shared parent is evidence, so a pair refused for want of it can merge
/// once a fix gives both records one parent, and a run over `orgs_fixed.csv` would find it. The
/// first run gives the final answer instead (issue 12, closure). The last check is always of
/// the dedupe returned.
fn settled(
    dir: &Directory,
    settling: &mut dedupe::Settling,
    mut check: impl FnMut(&DedupeResult) -> CheckResult + Send,
    beside: impl Fn(&DedupeResult, &AtomicBool) + Sync,
) -> (CheckResult, DedupeResult) {
    let mut dedupe = settling.result();
    let mut round = 1;
    loop {
        let last = round == SETTLE_ROUNDS;
        // Work beside the check (writing clusters.csv and pairs.csv) stops as soon as the check
        // and the settling show that the dedupe changes: the core it uses is the one the check
        // leaves idle, and its files would be written again.
        let stale = AtomicBool::new(false);
        // Not in the first round: on the generated 1M-row dump the first check re-points parents
        // that settle some pairs differently, and the files written beside it (1.3 s of CPU)
        // were thrown away; a directory that settles at once has them written with the other
        // files at the end.
        let beside_now = round > 1;
        let ((checked, changed), ()) = rayon::join(
            || {
                let checked = check(&dedupe);
                let changed = !last && {
                    // Sorted by record: `settle` reads each record's parent once.
                    let fixed = hierarchy::proposed_parents(&checked.findings);
                    settling.settle(|i| match fixed.binary_search_by_key(&i, |f| f.0) {
                        Ok(k) => Some(fixed[k].1),
                        Err(_) => dir.parent(i),
                    })
                };
                stale.store(changed, Ordering::Relaxed);
                (checked, changed)
            },
            || {
                if beside_now {
                    beside(&dedupe, &stale)
                }
            },
        );
        if !changed {
            return (checked, dedupe);
        }
        // This round's result and check go before the next result is built, not after: the
        // three together were the run's peak of live memory on the 1M-row dump, 1.38 GB; with
        // the old two dropped first the peak is 1.30 GB (at the first check).
        drop(checked);
        drop(std::mem::take(&mut dedupe));
        dedupe = settling.result();
        round += 1;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The parsed names are freed after dedupe unless asked for (a 1M-row run's peak memory);
    /// what comes after dedupe is the same either way.
    #[test]
    fn names_are_kept_only_when_asked_for() {
        let dumps = [PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/orgs.csv"))];
        let decisions = Decisions::default();
        let analysed = |keep_names| {
            let steps = Steps {
                dedupe: DedupeOptions::default(),
                decisions: &decisions,
                coverage: Scope::default(),
                keep_names,
                beside_check: None,
            };
            run(&dumps, &ImportOptions::default(), &steps).unwrap()
        };
        let (kept, freed) = (analysed(true), analysed(false));
        assert_eq!(kept.names.len(), kept.dir.len());
        assert!(freed.names.is_empty());
        assert_eq!(format!("{:?}", kept.check.findings), format!("{:?}", freed.check.findings));
        assert_eq!(kept.dedupe.clusters.cluster_of, freed.dedupe.clusters.cluster_of);
    }
}
