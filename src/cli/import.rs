//! `orgclean import`: read the dumps and account for every row.

use crate::error::{Outcome, Result};
use crate::output;
use crate::report::{console, outputs};

use super::ImportArgs;

pub fn run(args: &ImportArgs, quiet: bool, lang: crate::lang::Lang) -> Result<Outcome> {
    let opts = args.input.to_options(quiet)?;
    if let Some(out) = &args.out {
        output::prepare_out_dir(out, &args.input.dumps)?;
    }
    let dir = crate::import::import(&args.input.dumps, &opts)?;
    if let Some(out) = &args.out {
        outputs::write_rejected(&dir, &out.join("rejected_rows.csv"))?;
    }
    if !quiet {
        print!("{}", console::import(&dir, args.out.as_deref(), lang)?);
    }
    super::leave_at_exit(dir);
    Ok(Outcome::Clean)
}
