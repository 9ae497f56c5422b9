//! Progress bars on stderr, only when stderr is a terminal and the user did not ask for quiet.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

fn enabled(wanted: bool) -> bool {
    wanted && std::io::stderr().is_terminal()
}

/// A bar over `len` bytes of one file.
pub fn bytes_bar(len: u64, label: &str, wanted: bool) -> ProgressBar {
    if !enabled(wanted) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_string());
    bar
}

/// A bar over `len` items (the output files being written), naming the last one done.
pub fn items_bar(len: u64, label: &str, wanted: bool) -> ProgressBar {
    if !enabled(wanted) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(label.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// A spinner for a step whose size is not known in advance.
pub fn step(label: &str, wanted: bool) -> ProgressBar {
    if !enabled(wanted) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(label.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Phase times on stderr for benchmarks (`ORGCLEAN_TIMING=1`), whatever `--quiet` says: they are
/// asked for explicitly and go where no output file is written.
pub fn timing(phase: &str, since: std::time::Instant) {
    if std::env::var_os("ORGCLEAN_TIMING").is_some() {
        eprintln!("{phase}: {:.2} s", since.elapsed().as_secs_f64());
    }
}
