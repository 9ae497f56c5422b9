//! orgclean: cleans the organization directory (组织库) of the National Science Popularization Day
//! platform. Layers, each importing only the ones below it:
//!
//! - `cli`: flags → typed options (`settings`), calls the library, prints, maps outcomes to exit
//!   codes; writes no file. `main.rs` only calls `cli::main`.
//! - `report`: renders every output file (CSV, XLSX, Markdown, summary.json, console summaries)
//!   from one row function per table; counts with polars (`report::counts`).
//! - `audit`: the nightly audit database (snapshots, diffs, history, review decisions).
//! - `pipeline`: import → normalize/profile → dedupe → check → coverage in one process, over the
//!   steps `import`, `normalize` + `profile`, `dedupe`, `hierarchy`, `coverage`, with reviewer
//!   `decisions` applied.
//! - shared below the steps: `rows` (a run's items as typed rows, for `report` and `audit`),
//!   `settings`, `config`, `lang`, `output` (atomic writes, staging), `table` (the record table in
//!   polars), `progress`, `error`; the domain: `model`, `geo` (gazetteer), `uscc` (credit codes).

// Input never panics the tool: no unwrap/expect outside tests (tests may).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod audit;
pub mod cli;
pub mod config;
pub mod coverage;
pub mod decisions;
pub mod dedupe;
pub mod error;
pub mod excel;
pub mod geo;
pub mod hierarchy;
pub mod import;
pub mod lang;
pub mod lookup;
pub mod model;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod profile;
pub mod progress;
pub mod province;
pub mod report;
pub mod rows;
pub mod settings;
pub mod table;
pub mod uscc;

pub use error::{Error, Outcome, Result};
