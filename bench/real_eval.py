#!/usr/bin/env python3
"""real_eval.py -- measure `orgclean dedupe` on real test lists against the criteria of issue 12.

    python3 bench/real_eval.py [LIST_DIR ...] [--bin target/release/orgclean] [--json FILE]
                               [--by-variant] [--keep DIR]

Each LIST_DIR holds orgs.csv (the dump), truth_clusters.csv (org_id,entity_id,is_canonical,variant)
and optionally truth_hard_negatives.csv (org_id_a,org_id_b,kind). Without LIST_DIR arguments it
runs every list under bench/real/ and ../shared/bench/real-universities (when it is there).

Per list it prints: records, true pairs, merged pairs, merge precision, look-alike (hard-negative)
pairs merged, recall (a true pair counts as found when the two are in one cluster OR the pair is
in pairs.csv as needs_review), review pairs, and the review budget, then PASS/FAIL per criterion:

  lists with duplicates:  precision >= 0.98, no look-alike pair merged, recall >= 0.5,
                          review pairs <= 1.5 x true duplicates + records / 20
  all-distinct lists:     no cluster at all, no look-alike pair merged,
                          review pairs <= 100 x records / 3167 (issue 12: at most 100 on the
                          3,167-record real-universities list)

"True duplicates" = records - entities (each record beyond the first of its entity). On lists made
of pairs this equals the number of true pairs.

Each list is run twice: as it is, and as a directory files it (`LIST +parents`: every record under
its county's 科协, bench/real/with_parents.py). In the lists no record has a parent, while in a
directory siblings share one, so the second run shows what evidence a shared parent wrongly
gives. The same criteria apply to both; `--no-parents` skips the second run.

Exit code: 0 every criterion passed, 1 some criterion failed, 2 usage error or orgclean failed.
Stdlib only; benchmarks never run in CI.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "real"))
import with_parents  # noqa: E402  (bench/real/with_parents.py)

MIN_PRECISION = 0.98
MIN_RECALL = 0.5
REVIEW_PER_DUPLICATE = 1.5
RECORDS_PER_FREE_REVIEW = 20
# issue 12: the 3,167 distinct universities may give at most 100 review pairs
DISTINCT_REVIEWS, DISTINCT_RECORDS = 100, 3167


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def c2(n):
    return n * (n - 1) // 2


def default_lists():
    found = []
    real = os.path.join(HERE, "real")
    if os.path.isdir(real):
        for name in sorted(os.listdir(real)):
            d = os.path.join(real, name)
            if os.path.isfile(os.path.join(d, "orgs.csv")):
                found.append(d)
    for shared in (os.path.join(REPO, "..", "shared"), os.path.join(REPO, "..", "..", "shared")):
        d = os.path.join(shared, "bench", "real-universities")
        if os.path.isfile(os.path.join(d, "orgs.csv")):
            found.append(os.path.normpath(d))
            break
    return found


def run_dedupe(binary, orgs, out, command="dedupe"):
    cmd = [binary, "--quiet", command, orgs, "--out", out]
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    secs = time.monotonic() - t0
    if p.returncode not in (0, 1):
        sys.stderr.write(f"orgclean failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}\n")
        raise SystemExit(2)
    return secs


def evaluate(list_dir, out):
    truth = read_csv(os.path.join(list_dir, "truth_clusters.csv"))
    ent = {t["org_id"]: t["entity_id"] for t in truth}
    variant = {t["org_id"]: t.get("variant", "") for t in truth}
    members = defaultdict(list)
    for o, e in ent.items():
        members[e].append(o)
    records = len(ent)
    entities = len(members)
    true_pairs = set()
    for os_ in members.values():
        os_.sort()
        for i in range(len(os_)):
            for j in range(i + 1, len(os_)):
                true_pairs.add((os_[i], os_[j]))

    cluster = {}
    clusters_csv = os.path.join(out, "clusters.csv")
    if os.path.exists(clusters_csv):
        for r in read_csv(clusters_csv):
            cluster[r["org_id"]] = r["cluster_id"]
    csize = Counter(cluster.values())
    merged_pairs = sum(c2(n) for n in csize.values())
    by_cluster = defaultdict(list)
    for o, c in cluster.items():
        by_cluster[c].append(o)
    correct = 0
    for os_ in by_cluster.values():
        per_entity = Counter(ent.get(o, "?" + o) for o in os_)
        correct += sum(c2(n) for n in per_entity.values())

    review = set()
    pairs_csv = os.path.join(out, "pairs.csv")
    if os.path.exists(pairs_csv):
        for r in read_csv(pairs_csv):
            if r["decision"] == "needs_review":
                a, b = sorted((r["org_id_a"], r["org_id_b"]))
                review.add((a, b))

    def same_cluster(a, b):
        return a in cluster and cluster.get(a) == cluster.get(b)

    found = 0
    var_tot, var_hit = Counter(), Counter()
    for a, b in true_pairs:
        hit = same_cluster(a, b) or (a, b) in review
        found += hit
        kind = variant.get(a) or variant.get(b) or "?"
        for k in kind.split("+"):
            var_tot[k] += 1
            var_hit[k] += hit

    hn_total = hn_merged = hn_review = 0
    hn_kinds = Counter()
    hn_path = os.path.join(list_dir, "truth_hard_negatives.csv")
    if os.path.exists(hn_path):
        for h in read_csv(hn_path):
            a, b = sorted((h["org_id_a"], h["org_id_b"]))
            hn_total += 1
            if same_cluster(a, b):
                hn_merged += 1
                hn_kinds[h["kind"]] += 1
            elif (a, b) in review:
                hn_review += 1

    duplicates = records - entities
    distinct = not true_pairs
    if distinct:
        budget = DISTINCT_REVIEWS * records / DISTINCT_RECORDS
    else:
        budget = REVIEW_PER_DUPLICATE * duplicates + records / RECORDS_PER_FREE_REVIEW
    precision = correct / merged_pairs if merged_pairs else 1.0
    recall = found / len(true_pairs) if true_pairs else None
    res = {
        "list": os.path.basename(os.path.normpath(list_dir)),
        "records": records,
        "entities": entities,
        "true_pairs": len(true_pairs),
        "true_duplicates": duplicates,
        "clusters": len(csize),
        "merged_pairs": merged_pairs,
        "merged_correct": correct,
        "precision": precision,
        "hard_negative_pairs": hn_total,
        "hard_negatives_merged": hn_merged,
        "hard_negatives_merged_by_kind": dict(hn_kinds),
        "hard_negatives_in_review": hn_review,
        "found": found,
        "recall": recall,
        "review_pairs": len(review),
        "review_budget": budget,
        "recall_by_variant": {
            k: {"pairs": var_tot[k], "found": var_hit[k]} for k in sorted(var_tot)
        },
    }
    checks = []
    if distinct:
        checks.append(("no cluster", len(csize) == 0))
    else:
        checks.append((f"precision>={MIN_PRECISION}", precision >= MIN_PRECISION))
    checks.append(("no look-alike merged", hn_merged == 0))
    if not distinct:
        checks.append((f"recall>={MIN_RECALL}", recall >= MIN_RECALL))
    checks.append(("reviews<=budget", len(review) <= budget))
    res["checks"] = {name: ok for name, ok in checks}
    res["pass"] = all(ok for _, ok in checks)
    return res


def fmt_row(r):
    rec = "-" if r["recall"] is None else f"{r['recall']:.3f}"
    failed = [k for k, ok in r["checks"].items() if not ok]
    verdict = "PASS" if r["pass"] else "FAIL: " + ", ".join(failed)
    return (
        f"| {r['list']} | {r['records']} | {r['true_pairs']} | {r['merged_pairs']} "
        f"| {r['precision']:.3f} | {r['hard_negatives_merged']}/{r['hard_negative_pairs']} "
        f"| {rec} | {r['review_pairs']} | {r['review_budget']:.0f} | {verdict} |"
    )


HEADER = (
    "| list | records | true pairs | merged pairs | precision | look-alikes merged "
    "| recall (merge+review) | review pairs | review budget | verdict |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lists", nargs="*", help="list directories (default: bench/real/* and real-universities)")
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "orgclean"))
    ap.add_argument("--json", help="also write the results as JSON to this file")
    ap.add_argument("--by-variant", action="store_true", help="print recall per variant kind")
    ap.add_argument("--command", choices=["dedupe", "run"], default="dedupe",
                    help="the orgclean command measured: `run` also settles the dedupe with the check's parent fixes")
    ap.add_argument("--keep", help="keep orgclean's output under this directory (one folder per list)")
    ap.add_argument("--no-parents", action="store_true",
                    help="skip the second run of each list filed under its county's 科协")
    args = ap.parse_args()

    lists = args.lists or default_lists()
    if not lists:
        ap.error("no lists found; give LIST_DIR arguments")
    if not (os.path.isfile(args.bin) and os.access(args.bin, os.X_OK)):
        ap.error(f"{args.bin} is not an executable; build it with `cargo build --release --locked` or pass --bin")
    for d in lists:
        for f in ("orgs.csv", "truth_clusters.csv"):
            if not os.path.isfile(os.path.join(d, f)):
                ap.error(f"{d} has no {f}")

    results = []
    tmp_root = tempfile.mkdtemp(prefix="real_eval_")
    try:
        for d in lists:
            name = os.path.basename(os.path.normpath(d))
            variants = [(name, os.path.join(d, "orgs.csv"))]
            if not args.no_parents:
                parented = os.path.join(tmp_root, name + "-parented.csv")
                try:
                    with_parents.main(os.path.join(d, "orgs.csv"), parented)
                except SystemExit as e:  # a list it cannot file: a usage error, not a failed criterion
                    sys.stderr.write(f"{e}\n")
                    raise SystemExit(2)
                variants.append((name + " +parents", parented))
            for label, orgs in variants:
                folder = label.replace(" +", "+")
                out = os.path.join(args.keep, folder) if args.keep else os.path.join(tmp_root, folder)
                os.makedirs(out, exist_ok=True)
                secs = run_dedupe(args.bin, orgs, out, args.command)
                r = evaluate(d, out)
                r["list"] = label
                r["seconds"] = round(secs, 2)
                results.append(r)
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)

    print(f"orgclean: {args.bin}")
    print(HEADER)
    for r in results:
        print(fmt_row(r))
    if args.by_variant:
        for r in results:
            if r["recall_by_variant"]:
                parts = ", ".join(
                    f"{k} {v['found']}/{v['pairs']}" for k, v in r["recall_by_variant"].items()
                )
                print(f"{r['list']}: found by variant: {parts}")
    for r in results:
        if r["hard_negatives_merged_by_kind"]:
            kinds = ", ".join(f"{k} {n}" for k, n in sorted(r["hard_negatives_merged_by_kind"].items()))
            print(f"{r['list']}: look-alikes merged by kind: {kinds}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=2)
    ok = all(r["pass"] for r in results)
    print("all criteria passed" if ok else "some criteria FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
