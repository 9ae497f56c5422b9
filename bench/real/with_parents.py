#!/usr/bin/env python3
"""A list's orgs.csv as a real directory files it: every record under its county's 科协.

Usage: python3 bench/real/with_parents.py bench/real/villages/orgs.csv OUT.csv

In the real lists no record has a parent, so "same parent" never counts as evidence. In a
directory, sibling units (the villages of one county, the firms under one 科协) share their
parent by construction. This writes the list with one parent record per (省份, 地市, 区县) group,
named after the deepest division given (阜城县科学技术协会; 中国科学技术协会 when none), ids
P00000… in order of first appearance, and every record's 上级组织ID pointing at its group's
parent. The parents are different units too, so a list of distinct units stays one.
"""
import sys

import realkit

REQUIRED = ("组织ID", "组织名称", "上级组织ID", "省份", "地市", "区县", "组织类型", "认证状态", "创建时间")


def main(src, dst):
    header, col, body = realkit.read_dump(src, REQUIRED)
    parents = {}
    out = []
    for r in body:
        key = (r[col["省份"]], r[col["地市"]], r[col["区县"]])
        pid = parents.setdefault(key, "P%05d" % len(parents))
        r[col["上级组织ID"]] = pid
        out.append(r)
    for (prov, city, county), pid in parents.items():
        row = [""] * len(header)
        row[col["组织ID"]] = pid
        row[col["组织名称"]] = (county or city or prov or "中国") + "科学技术协会"
        row[col["省份"]], row[col["地市"]], row[col["区县"]] = prov, city, county
        row[col["组织类型"]] = "科协"
        row[col["认证状态"]] = "已认证"
        row[col["创建时间"]] = "2015-01-01 00:00:00"
        out.append(row)
    realkit.write_dump(dst, header, out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
