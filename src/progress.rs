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
/// Each line also gives the CPU time the process has used so far (Linux): on a loaded machine
/// wall times mislead, and the difference between two lines is what a phase cost. And when the
/// phase ended, counted from the process's start: phases run side by side, so durations alone
/// do not say where a core was left idle.
pub fn timing(phase: &str, since: std::time::Instant) {
    if std::env::var_os("ORGCLEAN_TIMING").is_some() {
        let stat = SelfStat::read();
        let cpu = stat.as_ref().and_then(SelfStat::cpu_seconds);
        let cpu = cpu.map(|c| format!(" (process cpu {c:.2} s)")).unwrap_or_default();
        let mem = memory_mb().map(|(rss, hwm)| format!(" rss {rss} MB, peak {hwm} MB")).unwrap_or_default();
        let at = stat.as_ref().and_then(SelfStat::age_seconds);
        let at = at.map(|a| format!(" [at {a:.2} s]")).unwrap_or_default();
        eprintln!("{phase}: {:.2} s{cpu}{mem}{at}", since.elapsed().as_secs_f64());
    }
}

/// Resident memory now and at its peak so far, in MB (VmRSS and VmHWM of /proc/self/status): the
/// 2 GB budget of a 1M-row run is met or missed phase by phase.
fn memory_mb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line[key.len()..].trim().trim_end_matches("kB").trim().parse().ok()
    };
    Some((kb("VmRSS:")? / 1024, kb("VmHWM:")? / 1024))
}

/// The fields of /proc/self/stat after the command name (field 2, in parentheses, which may hold
/// spaces): field 3 is the first. Times are in clock ticks of 1/100 s, the value on every Linux
/// this runs on.
struct SelfStat(String);

impl SelfStat {
    fn read() -> Option<SelfStat> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let after = stat[stat.rfind(')')? + 2..].to_string();
        Some(SelfStat(after))
    }

    /// Field `n` of the file (counted from 1), as a number.
    fn field(&self, n: usize) -> Option<f64> {
        self.0.split(' ').nth(n.checked_sub(3)?)?.parse().ok()
    }

    /// User + system time (fields 14 and 15).
    fn cpu_seconds(&self) -> Option<f64> {
        Some((self.field(14)? + self.field(15)?) / 100.0)
    }

    /// Seconds since the process started: /proc/uptime less the start time (field 22, since
    /// boot).
    fn age_seconds(&self) -> Option<f64> {
        let uptime: f64 = std::fs::read_to_string("/proc/uptime").ok()?.split(' ').next()?.parse().ok()?;
        Some(uptime - self.field(22)? / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_knows_how_long_it_has_run_and_what_it_has_used() {
        // The wrong field of /proc/self/stat (a neighbour is a tick count since boot, or a
        // priority) gives minus the uptime, or more than the machine has been up.
        let age = SelfStat::read().unwrap().age_seconds().unwrap();
        let uptime: f64 =
            std::fs::read_to_string("/proc/uptime").unwrap().split(' ').next().unwrap().parse().unwrap();
        assert!(age >= 0.0 && age < uptime, "age {age} s, machine up {uptime} s");
        let cpu = || SelfStat::read().unwrap().cpu_seconds().unwrap();
        // 200 ms of spinning is CPU time the counter must show (it counts in 10 ms ticks): a field
        // that does not grow with work fails here.
        let before = cpu();
        let spin = std::time::Instant::now();
        while spin.elapsed().as_millis() < 200 {
            std::hint::black_box(0);
        }
        let used = cpu() - before;
        assert!(used >= 0.01, "spun 200 ms, counted {used} s");
        let (rss, peak) = memory_mb().unwrap();
        assert!(rss > 0 && peak >= rss);
    }
}
