#!/usr/bin/env bash
# Benchmark (not run in CI): dedupe wall time and peak memory at 100k and 1M rows, and how the
# number of candidate pairs grows with the rows.
#   bench/dedupe.sh [SHARED_DIR]   (default ../shared, i.e. the project's shared data)
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${1:-../shared}"
gen="$shared/bench/gen_orgs.py"
divisions="$shared/data/divisions.csv"
cargo build --release --locked
bin=target/release/orgclean
for size in 100000 1000000; do
    dump="/tmp/orgs-$((size / 1000))k"
    [ "$size" = 1000000 ] && dump=/tmp/orgs-1m
    if [ ! -f "$dump/orgs.csv" ]; then
        python3 "$gen" --divisions "$divisions" --size "$size" --seed 3 --out "$dump"
    fi
    out=$(mktemp -d)
    echo "== $size rows ($dump)"
    /usr/bin/time -v "$bin" dedupe "$dump/orgs.csv" --out "$out" 2>"$out/time.txt" | grep -E '^(records|candidate pairs|clusters|pairs for review):'
    grep -E 'Elapsed \(wall|Maximum resident' "$out/time.txt"
    if [ -f "$dump/truth_clusters.csv" ]; then
        python3 "$shared/bench/score.py" clusters "$dump" "$out/clusters.csv" | grep -E '^(pairwise|hard-negative|survivor)'
    fi
    rm -rf "$out"
done
