#!/usr/bin/env python3
"""Held-out test of `orgclean match` (issue 15): take duplicates and distinct units out of a
benchmark dump, feed them back as NEW records, and score the decisions.

- a held-out duplicate (a non-canonical record whose unit keeps other records in the dump) must
  come back `existing` or `review` with a record of its own unit on its best row;
- a held-out distinct unit (a unit with one record) must come back `new`.
Target: ≥ 95% each. At most one duplicate per unit is held out, so its unit is still there.

Standard library only; deterministic for a given --seed. Usage:
    python3 bench/match_heldout.py [--bin target/release/orgclean] [--n 1000] /work/shared/bench/public-20k
"""
import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        r = csv.reader(f)
        header = next(r)
        return header, list(r)


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench_dir")
    ap.add_argument("--bin", default="target/release/orgclean")
    ap.add_argument("--n", type=int, default=1000, help="held-out duplicates and as many distinct units")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--show", type=int, default=8)
    a = ap.parse_args()
    header, rows = read(os.path.join(a.bench_dir, "orgs.csv"))
    _, truth = read(os.path.join(a.bench_dir, "truth_clusters.csv"))
    entity = {t[0]: t[1] for t in truth}
    variant = {t[0]: t[3] for t in truth}
    canonical = {t[0] for t in truth if t[2] == "1"}
    members = defaultdict(list)
    for t in truth:
        members[t[1]].append(t[0])

    rng = random.Random(a.seed)
    dup_units = sorted(e for e, m in members.items() if len(m) > 1)
    rng.shuffle(dup_units)
    held_dups = []
    for e in dup_units[: a.n]:
        held_dups.append(rng.choice(sorted(m for m in members[e] if m not in canonical)))
    singles = sorted(m[0] for m in members.values() if len(m) == 1)
    rng.shuffle(singles)
    held_new = singles[: a.n]
    held = set(held_dups) | set(held_new)

    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "orgs.csv")
        new = os.path.join(tmp, "new.csv")
        out = os.path.join(tmp, "out")
        write(dump, header, [r for r in rows if r[0] not in held])
        write(new, header, [r for r in rows if r[0] in held])
        t = time.time()
        subprocess.run([a.bin, "match", dump, "--new", new, "--out", out, "--quiet"], check=True)
        elapsed = time.time() - t
        _, result = read(os.path.join(out, "match.csv"))

    best = {}
    for r in result:  # new_id,decision,org_id,name,score,reasons,proposed_parent_id
        best.setdefault(r[0], r)
    names = {r[0]: r[1] for r in rows}
    dup_ok, dup_canonical, misses, shown = 0, 0, Counter(), 0
    for d in held_dups:
        r = best.get(d)
        ok = r is not None and r[1] in ("existing", "review") and entity.get(r[2]) == entity[d]
        dup_ok += ok
        dup_canonical += ok and r[2] in canonical
        if not ok:
            misses[variant[d]] += 1
            if shown < a.show:
                shown += 1
                print(f"  duplicate missed: {d} {names[d]} ({variant[d]}) -> {r[1:5] if r else None}")
    new_ok, wrong, shown = 0, Counter(), 0
    for d in held_new:
        r = best.get(d)
        ok = r is not None and r[1] == "new"
        new_ok += ok
        if not ok:
            wrong[r[1] if r else "missing"] += 1
            if shown < a.show:
                shown += 1
                print(f"  distinct unit matched: {d} {names[d]} -> {r[1:5] if r else None}")
    decisions = Counter(best[d][1] for d in held_dups if d in best)
    print(f"held-out duplicates: existing/review with the right unit {dup_ok}/{len(held_dups)} = "
          f"{dup_ok / len(held_dups):.4f} (decisions {dict(decisions)}; pointing at the canonical record "
          f"{dup_canonical}; misses by variant {dict(misses)})")
    print(f"held-out distinct units: new {new_ok}/{len(held_new)} = {new_ok / len(held_new):.4f} "
          f"(otherwise {dict(wrong)})")
    print(f"match of {len(held)} new records against {len(rows) - len(held)}: {elapsed:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
