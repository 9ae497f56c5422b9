#!/usr/bin/env python3
"""Build bench/real/heldout/{companies,traditional,abbreviations,clinics}/: held-out lists from the same
published sources as the dev lists, but from other parts of them. Measure only, never tune.

Extracts (verbatim, same columns and `window` rule as the dev extracts):
- sources/tushare_stock_basic_heldout_extract.tsv: windows [k x 100,000 + 50,000, + 66,000), k = 0..8
- sources/twse_t187ap03_L_heldout_extract.tsv:     windows [k x 100,000 + 50,000, + 66,000), k = 0..3
- sources/chinese_abbreviation_org_lines_heldout.tsv: complete lines in characters [16,000, 64,000)
  of dev_set.txt and test_set.txt that pass build_abbreviations.py's organization rule
- sources/beijing_hospital_spark_clinic_heldout_extract.tsv: institutions whose name and district lie
  in windows [k x 200,000 + 100,000, + 116,000), k = 0..25 (the dev windows start at k x 200,000)

Disjointness: a source row is dropped before building when its company / organization is in the
corresponding dev list: same ts_code (companies), same 公司代號 (traditional), same source id
(clinics), or the same full name as a dev list's canonical record (all four; for abbreviations the
parsed full form). The rows left are built by the unchanged build_companies.py /
build_traditional.py / build_abbreviations.py / build_clinics.py (--src a filtered copy, --out
heldout/KIND).

    python3 bench/real/build_heldout.py            then  python3 bench/real/check_lists.py bench/real/heldout/*
"""
import csv
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build_abbreviations  # noqa: E402
import realkit  # noqa: E402

KINDS = [
    # kind, build script, held-out extract, code column (None: no code), entity prefix, full-name of a row
    ("companies", "build_companies.py", "tushare_stock_basic_heldout_extract.tsv", "ts_code", "C",
     lambda r: r["fullname"].strip()),
    ("traditional", "build_traditional.py", "twse_t187ap03_L_heldout_extract.tsv", "公司代號", "T",
     lambda r: r["公司名稱"].strip()),
    ("abbreviations", "build_abbreviations.py", "chinese_abbreviation_org_lines_heldout.tsv", None, None,
     lambda r: (build_abbreviations.parse(r["line"]) or (None, None))[1]),
    ("clinics", "build_clinics.py", "beijing_hospital_spark_clinic_heldout_extract.tsv", "id", "C",
     lambda r: r["name"].strip()),
]


def dev_keys(folder):
    """(entity ids, canonical names) of a dev list."""
    with open(os.path.join(folder, "orgs.csv"), encoding="utf-8-sig", newline="") as f:
        name = {r["组织ID"]: r["组织名称"] for r in csv.DictReader(f)}
    with open(os.path.join(folder, "truth_clusters.csv"), encoding="utf-8", newline="") as f:
        truth = list(csv.DictReader(f))
    return ({t["entity_id"] for t in truth},
            {name[t["org_id"]] for t in truth if t["is_canonical"] == "1"})


def main():
    out_root = os.path.join(HERE, "heldout")
    with tempfile.TemporaryDirectory() as tmp:
        for kind, script, extract, code_col, prefix, full_of in KINDS:
            src = os.path.join(HERE, "sources", extract)
            with open(src, encoding="utf-8", newline="") as f:
                header = f.readline().rstrip("\n").split("\t")
            rows = realkit.read_tsv(src)
            entities, fulls = dev_keys(os.path.join(HERE, kind))
            kept, dropped = [], []
            for r in rows:
                if (code_col and prefix + r[code_col].strip() in entities) or full_of(r) in fulls:
                    dropped.append(r)
                else:
                    kept.append(r)
            filtered = os.path.join(tmp, extract)
            with open(filtered, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f, delimiter="\t", lineterminator="\n")
                w.writerow(header)
                for r in kept:
                    w.writerow([r[h] for h in header])
            print(f"{kind}: {len(rows)} source rows, {len(dropped)} dropped as in the dev list"
                  + "".join(f"\n  dropped: {full_of(r)}" for r in dropped))
            subprocess.run([sys.executable, os.path.join(HERE, script), "--src", filtered,
                            "--out", os.path.join(out_root, kind)], check=True)


if __name__ == "__main__":
    main()
