//! `orgclean lookup`: what a typed name finds in the directory (docs/lookup.md).

use std::path::PathBuf;

use clap::Args;

use crate::dedupe::DedupeOptions;
use crate::error::{Error, Outcome, Result};
use crate::lang::Lang;
use crate::lookup::{self, Catalog};
use crate::report;

use super::InputArgs;

#[derive(Debug, Args)]
pub struct LookupArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// The name (or part of it) as a user would type it.
    #[arg(long, value_name = "TEXT", required_unless_present = "queries")]
    pub query: Option<String>,

    /// A file of queries, one per line (UTF-8); a tab after the name may give its province.
    /// `-` reads standard input and answers each line as it arrives: the directory is loaded
    /// once and every further query takes milliseconds (a desk can keep it open).
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub queries: Option<PathBuf>,

    /// The province the user is in (省份), for every query that does not give its own.
    #[arg(long, value_name = "P")]
    pub province: Option<String>,

    /// One JSON object per query on stdout instead of the table.
    #[arg(long)]
    pub json: bool,

    /// Entries shown per query, at most (whole duplicate clusters).
    #[arg(long, default_value_t = lookup::search::DEFAULT_LIMIT)]
    pub limit: usize,

    /// Language of the table: zh (default) or en.
    #[arg(long, default_value = "zh")]
    pub lang: Lang,

    /// Dedupe's merge threshold (clusters; same default as `orgclean dedupe`).
    #[arg(long, default_value_t = DedupeOptions::default().merge_threshold)]
    pub merge_threshold: f32,

    /// Dedupe's review threshold: weaker candidates are not listed (unless autocomplete offers them).
    #[arg(long, default_value_t = DedupeOptions::default().review_threshold)]
    pub review_threshold: f32,
}

/// Dedupe thresholds from flags shared by lookup and match.
pub(super) fn thresholds(merge: f32, review: f32) -> Result<DedupeOptions> {
    if !(0.0..=1.0).contains(&merge) || !(0.0..=1.0).contains(&review) || review > merge {
        return Err(Error::Usage(
            "--merge-threshold and --review-threshold must be between 0 and 1, review ≤ merge".into(),
        ));
    }
    Ok(DedupeOptions { merge_threshold: merge, review_threshold: review })
}

fn read_queries(args: &LookupArgs) -> Result<Vec<(String, String)>> {
    let default_province = args.province.clone().unwrap_or_default();
    if let Some(q) = &args.query {
        return Ok(vec![(q.clone(), default_province)]);
    }
    let Some(path) = &args.queries else {
        return Err(Error::Usage("give --query TEXT or --queries FILE".into()));
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::Usage(format!("--queries {}: cannot be read as UTF-8 text: {e}", path.display()))
    })?;
    let queries: Vec<(String, String)> = text
        .trim_start_matches('\u{feff}')
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.split_once('\t') {
            Some((name, p)) if !p.trim().is_empty() => (name.trim().to_string(), p.trim().to_string()),
            Some((name, _)) => (name.trim().to_string(), default_province.clone()),
            None => (l.trim().to_string(), default_province.clone()),
        })
        .collect();
    if queries.is_empty() {
        return Err(Error::Usage(format!(
            "--queries {}: no query in the file (one per line)",
            path.display()
        )));
    }
    Ok(queries)
}

pub fn run(args: &LookupArgs, quiet: bool) -> Result<Outcome> {
    let opts = thresholds(args.merge_threshold, args.review_threshold)?;
    if args.queries.as_deref() == Some(std::path::Path::new("-")) {
        return interactive(args, opts, quiet);
    }
    let queries = read_queries(args)?;
    let qdir = lookup::probe::query_directory(&queries)?;
    let probes = lookup::probes_of(&qdir);
    let loaded = super::matching::load(&args.input, quiet)?;
    let catalog = Catalog::build(&loaded.dir, &loaded.names, &loaded.profiles, opts);
    let t = std::time::Instant::now();
    let answers: Vec<lookup::Answer> = {
        use rayon::prelude::*;
        probes.par_iter().map(|p| catalog.lookup(p, args.limit.max(1))).collect()
    };
    crate::progress::timing("lookup: queries", t);
    let out: String = answers.iter().map(|a| render(a, args)).collect();
    super::print_stdout(&out)?;
    super::leave_at_exit(catalog);
    super::leave_at_exit(loaded);
    Ok(Outcome::Clean)
}

fn render(a: &lookup::Answer, args: &LookupArgs) -> String {
    if args.json {
        format!("{}\n", report::lookup::json_line(a))
    } else {
        format!("{}\n", report::lookup::text(a, args.lang))
    }
}

/// `--queries -`: load once, then answer standard input line by line, flushing each answer.
fn interactive(args: &LookupArgs, opts: crate::dedupe::DedupeOptions, quiet: bool) -> Result<Outcome> {
    use std::io::BufRead;
    let loaded = super::matching::load(&args.input, quiet)?;
    let catalog = Catalog::build(&loaded.dir, &loaded.names, &loaded.profiles, opts);
    if !quiet {
        eprintln!("{} 条记录已载入；每行输入一个名称（可用制表符分隔省份），Ctrl-D 结束", loaded.dir.len());
    }
    let province = args.province.clone().unwrap_or_default();
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| Error::Usage(format!("reading queries from standard input: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let (name, p) = match line.split_once('\t') {
            Some((n, p)) if !p.trim().is_empty() => (n.trim().to_string(), p.trim().to_string()),
            Some((n, _)) => (n.trim().to_string(), province.clone()),
            None => (line.trim().to_string(), province.clone()),
        };
        let qdir = lookup::probe::query_directory(&[(name, p)])?;
        let text: String = lookup::probes_of(&qdir)
            .iter()
            .map(|p| render(&catalog.lookup(p, args.limit.max(1)), args))
            .collect();
        super::print_stdout(&text)?;
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }
    super::leave_at_exit(catalog);
    super::leave_at_exit(loaded);
    Ok(Outcome::Clean)
}
