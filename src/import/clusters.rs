//! Reading a clusters.csv written by `orgclean dedupe` (or by hand) for `check --clusters`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{Cluster, Clusters, Directory, RecIdx};

/// Read clusters.csv: `org_id,cluster_id` and either `is_survivor` (1/true) or `survivor_id`.
/// Rows for ids not in the directory are left out (the clusters may come from another dump, a
/// whole country's beside one province's), and so is a cluster whose survivor is not in it: its
/// members cannot be merged into a record the directory lacks. Both are said in the warnings
/// returned. A cluster with no survivor marked at all is an input error.
pub fn read_clusters(path: &Path, dir: &Directory) -> Result<(Clusters, Vec<String>)> {
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
    /// A cluster as read: members in the directory, its survivor there, and a survivor the
    /// file names that the directory lacks.
    #[derive(Default)]
    struct Group {
        members: Vec<RecIdx>,
        survivor: Option<RecIdx>,
        absent_survivor: Option<String>,
    }
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut absent_rows = 0usize;
    for (n, rec) in r.records().enumerate() {
        let line = n + 2;
        let rec = rec.map_err(|e| Error::input(&shown, format!("line {line}: {e}")))?;
        let cell = |c: usize| rec.get(c).unwrap_or("").trim();
        let g = groups.entry(cell(c_cluster).to_string()).or_default();
        let is_s = c_is.is_some_and(|c| matches!(cell(c), "1" | "true" | "True" | "TRUE" | "yes"));
        let named = c_sid.map(cell).filter(|s| !s.is_empty());
        if let Some(s) = named {
            match dir.lookup(s) {
                Some(s) => g.survivor = g.survivor.or(Some(s)),
                None => g.absent_survivor = Some(s.to_string()),
            }
        }
        let Some(i) = dir.lookup(cell(c_org)) else {
            absent_rows += 1;
            if is_s {
                g.absent_survivor = Some(cell(c_org).to_string());
            }
            continue;
        };
        g.members.push(i);
        if is_s {
            g.survivor = Some(i);
        }
    }
    let mut clusters = Clusters { clusters: Vec::new(), cluster_of: vec![None; dir.len()] };
    let mut left_out: Vec<String> = Vec::new();
    for (id, g) in groups {
        let Group { mut members, survivor, absent_survivor } = g;
        if members.is_empty() {
            continue;
        }
        members.sort_unstable();
        members.dedup();
        let Some(survivor) = survivor.filter(|s| members.contains(s)) else {
            if let Some(s) = absent_survivor {
                left_out.push(format!("{id} (survivor {s})"));
                continue;
            }
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
    let mut warnings = Vec::new();
    if absent_rows > 0 {
        warnings.push(format!(
            "{shown}: {absent_rows} rows name records that are not in the dump; they were left out"
        ));
    }
    if !left_out.is_empty() {
        const SHOWN: usize = 5;
        let more = left_out.len().saturating_sub(SHOWN);
        warnings.push(format!(
            "{shown}: {} clusters were left out because their survivor is not in the dump (the clusters \
             come from another dump?): {}{}",
            left_out.len(),
            left_out[..left_out.len().min(SHOWN)].join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() }
        ));
    }
    Ok((clusters, warnings))
}
