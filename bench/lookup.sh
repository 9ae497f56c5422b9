#!/usr/bin/env bash
# Benchmarks and accuracy for `orgclean lookup` and `orgclean match` (issue 15; not run in CI).
#   bench/lookup.sh          accuracy on public-20k, then timings on a 1,000,000-row dump
# The 1M dump is generated once into /tmp/orgs-1m (about 40 s) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-../shared/bench}
[ -d "$BENCH" ] || BENCH=/work/shared/bench
DATA=${DATA:-$BENCH/../data}
cargo build --release --locked --quiet
BIN=target/release/orgclean

python3 bench/lookup_eval.py --bin $BIN "$BENCH/public-20k"
python3 bench/match_heldout.py --bin $BIN "$BENCH/public-20k"

M=/tmp/orgs-1m
[ -f $M/orgs.csv ] || python3 "$BENCH/gen_orgs.py" --divisions "$DATA/divisions.csv" --size 1000000 --seed 3 --out $M
TMP=$(mktemp -d)
# 1,000 queries: every 1,000th record's name with its province; 10,000 new records: every 100th
# record (they come back existing: the timing is what is measured here, bench/match_heldout.py
# measures the decisions).
python3 - "$M/orgs.csv" "$TMP" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
header, rows = rows[0], rows[1:]
with open(sys.argv[2] + "/queries.txt", "w", encoding="utf-8") as f:
    for r in rows[::1000][:1000]:
        f.write(f"{r[1]}\t{r[4]}\n")
with open(sys.argv[2] + "/new.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    w.writerows(rows[::100][:10000])
PY
export ORGCLEAN_TIMING=1
t() { local s=$(date +%s.%N); "$@" > /dev/null; echo "$(echo "$(date +%s.%N) - $s" | bc) s: ${*:2:1} $(basename "${!#}")"; }
echo "== one lookup, cold start"
t $BIN lookup $M/orgs.csv --query 合肥市第一中学 --province 安徽省 --quiet --json
echo "== 1,000 queries"
t $BIN lookup $M/orgs.csv --queries $TMP/queries.txt --quiet --json
echo "== match of 10,000 new records"
t $BIN match $M/orgs.csv --new $TMP/new.csv --out $TMP/match --quiet
uptime
rm -rf "$TMP"
