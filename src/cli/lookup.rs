//! `orgclean lookup`: what a typed name finds in the directory (docs/lookup.md).

use std::path::PathBuf;

use clap::Args;

use crate::error::{Outcome, Result};
use crate::lang::Lang;
use crate::lookup::queries::{self, Ask, Source};
use crate::lookup::{self, Catalog, Loaded};
use crate::report;

use super::InputArgs;

#[derive(Debug, Args)]
pub struct LookupArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The name (or part of it) as a user would type it.
    #[arg(long, value_name = "TEXT", required_unless_present = "queries")]
    pub query: Option<String>,
    /// A file of queries, one per line (a tab may give its province); `-`: standard input, line by line.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub queries: Option<PathBuf>,
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
    let source = Source::new(args.query.as_deref(), args.queries.as_deref(), &args.province)?;
    let loaded = Loaded::load(&args.input.dumps, &args.input.to_hierarchy_options(quiet)?)?;
    let catalog = Catalog::build(&loaded, opts);
    let ask = Ask::new(&args.province, args.limit, args.lang, args.json);
    let render = |a: &lookup::Answer| report::lookup::render(a, args.json, args.lang);
    match source {
        Source::Batch(batch) => super::print_stdout(
            &queries::answer_all(&catalog, &batch, &ask)?.iter().map(render).collect::<String>(),
        )?,
        Source::Stdin => {
            let (stdin, mut stdout) = (std::io::stdin().lock(), std::io::stdout().lock());
            queries::interactive(&catalog, stdin, &mut stdout, &ask, quiet, render)?
        }
    }
    super::leave_at_exit(catalog);
    super::leave_at_exit(loaded);
    Ok(Outcome::Clean)
}
