#!/usr/bin/env python3
"""Build bench/real/hospitals/: real, all-distinct hospitals and health centres, many named alike
(晋江市陈埭中心卫生院 / 晋江市东石中心卫生院, 天津市第三中心医院 / 天津市第四中心医院), for
measuring merge precision on a second kind of unit.

Source: `src/assets/json/hospital.js` of the public GitHub repository hhui64/wuhan2020map at
commit 55187c55b1d8c15f3fb0ca34108d34b328411240 (hospitals by province and city, collected in
2020; 292,113 characters). sources/wuhan2020map_hospital_extract.tsv holds verbatim the names of
every hospital inside the character windows [k x 100,000, k x 100,000 + 16,000), k = 0..2, with
the province and city they are listed under (where a window opens inside a city's list, that
city is the one of the names: 泉州市 for 晋江/石狮/南安/惠安/安溪, 武汉市).

Rules: a name listed twice under one city is one unit (kept once); campus entries (…院区, …分院,
…（东院）, …南区) are left out: a campus is not clearly a unit of its own. Every other record is
a different unit: 组织类型 = 医院, 省份 and 地市 from the listing.
Look-alikes: one character apart (`number`, `direction`, `edit1`, `insert` as in villages/),
one name inside another (`contains`), and the same opening region word and the same three-character
kind ending (`same_place_same_kind`: 安溪县蓬莱卫生院 / 安溪县龙门卫生院).

    python3 bench/real/build_hospitals.py [--src ...tsv] [--out hospitals]
"""
import os
import re
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import realkit  # noqa: E402

SEED = 20261130
CAMPUS = re.compile(r"院区|分院|[东西南北]院[)）]?$|南区$")
PLACE = re.compile(r"^.{1,6}?(省|市|县|区)")


def main():
    args = realkit.cli(__doc__, os.path.join(HERE, "sources", "wuhan2020map_hospital_extract.tsv"),
                       os.path.join(HERE, "hospitals"))
    seen, units = set(), []
    for r in realkit.read_tsv(args.src):
        name = r["name"].strip()
        if CAMPUS.search(name) or (r["city"], name) in seen:
            continue
        seen.add((r["city"], name))
        units.append((name, r["province"], r["city"]))
    records = [{"key": n, "entity": f"H{i:05d}", "canonical": 1, "组织名称": n, "省份": p,
                "地市": c, "组织类型": "医院"} for i, (n, p, c) in enumerate(units)]
    names = [n for n, _, _ in units]
    negatives = []
    groups = defaultdict(list)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            kind = realkit.edit_kind(a, b)
            if kind:
                negatives.append((a, b, kind))
            elif a in b or b in a:
                negatives.append((a, b, "contains"))
        m = PLACE.match(a)
        if m:
            groups[(m.group(0), a[-3:])].append(a)
    flagged = {(a, b) for a, b, _ in negatives}
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if (a, b) not in flagged and (b, a) not in flagged:
                    negatives.append((a, b, "same_place_same_kind"))
    recs = realkit.write_list(args.out, "H", records, negatives, SEED)
    print(f"{args.out}: {len(recs)} records, 0 true pairs, {len(negatives)} look-alike pairs")


if __name__ == "__main__":
    main()
