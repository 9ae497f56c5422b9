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
pub mod search;

use std::sync::OnceLock;

use ahash::{AHashMap, AHashSet};

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

/// Posting entries scanned for the full names a short form may shorten (more than for ranking:
/// dedupe pairs a short name only when few full names fit it equally well, so every fit counts).
const SHORT_FORM_SCAN: usize = 200_000;

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

/// A directory ready for queries: names parsed, records profiled, features and the name index
/// built. Borrowing the directory, its names and profiles from the caller.
pub struct Catalog<'a> {
    pub dir: &'a Directory,
    pub names: &'a [NameParts],
    pub profiles: &'a [OrgProfile],
    pub opts: DedupeOptions,
    feats: Vec<Features>,
    index: NameIndex,
    /// Names that may be short forms, by (first, last) character.
    shorts: AHashMap<(char, char), Vec<RecIdx>>,
    children: Vec<u32>,
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
        let (dir, names, profiles) = (&loaded.dir, &loaded.names[..], &loaded.profiles[..]);
        let t = std::time::Instant::now();
        let ((feats, index), (children, chains)) = rayon::join(
            || rayon::join(|| query::directory_features(dir, names, profiles), || NameIndex::build(names)),
            || (query::survivor_children(dir), ChainExplainer::new(dir, profiles, &NO_CLUSTERS)),
        );
        let mut shorts: AHashMap<(char, char), Vec<RecIdx>> = AHashMap::new();
        for (i, n) in names.iter().enumerate().filter(|(_, n)| query::may_be_short(n)) {
            if let (Some(a), Some(b)) = (n.key.chars().next(), n.key.chars().next_back()) {
                shorts.entry((a, b)).or_default().push(i as RecIdx);
            }
        }
        crate::progress::timing("lookup: index", t);
        Catalog {
            dir,
            names,
            profiles,
            opts,
            feats,
            index,
            shorts,
            children,
            chains,
            coverage: OnceLock::new(),
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
    fn coverage(&self) -> &Coverage {
        self.coverage.get_or_init(|| {
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

    /// See `Prepared`.
    pub(crate) fn prepare(&self, probe: &Probe) -> Prepared {
        let mut feat = probe.feat.clone();
        feat.parent = self.dir.lookup(&probe.parent_id);
        let short_partners = self.short_partners(probe, &feat);
        let province = feat.region.province;
        let found = self.index.candidates(self.names, &probe.name.key, |i| {
            province.is_none() || self.feats[i as usize].region.province.is_none_or(|q| Some(q) == province)
        });
        let others = found.iter().map(|&i| (&self.names[i as usize], &self.feats[i as usize]));
        feat.kind_only = query::kind_only_among(&probe.name, &feat, others);
        Prepared { feat, short_partners, found }
    }

    /// The records a dedupe run of the directory with the probe added would pair with the
    /// probe as short forms (dedupe's `shortform` rules: each short name with its best-fitting
    /// full names, none when too many tie).
    fn short_partners(&self, probe: &Probe, feat: &Features) -> AHashSet<RecIdx> {
        let mut out = AHashSet::new();
        let name = &probe.name;
        // The probe is the short name: its best fits among the directory's names.
        if query::may_be_short(name) {
            out.extend(query::best_fits(&self.fits_of(name, feat, None)));
        }
        // The probe is the full name: each short name of the directory that fits it keeps it
        // when it fits it at least as well as its own best fits (and the tie stays small).
        let chars: Vec<char> = name.key.chars().collect();
        let mut shorts: Vec<RecIdx> = Vec::new();
        for (k, &a) in chars.iter().enumerate() {
            for &b in &chars[k + 1..] {
                if let Some(list) = self.shorts.get(&(a, b)) {
                    shorts.extend_from_slice(list);
                }
            }
        }
        shorts.sort_unstable();
        shorts.dedup();
        for s in shorts {
            let (sn, sf) = (&self.names[s as usize], &self.feats[s as usize]);
            if !query::provinces_compatible(sf, feat) {
                continue;
            }
            let Some(f) = query::short_form_fit(sn, name) else { continue };
            let fits = self.fits_of(sn, sf, Some((f.rank(), RecIdx::MAX)));
            if query::best_fits(&fits).contains(&RecIdx::MAX) {
                out.insert(s);
            }
        }
        out
    }

    /// The fits of short name `short` among the directory's names (and `extra`, a probe), sorted.
    fn fits_of(
        &self,
        short: &NameParts,
        feat: &Features,
        extra: Option<((u8, u8, u8), RecIdx)>,
    ) -> Vec<((u8, u8, u8), RecIdx)> {
        let keep = |i: RecIdx| query::provinces_compatible(&self.feats[i as usize], feat);
        let mut fits: Vec<((u8, u8, u8), RecIdx)> = self
            .index
            .in_order(self.names, &short.key, &keep, SHORT_FORM_SCAN)
            .into_iter()
            .filter(|&i| !std::ptr::eq(&self.names[i as usize], short))
            .filter_map(|i| query::short_form_fit(short, &self.names[i as usize]).map(|f| (f.rank(), i)))
            .collect();
        fits.extend(extra);
        fits.sort_unstable();
        fits
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
