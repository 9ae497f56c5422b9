//! `orgclean import`: read the dumps and account for every row.

use crate::error::{Outcome, Result};
use crate::report::{console, outputs};

pub fn run(args: &super::ImportArgs, quiet: bool, lang: crate::lang::Lang) -> Result<Outcome> {
    let (dumps, out) = (&args.input.dumps, args.out.as_deref());
    let opts = args.input.to_options(quiet)?;
    out.map(|out| crate::output::prepare_out_dir(out, dumps)).transpose()?;
    let dir = crate::import::import(dumps, &opts)?;
    out.map(|out| outputs::write_rejected(&dir, &out.join("rejected_rows.csv"))).transpose()?;
    if !quiet {
        super::print_stdout(&console::import(&dir, out, lang)?)?;
    }
    super::leave_at_exit(dir);
    Ok(Outcome::Clean)
}
