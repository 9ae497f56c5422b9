//! `orgclean import`: read the dumps and account for every row.

use crate::{error::Outcome, error::Result, report::commands, report::console};

pub fn run(args: &super::ImportArgs, quiet: bool, lang: crate::lang::Lang) -> Result<Outcome> {
    let out = args.out.as_deref();
    let dir = commands::import(&args.input.dumps, &args.input.to_options(quiet)?, out)?;
    super::print_and_leave(quiet, dir, |dir| console::import(dir, out, lang))
}
