#!/usr/bin/env bash
# Benchmarks and accuracy for `orgclean lookup` and `orgclean match` (issue 15; not run in CI).
#   BIN=target/release/orgclean bench/lookup.sh         accuracy on public-20k, then timings on 1M rows
#   BIN=… SKIP_ACCURACY=1 bench/lookup.sh              timings only
#   BIN=… M=/tmp/orgs-100k SIZE=100000 bench/lookup.sh  timings on a smaller generated dump
# The binary is given (build it first: `cargo build --release --locked`); the dump is generated
# once into $M by the public generator and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:?set BIN to the orgclean binary to measure, e.g. BIN=target/release/orgclean}
BENCH=${BENCH:-../shared/bench}
[ -d "$BENCH" ] || BENCH=/work/shared/bench
DATA=${DATA:-$BENCH/../data}
SIZE=${SIZE:-1000000}
M=${M:-/tmp/orgs-1m}

if [ -z "${SKIP_ACCURACY:-}" ]; then
  python3 bench/lookup_eval.py --bin "$BIN" "$BENCH/public-20k"
  python3 bench/match_heldout.py --bin "$BIN" "$BENCH/public-20k"
fi

[ -f "$M/orgs.csv" ] || python3 "$BENCH/gen_orgs.py" --divisions "$DATA/divisions.csv" --size "$SIZE" --seed 3 --out "$M"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# 1,000 queries: names of records spread over the dump, each with its province; 10,000 new
# records: every k-th record taken out of the dump (the directory matched against is the rest),
# so most come back existing or new as a held-out set would — bench/match_heldout.py measures
# the decisions, this the time.
python3 - "$M/orgs.csv" "$TMP" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
header, rows = rows[0], rows[1:]
name, prov = header.index("组织名称"), header.index("省份")
step = max(1, len(rows) // 1000)
with open(sys.argv[2] + "/queries.txt", "w", encoding="utf-8") as f:
    for r in rows[::step][:1000]:
        f.write(f"{r[name]}\t{r[prov]}\n")
k = max(1, len(rows) // 10000)
held = set(range(0, len(rows), k)[:10000])
with open(sys.argv[2] + "/new.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    w.writerows(rows[i] for i in sorted(held))
with open(sys.argv[2] + "/dir.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    w.writerows(r for i, r in enumerate(rows) if i not in held)
PY
export ORGCLEAN_TIMING=1
# Wall time and peak memory of one command (GNU time when available), phase times on stderr.
t() {
  local label=$1; shift
  local s=$(date +%s.%N)
  if command -v /usr/bin/time > /dev/null; then
    /usr/bin/time -f "   peak %M KB" "$@" > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; return 1; }
  else
    "$@" > /dev/null 2> "$TMP/err" || { cat "$TMP/err"; return 1; }
  fi
  printf '%-40s %6.2f s\n' "$label" "$(echo "$(date +%s.%N) - $s" | bc)"
  grep -E "^(import|parse names|profile records|lookup:|match:|total)|peak" "$TMP/err" | sed 's/^/   /'
}
ROWS=$(($(wc -l < "$M/orgs.csv") - 1))
echo "== $ROWS rows, $(nproc) cores, $BIN"
t "one lookup, cold start" "$BIN" lookup "$M/orgs.csv" --query 合肥市第一中学 --province 安徽省 --quiet --json
t "1,000 queries (loading included)" "$BIN" lookup "$M/orgs.csv" --queries "$TMP/queries.txt" --quiet --json
t "match of 10,000 new records" "$BIN" match "$TMP/dir.csv" --new "$TMP/new.csv" --out "$TMP/match" --quiet
# The saved index (docs/lookup.md, "Where the index lives"): built once (as `audit
# --lookup-index` does after the night), then a single lookup from it after the page cache is
# dropped when we may (root), and the 1,000 queries from it.
t "save the index" "$BIN" lookup "$M/orgs.csv" --save-index "$TMP/lookup.idx" --quiet
ls -l "$TMP/lookup.idx" | awk '{printf "   index file %d bytes\n", $5}'
if [ -w /proc/sys/vm/drop_caches ]; then sync; echo 3 > /proc/sys/vm/drop_caches; fi
t "one lookup from the saved index" "$BIN" lookup --index "$TMP/lookup.idx" --query 合肥市第一中学 --province 安徽省 --quiet --json
t "1,000 queries from the saved index" "$BIN" lookup --index "$TMP/lookup.idx" --queries "$TMP/queries.txt" --quiet --json
uptime
