#!/usr/bin/env bash
# Paired timing of two orgclean binaries: each round runs both at the same time, one thread
# each (RAYON_NUM_THREADS=1), so that both see the same VM. This VM's speed drifts by 15% and
# more within the hour, which runs one after the other (bench/ab.sh) cannot tell from a change
# under about 1 s; two runs side by side share the drift, and the difference of their CPU times is
# the change's. They also share the memory bus and the caches, so absolute times are not a
# two-thread run's: compare the two binaries, not this with ab.sh. Each is pinned to one of the
# first two processors, swapped every round (give an even number of rounds).
# Usage: bench/pair.sh ROUNDS COMMAND DUMP BIN_A BIN_B   (COMMAND: dedupe, run or check)
# Prints each round (user + system CPU of each, B - A), then the mean and the spread of B - A.
# PAUSE=SECONDS (default 0) waits before each round (see ab.sh on freed memory).
set -euo pipefail
[ $# -eq 5 ] || { sed -n 2,11p "$0"; exit 2; }
rounds=$1; cmd=$2; dump=$3; a=$4; b=$5
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive number, not $rounds" >&2; exit 2; }
(( rounds % 2 == 0 )) || echo "note: an odd number of rounds gives A processor 0 once more than B" >&2
extra=()
[ "$cmd" = run ] && extra=(--as-of 2025-01-01)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
one() { # BIN NAME CPU: time one single-threaded run on CPU into $tmp/NAME.time
  rm -rf "$tmp/$2.out"
  RAYON_NUM_THREADS=1 taskset -c "$3" /usr/bin/time -f "%e %U %S %M" -o "$tmp/$2.time" \
    "$1" -q "$cmd" "$dump" --out "$tmp/$2.out" "${extra[@]}" >/dev/null 2>&1
}
for round in $(seq "$rounds"); do
  sleep "${PAUSE:-0}"
  # Each binary on each of the two processors in turn: the VM's processors differ too.
  cpu_a=$(( round % 2 ? 0 : 1 ))
  one "$a" a "$cpu_a" & pa=$!
  one "$b" b $(( 1 - cpu_a )) & pb=$!
  ok=1
  wait "$pa" || ok=0
  wait "$pb" || ok=0
  (( ok )) || { echo "round $round: a run failed:" >&2; cat "$tmp/a.time" "$tmp/b.time" >&2 || true; exit 3; }
  read -r wa ua sa ma <"$tmp/a.time"
  read -r wb ub sb mb <"$tmp/b.time"
  awk -v r="$round" -v wa="$wa" -v ca="$ua" -v sa="$sa" -v wb="$wb" -v cb="$ub" -v sb="$sb" \
    -v ma="$ma" -v mb="$mb" 'BEGIN { ca += sa; cb += sb
      printf "round %2d  A: wall %6.2f s cpu %6.2f s peak %5d MB   B: wall %6.2f s cpu %6.2f s peak %5d MB   B - A cpu %+6.2f s\n",
        r, wa, ca, ma / 1024, wb, cb, mb / 1024, cb - ca }' | tee -a "$tmp/log"
done
echo "-- $cmd, $rounds rounds; A = $a, B = $b --"
awk '{ d = $(NF - 1) + 0; s += d; q += d * d; n++; if (n == 1 || d < lo) lo = d; if (n == 1 || d > hi) hi = d }
     END { m = s / n; v = n > 1 ? (q - n * m * m) / (n - 1) : 0; sd = v > 0 ? sqrt(v) : 0;
           printf "B - A cpu: mean %+.2f s, sd %.2f s, min %+.2f, max %+.2f (%d rounds)\n", m, sd, lo, hi, n }' "$tmp/log"
