//! `orgclean lookup`: what a typed name finds in the directory (docs/lookup.md).

use std::path::PathBuf;

use clap::Args;

use crate::error::{Error, Outcome, Result};
use crate::lang::Lang;
use crate::lookup;
use crate::lookup::queries::{Ask, Source};
use crate::report::{self, lookup::LookIn};

use super::InputArgs;

#[derive(Debug, Args)]
#[command(mut_arg("dumps", |a| a.required(false).required_unless_present("index")))]
pub struct LookupArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The name (or part of it) as a user would type it.
    #[arg(long, value_name = "TEXT", required_unless_present_any = ["queries", "save_index"])]
    pub query: Option<String>,
    /// A file of queries, one per line (a tab may give its province); `-`: standard input, line by line.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub queries: Option<PathBuf>,
    /// Answer from a saved index instead of the dumps (starts at once; see --save-index).
    #[arg(long, value_name = "FILE", conflicts_with = "save_index")]
    pub index: Option<PathBuf>,
    /// Save the index of the dumps to FILE for later `--index FILE` lookups (rebuild it after
    /// the dumps or orgclean change).
    #[arg(long, value_name = "FILE")]
    pub save_index: Option<PathBuf>,
    /// The province the user is in (省份), for every query that does not give its own.
    #[arg(long, value_name = "P", default_value = "")]
    pub province: String,
    /// One JSON object per query on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Entries shown per query, at most (whole duplicate clusters).
    #[arg(long, default_value_t = lookup::search::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Language of the table: zh (default) or en.
    #[arg(long, default_value = "zh")]
    pub lang: Lang,
    #[command(flatten)]
    pub thresholds: super::ThresholdArgs,
}

pub fn run(args: &LookupArgs, quiet: bool) -> Result<Outcome> {
    let opts = args.thresholds.options()?;
    let source = match (&args.query, &args.queries) {
        (None, None) => None,
        (q, f) => Some(Source::new(q.as_deref(), f.as_deref(), &args.province)?),
    };
    // JSON answers keep dedupe's machine (English) reasons; the table speaks `--lang`.
    let ask = Ask::new(&args.province, args.limit, args.lang, args.json);
    let from = match (&args.index, args.input.dumps.is_empty()) {
        (Some(path), true) => LookIn::Index(path),
        (Some(_), false) => return Err(Error::Usage("give the dumps or --index FILE, not both".into())),
        (None, _) => LookIn::Dumps {
            dumps: &args.input.dumps,
            import: args.input.to_hierarchy_options(quiet)?,
            save_index: args.save_index.as_deref(),
        },
    };
    report::lookup::run(from, source, &ask, opts, args.json, quiet)?;
    Ok(Outcome::Clean)
}
