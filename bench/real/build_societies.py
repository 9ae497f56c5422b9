#!/usr/bin/env python3
"""Build bench/real/societies/: real, all-distinct Chinese academic societies (学会 / 协会 /
研究会 …), for measuring merge precision on the look-alike names of the 科协 system: the national
societies of the China Association for Science and Technology (中国力学学会, 中国光学学会,
中国植物学会, 中国植物保护学会 …) and two provinces' 科协 societies (辽宁省力学学会, 江西省力学学会 …).
The same subject under another region (中国力学学会 / 辽宁省力学学会 / 江西省力学学会) and two
subjects that share their first characters (中国植物学会 / 中国植物保护学会) are different units.

Sources (public GitHub repositories; no licence stated by any of them; names of public bodies):
- national: `src/main/resources/db/migration/V12_0_1__createDetp.sql` of topie/zhongkexie-server
  at commit 1e5fd0dde57790df7df507d77f80319c28237ea1 (table d_dept of a CAST society-evaluation
  system, 2018: 中国科学技术协会 and its national societies with their CAST codes A-01 … E-43W and
  disciplines 理科/工科/农科/医科/交叉学科). sources/zhongkexie_d_dept_extract.tsv holds verbatim
  the fields id, code, name, pid, type of all 211 rows (trailing spaces kept as published).
- Liaoning: `res/project_db(new).sql` of EncodeX/JSPProject at commit
  79684f8b6526525bab2bd5e74040af07a28f891d (table rec_units, the recommending units of a Liaoning
  科协 award system, 2015: 14 city 科协 and the 辽宁省 societies). sources/jspproject_rec_units_extract.tsv
  holds verbatim the fields unitsID, unitsName of all 141 rows.
- Jiangxi: `src/sql/init-security-data.sql` of ewcmsfree/association at commit
  a8f2e807f482af847237cbe84e8738e5329ec417 (user accounts of the Jiangxi 科协 expert-database
  system, one per society or university 科协). sources/ewcms_association_sec_user_extract.tsv holds
  verbatim the username (the unit's name) of each of the 145 rows of its `insert into sec_user`
  statement, numbered in order; nothing else of those rows (no e-mail, phone, password or salt).

Rules: a record is a society when its name ends in 会 but not in 基金会 (the two CAST foundations
are left out); national rows also need pid = 1 (the member list: the root 中国科学技术协会 is left
out). City 科协 (沈阳市科协) and university 科协 (南昌大学科协) end in 协 and are left out. Names are
stripped of surrounding whitespace and otherwise kept as published. One society listed twice in
one source - also with and without its region prefix (中国 / 中华 / 国际 or the province) - is one
unit, kept once (first listing): 中国动物学会 is listed as A-18 and again as A-46G. Every other
record is a different unit: 组织类型 = 学会; national societies have no region (empty columns, as
the national bodies of abbreviations/); provincial ones have 省份 = the province, 地市 empty (as
provincial 学会 are filed in the dump). No code is published, so 统一社会信用代码 is empty.

Look-alikes (pairs of different units):
- edit kinds of realkit.edit_kind on the full names (`edit1` 中国植物学会 / 中国动物学会, `insert`);
- `region_swap`: the same name once the region prefix is dropped (中国力学学会 / 辽宁省力学学会,
  中华医学会 / 江西省医学会, 辽宁省地质学会 / 江西省地质学会);
- `region_swap_near`: after dropping the region, one name is the other with one character more
  (中国生态学学会 / 江西省生态学会, 中国数学会 / 江西省数学学会);
- `shared_head`: same region, the same first two characters after the region and the same kind
  word (学会 / 协会 / 研究会 …) (中国植物学会 / 中国植物保护学会, 辽宁省中医药学会 / 辽宁省中西医结合学会).
A pair gets the first kind that applies, in that order.

    python3 bench/real/build_societies.py [--sources DIR] [--out societies]
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import realkit  # noqa: E402

SEED = 20261130
KIND = re.compile(r"(研究会|促进会|联合会|联谊会|学会|协会|会)$")
NATIONAL_PREFIX = re.compile(r"^(中国|中华|国际)")
FILES = {
    "N": ("zhongkexie_d_dept_extract.tsv", "id", "name", ""),
    "L": ("jspproject_rec_units_extract.tsv", "unitsID", "unitsName", "辽宁省"),
    "J": ("ewcms_association_sec_user_extract.tsv", "row", "username", "江西省"),
}


def is_society(name):
    return name.endswith("会") and not name.endswith("基金会")


def stem(name, province):
    """The name without its region prefix (中国 / 中华 / 国际, or the province)."""
    if province:
        return name[len(province):] if name.startswith(province) else name
    return NATIONAL_PREFIX.sub("", name)


def read_units(src_dir):
    units, dropped, twice = [], [], []
    for tag, (fname, id_field, name_field, province) in FILES.items():
        seen = {}
        for r in realkit.read_tsv(os.path.join(src_dir, fname)):
            name = r[name_field].strip()
            if tag == "N" and r["pid"].strip() != "1":
                dropped.append(name)
                continue
            if not is_society(name):
                dropped.append(name)
                continue
            key = stem(name, province)
            if key in seen:
                twice.append((name, tag + r[id_field].strip(), seen[key]))
                continue
            uid = tag + r[id_field].strip()
            seen[key] = uid
            units.append({"key": uid, "name": name, "province": province, "stem": key})
    return units, dropped, twice


def look_alike(a, b):
    kind = realkit.edit_kind(a["name"], b["name"])
    if kind:
        return kind
    if a["province"] != b["province"]:
        if a["stem"] == b["stem"]:
            return "region_swap"
        if realkit.edit_kind(a["stem"], b["stem"]) == "insert":
            return "region_swap_near"
        return None
    ka, kb = KIND.search(a["name"]), KIND.search(b["name"])
    if ka and kb and ka.group(1) == kb.group(1) and len(a["stem"]) > 3 and len(b["stem"]) > 3 \
            and a["stem"][:2] == b["stem"][:2]:
        return "shared_head"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", default=os.path.join(HERE, "sources"), help="folder of the extracts")
    ap.add_argument("--out", default=os.path.join(HERE, "societies"), help="the list folder to write")
    args = ap.parse_args()
    units, dropped, twice = read_units(args.sources)
    records = [{"key": u["key"], "entity": "S" + u["key"], "canonical": 1, "组织名称": u["name"],
                "省份": u["province"], "组织类型": "学会"} for u in units]
    negatives = []
    for i, a in enumerate(units):
        for b in units[i + 1:]:
            kind = look_alike(a, b)
            if kind:
                negatives.append((a["key"], b["key"], kind))
    recs = realkit.write_list(args.out, "S", records, negatives, SEED)
    counts, by_src = {}, {}
    for _, _, k in negatives:
        counts[k] = counts.get(k, 0) + 1
    for u in units:
        by_src[u["key"][0]] = by_src.get(u["key"][0], 0) + 1
    print(f"{args.out}: {len(recs)} records ({', '.join(f'{t} {n}' for t, n in by_src.items())}), "
          f"0 true pairs, {len(negatives)} look-alike pairs "
          f"({', '.join(f'{k} {n}' for k, n in sorted(counts.items()))})")
    print(f"  left out (not a society or not a member row): {len(dropped)}: {' '.join(dropped)}")
    for name, uid, first in twice:
        print(f"  listed twice, kept once: {name} ({uid}, same unit as {first})")


if __name__ == "__main__":
    main()
