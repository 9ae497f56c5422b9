#!/usr/bin/env python3
"""Consistency check of the lists under bench/real (run after any build_*.py):
every org has exactly one truth row and the ids are unique; each entity has exactly one canonical
record; hard negatives join records of different entities; no two different entities share a
name (a list must never ask for the impossible); the header is the dump header; the whole of
bench/real stays under 6 MB.

    python3 bench/real/check_lists.py [LIST_DIR ...]      (exit 1 on any problem)
"""
import csv
import os
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import realkit  # noqa: E402

MAX_BYTES = 6 * 1024 * 1024


def check(folder):
    problems = []
    with open(os.path.join(folder, "orgs.csv"), encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        orgs = [dict(zip(header, row)) for row in reader]
    if header != realkit.ORG_HEADER:
        problems.append(f"header {header}")
    ids = Counter(o["组织ID"] for o in orgs)
    problems += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    with open(os.path.join(folder, "truth_clusters.csv"), encoding="utf-8", newline="") as f:
        truth = list(csv.DictReader(f))
    ent = {t["org_id"]: t["entity_id"] for t in truth}
    if set(ent) != set(ids) or len(truth) != len(ent):
        problems.append("truth_clusters.csv does not cover every org exactly once")
    canon = Counter(t["entity_id"] for t in truth if t["is_canonical"] == "1")
    problems += [f"entity {e} has {canon[e]} canonical records" for e in set(ent.values()) if canon[e] != 1]
    names = defaultdict(set)
    for o in orgs:
        names[o["组织名称"]].add(ent.get(o["组织ID"]))
    problems += [f"name {n!r} names {len(es)} entities" for n, es in names.items() if len(es) > 1]
    path = os.path.join(folder, "truth_hard_negatives.csv")
    if os.path.exists(path):
        with open(path, encoding="utf-8", newline="") as f:
            for h in csv.DictReader(f):
                if ent.get(h["org_id_a"]) is None or ent.get(h["org_id_b"]) is None:
                    problems.append(f"hard negative with unknown id {h}")
                elif ent[h["org_id_a"]] == ent[h["org_id_b"]]:
                    problems.append(f"hard negative inside one entity {h}")
    return problems


def main():
    lists = sys.argv[1:] or sorted(
        os.path.join(HERE, d) for d in os.listdir(HERE) if os.path.isfile(os.path.join(HERE, d, "orgs.csv")))
    bad = False
    for folder in lists:
        problems = check(folder)
        print(f"{os.path.basename(folder)}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for p in problems[:20]:
            print("  " + p)
        bad |= bool(problems)
    size = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(HERE) for f in fs)
    print(f"bench/real: {size / 1e6:.2f} MB")
    if size > MAX_BYTES:
        print("  over 6 MB")
        bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
