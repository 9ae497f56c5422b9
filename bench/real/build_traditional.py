#!/usr/bin/env python3
"""Build bench/real/traditional/: companies listed on the Taiwan Stock Exchange, each filed under
its registered full name (公司名稱) and its short name (公司簡稱), both in traditional characters
(臺灣水泥股份有限公司 / 台泥, 聯華電子股份有限公司 / 聯電).

Source: `t187ap03_L.csv` (TWSE open data "上市公司基本資料", data date 1131029 = 2024-10-29) in
the public GitHub repository damentsai/stock_analysis at commit
07059a7baf83b3dcb86a163a025def4c41808a38 (450,244 characters).
sources/twse_t187ap03_L_extract.tsv holds verbatim the columns 公司代號, 公司名稱, 公司簡稱 of
every row whose name columns lie inside the character windows [k x 100,000, k x 100,000 + 16,000),
k = 0..3 (column `window`).

Rules: a trailing board marker of the short name (-KY: Cayman-registered, -創: innovation board)
marks the security, not the company, and is dropped; 省份 = 台湾省; 组织类型 = 企业. Look-alikes
between different companies: one's short name inside another's full name, full names sharing
their first two characters (聯華實業控股 / 聯華食品工業 / 聯華電子, 新光產物保險 / 新光金融控股).

    python3 bench/real/build_traditional.py [--src ...tsv] [--out traditional]
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import realkit  # noqa: E402

SEED = 20261130
BOARD_MARKER = re.compile(r"-(KY|創)$")


def main():
    args = realkit.cli(__doc__, os.path.join(HERE, "sources", "twse_t187ap03_L_extract.tsv"), os.path.join(HERE, "traditional"))
    rows = realkit.read_tsv(args.src)
    companies, seen = [], set()
    for r in rows:
        code = r["公司代號"].strip()
        if code in seen:
            continue
        seen.add(code)
        short = BOARD_MARKER.sub("", r["公司簡稱"].strip())
        full = r["公司名稱"].strip()
        if short and short != full:
            companies.append((code, short, full, "台湾省"))
    recs, pairs, negatives = realkit.write_company_list(args.out, "T", companies, 2, SEED)
    print(f"{args.out}: {len(recs)} records, {pairs} true pairs, {negatives} look-alike pairs")


if __name__ == "__main__":
    main()
