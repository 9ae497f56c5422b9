//! `orgclean coverage`: which divisions' science associations are missing, duplicated or
//! misplaced (coverage.csv and a per-province summary on the console).

use std::path::PathBuf;

use clap::Args;

use crate::coverage::{render, Scope};
use crate::dedupe::DedupeOptions;
use crate::error::{Outcome, Result};
use crate::output;
use crate::pipeline;

use super::InputArgs;

#[derive(Debug, Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output directory for coverage.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Report every division of the country, not only those of the provinces in the input.
    #[arg(long)]
    pub all_divisions: bool,

    /// Pairs scoring at least this are merged (0..1); coverage counts merged records as one.
    #[arg(long, default_value_t = DedupeOptions::default().merge_threshold)]
    pub merge_threshold: f32,
}

pub fn run(args: &CoverageArgs, quiet: bool) -> Result<Outcome> {
    let dedupe = super::merge_only_options(args.merge_threshold)?;
    let opts = args.input.to_hierarchy_options(quiet)?;
    output::prepare_out_dir(&args.out, &args.input.dumps)?;
    let decisions = crate::audit::Decisions::default();
    let scope = if args.all_divisions { Scope::All } else { Scope::InputProvinces };
    let steps = pipeline::Steps { dedupe, decisions: &decisions, coverage: scope };
    let p = pipeline::run(&args.input.dumps, &opts, &steps)?;
    super::warn(&p.warnings);
    let path = args.out.join("coverage.csv");
    render::write_csv(&p.dir, &p.coverage, &path)?;
    if !quiet {
        print!("{}", render::console(&p.coverage.summary));
        println!("wrote {}", path.display());
    }
    super::leave_at_exit(p);
    Ok(Outcome::Clean)
}
