//! `lookup` and `match` (issue 15, docs/lookup.md): which entries of the directory a typed name
//! or a new registration is, or may be — grouped by duplicate cluster with the survivor marked,
//! each with its parent chain and whether its provincial administrator can see it.
//!
//! The decision is dedupe's, never a copy: candidates come from `index`, and every candidate is
//! judged by `dedupe::score_only` / `dedupe::compare` with the same `DedupeOptions`, clustered by
//! `dedupe::query::cluster_subset` (dedupe's union-find, vetoes and survivor rule). So a record
//! `match` calls `existing` is one a dedupe run would merge. Chains and fixes come from
//! `hierarchy::ChainExplainer` (check's own rules), division coverage from `coverage::compute`.

pub mod index;
pub mod matching;
pub mod probe;
pub mod search;

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::coverage::{self, Coverage, Scope};
use crate::dedupe::{query, DedupeOptions, Features, Side};
use crate::hierarchy::ChainExplainer;
use crate::model::{Clusters, Directory, RecIdx};
use crate::normalize::NameParts;
use crate::profile::OrgProfile;

pub use index::NameIndex;
pub use probe::{probes_of, Probe};
pub use search::{Answer, Closest, DivisionCoverage, Entry, LinkFix};

/// Dedupe's reasons as the text `lookup` and `match` show: their machine (English) text, as in
/// pairs.csv — the one place that turns a typed reason into words here.
fn reason_texts(reasons: &[crate::dedupe::Reason]) -> Vec<String> {
    reasons.iter().map(|r| r.text(crate::lang::Lang::En)).collect()
}

/// Duplicate clusters are not computed for the whole directory: a lookup clusters the entries
/// it found (see `search`). Hierarchy rules therefore see no clusters.
static NO_CLUSTERS: Clusters = Clusters { clusters: Vec::new(), cluster_of: Vec::new() };

/// A directory ready for queries: names parsed, records profiled, features and the name index
/// built. Borrowing the directory, its names and profiles from the caller.
pub struct Catalog<'a> {
    pub dir: &'a Directory,
    pub names: &'a [NameParts],
    pub profiles: &'a [OrgProfile],
    pub opts: DedupeOptions,
    feats: Vec<Features>,
    index: NameIndex,
    children: Vec<u32>,
    chains: ChainExplainer<'a>,
    coverage: OnceLock<Coverage>,
}

impl<'a> Catalog<'a> {
    pub fn build(
        dir: &'a Directory,
        names: &'a [NameParts],
        profiles: &'a [OrgProfile],
        opts: DedupeOptions,
    ) -> Catalog<'a> {
        let t = std::time::Instant::now();
        let ((feats, index), (children, chains)) = rayon::join(
            || {
                rayon::join(
                    || {
                        (0..dir.len())
                            .into_par_iter()
                            .map(|i| query::record_features(dir, i as RecIdx, &names[i], &profiles[i]))
                            .collect::<Vec<_>>()
                    },
                    || NameIndex::build(names),
                )
            },
            || (query::survivor_children(dir), ChainExplainer::new(dir, profiles, &NO_CLUSTERS)),
        );
        crate::progress::timing("lookup: index", t);
        Catalog { dir, names, profiles, opts, feats, index, children, chains, coverage: OnceLock::new() }
    }

    fn side(&self, i: RecIdx) -> Side<'_> {
        Side {
            name: &self.names[i as usize],
            feat: &self.feats[i as usize],
            level: self.profiles[i as usize].level,
        }
    }

    /// Coverage of the provinces in the directory, computed the first time a query needs it.
    fn coverage(&self) -> &Coverage {
        self.coverage.get_or_init(|| {
            coverage::compute(self.dir, self.profiles, &NO_CLUSTERS, &[], Scope::InputProvinces)
        })
    }

    /// Candidate records for a probe: in its province (or of unknown province) when it has one.
    fn candidates(&self, probe: &Probe) -> Vec<RecIdx> {
        let province = probe.feat.region.province;
        let keep = |i: RecIdx| match (province, self.feats[i as usize].region.province) {
            (Some(p), Some(q)) => p == q,
            _ => true,
        };
        self.index.candidates(self.names, &probe.name.key, keep)
    }
}
