#!/usr/bin/env bash
# Bounded fuzzing (`just fuzz [SECONDS]`, not CI): runs each cargo-fuzz target for SECONDS (default
# 600), seeded with the fixtures, then copies any crash input to fixtures/hostile/fuzz/<target>/,
# where tests/cli/hostile.rs replays it on every `cargo test`. Prints the executions per target.
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# FUZZ_TARGETS="import uscc" limits the targets; FUZZ_SANITIZER=address turns ASan on (off by
# default: the code is safe Rust, and ASan makes the polars build and the runs several times slower).
set -uo pipefail
seconds=${1:-600}
cd "$(dirname "$0")"
root=$(cd .. && pwd)
targets=${FUZZ_TARGETS:-"import normalize uscc"}
sanitizer=${FUZZ_SANITIZER:-none}
mkdir -p logs
status=0
for t in $targets; do
    mkdir -p "corpus/$t" "artifacts/$t" "$root/fixtures/hostile/fuzz/$t"
    if [ "$t" = import ]; then
        # The first byte selects the options (0 = detect everything); the rest is the file.
        for f in "$root"/fixtures/import/*.* "$root"/fixtures/hostile/*.csv "$root"/fixtures/hostile/*.tsv; do
            { printf '\0'; cat "$f"; } > "corpus/$t/seed-$(basename "$f")"
        done
    elif [ "$t" = normalize ]; then
        printf '%s' 安徽省合肥市第一中学 > corpus/$t/seed-1
        printf '%s' '肥西县科学技术协会（筹）' > corpus/$t/seed-2
    else
        printf '%s' 91350200776049653A > corpus/$t/seed-1
    fi
    cargo +nightly fuzz run --sanitizer "$sanitizer" "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -artifact_prefix="artifacts/$t/" -print_final_stats=1 \
        > "logs/$t.log" 2>&1
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' | tail -1)
    echo "$t: exit $rc, ${execs:-?} executions in ${seconds}s (log: fuzz/logs/$t.log)"
    for crash in artifacts/"$t"/crash-* artifacts/"$t"/oom-* artifacts/"$t"/timeout-*; do
        [ -e "$crash" ] || continue
        cp "$crash" "$root/fixtures/hostile/fuzz/$t/"
        echo "  kept $crash as fixtures/hostile/fuzz/$t/$(basename "$crash")"
        status=1
    done
    [ "$rc" -eq 0 ] || status=1
done
exit $status
