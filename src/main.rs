use std::ffi::{c_int, c_long};

/// Dedupe builds millions of small strings (every parsed name): mimalloc allocates and frees
/// them faster than the system allocator and returns memory in larger pieces (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's own option API (the C library linked by the `mimalloc` crate; its Rust bindings
// declare these only behind a feature that names none of the v3 options).
unsafe extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
    #[cfg(test)]
    fn mi_option_get(option: c_int) -> c_long;
}

/// `mi_option_purge_delay` in mimalloc v3's `include/mimalloc.h` (enum `mi_option_e`); the test
/// below checks that the index still names that option.
const MI_OPTION_PURGE_DELAY: c_int = 15;

/// Keep freed memory for the life of the process instead of handing it back to the OS a second
/// after it is freed. Each phase of a run frees what the next one allocates again, and memory
/// handed back is faulted in again page by page, zeroed by the kernel. On a 1M-row `dedupe` this
/// cut page faults from 20,784 to 1,498 and system CPU from 3.4 s to 1.4 s; in alternated runs
/// `run` took 20.9 s instead of 21.9 s and `dedupe` 12.8 s instead of 13.4 s, for 80 MB more
/// peak memory (docs/dedupe.md, eleventh session). A command lives seconds, so nothing is lost.
fn keep_freed_memory() {
    // SAFETY: setting an option is a plain store into mimalloc's option table, and the index is
    // a valid option (checked by the test below against the option's default).
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// Fault memory in 4 KiB pages instead of 2 MiB transparent huge pages. On this workplace's VMs
/// (Firecracker, freed guest memory handed back to the host) fresh memory is the costliest thing
/// a run does, and huge pages made it costlier: a 1M-row `run` in the VM's slow moods spent
/// 11.4–13.2 s of system CPU with huge pages and 4.3–8.4 s without, 19.7–24.7 s against
/// 13.5–16.9 s of wall time, for the same peak memory (docs/run.md, thirteenth session).
/// `PR_SET_THP_DISABLE` is checked at each fault, so setting it before the first large
/// allocation covers the whole run.
#[cfg(target_os = "linux")]
fn use_small_pages() {
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this process (prctl is variadic
    // in C: libc declares it so, and the arguments are passed as the C ABI wants).
    unsafe {
        libc::prctl(
            libc::PR_SET_THP_DISABLE,
            1 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        );
    }
}

fn main() {
    // A purge delay given in the environment is the user's choice (mimalloc read it at start).
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        keep_freed_memory();
    }
    // So is mimalloc's own switch for huge pages.
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        use_small_pages();
    }
    std::process::exit(orgclean::cli::main());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn the_process_faults_small_pages() {
        use_small_pages();
        let flag = unsafe {
            libc::prctl(
                libc::PR_GET_THP_DISABLE,
                0 as libc::c_ulong,
                0 as libc::c_ulong,
                0 as libc::c_ulong,
                0 as libc::c_ulong,
            )
        };
        assert_eq!(flag, 1);
    }

    #[test]
    fn the_option_index_names_mimallocs_purge_delay() {
        // 1000 ms is the purge delay's default and no other v3 option's, so the index is right.
        // (With the option set in the environment, only the round trip below is checked.)
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, 1000);
        }
        keep_freed_memory();
        assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, -1);
    }
}
