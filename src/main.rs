/// Dedupe builds millions of small strings (every parsed name): mimalloc allocates and frees
/// them faster than the system allocator and returns memory in larger pieces (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(orgclean::cli::main());
}
