//! `orgclean check`: validate parent chains, propose fixes, write findings.csv.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use crate::dedupe::{self, DedupeOptions};
use crate::error::{Error, Outcome, Result};
use crate::geo::Gazetteer;
use crate::hierarchy::{self, CheckOptions, CheckResult};
use crate::model::{Cluster, Clusters, Directory, Field, FindingCode, RecIdx};
use crate::output;
use crate::profile::{self, OrgProfile};
use crate::progress::timing;

use super::InputArgs;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output directory for findings.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Duplicate clusters (clusters.csv from `orgclean dedupe`: org_id,cluster_id,is_survivor),
    /// needed for parent_is_duplicate. Without it, check runs dedupe itself.
    #[arg(long, value_name = "FILE", conflicts_with = "no_dedupe")]
    pub clusters: Option<PathBuf>,

    /// When check runs dedupe itself: pairs scoring at least this are merged (0..1), as with
    /// `orgclean dedupe --merge-threshold`.
    #[arg(long, default_value_t = DedupeOptions::default().merge_threshold, conflicts_with_all = ["clusters", "no_dedupe"])]
    pub merge_threshold: f32,

    /// Do not look for duplicates: no parent is treated as a duplicate (faster).
    #[arg(long)]
    pub no_dedupe: bool,

    /// Exit with 1 when a code reaches a count, e.g. `--fail-on cycle=1,skips_province=10`.
    #[arg(long, value_name = "CODE=N,...")]
    pub fail_on: Option<String>,
}

pub const FINDINGS_HEADER: [&str; 11] = [
    "org_id",
    "code",
    "severity",
    "detail",
    "parent_id",
    "proposed_parent_id",
    "confidence",
    "reason",
    "name",
    "province",
    "city",
];

pub fn run(args: &CheckArgs, quiet: bool) -> Result<Outcome> {
    let fail_on = match &args.fail_on {
        Some(f) => crate::config::parse_fail_on(f)?,
        None => Default::default(),
    };
    let dedupe_opts = super::merge_only_options(args.merge_threshold)?;
    let opts = args.input.to_hierarchy_options(quiet)?;
    output::prepare_out_dir(&args.out, &args.input.dumps)?;
    let t = Instant::now();
    let dir = crate::import::import(&args.input.dumps, &opts)?;
    super::warn(&crate::import::warnings(&dir, crate::import::CHECK_RELIES));
    timing("import", t);
    let t = Instant::now();
    let (names, profiles) = profile::parse_and_profile(&dir);
    timing("parse + profile", t);
    let t = Instant::now();
    let clusters = match &args.clusters {
        Some(path) => read_clusters(path, &dir)?,
        None if args.no_dedupe => Clusters { clusters: Vec::new(), cluster_of: vec![None; dir.len()] },
        None => dedupe::dedupe(&dir, &names, &profiles, &dedupe_opts).clusters,
    };
    timing("clusters", t);
    let t = Instant::now();
    let result = hierarchy::check(&dir, &profiles, &clusters, CheckOptions::default());
    timing("check", t);
    let t = Instant::now();
    write_findings(&dir, &result, &args.out.join("findings.csv"))?;
    timing("write", t);
    if !quiet {
        print!("{}", summary(&dir, &profiles, &result));
    }
    let outcome = super::run::findings_outcome(&result.findings, &fail_on);
    super::leave_at_exit((dir, names, profiles, clusters, result));
    Ok(outcome)
}

pub fn write_findings(dir: &Directory, result: &CheckResult, path: &Path) -> Result<()> {
    let rows = result.findings.iter().map(|f| {
        let i = f.org;
        let (proposed, confidence, reason) = match &f.fix {
            Some(fix) => (
                fix.new_parent.map(|p| dir.id(p).to_string()).unwrap_or_default(),
                fix.confidence.as_str(),
                fix.reason.clone(),
            ),
            None => (String::new(), "", String::new()),
        };
        let sev = match f.severity {
            crate::model::Severity::Error => "error",
            crate::model::Severity::Warning => "warning",
        };
        [
            dir.id(i).to_string(),
            f.code.as_str().to_string(),
            sev.to_string(),
            f.detail.clone(),
            dir.records[i as usize].parent_id.to_string(),
            proposed,
            confidence.to_string(),
            reason,
            dir.name(i).to_string(),
            dir.get(i, Field::Province).to_string(),
            dir.get(i, Field::City).to_string(),
        ]
    });
    output::write_csv(path, &FINDINGS_HEADER, rows)
}

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

/// Console summary: counts by code, fixes by confidence, and by province what the administrator
/// cannot see.
pub fn summary(dir: &Directory, profiles: &[OrgProfile], result: &CheckResult) -> String {
    let g = Gazetteer::global();
    let mut s = String::new();
    let mut by_code: HashMap<FindingCode, usize> = HashMap::new();
    let mut by_conf: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_prov: BTreeMap<Option<u32>, usize> = BTreeMap::new();
    for f in &result.findings {
        *by_code.entry(f.code).or_default() += 1;
        if let Some(fix) = &f.fix {
            *by_conf.entry(fix.confidence.as_str()).or_default() += 1;
        }
        if f.code.is_structural() {
            *by_prov.entry(profiles[f.org as usize].region.province).or_default() += 1;
        }
    }
    let _ = writeln!(s, "check: {} records, {} findings", dir.len(), result.findings.len());
    for code in FindingCode::ALL {
        let n = by_code.get(&code).copied().unwrap_or(0);
        let _ = writeln!(s, "  {:<24}{n:>8}", code.as_str());
    }
    let conf: Vec<String> = by_conf.iter().map(|(k, v)| format!("{v} {k}")).collect();
    let _ = writeln!(
        s,
        "proposed parents: {}; {} downgraded to needs_review by the re-check of the fixed directory",
        if conf.is_empty() { "none".to_string() } else { conf.join(", ") },
        result.downgraded
    );
    let short =
        |p: u32| g.get(p).map(|d| d.short.clone().unwrap_or_else(|| d.name.clone())).unwrap_or_default();
    let invisible: HashMap<u32, u64> = result.invisible_by_province.iter().copied().collect();
    let mut provs: Vec<u32> = by_prov.keys().flatten().copied().chain(invisible.keys().copied()).collect();
    provs.sort_unstable();
    provs.dedup();
    if !provs.is_empty() {
        let _ = writeln!(s, "by province:");
    }
    for p in provs {
        let _ = writeln!(
            s,
            "  {}: {} units invisible to the provincial admin, {} structural findings",
            short(p),
            invisible.get(&p).copied().unwrap_or(0),
            by_prov.get(&Some(p)).copied().unwrap_or(0)
        );
    }
    if let Some(n) = by_prov.get(&None) {
        let _ = writeln!(s, "  (province unknown): {n} structural findings");
    }
    s
}
