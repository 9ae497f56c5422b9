#!/usr/bin/env bash
# Benchmark (not run in CI): dedupe on the synthetic quirks dump (bench/gen_quirks.py), scored by
# the shared score.py. Issue 12 wants pairwise F1 >= 0.90 there with no look-alike merged.
#   bench/quirks_eval.sh [dev|heldout] [SHARED_DIR]     (default: dev; SHARED_DIR found next to the repo)
# DEV (seed 101 on public-20k) may be used while tuning; HELD-OUT only for the final measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-dev}"
shared="${2:-}"
if [ -z "$shared" ]; then
    for d in ../shared ../../shared; do [ -d "$d/bench" ] && shared="$d" && break; done
fi
[ -n "$shared" ] || { echo "shared folder not found; pass it as the second argument" >&2; exit 2; }
bin="${ORGCLEAN_BIN:-target/release/orgclean}"
[ -x "$bin" ] || cargo build --release --locked
case "$which" in
    dev) dump=/tmp/quirks-dev
         [ -f "$dump/orgs.csv" ] || python3 bench/gen_quirks.py --src "$shared/bench/public-20k" --seed 101 --out "$dump" ;;
    heldout) dump=/tmp/quirks-heldout
         if [ ! -f "$dump/orgs.csv" ]; then
             [ -f /tmp/orgs-4242/orgs.csv ] || python3 "$shared/bench/gen_orgs.py" --divisions "$shared/data/divisions.csv" --size 20000 --seed 4242 --out /tmp/orgs-4242
             python3 bench/gen_quirks.py --src /tmp/orgs-4242 --seed 202 --out "$dump"
         fi ;;
    *) echo "usage: $0 [dev|heldout] [SHARED_DIR]" >&2; exit 2 ;;
esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" --quiet dedupe "$dump/orgs.csv" --out "$out" || [ $? -eq 1 ]
python3 "$shared/bench/score.py" clusters "$dump" "$out/clusters.csv"
