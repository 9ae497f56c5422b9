//! `orgclean audit`: `run`, then record the run in the audit database and report what changed
//! since the last one (docs/nightly-audit.md).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::audit::{changes, db, diff, snapshot};
use crate::error::{Error, Outcome, Result};
use crate::output;
use crate::pipeline;

use super::run::{self as run_cmd, RunArgs};

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub run: RunArgs,

    /// Print the summary (counts and changes) as JSON on stdout.
    #[arg(long)]
    pub json: bool,

    /// Seconds to wait while another audit writes to the same database before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub db_wait: u64,

    /// Record the night even if it read far fewer records than the last one (a real shrink of
    /// the directory, not a broken export).
    #[arg(long)]
    pub accept_shrink: bool,
}

/// Test hook (debug builds only, never in a release binary): sleep this many milliseconds inside
/// the run's transaction, after the rows are written and before the commit, so that tests can
/// kill or race an audit mid-write.
#[cfg(debug_assertions)]
fn test_pause() {
    const PAUSE_ENV: &str = "ORGCLEAN_TEST_PAUSE_IN_TXN_MS";
    if let Some(ms) = std::env::var(PAUSE_ENV).ok().and_then(|v| v.parse::<u64>().ok()) {
        eprintln!("orgclean: test pause in transaction for {ms} ms");
        std::thread::sleep(Duration::from_millis(ms));
    }
}

#[cfg(not(debug_assertions))]
fn test_pause() {}

/// Rows per table listed in report.md's "Since last run" section.
const MD_LIMIT: usize = 20;

pub fn run(args: &AuditArgs, quiet: bool) -> Result<Outcome> {
    let ra = &args.run;
    let db_path: &PathBuf = ra
        .db
        .as_ref()
        .ok_or_else(|| Error::Usage("`orgclean audit` needs --db FILE (created if missing)".into()))?;
    let settings = ra.settings()?;
    let input = ra.input_with_config(&settings.config)?;
    let opts = input.to_hierarchy_options(quiet)?;
    output::prepare_out_dir(&ra.out, &input.dumps)?;

    let mut adb = db::AuditDb::open(db_path, true, Duration::from_secs(args.db_wait))?;
    let decisions = db::load_decisions(&adb.conn, db_path)?;
    let started = db::now_utc();
    let mut p = pipeline::run(&input.dumps, &opts, &ra.steps(&settings, &decisions))?;
    super::warn(&p.warnings);
    run_cmd::apply_severity(&mut p, &settings.config);
    let snap = snapshot::of(&p, &settings, started);

    // One transaction from reading the previous run to writing the outputs: a run killed before
    // the commit leaves the database as it was, and a concurrent audit waits here for the lock
    // (so it compares against this run, not the one before).
    let tx = adb.begin_write()?;
    let prev = db::previous_run(&tx, db_path)?;
    if let Some(prev) = &prev {
        if !args.accept_shrink {
            crate::audit::refuse_shrink(prev.records, snap.records, prev.run_id, &prev.as_of)?;
        }
    }
    let d = diff::compare(prev.as_ref(), &snap);
    let run_id = db::insert_run(&tx, db_path, &snap, &d, prev.as_ref())?;
    test_pause();
    let prev_label = prev.as_ref().map(|x| (x.run_id, x.as_of.as_str()));
    let stage = output::Staging::new(&ra.out)?;
    changes::write_csv(&d, &stage.path("changes.csv"))?;
    let md = changes::markdown(&d, prev_label, MD_LIMIT);
    let mut written = run_cmd::write_outputs_with(&p, &settings, &stage, &[md], vec![changes::sheet(&d)])?;
    written.push("changes.csv");
    stage.commit(&written)?;
    tx.commit().map_err(|e| Error::Database { path: db_path.clone(), message: e.to_string() })?;

    let outcome = outcome(&d, &settings.config);
    if args.json {
        let v = changes::json(run_id, prev_label, &snap, &d, outcome.exit_code());
        let text = serde_json::to_string_pretty(&v).map_err(|e| Error::Internal(format!("summary: {e}")))?;
        println!("{text}");
    }
    if !quiet {
        eprint!("{}", console(run_id, prev_label, &d, &written, &ra.out));
    }
    super::leave_at_exit((p, snap, d));
    Ok(outcome)
}

/// Exit 1 when, for some code, the findings new since the last run reach the `fail_on` count.
fn outcome(d: &diff::Diff, cfg: &crate::config::Config) -> Outcome {
    let reached = crate::config::thresholds_reached(&d.new_by_code(), &cfg.fail_on, "new ");
    for r in &reached {
        eprintln!("orgclean: --fail-on reached: {r}");
    }
    if !reached.is_empty() {
        Outcome::FindingsOverThreshold
    } else {
        Outcome::Clean
    }
}

fn console(
    run_id: i64,
    prev: Option<(i64, &str)>,
    d: &diff::Diff,
    written: &[&str],
    out: &std::path::Path,
) -> String {
    use diff::{Change, Kind};
    use std::fmt::Write;
    let mut s = String::new();
    let since = match prev {
        Some((id, as_of)) => format!("since run #{id} (as of {as_of})"),
        None => "first run in this database".into(),
    };
    let _ = writeln!(s, "audit: recorded run #{run_id}; {since}:");
    for k in [Kind::Finding, Kind::Cluster] {
        let _ = writeln!(
            s,
            "  {}s: {} new, {} resolved, {} persisting",
            k.as_str(),
            d.count(Change::New, k),
            d.count(Change::Resolved, k),
            d.count(Change::Persisting, k)
        );
    }
    let _ = writeln!(s, "wrote to {}:", out.display());
    for w in written {
        let _ = writeln!(s, "  {}", out.join(w).display());
    }
    s
}
