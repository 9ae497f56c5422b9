//! `orgclean dedupe`: duplicate clusters (clusters.csv), scored pairs (pairs.csv), summary.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::dedupe::{self, DedupeOptions, DedupeResult};
use crate::error::{Error, Outcome, Result};
use crate::model::{CertStatus, Directory, Field, RecIdx};
use crate::output;

use super::InputArgs;

#[derive(Debug, Args)]
pub struct DedupeArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output directory for clusters.csv and pairs.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Pairs scoring at least this are merged (0..1).
    #[arg(long, default_value_t = DedupeOptions::default().merge_threshold)]
    pub merge_threshold: f32,

    /// Pairs scoring at least this and not merged are listed as needs_review (0..1).
    #[arg(long, default_value_t = DedupeOptions::default().review_threshold)]
    pub review_threshold: f32,
}

impl DedupeArgs {
    pub fn options(&self) -> Result<DedupeOptions> {
        let ok = |x: f32| (0.0..=1.0).contains(&x);
        if !ok(self.merge_threshold) || !ok(self.review_threshold) {
            return Err(Error::Usage(
                "--merge-threshold and --review-threshold must be between 0 and 1".into(),
            ));
        }
        if self.review_threshold > self.merge_threshold {
            return Err(Error::Usage(format!(
                "--review-threshold {} is above --merge-threshold {}; the review zone lies below the merge threshold",
                self.review_threshold, self.merge_threshold
            )));
        }
        Ok(DedupeOptions { merge_threshold: self.merge_threshold, review_threshold: self.review_threshold })
    }
}

pub fn run(args: &DedupeArgs, quiet: bool) -> Result<Outcome> {
    let opts = args.options()?;
    let import_opts = crate::import::ImportOptions { require_rows: true, ..args.input.to_options(quiet)? };
    output::prepare_out_dir(&args.out, &args.input.dumps)?;
    let dir = crate::import::import(&args.input.dumps, &import_opts)?;
    super::warn(&crate::import::warnings(&dir, crate::import::DEDUPE_RELIES));
    let result = dedupe::run(&dir, &opts);
    write_clusters(&dir, &result, &args.out.join("clusters.csv"))?;
    write_pairs(&dir, &result, &args.out.join("pairs.csv"))?;
    if !quiet {
        print!("{}", summary(&dir, &result, &args.out));
    }
    super::leave_at_exit((dir, result));
    Ok(Outcome::Clean)
}

fn status_word(s: CertStatus) -> &'static str {
    match s {
        CertStatus::Certified => "certified",
        CertStatus::Pending => "pending",
        CertStatus::Other => "other status",
        CertStatus::Failed => "failed certification",
    }
}

/// Why the survivor was kept, in words.
fn survivor_reason(dir: &Directory, s: RecIdx, children: usize) -> String {
    let mut r = vec![format!("survivor: {}", status_word(dir.status(s)))];
    if crate::uscc::canonical(dir.get(s, Field::Uscc)).is_some() {
        r.push("valid credit code".into());
    }
    if children > 0 {
        r.push(format!("{children} child records"));
    }
    let created = dir.created_at(s);
    if !created.is_empty() {
        r.push(format!("created {created}"));
    }
    r.join("; ")
}

pub fn write_clusters(dir: &Directory, res: &DedupeResult, path: &Path) -> Result<()> {
    let mut children = vec![0usize; dir.len()];
    for i in 0..dir.len() as RecIdx {
        if let Some(p) = dir.parent(i).filter(|&p| p != i) {
            children[p as usize] += 1;
        }
    }
    let mut rows = Vec::new();
    for c in &res.clusters.clusters {
        let survivor_id = dir.id(c.survivor).to_string();
        for &m in &c.members {
            let (score, reasons) = if m == c.survivor {
                (String::new(), survivor_reason(dir, m, children[m as usize]))
            } else {
                match res.link.get(&m).map(|&k| &res.pairs[k]) {
                    Some(p) => {
                        let other = if p.a == m { p.b } else { p.a };
                        let mut r = crate::dedupe::reason::join(&p.reasons, crate::lang::Lang::En);
                        if other != c.survivor {
                            r = format!("via {}: {r}", dir.id(other));
                        }
                        (format!("{:.3}", p.score), r)
                    }
                    None => (String::new(), String::new()),
                }
            };
            rows.push(vec![
                dir.id(m).to_string(),
                c.id.clone(),
                if m == c.survivor { "1" } else { "0" }.to_string(),
                survivor_id.clone(),
                score,
                reasons,
                dir.name(m).to_string(),
                dir.get(m, Field::Province).to_string(),
                dir.get(m, Field::City).to_string(),
                dir.get(m, Field::Status).to_string(),
            ]);
        }
    }
    let header = [
        "org_id",
        "cluster_id",
        "is_survivor",
        "survivor_id",
        "score",
        "reasons",
        "name",
        "province",
        "city",
        "status",
    ];
    output::write_csv(path, &header, rows)
}

pub fn write_pairs(dir: &Directory, res: &DedupeResult, path: &Path) -> Result<()> {
    let rows = res.pairs.iter().map(|p| {
        vec![
            dir.id(p.a).to_string(),
            dir.id(p.b).to_string(),
            format!("{:.3}", p.score),
            p.decision.as_str().to_string(),
            crate::dedupe::reason::join(&p.reasons, crate::lang::Lang::En),
            dir.name(p.a).to_string(),
            dir.name(p.b).to_string(),
        ]
    });
    output::write_csv(
        path,
        &["org_id_a", "org_id_b", "score", "decision", "reasons", "name_a", "name_b"],
        rows,
    )
}

pub fn summary(dir: &Directory, res: &DedupeResult, out: &Path) -> String {
    let clusters = &res.clusters.clusters;
    let in_clusters: usize = clusters.iter().map(|c| c.members.len()).sum();
    let review = res.pairs.iter().filter(|p| p.decision == dedupe::PairDecision::NeedsReview).count();
    let mut s = String::new();
    let _ = writeln!(s, "records: {}", dir.len());
    let _ = writeln!(s, "candidate pairs: {}", res.candidate_pairs);
    let _ = writeln!(
        s,
        "clusters: {} ({} records in clusters, {} to merge away)",
        clusters.len(),
        in_clusters,
        in_clusters - clusters.len()
    );
    let _ = writeln!(s, "pairs for review: {review}");
    let mut by_province: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in clusters {
        let p = dir.get(c.survivor, Field::Province);
        let e = by_province.entry(if p.is_empty() { "(no province)" } else { p }).or_default();
        e.0 += 1;
        e.1 += c.members.len();
    }
    let mut rows: Vec<_> = by_province.into_iter().collect();
    rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
    if !rows.is_empty() {
        let _ = writeln!(s, "by province (clusters / records in clusters):");
        for (p, (c, r)) in rows {
            let _ = writeln!(s, "  {p}: {c} / {r}");
        }
    }
    let _ =
        writeln!(s, "wrote {} and {}", out.join("clusters.csv").display(), out.join("pairs.csv").display());
    s
}
