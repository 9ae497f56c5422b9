//! Every count and cross-table of the reports, from polars group-bys over the record, cluster,
//! finding and certification-queue tables, computed once: report.md, report.xlsx, the console
//! and summary.json all read `Counts`.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::geo::Gazetteer;
use crate::model::RecIdx;
use crate::pipeline::Pipeline;

use super::pending::PendingItem;
use super::ProvinceStats;

/// Label of records whose province is unknown (summary.json key; reports translate it).
pub const UNKNOWN: &str = crate::pipeline::UNKNOWN_PROVINCE;

/// The province a record is counted under: its resolved province, else its province column.
pub fn province_of(p: &Pipeline, i: RecIdx) -> &str {
    p.province_of(i)
}

#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub provinces: BTreeMap<String, ProvinceStats>,
    /// Findings by province, then by code.
    pub by_province_code: BTreeMap<String, BTreeMap<String, u64>>,
    pub by_code: BTreeMap<String, u64>,
    pub by_severity: BTreeMap<String, u64>,
    /// Certification queue by recommendation.
    pub pending: BTreeMap<String, u64>,
    /// Certification queue by province, then recommendation.
    pub pending_by_province: BTreeMap<String, BTreeMap<String, u64>>,
}

/// Sum column `n` per distinct combination of `keys` (all string columns).
fn group_sum(df: &DataFrame, keys: &[&str]) -> PolarsResult<Vec<(Vec<String>, u64)>> {
    if df.height() == 0 {
        return Ok(Vec::new());
    }
    #[allow(deprecated)] // the eager aggregation is all we need; the lazy engine is not built
    let agg = df.group_by(keys.iter().copied())?.select(["n"]).sum()?;
    let key_cols: Vec<StringChunked> =
        keys.iter().map(|k| agg.column(k).and_then(|c| c.str().cloned())).collect::<PolarsResult<_>>()?;
    let n = agg.columns()[keys.len()].cast(&DataType::UInt64)?;
    let n = n.u64()?;
    Ok((0..agg.height())
        .map(|r| {
            (key_cols.iter().map(|c| c.get(r).unwrap_or("").to_string()).collect(), n.get(r).unwrap_or(0))
        })
        .collect())
}

fn frame(cols: Vec<(&str, Vec<&str>)>, n: Vec<u64>) -> PolarsResult<DataFrame> {
    let height = n.len();
    let mut columns: Vec<Column> = cols.into_iter().map(|(k, v)| Column::new(k.into(), v)).collect();
    columns.push(Column::new("n".into(), n));
    DataFrame::new(height, columns)
}

pub fn count(p: &Pipeline, queue: &[PendingItem]) -> PolarsResult<Counts> {
    let dir = &p.dir;
    let prov: Vec<&str> = (0..dir.len() as RecIdx).map(|i| province_of(p, i)).collect();
    let mut c = Counts::default();

    let records = frame(vec![("province", prov.clone())], vec![1; prov.len()])?;
    for (k, n) in group_sum(&records, &["province"])? {
        c.provinces.entry(k[0].clone()).or_default().records = n;
    }

    let clusters = &p.dedupe.clusters.clusters;
    let cl = frame(
        vec![("province", clusters.iter().map(|k| prov[k.survivor as usize]).collect())],
        clusters.iter().map(|k| k.members.len() as u64 - 1).collect(),
    )?;
    for (k, n) in group_sum(&cl, &["province"])? {
        c.provinces.entry(k[0].clone()).or_default().records_merged_away = n;
    }
    let ones = frame(
        vec![("province", clusters.iter().map(|k| prov[k.survivor as usize]).collect())],
        vec![1; clusters.len()],
    )?;
    for (k, n) in group_sum(&ones, &["province"])? {
        c.provinces.entry(k[0].clone()).or_default().clusters = n;
    }

    let fs = &p.check.findings;
    let findings = frame(
        vec![
            ("province", fs.iter().map(|f| prov[f.org as usize]).collect()),
            ("code", fs.iter().map(|f| f.code.as_str()).collect()),
            ("severity", fs.iter().map(|f| f.severity.as_str()).collect()),
        ],
        vec![1; fs.len()],
    )?;
    for (k, n) in group_sum(&findings, &["province", "code"])? {
        c.provinces.entry(k[0].clone()).or_default().findings += n;
        *c.by_code.entry(k[1].clone()).or_default() += n;
        c.by_province_code.entry(k[0].clone()).or_default().insert(k[1].clone(), n);
    }
    for (k, n) in group_sum(&findings, &["severity"])? {
        c.by_severity.insert(k[0].clone(), n);
    }

    let pend = frame(
        vec![
            ("province", queue.iter().map(|q| prov[q.org as usize]).collect()),
            ("recommendation", queue.iter().map(|q| q.recommendation.as_str()).collect()),
        ],
        vec![1; queue.len()],
    )?;
    for (k, n) in group_sum(&pend, &["province", "recommendation"])? {
        c.provinces.entry(k[0].clone()).or_default().pending += n;
        *c.pending.entry(k[1].clone()).or_default() += n;
        c.pending_by_province.entry(k[0].clone()).or_default().insert(k[1].clone(), n);
    }

    // Already counted per province by the hierarchy check as it walks the chains.
    let g = Gazetteer::global();
    for &(code, n) in &p.check.invisible_by_province {
        c.provinces.entry(g.name_of(code).to_string()).or_default().invisible += n;
    }
    Ok(c)
}
