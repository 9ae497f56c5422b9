#!/usr/bin/env python3
"""Build bench/real/abbreviations/: well-known organizations filed under their full name and under
the abbreviation people use (哈工大 = 哈尔滨工业大学, 中国作协 = 中国作家协会).

Source: the Chinese abbreviation corpus of Zhang & Sun, "A Chinese Dataset with Negative Full Forms
for General Abbreviation Prediction" (arXiv:1712.06289; Peking University, lancopku), as
republished in the public GitHub repository fighting41love/funNLP, files
data/中文缩写库/dev_set.txt and data/中文缩写库/test_set.txt at commit
54ff1c334930109a093de42f8d3aadae30c99d5e. A line reads `ABBR: word/pos word/pos ...` (the full
form, segmented and tagged; `n:` marks a full form without abbreviation).
sources/chinese_abbreviation_org_lines.tsv holds verbatim (trailing blanks dropped) the lines of
the first 16,000 characters of each file that pass the organization rule below; this script
applies the same rule again, so rebuilding from the whole files only adds pairs.

Organization rule: the full form (its words joined) ends in a word that names a kind of
organization (KINDS), and one of its words is a proper noun (POS ns, nt, nz, nr or s): it names
one particular unit (吉林大学), not a kind (师范学院). An abbreviation given for two different full
forms is ambiguous and left out.

Each organization: its full form (canonical) and every abbreviation (variant `abbreviation`).
Look-alikes: two different organizations whose full forms share their first two characters and
their kind word (上海音乐学院 / 上海戏剧学院): `shared_head_kind`.

    python3 bench/real/build_abbreviations.py [--src ...tsv] [--out abbreviations]
"""
import os
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import realkit  # noqa: E402

SEED = 20261130
KINDS = ("大学", "学院", "协会", "联合会", "委员会", "公司", "研究所", "研究院", "科学院", "设计院",
         "医院", "银行", "学会", "促进会", "联谊会", "中学", "小学", "学校", "剧院", "剧团", "剧场",
         "图书馆", "博物馆", "电视台", "电台", "社", "厂", "局", "部", "署", "司", "同盟", "联盟",
         "同盟会", "总会", "商会", "基金会", "交易所", "集团", "组织", "法院", "检察院")
PROPER = {"ns", "nt", "nz", "nr", "s"}


def parse(line):
    """(abbreviation, full form, kind) for an organization line, else None."""
    abbr, sep, rest = line.strip().partition(": ")
    if not sep or abbr == "n":
        return None
    words = [w.rsplit("/", 1) for w in rest.split()]
    if not words or any(len(w) != 2 for w in words):
        return None
    full = "".join(w for w, _ in words)
    kind = max((k for k in KINDS if full.endswith(k)), key=len, default=None)
    if not kind or not any(pos in PROPER for _, pos in words) or abbr == full:
        return None
    return abbr, full, kind


def main():
    args = realkit.cli(__doc__, os.path.join(HERE, "sources", "chinese_abbreviation_org_lines.tsv"), os.path.join(HERE, "abbreviations"))
    lines = [r["line"] for r in realkit.read_tsv(args.src)]
    fulls_of = defaultdict(set)
    kind_of = {}
    parsed = []
    for line in lines:
        p = parse(line)
        if p:
            parsed.append(p)
            fulls_of[p[0]].add(p[1])
            kind_of[p[1]] = p[2]
    abbrs = defaultdict(set)
    for abbr, full, _ in parsed:
        if len(fulls_of[abbr]) == 1:
            abbrs[full].add(abbr)
    records = []
    fulls = sorted(abbrs)
    for i, full in enumerate(fulls):
        ent = f"A{i:04d}"
        records.append({"key": full, "entity": ent, "canonical": 1, "组织名称": full})
        for abbr in sorted(abbrs[full]):
            records.append({"key": full + "|" + abbr, "entity": ent, "canonical": 0,
                            "组织名称": abbr, "variant": "abbreviation"})
    negatives = []
    for i, a in enumerate(fulls):
        for b in fulls[i + 1:]:
            if a[:2] == b[:2] and kind_of[a] == kind_of[b]:
                negatives.append((a, b, "shared_head_kind"))
    recs = realkit.write_list(args.out, "A", records, negatives, SEED)
    pairs = sum(len(v) * (len(v) + 1) // 2 for v in abbrs.values())
    print(f"{args.out}: {len(recs)} records, {len(fulls)} organizations, {pairs} true pairs, "
          f"{len(negatives)} look-alike pairs")


if __name__ == "__main__":
    main()
