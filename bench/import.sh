#!/usr/bin/env bash
# Import benchmark (not a test, not CI): wall time and peak memory of `orgclean import` on a
# 1,000,000-row dump. Target (issue 2): <= 5 s and <= 1.5 GB peak RSS on 2 cores.
# Usage: bench/import.sh [DUMP]   (default /tmp/orgs-1m/orgs.csv, made by ../shared/bench/gen_orgs.py)
set -euo pipefail
cd "$(dirname "$0")/.."
dump=${1:-/tmp/orgs-1m/orgs.csv}
[ -f "$dump" ] || { echo "no dump at $dump: generate it with ../shared/bench/gen_orgs.py" >&2; exit 2; }
cargo build --release --locked --quiet
# The summary (printed to stdout, discarded here) is part of the work: it validates every credit
# code and groups by province.
/usr/bin/time -v target/release/orgclean import "$dump" > /dev/null 2> /tmp/orgclean-import-time.txt || {
    cat /tmp/orgclean-import-time.txt >&2
    exit 1
}
grep -E "Elapsed \(wall|Maximum resident|Percent of CPU" /tmp/orgclean-import-time.txt
