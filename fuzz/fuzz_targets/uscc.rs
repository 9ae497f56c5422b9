//! Fuzz target: see orgclean::import::fuzzing::uscc_input. Crashes found are kept in
//! fixtures/hostile/fuzz/uscc/ and replayed by tests/cli/hostile.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    orgclean::import::fuzzing::uscc_input(data);
});
