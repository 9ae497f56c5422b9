#!/usr/bin/env bash
# Benchmark and accuracy measurement for `orgclean check` (not run in CI).
#   bench/check.sh            score on public-20k, then time a 1,000,000-row dump
# The 1M dump is generated once into /tmp/orgs-1m (about 40 s) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-../shared/bench}
[ -d "$BENCH" ] || BENCH=/work/shared/bench
DATA=${DATA:-$BENCH/../data}
cargo build --release --quiet
BIN=target/release/orgclean

# Accuracy on public-20k, as shipped (check runs dedupe itself). A second score with the
# benchmark's truth clusters (converted to clusters.csv) isolates the hierarchy rules from dedupe
# errors. MEASURING AID ONLY: never ship or use that file as input to real runs.
TRUTH=/tmp/orgclean-truth-clusters-20k.csv
python3 - "$BENCH/public-20k/truth_clusters.csv" "$TRUTH" <<'PY'
import csv, sys
from collections import Counter
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
n = Counter(r["entity_id"] for r in rows)
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["org_id", "cluster_id", "is_survivor"])
    for r in rows:
        if n[r["entity_id"]] > 1:
            w.writerow([r["org_id"], r["entity_id"], r["is_canonical"]])
PY
OUT=$(mktemp -d)
$BIN --quiet check "$BENCH/public-20k/orgs.csv" --out "$OUT/as-shipped"
$BIN --quiet check "$BENCH/public-20k/orgs.csv" --out "$OUT/with-truth-clusters" --clusters "$TRUTH"
echo "== public-20k, as shipped (built-in dedupe)"
python3 "$BENCH/score.py" faults "$BENCH/public-20k" "$OUT/as-shipped/findings.csv"
echo "== public-20k, truth clusters (measuring aid)"
python3 "$BENCH/score.py" faults "$BENCH/public-20k" "$OUT/with-truth-clusters/findings.csv"

# Speed: 1,000,000 rows, target <= 10 s on 2 cores.
if [ ! -f /tmp/orgs-1m/orgs.csv ]; then
    python3 "$BENCH/gen_orgs.py" --divisions "$DATA/divisions.csv" --size 1000000 --seed 3 --out /tmp/orgs-1m
fi
echo "== 1,000,000 rows (phase times from ORGCLEAN_TIMING)"
ORGCLEAN_TIMING=1 /usr/bin/time -f "wall %e s, peak RSS %M KB" $BIN --quiet check /tmp/orgs-1m/orgs.csv --out "$OUT/1m"
echo "== 1,000,000 rows, --no-dedupe"
/usr/bin/time -f "wall %e s, peak RSS %M KB" $BIN --quiet check /tmp/orgs-1m/orgs.csv --out "$OUT/1m" --no-dedupe
rm -rf "$OUT"
