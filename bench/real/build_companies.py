#!/usr/bin/env python3
"""Build bench/real/companies/: A-share listed companies, each filed twice — under its registered
full name (公司全称) and under the short name people use (证券简称) — for measuring whether
orgclean finds short-form / full-name duplicates without merging different companies.

Source: `stock_basic.json` of the public GitHub repository forechoandlook/go-stock at commit
fad3adac353706fd75d8b09a4f72281bd9c98cc2: a dump of the Tushare Pro `stock_basic` API (fields
ts_code, name = 证券简称, area = province, fullname = 公司全称; names as published by the Shanghai
and Shenzhen exchanges). The file is 891,568 characters; sources/tushare_stock_basic_extract.tsv
holds, verbatim, the fields ts_code, name, area and fullname of every record whose name and
fullname lie inside one of the windows [k x 100,000, k x 100,000 + 16,000) characters, k = 0..8,
column `window` = k. A deterministic sample spread over the whole file (Shenzhen and Shanghai
main boards, ChiNext, STAR).

Rules (no hand edits):
- full-name record: 组织名称 = fullname; short-name record: 组织名称 = name with a share-class
  letter (A/Ａ/B/Ｂ) removed from its end after a Chinese character, and a STAR-market marker
  (-W, -WD, -U, -UW) removed from its end: they mark the security, not the company. Companies whose short name carries the exchange's risk marker (*ST / ST) are left
  out: the marker truncates the name to what fits (*ST生物, ST联合), which nobody uses for the
  company. A pair whose short name equals the full name is skipped.
- 省份 from `area` (深圳 -> 广东省); 组织类型 = 企业.
- Look-alikes (truth_hard_negatives.csv), all between different companies:
  `short_in_other_full`: one company's short name is contained in another company's full name;
  `shared_prefix4`: two full names sharing their first four characters.

    python3 bench/real/build_companies.py [--src sources/tushare_stock_basic_extract.tsv] [--out companies]
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import realkit  # noqa: E402

SEED = 20261130
STATUS = re.compile(r"^(\*ST|ST)")
SHARE_CLASS = re.compile(r"(?<=[\u4e00-\u9fff])[AＡBＢ]$|-(W|WD|U|UW)$")
CITY_AREAS = {"深圳": "广东省"}


def clean_short(name):
    s = STATUS.sub("", name.strip())
    s = SHARE_CLASS.sub("", s)
    return s


def main():
    args = realkit.cli(__doc__, os.path.join(HERE, "sources", "tushare_stock_basic_extract.tsv"), os.path.join(HERE, "companies"))
    rows = realkit.read_tsv(args.src)
    seen, companies = set(), []
    for r in rows:
        if r["ts_code"] in seen:
            continue
        seen.add(r["ts_code"])
        if STATUS.match(r["name"].strip()):
            continue
        short = clean_short(r["name"])
        full = r["fullname"].strip()
        if not short or short == full:
            continue
        prov = CITY_AREAS.get(r["area"]) or realkit.province_of(r["area"])
        companies.append((r["ts_code"], short, full, prov))

    recs, pairs, negatives = realkit.write_company_list(args.out, "C", companies, 4, SEED)
    print(f"{args.out}: {len(recs)} records, {pairs} true pairs, {negatives} look-alike pairs")


if __name__ == "__main__":
    main()
