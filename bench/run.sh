#!/usr/bin/env bash
# Benchmarks and quality scores (never run in CI). Usage: bench/run.sh [SIZES...]
# Default sizes: 100000 1000000. Dumps are generated once with the shared generator into
# $BENCH_DIR (default /tmp/orgclean-bench). Prints wall time and peak RSS per command, and the
# scores on the shared public-20k dump.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
BENCH_DIR=${BENCH_DIR:-/tmp/orgclean-bench}
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(100000 1000000)
mkdir -p "$BENCH_DIR"
cargo build --release --locked -q
BIN=target/release/orgclean

measure() { # label, command...
  local label=$1; shift
  local log; log=$(mktemp)
  /usr/bin/time -v "$@" >"$log.out" 2>"$log" || { echo "$label: FAILED"; tail -5 "$log"; rm -f "$log"; return; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  printf '%-28s wall %-10s peak RSS %6d MB\n' "$label" "$wall" $((rss / 1024))
  grep -hE "candidate pairs" "$log.out" "$log" | head -1 | sed "s/^/    /" || true
  rm -f "$log" "$log.out"
}

echo "== quality on public-20k =="
OUT=$(mktemp -d)
$BIN -q run "$SHARED/bench/public-20k/orgs.csv" --out "$OUT" --as-of 2025-01-01
python3 "$SHARED/bench/score.py" clusters "$SHARED/bench/public-20k" "$OUT/clusters.csv"
python3 "$SHARED/bench/score.py" faults "$SHARED/bench/public-20k" "$OUT/findings.csv"
measure "run 20k" $BIN -q run "$SHARED/bench/public-20k/orgs.csv" --out "$OUT" --as-of 2025-01-01
rm -rf "$OUT"

for n in "${SIZES[@]}"; do
  d="$BENCH_DIR/orgs-$n"
  if [ ! -f "$d/orgs.csv" ]; then
    python3 "$SHARED/bench/gen_orgs.py" --divisions "$SHARED/data/divisions.csv" --size "$n" --seed 3 --out "$d" --no-verify >/dev/null
  fi
  echo "== $n rows ($(du -h "$d/orgs.csv" | cut -f1)) =="
  OUT=$(mktemp -d)
  measure "import $n" $BIN -q import "$d/orgs.csv"
  measure "dedupe $n" $BIN dedupe "$d/orgs.csv" --out "$OUT"
  measure "check $n" $BIN -q check "$d/orgs.csv" --out "$OUT"
  measure "run $n" $BIN -q run "$d/orgs.csv" --out "$OUT" --as-of 2025-01-01
  rm -rf "$OUT"
done
