use crate::error::{Outcome, Result};

use super::ImportArgs;

pub fn run(args: &ImportArgs, quiet: bool) -> Result<Outcome> {
    let opts = args.input.to_options(quiet)?;
    let _dir = crate::import::import(&args.input.dumps, &opts)?;
    Ok(Outcome::Clean)
}
