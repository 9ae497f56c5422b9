fn main() {
    std::process::exit(orgclean::cli::main());
}
