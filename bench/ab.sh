#!/usr/bin/env bash
# Alternated timing of two (or more) orgclean binaries on one dump: this VM's speed drifts by
# ±15% over minutes, so runs of one binary after the other compare the VM's moods, not the
# binaries. Rounds alternate the order (A B, then B A: ABBA), so that a VM slowing down over the
# runs favours neither binary (in plain ABAB the second always runs later).
# Usage: bench/ab.sh ROUNDS COMMAND DUMP BIN...   (COMMAND: dedupe, run or check)
# e.g. bench/ab.sh 6 dedupe /tmp/orgclean-bench/orgs-1000000/orgs.csv /tmp/orgclean-old target/release/orgclean
# Prints each run (wall, user CPU, system CPU, peak RSS), then per binary the min / mean / max
# wall and the mean user and system CPU.
# PAUSE=SECONDS (default 0) waits before each run. On a VM whose guest hands freed memory back
# to the host (virtio-balloon free page reporting), memory touched again costs a host fault per
# page: a 1M dedupe run right after another spent 1.0-1.6 s of system CPU, one 20 s later 5.7-6.7 s
# (twelfth session). A fresh process on a fresh machine pays the second; PAUSE=20 measures it.
set -euo pipefail
[ $# -ge 4 ] || { sed -n 2,6p "$0"; exit 2; }
rounds=$1; cmd=$2; dump=$3; shift 3
extra=()
[ "$cmd" = run ] && extra=(--as-of 2025-01-01)
log=$(mktemp)
out=$(mktemp -d)
trap 'rm -rf "$log" "$out"' EXIT
bins=("$@")
for round in $(seq "$rounds"); do
  order=("${bins[@]}")
  if (( round % 2 == 0 )); then
    order=()
    for ((k = ${#bins[@]} - 1; k >= 0; k--)); do order+=("${bins[k]}"); done
  fi
  for bin in "${order[@]}"; do
    rm -rf "$out/o"
    sleep "${PAUSE:-0}"
    /usr/bin/time -f "$bin %e %U %S %M" "$bin" -q "$cmd" "$dump" --out "$out/o" "${extra[@]}" 2>>"$log" >/dev/null
    tail -1 "$log" | awk '{printf "%-40s wall %6.2f s  user %6.2f s  system %5.2f s  peak %5d MB\n", $1, $2, $3, $4, $5 / 1024}'
  done
done
echo "-- $cmd, $rounds rounds --"
awk '{u[$1] += $3; y[$1] += $4; n[$1]++; if (!($1 in lo) || $2 < lo[$1]) lo[$1] = $2; if ($2 > hi[$1]) hi[$1] = $2; s[$1] += $2}
     END {for (b in n) printf "%-40s wall %.2f / %.2f / %.2f s (min / mean / max)  mean user %.2f s  system %.2f s\n", b, lo[b], s[b] / n[b], hi[b], u[b] / n[b], y[b] / n[b]}' "$log"
