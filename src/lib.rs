//! orgclean: cleans the organization directory (组织库) of the National Science Popularization Day
//! platform. One module per step — `import`, `normalize` + `dedupe`, `hierarchy`, `report`, `audit`
//! — over the shared types in `model` and the gazetteer in `geo`. `cli` maps arguments to steps;
//! `main.rs` only calls `cli::main`.

// Input never panics the tool: no unwrap/expect outside tests (tests may).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod audit;
pub mod cli;
pub mod config;
pub mod coverage;
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
pub mod report;
pub mod table;
pub mod uscc;

pub use error::{Error, Outcome, Result};
