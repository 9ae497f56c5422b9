/// Dedupe builds millions of small strings (every parsed name): mimalloc allocates and frees
/// them faster than the system allocator and returns memory in larger pieces (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    keep_freed_memory();
    std::process::exit(orgclean::cli::main());
}

extern "C" {
    // mimalloc's option interface (mimalloc.h), linked in by the mimalloc crate.
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc.h (v3, as libmimalloc-sys 0.1.49 vendors it; the version
/// is pinned by Cargo.lock, and `MIMALLOC_VERBOSE=1` lists the options in this order).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Every command is one batch that exits when done: memory it frees is soon allocated again, and
/// each page mimalloc gives back to the OS a second after a free is faulted in and zeroed again
/// on its next use. Keeping it took a 1M-row `run` from 30,000-42,000 page faults to 1,700 and
/// about 1.5 s of system time off its 37 s of CPU, for about 0.1 GB more peak memory
/// (docs/run.md). A `MIMALLOC_PURGE_DELAY` in the environment wins.
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: a plain call into the allocator's option table, before any thread is started.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}
