//! The certification queue: every 待认证 record with its age and what to do with it.

use chrono::NaiveDate;

use crate::lang::Lang;
use crate::model::{CertStatus, Clusters, Directory, Finding, FindingCode, RecIdx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recommendation {
    /// It duplicates a unit already in the directory: point the applicant to the survivor.
    RejectDuplicate,
    /// A new unit whose parent chain is broken: fix the parent, then certify.
    FixParentThenCertify,
    /// A new unit with a sound chain.
    Certify,
}

impl Recommendation {
    pub const ALL: [Recommendation; 3] =
        [Recommendation::RejectDuplicate, Recommendation::FixParentThenCertify, Recommendation::Certify];

    pub fn as_str(self) -> &'static str {
        match self {
            Recommendation::RejectDuplicate => "reject_duplicate",
            Recommendation::FixParentThenCertify => "fix_parent_then_certify",
            Recommendation::Certify => "certify",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PendingItem {
    pub org: RecIdx,
    /// Days since created_at as of the report date; `None` if the date cannot be read.
    pub age_days: Option<i64>,
    pub recommendation: Recommendation,
    /// The unit it duplicates (for reject_duplicate).
    pub survivor: Option<RecIdx>,
    pub why: Why,
}

/// Why the recommendation, as data; `text` gives the words.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// Merged into this survivor.
    SameAs(RecIdx),
    /// Its own parent edge has this structural finding.
    Finding(FindingCode, crate::model::Detail),
    /// A unit above it has one.
    ChainAbove,
    Nothing,
}

impl Why {
    pub fn text(&self, dir: &Directory, lang: Lang) -> String {
        match self {
            Why::SameAs(s) => {
                format!("{} {} {}", lang.pick("与已有单位相同：", "same unit as"), dir.id(*s), dir.name(*s))
            }
            Why::Finding(code, detail) => match lang {
                Lang::En => format!("{}: {detail}", code.as_str()),
                Lang::Zh => format!("{}：{}", super::labels::code(*code, lang), detail.text(lang)),
            },
            Why::ChainAbove => lang
                .pick("它上面的某个单位上级组织有误", "a unit above it in the chain has a parent fault")
                .to_string(),
            Why::Nothing => String::new(),
        }
    }
}

/// Read the dates that dumps carry: 2018-12-06, 2018/12/6, 2018.12.6, 2018年12月6日, optionally
/// followed by a time.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let date_part = s.split([' ', 'T']).next()?;
    let nums: Vec<&str> = date_part.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    match nums.as_slice() {
        [y, m, d, ..] => NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        [ymd] if ymd.len() == 8 => {
            NaiveDate::from_ymd_opt(ymd[..4].parse().ok()?, ymd[4..6].parse().ok()?, ymd[6..].parse().ok()?)
        }
        _ => None,
    }
}

/// Build the queue. `broken_chain[i]` says whether record i's own parent chain has a structural
/// finding on it or above it (the record cannot be reviewed by its province until fixed).
pub fn queue(
    dir: &Directory,
    clusters: &Clusters,
    findings: &[Finding],
    broken_chain: &[bool],
    as_of: NaiveDate,
) -> Vec<PendingItem> {
    let mut own_finding: Vec<Option<&Finding>> = vec![None; dir.len()];
    for f in findings.iter().filter(|f| f.code.is_structural()) {
        own_finding[f.org as usize].get_or_insert(f);
    }
    let mut out = Vec::new();
    for i in 0..dir.len() as RecIdx {
        if dir.status(i) != CertStatus::Pending {
            continue;
        }
        let age_days = parse_date(&dir.created_at(i)).map(|d| (as_of - d).num_days());
        let (recommendation, survivor, why) = if let Some(s) = clusters.survivor_of(i) {
            (Recommendation::RejectDuplicate, Some(s), Why::SameAs(s))
        } else if let Some(f) = own_finding[i as usize] {
            (Recommendation::FixParentThenCertify, None, Why::Finding(f.code, f.detail.clone()))
        } else if broken_chain.get(i as usize).copied().unwrap_or(false) {
            (Recommendation::FixParentThenCertify, None, Why::ChainAbove)
        } else {
            (Recommendation::Certify, None, Why::Nothing)
        };
        out.push(PendingItem { org: i, age_days, recommendation, survivor, why });
    }
    // Oldest first: the backlog the operators complain about.
    // Sorted mostly on numbers held in the array (the id's first bytes as a number): many share
    // an age, and comparing their ids, scattered over the heap, cost more than building the queue.
    // Then by record, as the stable sort this replaces left equal ids.
    let mut keyed: Vec<(u128, PendingItem)> =
        out.into_iter().map(|q| (super::fixed::sort_prefix(dir.id(q.org).as_str()), q)).collect();
    keyed.sort_unstable_by(|(ka, a), (kb, b)| {
        (b.age_days.cmp(&a.age_days))
            .then(ka.cmp(kb))
            .then_with(|| dir.id(a.org).cmp(dir.id(b.org)))
            .then(a.org.cmp(&b.org))
    });
    keyed.into_iter().map(|(_, q)| q).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_dumps_use() {
        let d = NaiveDate::from_ymd_opt(2018, 12, 6);
        for s in ["2018-12-06", "2018/12/6", "2018.12.06", "2018年12月6日", "2018-12-06 10:30:00", "20181206"]
        {
            assert_eq!(parse_date(s), d, "{s}");
        }
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("2018-13-01"), None);
    }
}
