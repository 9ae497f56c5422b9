//! One integration-test binary (linking polars costs seconds per binary): a module per command.

mod util;

mod audit;
mod check;
mod coverage;
mod dedupe;
mod environment;
mod history;
mod hostile;
mod import;
mod lookup;
mod machine_files;
mod province;
mod report;
mod review;
mod run;
mod saved_index;
mod silent;
