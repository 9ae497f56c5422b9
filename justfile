# `just ready` runs exactly what CI runs (.ci/run). Nothing here is required: the README's commands
# use cargo directly.

# Run the whole pipeline on the bundled demo dump.
demo:
    cargo run --locked -- run fixtures/demo/orgs.csv --out out/demo

# The test suite (the README's command).
test:
    cargo test --locked

# What CI runs: fmt, clippy, tests.
ready:
    bash .ci/run

# Benchmarks (never in CI): import/dedupe/check/run on generated dumps; prints times and peak memory.
bench *ARGS:
    bash bench/run.sh {{ARGS}}

# Two or more builds timed in alternation on one dump: ROUNDS COMMAND DUMP BIN... (bench/ab.sh).
ab *ARGS:
    bash bench/ab.sh {{ARGS}}

# Two builds run side by side, one thread each, their CPU compared: ROUNDS COMMAND DUMP A B (bench/pair.sh).
pair *ARGS:
    bash bench/pair.sh {{ARGS}}

# Bounded fuzzing of the importer, the normalizer and the USCC validator (needs cargo-fuzz).
fuzz SECONDS="600":
    bash fuzz/run.sh {{SECONDS}}

# Dedupe measured on the real test lists (bench/real/, ../shared/bench/real-universities) against
# issue 12's criteria; exits non-zero when one fails. Needs a release build.
eval *ARGS:
    cargo build --release --locked
    python3 bench/real_eval.py {{ARGS}}
