//! Who a provincial administrator cannot see: records whose chain never reaches their own
//! province's association, and which faulty record on the chain is to blame.

use crate::geo::DivCode;
use crate::model::{FindingCode, Level, RecIdx};

use super::graph::{fold_up, Edge};
use super::rules::Ctx;

pub struct Visibility {
    /// Per record with a structural finding: how many *other* records are invisible because of it
    /// (it is the first faulty record on their chain).
    pub hidden_below: Vec<u32>,
    /// (province, invisible records), sorted by province code.
    pub by_province: Vec<(DivCode, u64)>,
}

pub fn compute(
    ctx: &Ctx,
    edges: &[Edge],
    cycle_of: &[Option<RecIdx>],
    codes: &[Option<FindingCode>],
) -> Visibility {
    let profiles = ctx.profiles;
    // Province of the first province association on the chain from each record (inclusive).
    let province_above: Vec<Option<DivCode>> = fold_up(
        edges,
        cycle_of,
        |_| None,
        |y, above| {
            let p = &profiles[y as usize];
            if p.is_association && p.level == Level::Province {
                p.region.province
            } else {
                above.flatten()
            }
        },
    );
    // First record with a structural finding on the chain (inclusive); cycle members are all flagged.
    let cause: Vec<Option<RecIdx>> =
        fold_up(
            edges,
            cycle_of,
            Some,
            |y, above| {
                if codes[y as usize].is_some() {
                    Some(y)
                } else {
                    above.flatten()
                }
            },
        );
    let n = edges.len();
    let mut hidden_below = vec![0u32; n];
    let mut counts: std::collections::BTreeMap<DivCode, u64> = Default::default();
    for i in 0..n {
        let p = &profiles[i];
        let Some(prov) = p.region.province else {
            continue;
        };
        if p.level <= Level::Province || province_above[i] == Some(prov) {
            continue;
        }
        *counts.entry(prov).or_default() += 1;
        if let Some(c) = cause[i].filter(|&c| c as usize != i) {
            hidden_below[c as usize] += 1;
        }
    }
    Visibility { hidden_below, by_province: counts.into_iter().collect() }
}
