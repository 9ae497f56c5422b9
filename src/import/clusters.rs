//! Reading a clusters.csv written by `orgclean dedupe` (or by hand) for `check --clusters`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{Cluster, Clusters, Directory, RecIdx};

/// Read clusters.csv: `org_id,cluster_id` and either `is_survivor` (1/true) or `survivor_id`.
/// Rows for ids not in the directory are ignored (the clusters may come from another dump).
pub fn read_clusters(path: &Path, dir: &Directory) -> Result<Clusters> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::Read { path: path.to_path_buf(), source: e })?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| Error::input(&shown, format!("not UTF-8 at byte {}", e.valid_up_to())))?;
    let mut r =
        csv::ReaderBuilder::new().flexible(true).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| Error::input(&shown, format!("cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(c_org), Some(c_cluster)) = (col("org_id"), col("cluster_id")) else {
        return Err(Error::input(
            &shown,
            format!(
                "needs columns org_id and cluster_id (and is_survivor or survivor_id); found {}",
                headers.join(",")
            ),
        ));
    };
    let (c_is, c_sid) = (col("is_survivor"), col("survivor_id"));
    if c_is.is_none() && c_sid.is_none() {
        return Err(Error::input(&shown, "needs an is_survivor or a survivor_id column"));
    }
    let mut groups: BTreeMap<String, (Vec<RecIdx>, Option<RecIdx>)> = BTreeMap::new();
    for (n, rec) in r.records().enumerate() {
        let line = n + 2;
        let rec = rec.map_err(|e| Error::input(&shown, format!("line {line}: {e}")))?;
        let cell = |c: usize| rec.get(c).unwrap_or("").trim();
        let Some(i) = dir.lookup(cell(c_org)) else { continue };
        let g = groups.entry(cell(c_cluster).to_string()).or_default();
        g.0.push(i);
        let is_s = c_is.is_some_and(|c| matches!(cell(c), "1" | "true" | "True" | "TRUE" | "yes"));
        if is_s {
            g.1 = Some(i);
        }
        if let Some(s) = c_sid.and_then(|c| dir.lookup(cell(c))) {
            g.1 = g.1.or(Some(s));
        }
    }
    let mut clusters = Clusters { clusters: Vec::new(), cluster_of: vec![None; dir.len()] };
    for (id, (mut members, survivor)) in groups {
        members.sort_unstable();
        members.dedup();
        let Some(survivor) = survivor.filter(|s| members.contains(s)) else {
            return Err(Error::input(&shown, format!("cluster {id} has no survivor among its members")));
        };
        if members.len() < 2 {
            continue;
        }
        let k = clusters.clusters.len() as u32;
        for &m in &members {
            if clusters.cluster_of[m as usize].is_some() {
                return Err(Error::input(&shown, format!("{} is in two clusters", dir.id(m))));
            }
            clusters.cluster_of[m as usize] = Some(k);
        }
        clusters.clusters.push(Cluster { id, survivor, members });
    }
    Ok(clusters)
}
