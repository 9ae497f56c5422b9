#!/usr/bin/env python3
"""Build bench/real/clinics/: real, all-distinct village clinics, community health stations and
clinics of Beijing (村卫生室 / 社区卫生服务站 / 卫生室 / 诊所), many named alike
(…黄村镇狼各庄东村卫生室 / …狼各庄西村卫生室, …流村镇瓦窑村卫生室 / …瓦窑村卫生室1 / …瓦窑村卫生室2,
…张坊镇北白岱社区卫生服务站 / …南白岱… / …西白岱…), for measuring merge precision on the
issue's "coded clinics" case: long shared region prefix and kind suffix, different village.

Source: `web/snapshot_data.json` of the public GitHub repository Brooke-boom/beijing-hospital-spark
at commit 14313996385e069262826a0be466866b1fb6fe2f (an undergraduate project that merged about 70
public Beijing lists of medical institutions - district health-commission lists such as
平谷区村级卫生室, 社区卫生服务站名单, 医疗机构名单 - into one table of 9,789 institutions; the
snapshot holds each institution's published name and its district; no licence stated;
5,275,217 characters). sources/beijing_hospital_spark_clinic_extract.tsv holds verbatim the fields
id, name, district and category of every institution inside the character windows
[k x 200,000, k x 200,000 + 16,000), k = 0..26, whose name ends in 卫生室, 卫生服务站, 卫生所 or
诊所 (optionally followed by a published serial digit: 瓦窑村卫生室1). An institution counts when
its "name" and "district" fields lie inside a window.

Rules: a name listed twice in one district is one unit, kept once (first listing), also when only
one listing carries the 北京市 / district prefix (北京市平谷区马坊镇西太平庄村卫生室 and
马坊镇西太平庄村卫生室, both 平谷区: one clinic in two merged lists). None in this extract; one in
the held-out extract. Every other record is a different unit (its own id in the source): 组织类型 = 医疗机构, 省份 = 地市 =
北京市 (a municipality), 区县 = the published district. No code is published per unit, so
统一社会信用代码 is empty.
Look-alikes: names one character apart, by kind as in villages/ (`direction` 东/西, `number`
一/二 and 1/2, `size` 大/小, `edit1` any other change, `insert` one character more).

    python3 bench/real/build_clinics.py [--src ...tsv] [--out clinics]
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import realkit  # noqa: E402

SEED = 20261130
KIND = re.compile(r"(卫生室|卫生服务站|卫生所|诊所)\d*$")


def unprefixed(name, district):
    """The name without a leading 北京市 and published district (two listings of one unit)."""
    if name.startswith("北京市"):
        name = name[len("北京市"):]
    if district and name.startswith(district):
        name = name[len(district):]
    return name


def main():
    args = realkit.cli(__doc__, os.path.join(HERE, "sources", "beijing_hospital_spark_clinic_extract.tsv"),
                       os.path.join(HERE, "clinics"))
    seen, units, twice = {}, [], []
    for r in realkit.read_tsv(args.src):
        name, district = r["name"].strip(), r["district"].strip()
        if not KIND.search(name):
            continue
        key = (district, unprefixed(name, district))
        if key in seen:
            twice.append((seen[key], r["id"].strip(), name))
            continue
        seen[key] = r["id"].strip()
        units.append((r["id"].strip(), name, district))
    records = [{"key": i, "entity": "C" + i, "canonical": 1, "组织名称": n, "省份": "北京市",
                "地市": "北京市", "区县": d, "组织类型": "医疗机构"} for i, n, d in units]
    negatives = []
    for a in range(len(units)):
        for b in range(a + 1, len(units)):
            kind = realkit.edit_kind(units[a][1], units[b][1])
            if kind:
                negatives.append((units[a][0], units[b][0], kind))
    recs = realkit.write_list(args.out, "C", records, negatives, SEED)
    counts = {}
    for _, _, k in negatives:
        counts[k] = counts.get(k, 0) + 1
    detail = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
    print(f"{args.out}: {len(recs)} records, 0 true pairs, {len(negatives)} look-alike pairs ({detail})"
          + "".join(f"\n  listed twice, kept once: {n} (id {i}, same unit as id {k})" for k, i, n in twice))


if __name__ == "__main__":
    main()
