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
pub mod queries;
pub mod retrieve;
pub mod saved;
pub mod search;

use std::sync::OnceLock;

use ahash::AHashSet;

use crate::coverage::{self, Coverage, Scope};
use crate::dedupe::{query, DedupeOptions, Features, Side};
use crate::error::{Error, Result};
use crate::geo::Gazetteer;
use crate::hierarchy::ChainExplainer;
use crate::import::{self, ImportOptions};
use crate::model::{Clusters, Directory, RecIdx};
use crate::normalize::NameParts;
use crate::profile::{self, OrgProfile};

pub use index::NameIndex;
pub use probe::{probes_of, Probe};
pub use search::{Answer, Closest, DivisionCoverage, Entry, LinkFix};

/// Dedupe's reasons as the text `lookup` and `match` show, in `lang` (pairs.csv's machine text
/// for English) — the one place that turns a typed reason into words here.
fn reason_texts(reasons: &[crate::dedupe::Reason], lang: crate::lang::Lang) -> Vec<String> {
    reasons.iter().map(|r| r.text(lang)).collect()
}

/// Duplicate clusters are not computed for the whole directory: a lookup clusters the entries
/// it found (see `search`). Hierarchy rules therefore see no clusters.
static NO_CLUSTERS: Clusters = Clusters { clusters: Vec::new(), cluster_of: Vec::new() };

/// A directory read for lookup or match: records, their parsed names and profiles.
pub struct Loaded {
    pub dir: Directory,
    pub names: Vec<NameParts>,
    pub profiles: Vec<OrgProfile>,
}

impl Loaded {
    pub fn load(dumps: &[std::path::PathBuf], opts: &ImportOptions) -> Result<Loaded> {
        let t = std::time::Instant::now();
        let dir = import::import(dumps, opts)?;
        crate::progress::timing("import", t);
        if dir.is_empty() {
            return Err(Error::Usage("the directory has no accepted record: nothing to look up".into()));
        }
        let (names, profiles) = profile::parse_and_profile(&dir);
        Ok(Loaded { dir, names, profiles })
    }
}

/// A directory ready for queries: names parsed, records profiled, features built, and either
/// the whole directory's name index and chains (`Whole::Loaded`), or, for a few records read
/// from a saved index, what that index says of the whole directory (`Whole::Saved`).
pub struct Catalog<'a> {
    pub dir: &'a Directory,
    pub names: &'a [NameParts],
    pub profiles: &'a [OrgProfile],
    pub opts: DedupeOptions,
    feats: Vec<Features>,
    /// Per record, the children the survivor rule counts (over the whole directory).
    children: Vec<u32>,
    whole: Whole<'a>,
}

enum Whole<'a> {
    Loaded(Box<LoadedWhole<'a>>),
    Saved(saved::Facts),
}

pub(crate) struct LoadedWhole<'a> {
    index: NameIndex,
    chains: ChainExplainer<'a>,
    coverage: OnceLock<Coverage>,
}

/// A probe as a record of the directory would be: its features with its parent resolved among
/// the directory's ids and `kind_only` counted over the records found, and the records a dedupe
/// run would pair with it as short forms.
pub(crate) struct Prepared {
    pub feat: Features,
    pub short_partners: AHashSet<RecIdx>,
    /// Candidates from the name index (in its province, or of unknown province, when it has one).
    found: Vec<RecIdx>,
}

impl<'a> Catalog<'a> {
    pub fn build(loaded: &'a Loaded, opts: DedupeOptions) -> Catalog<'a> {
        Catalog::of(&loaded.dir, &loaded.names, &loaded.profiles, opts)
    }

    /// The catalog of a whole directory already parsed and profiled.
    pub fn of(
        dir: &'a Directory,
        names: &'a [NameParts],
        profiles: &'a [OrgProfile],
        opts: DedupeOptions,
    ) -> Catalog<'a> {
        let t = std::time::Instant::now();
        let ((feats, index), (children, chains)) = rayon::join(
            || rayon::join(|| query::directory_features(dir, names, profiles), || NameIndex::build(names)),
            || (query::survivor_children(dir), ChainExplainer::new(dir, profiles, &NO_CLUSTERS)),
        );
        crate::progress::timing("lookup: index", t);
        let whole = Whole::Loaded(Box::new(LoadedWhole { index, chains, coverage: OnceLock::new() }));
        Catalog { dir, names, profiles, opts, feats, children, whole }
    }

    /// A catalog of some records of a saved index (`saved`): their features and survivor
    /// counts as computed over the whole directory, and its facts.
    pub(crate) fn of_saved(
        dir: &'a Directory,
        names: &'a [NameParts],
        profiles: &'a [OrgProfile],
        opts: DedupeOptions,
        feats: Vec<Features>,
        children: Vec<u32>,
        facts: saved::Facts,
    ) -> Catalog<'a> {
        Catalog { dir, names, profiles, opts, feats, children, whole: Whole::Saved(facts) }
    }

    fn loaded(&self) -> &LoadedWhole<'a> {
        match &self.whole {
            Whole::Loaded(w) => w,
            Whole::Saved(_) => unreachable!("only lookup answers from a saved index, and it retrieves there"),
        }
    }

    fn side(&self, i: RecIdx) -> Side<'_> {
        Side {
            name: &self.names[i as usize],
            feat: &self.feats[i as usize],
            level: self.profiles[i as usize].level,
        }
    }

    /// Coverage of the provinces in the directory, computed the first time a query needs it.
    fn coverage<'w>(&self, w: &'w LoadedWhole<'a>) -> &'w Coverage {
        w.coverage.get_or_init(|| {
            coverage::compute(self.dir, self.profiles, &NO_CLUSTERS, &[], Scope::InputProvinces)
        })
    }

    /// Candidate records for a probe: those the index found, then its short-form partners.
    fn candidates(&self, prepared: &Prepared) -> Vec<RecIdx> {
        let mut out = prepared.found.clone();
        let mut extra: Vec<RecIdx> =
            prepared.short_partners.iter().copied().filter(|i| !out.contains(i)).collect();
        extra.sort_unstable();
        out.extend(extra);
        out
    }

    /// See `Prepared` (the whole directory in memory).
    pub(crate) fn prepare(&self, probe: &Probe) -> Result<Prepared> {
        let mut feat = probe.feat.clone();
        feat.parent = self.dir.lookup(&probe.parent_id);
        let mut src = index::MemSource { index: &self.loaded().index, names: self.names, feats: &self.feats };
        let found =
            retrieve::candidates(&mut src, &probe.name.key, feat.region.province, probe.asked_province())?;
        let short_partners = retrieve::short_partners(&mut src, &probe.name, &feat)?;
        Ok(self.prepared(feat, &probe.name, found, short_partners))
    }

    /// The probe's `kind_only`, counted over the records found.
    pub(crate) fn prepared(
        &self,
        mut feat: Features,
        name: &NameParts,
        found: Vec<RecIdx>,
        short_partners: AHashSet<RecIdx>,
    ) -> Prepared {
        let others = found.iter().map(|&i| (&self.names[i as usize], &self.feats[i as usize]));
        feat.kind_only = query::kind_only_among(name, &feat, others);
        Prepared { feat, short_partners, found }
    }

    /// Every candidate scored against the probe the way a dedupe run scores a pair (the
    /// directory's record first, the probe second, as if appended to the dump): the pair score
    /// when at or above the review threshold, else the plain score (`None`: vetoed).
    pub(crate) fn scored(&self, probe: &Probe, prepared: &Prepared) -> Vec<Scored> {
        let g = Gazetteer::global();
        let me = Side { name: &probe.name, feat: &prepared.feat, level: probe.profile.level };
        self.candidates(prepared)
            .into_iter()
            .map(|c| {
                let short = prepared.short_partners.contains(&c);
                let pair = query::score_pair(g, self.side(c), me, short, &self.opts);
                let raw = match &pair {
                    Some(p) => Some(p.score),
                    None => crate::dedupe::score_only(g, self.side(c), me).map(|s| s.0),
                };
                Scored { rec: c, pair, raw }
            })
            .collect()
    }

    /// The reasons a dedupe run gives for the pair (record, probe); the veto when vetoed.
    pub(crate) fn typed_reasons(
        &self,
        probe: &Probe,
        prepared: &Prepared,
        s: &Scored,
    ) -> Vec<crate::dedupe::Reason> {
        let g = Gazetteer::global();
        let me = Side { name: &probe.name, feat: &prepared.feat, level: probe.profile.level };
        let scored = s.pair.clone().and_then(|p| p.reasons(g, self.side(s.rec), me));
        scored.unwrap_or_else(|| match crate::dedupe::compare(g, self.side(s.rec), me) {
            crate::dedupe::Verdict::Scored { reasons, .. } => reasons,
            crate::dedupe::Verdict::Veto(v) => vec![v],
        })
    }
}

/// A candidate and how it compares with the probe.
pub(crate) struct Scored {
    pub rec: RecIdx,
    /// At or above the review threshold (short forms lifted), as a dedupe run takes the pair.
    pub pair: Option<query::PairScore>,
    /// The model's score, whatever the threshold; `None` when vetoed.
    pub raw: Option<f32>,
}
