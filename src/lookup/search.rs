//! One query: the entries it finds, grouped by duplicate cluster, best first; when it finds
//! nothing, the closest entries and the coverage of the division it names.

use serde::Serialize;

use crate::dedupe::{name_similarity, query, veto, Side};
use crate::geo::Gazetteer;
use crate::hierarchy::ChainView;
use crate::lang::Lang;
use crate::model::RecIdx;
use crate::normalize::homophone_distance;

use super::{Catalog, LoadedWhole, Prepared, Probe, Scored, Whole};

/// Entries shown per query, at most (whole clusters: the last one may make it a few more).
pub const DEFAULT_LIMIT: usize = 10;
/// Found entries clustered per query, at least: enough for every duplicate of the best few
/// units (twice the entries shown when more are asked for).
const CLUSTERED: usize = 20;
/// Closest entries shown when nothing matches.
const CLOSEST: usize = 5;

/// The answer to one query (one JSON object of `lookup --json`).
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub query: String,
    pub province: String,
    /// Best first: clusters in the order of their best entry, each cluster's entries together.
    pub results: Vec<Entry>,
    /// When `results` is empty: the most similar names, and why each is not the unit.
    pub closest: Vec<Closest>,
    /// When the query names a division's association (合肥市科协): is it in the directory?
    pub coverage: Option<DivisionCoverage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub org_id: String,
    pub name: String,
    /// `C-` + the survivor's id, as in clusters.csv (for a unit with no duplicate, its own id).
    pub cluster_id: String,
    pub is_survivor: bool,
    /// Same scale as dedupe's pair scores: merge at ≥ 0.85, review at ≥ 0.70 by default.
    pub score: f32,
    /// The platform's autocomplete offers it too (its name contains the typed text).
    pub offered: bool,
    /// Whether the provincial administrator of the entry's province can see it; `null` for
    /// national and province-level units and units of unknown province.
    pub visible_to_province: Option<bool>,
    /// Ids from the entry up: the entry, its parent, … up to 中国科学技术协会 when it gets there.
    pub chain: Vec<String>,
    pub chain_names: Vec<String>,
    pub reaches_national: bool,
    /// The first faulty link on the chain and check's proposed fix.
    pub broken_link: Option<LinkFix>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct LinkFix {
    pub org_id: String,
    pub name: String,
    /// The finding code (docs/findings.md).
    pub code: String,
    /// What is wrong, in words (English: the machine text, as findings.csv's `detail`).
    pub detail: String,
    /// The same in the answer's language (the JSON answers are English: the same text).
    pub detail_label: String,
    /// The parent `check` proposes for `org_id` (empty when it needs review).
    pub proposed_parent_id: String,
    pub proposed_parent_name: String,
    pub confidence: String,
    /// Why this parent (English: the machine text, as findings.csv's `reason`).
    pub reason: String,
    /// The same in the answer's language.
    pub reason_label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Closest {
    pub org_id: String,
    pub name: String,
    pub similarity: f32,
    /// Why dedupe says it is a different unit (empty: only too different a name).
    pub why_not: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct DivisionCoverage {
    pub division: String,
    pub division_code: u32,
    /// present, missing, duplicated (coverage.csv's codes; `misplaced` is not checked here).
    pub status: String,
    pub association_ids: Vec<String>,
}

/// A record's chain as an answer shows it: (id, name) from the record up, and what is wrong
/// with it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub(crate) struct ChainFacts {
    pub chain: Vec<(String, String)>,
    pub reaches_national: bool,
    pub visible_to_province: Option<bool>,
    pub broken_link: Option<LinkFix>,
}

/// How a candidate compares with the probe.
struct Hit {
    found: Scored,
    score: f32,
    /// The entry's name is exactly the typed text (spaces and all).
    literal: bool,
    /// Same normalized name.
    exact: bool,
    offered: bool,
}

impl<'a> Catalog<'a> {
    /// Candidates the name model does not veto (or written exactly as typed), at or above the
    /// review threshold (a dedupe run's review pairs, short forms included) or offered by
    /// autocomplete, best first:
    /// exactly the typed name, the same normalized name, then score, then offered, then order.
    fn hits(&self, probe: &Probe, prepared: &Prepared) -> Vec<Hit> {
        let mut hits: Vec<Hit> = self
            .scored(probe, prepared)
            .into_iter()
            .filter_map(|found| {
                let c = found.rec;
                let literal = self.dir.name(c).trim() == probe.text.trim();
                // The entry written exactly as typed is listed even when the model vetoes the
                // pair (a query without a province whose name the model places elsewhere):
                // autocomplete offers it, and its reasons say why the model disagrees.
                let score = match found.raw {
                    Some(s) => s,
                    None if literal => 0.0,
                    None => return None,
                };
                let offered = !probe.folded.is_empty()
                    && crate::normalize::fold(self.dir.name(c)).contains(probe.folded.as_str());
                let exact = self.names[c as usize].key == probe.name.key;
                (found.pair.is_some() || offered).then_some(Hit { found, score, literal, exact, offered })
            })
            .collect();
        hits.sort_by(|a, b| {
            (b.literal, b.exact, b.score, b.offered)
                .partial_cmp(&(a.literal, a.exact, a.score, a.offered))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.found.rec.cmp(&b.found.rec))
        });
        hits
    }

    /// The answer to one query; `limit` entries at most (whole clusters); reasons in `lang`.
    pub fn lookup(&self, probe: &Probe, limit: usize, lang: Lang) -> crate::error::Result<Answer> {
        Ok(self.answer(probe, &self.prepare(probe)?, limit, lang))
    }

    /// The answer to one probe already prepared (`prepare`, or a saved index's retrieval).
    pub(crate) fn answer(&self, probe: &Probe, prepared: &Prepared, limit: usize, lang: Lang) -> Answer {
        let hits = self.hits(probe, prepared);
        let top: Vec<&Hit> = hits.iter().take(CLUSTERED.max(2 * limit)).collect();
        let members: Vec<RecIdx> = top.iter().map(|h| h.found.rec).collect();
        let clusters =
            query::cluster_subset(self.dir, &members, |i| self.side(i), &self.children, &self.opts);
        // Rank of each hit, clusters ordered by their best hit.
        let rank = |i: RecIdx| top.iter().position(|h| h.found.rec == i).unwrap_or(usize::MAX);
        let mut ordered: Vec<(usize, &query::SubsetCluster)> = clusters
            .iter()
            .map(|c| (c.members.iter().map(|&m| rank(m)).min().unwrap_or(usize::MAX), c))
            .collect();
        ordered.sort_by_key(|o| o.0);
        let mut results = Vec::new();
        for (_, c) in ordered {
            if results.len() >= limit {
                break;
            }
            let mut members = c.members.clone();
            members.sort_by_key(|&m| rank(m));
            for m in members {
                let h = top[rank(m)];
                let reasons = self.typed_reasons(probe, prepared, &h.found);
                results.push(self.entry(h, c, super::reason_texts(&reasons, lang), lang));
            }
        }
        let (closest, coverage) = if results.is_empty() {
            (self.closest(probe, prepared, lang), self.division_coverage(probe))
        } else {
            (Vec::new(), None)
        };
        Answer { query: probe.text.clone(), province: probe.province.clone(), results, closest, coverage }
    }

    fn entry(&self, h: &Hit, c: &query::SubsetCluster, reasons: Vec<String>, lang: Lang) -> Entry {
        let rec = h.found.rec;
        let chain = self.chain_facts(rec, lang);
        Entry {
            org_id: self.dir.id(rec).to_string(),
            name: self.dir.name(rec).to_string(),
            cluster_id: format!("C-{}", self.dir.id(c.survivor)),
            is_survivor: c.survivor == rec,
            score: (h.score * 1000.0).round() / 1000.0,
            offered: h.offered,
            visible_to_province: chain.visible_to_province,
            chain: chain.chain.iter().map(|l| l.0.clone()).collect(),
            chain_names: chain.chain.into_iter().map(|l| l.1).collect(),
            reaches_national: chain.reaches_national,
            broken_link: chain.broken_link,
            reasons,
        }
    }

    /// Record `rec`'s chain: explained now, or as the saved index recorded it (read in `lang`).
    pub(crate) fn chain_facts(&self, rec: RecIdx, lang: Lang) -> ChainFacts {
        let w = match &self.whole {
            Whole::Loaded(w) => w,
            Whole::Saved(facts) => return facts.chains[rec as usize].clone(),
        };
        let view = w.chains.explain(rec);
        let link = |i: RecIdx| (self.dir.id(i).to_string(), self.dir.name(i).to_string());
        ChainFacts {
            chain: view.chain.iter().map(|&i| link(i)).collect(),
            reaches_national: view.reaches_national,
            visible_to_province: view.visible_to_province,
            broken_link: self.link_fix(&view, lang),
        }
    }

    pub(crate) fn link_fix(&self, view: &ChainView, lang: Lang) -> Option<LinkFix> {
        let b = view.broken.as_ref()?;
        let fix = b.fix.as_ref();
        let parent = fix.and_then(|f| f.new_parent);
        Some(LinkFix {
            org_id: self.dir.id(b.at).to_string(),
            name: self.dir.name(b.at).to_string(),
            code: b.code.as_str().to_string(),
            detail: b.detail.to_string(),
            detail_label: b.detail.text(lang),
            proposed_parent_id: parent.map(|p| self.dir.id(p).to_string()).unwrap_or_default(),
            proposed_parent_name: parent.map(|p| self.dir.name(p).to_string()).unwrap_or_default(),
            confidence: fix.map(|f| f.confidence.as_str().to_string()).unwrap_or_default(),
            reason: fix.map(|f| f.reason.to_string()).unwrap_or_default(),
            reason_label: fix.map(|f| f.reason.text(lang)).unwrap_or_default(),
        })
    }

    /// The most similar names among the candidates, vetoed or not, with the veto.
    fn closest(&self, probe: &Probe, prepared: &Prepared, lang: Lang) -> Vec<Closest> {
        let g = Gazetteer::global();
        let me = Side { name: &probe.name, feat: &prepared.feat, level: probe.profile.level };
        let mut scored: Vec<(f32, RecIdx)> = self
            .candidates(prepared)
            .into_iter()
            .map(|c| {
                // The whole normalized names: the model's similarity looks only at the
                // identifying words, which two associations of different places both lack.
                let (a, b) = (&probe.name.key, &self.names[c as usize].key);
                let len = a.chars().count().max(b.chars().count()).max(1) as f32;
                let whole = (1.0 - homophone_distance(a, b) / len).max(0.0);
                (whole.min(name_similarity(&probe.name, &self.names[c as usize])), c)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(CLOSEST)
            .map(|(s, c)| Closest {
                org_id: self.dir.id(c).to_string(),
                name: self.dir.name(c).to_string(),
                similarity: (s * 1000.0).round() / 1000.0,
                why_not: veto(g, self.side(c), me)
                    .map(|r| super::reason_texts(std::slice::from_ref(&r), lang).concat())
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// When the query is a division's association (a region and 科协 and nothing else): is it
    /// in the directory?
    fn division_coverage(&self, probe: &Probe) -> Option<DivisionCoverage> {
        let d = association_division(probe)?;
        match &self.whole {
            Whole::Loaded(w) => Some(self.coverage_row(w, d)),
            Whole::Saved(facts) => facts.coverage.clone(),
        }
    }

    /// Division `d`'s coverage row (`missing` when coverage has none).
    pub(crate) fn coverage_row(&self, w: &LoadedWhole<'a>, d: u32) -> DivisionCoverage {
        let g = Gazetteer::global();
        let row = self.coverage(w).rows.iter().find(|r| r.division == d);
        let (status, ids) = match row {
            Some(r) => (
                r.status.as_str(),
                r.claims
                    .iter()
                    .flat_map(|c| std::iter::once(c.representative).chain(c.merged.iter().copied()))
                    .map(|i| self.dir.id(i).to_string())
                    .collect(),
            ),
            None => ("missing", Vec::new()),
        };
        DivisionCoverage {
            division: g.name_of(d).to_string(),
            division_code: d,
            status: status.to_string(),
            association_ids: ids,
        }
    }
}

/// The division whose association the probe names, when it names one and nothing else.
pub(crate) fn association_division(probe: &Probe) -> Option<u32> {
    if !probe.name.is_region_association() {
        return None;
    }
    probe.feat.named_division.filter(|&d| d != crate::dedupe::query::NATIONAL)
}
