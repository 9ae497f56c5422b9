#!/usr/bin/env python3
"""Scores `orgclean lookup` on a benchmark dump with truth (issue 15's done criteria).

1. For every duplicate record (truth_clusters.csv, is_canonical = 0): a lookup of its name with
   its province must list its canonical record among the first three clusters.
2. For every record: a lookup of its exact name must list it first (strict: the first entry;
   the first cluster is also reported, as records with identical names are one cluster).

Standard library only. Usage:
    python3 bench/lookup_eval.py [--bin target/release/orgclean] /work/shared/bench/public-20k
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def run_lookup(binary, dump, queries):
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        for name, province in queries:
            f.write(f"{name}\t{province}\n")
        qpath = f.name
    t = time.time()
    out = subprocess.run(
        [binary, "lookup", dump, "--queries", qpath, "--json", "--quiet"],
        check=True, capture_output=True, text=True,
    )
    elapsed = time.time() - t
    os.unlink(qpath)
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(answers) == len(queries), (len(answers), len(queries))
    return answers, elapsed


def clusters_in_order(answer):
    seen = []
    for r in answer["results"]:
        if r["cluster_id"] not in seen:
            seen.append(r["cluster_id"])
    return seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench_dir")
    ap.add_argument("--bin", default="target/release/orgclean")
    ap.add_argument("--show", type=int, default=5, help="failures to print per check")
    ap.add_argument("--sample", type=int, default=0, help="score every k-th record only (quick runs)")
    a = ap.parse_args()
    dump = os.path.join(a.bench_dir, "orgs.csv")
    orgs = {r["组织ID"]: r for r in read_csv(dump)}
    truth = read_csv(os.path.join(a.bench_dir, "truth_clusters.csv"))
    canonical = {}
    for t in truth:
        if t["is_canonical"] == "1":
            canonical[t["entity_id"]] = t["org_id"]

    # Every query of the three checks in one call: the directory is loaded once.
    dups = [t for t in truth if t["is_canonical"] == "0" and t["org_id"] in orgs]
    ids = list(orgs)
    if a.sample > 1:
        dups, ids = dups[:: a.sample], ids[:: a.sample]
    checks = [("dups", [(orgs[t["org_id"]]["组织名称"], orgs[t["org_id"]]["省份"]) for t in dups])]
    checks.append(("exact+province", [(orgs[i]["组织名称"], orgs[i]["省份"]) for i in ids]))
    checks.append(("exact", [(orgs[i]["组织名称"], "") for i in ids]))
    answers, elapsed = run_lookup(a.bin, dump, [q for _, qs in checks for q in qs])
    print(f"{len(answers)} queries in one call: {elapsed:.1f} s ({1000 * elapsed / len(answers):.1f} ms each, "
          f"loading included)")
    by_check, at = {}, 0
    for name, qs in checks:
        by_check[name] = answers[at: at + len(qs)]
        at += len(qs)

    # 1. duplicates: canonical among the first three clusters.
    ok, misses = 0, Counter()
    shown = 0
    for t, ans in zip(dups, by_check["dups"]):
        want = canonical[t["entity_id"]]
        top3 = clusters_in_order(ans)[:3]
        hit = any(r["org_id"] == want and r["cluster_id"] in top3 for r in ans["results"])
        ok += hit
        if not hit:
            misses[t["variant"]] += 1
            if shown < a.show:
                shown += 1
                got = [(r["org_id"], r["name"], r["cluster_id"]) for r in ans["results"][:4]]
                print(f"  miss: {ans['query']} ({ans['province']}) want {want} {orgs[want]['组织名称']}: {got}")
    print(f"duplicates: canonical in first 3 clusters {ok}/{len(dups)} = {ok / max(1, len(dups)):.4f}; "
          f"misses by variant: {dict(misses)}")

    # 2. every record: its exact name lists it first, with and without its province. Several
    #    records can carry the very same name (松林镇科学技术协会 in two provinces, or twice in one):
    #    nothing in the query tells them apart, so "first cluster" also counts a record listed in
    #    the first cluster, and "tied" one listed right after entries of the identical name.
    for name in ("exact+province", "exact"):
        first, in_first_cluster, tied, shown = 0, 0, 0, 0
        for i, ans in zip(ids, by_check[name]):
            res = ans["results"]
            strict = bool(res) and res[0]["org_id"] == i
            ahead = []
            for r in res:
                if r["org_id"] == i:
                    break
                ahead.append(r["name"])
            found = any(r["org_id"] == i for r in res)
            tie = found and all(n == ans["query"] for n in ahead)
            first += strict
            tied += tie
            in_first_cluster += bool(res) and any(
                r["org_id"] == i and r["cluster_id"] == res[0]["cluster_id"] for r in res)
            if not tie and shown < a.show:
                shown += 1
                print(f"  not first: {i} {ans['query']} ({orgs[i]['省份']}): {[(r['org_id'], r['name']) for r in res[:3]]}")
        n = len(ids)
        label = "with its province" if name == "exact+province" else "name only"
        print(f"exact names ({label}): listed first {first}/{n} = {first / n:.4f}; in the first cluster "
              f"{in_first_cluster}/{n} = {in_first_cluster / n:.4f}; first or after only identical names "
              f"{tied}/{n} = {tied / n:.4f}")


if __name__ == "__main__":
    sys.exit(main())
