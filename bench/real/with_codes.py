#!/usr/bin/env python3
"""A list's orgs.csv with one valid credit code per county, as if every unit borrowed it.

Usage: python3 bench/real/with_codes.py bench/real/clinics/orgs.csv OUT.csv

A stress test, not a claim about the lists: village clinics and community health stations are
often filed with their township health centre's code, so in a directory many distinct units
share one valid code. This gives every record of one (省份, 地市, 区县) group the same code
(GB 32100-2015, organization-code check character per GB 11714), numbered in order of first
appearance, so that "same credit code" is evidence everywhere and only the names tell the units
apart. Measure with `orgclean dedupe OUT.csv` (clusters.csv should stay nearly empty).
"""
import sys

import realkit

REQUIRED = ("统一社会信用代码", "省份", "地市", "区县")

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def org_check(code8):
    """GB 11714 check character of an 8-character organization code."""
    value = lambda c: int(c) if c.isdigit() else ord(c) - 55  # noqa: E731
    r = 11 - sum(value(c) * w for c, w in zip(code8, [3, 7, 9, 10, 5, 8, 4, 2])) % 11
    return "X" if r == 10 else ("0" if r == 11 else str(r))


def uscc(n):
    """The n-th valid code of a made-up public institution (登记管理部门 1, 类别 2) of 110228."""
    org8 = "%08d" % (40000000 + n)
    body = "12" + "110228" + org8 + org_check(org8)
    return body + CHARS[(31 - sum(CHARS.index(c) * w for c, w in zip(body, WEIGHTS)) % 31) % 31]


def main(src, dst):
    header, col, body = realkit.read_dump(src, REQUIRED)
    codes = {}
    for r in body:
        key = (r[col["省份"]], r[col["地市"]], r[col["区县"]])
        r[col["统一社会信用代码"]] = codes.setdefault(key, uscc(len(codes)))
    realkit.write_dump(dst, header, body)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
