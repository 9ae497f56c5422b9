#!/usr/bin/env python3
"""Build bench/real/schools/: real, all-distinct Chinese primary and secondary schools (小学, 中学,
初级中学, 中心小学, 完全小学, 九年一贯制学校 …) with their county, city and province, for measuring
merge precision on the look-alikes of one county's schools: the same county prefix and kind word
with a different town or village (法库县叶茂台镇西头台子小学 / 法库县叶茂台镇西二台子小学,
柏乡县南马中心小学 / …), numbered siblings (内黄县第六实验小学, 滑县老店镇第三中心小学 /
滑县焦虎镇第五中心小学, 银川市金凤区第十八小学 / 第十九小学) and school / middle-school pairs of
one place (盱眙县旧铺中心小学 / 盱眙县旧铺中学).

Sources (public GitHub repositories read through the repository reader; see schools/README.md):
- MOE: `data/specialty_schools/raw/moe/moe_2025_football.txt` of ycbc-team/gz-school-research at
  commit 9d9601878fea9a8aa6fc9cdd220d18759db972ec: the text (pdftotext layout) of the Ministry of
  Education's list 2025年全国青少年校园足球特色学校名单 (221,543 characters), columns 序号, 所属省,
  所属市, 所属县（区）, 学校名称. sources/moe_2025_football_schools_extract.tsv holds verbatim those
  five fields of every row whose whole line lies inside the character windows
  [k x 40,000, k x 40,000 + 16,000), k = 0..5 (a row cut by a window edge is left out), plus the
  window number.
- Faku: `app/src/main/java/com/grandmagic/edustore/protocol/SchoolResponse.java` of
  CD-DSGN/EdustoreAndroid at commit 240b706c53a54f27930c8bb35629d9430c5e1805: its Javadoc holds a
  sample answer of the app's school API, the 99 schools (school_id 654-752) of 法库县 (沈阳市,
  辽宁省): county middle schools, town 中心小学 and village 小学. sources/edustore_faku_schools_extract.tsv
  holds verbatim school_id and school_name of all 99.
- Chengyang: `some-others/src/test/java/com/commons/someothers/SomeOthersApplicationTests.java` of
  csp-123/commons at commit cccafa2a3c0db9316eb93004f63890955c735f44: test3() lists the
  information-disclosure channels of the 城阳区 (青岛市, 山东省) government site, one per unit
  ("青岛市城阳区夏庄街道曹村小学_5569,学校概况_…"): the district's schools, kindergartens and a few
  companies. sources/commons_chengyang_channels_extract.tsv holds verbatim the first comma field
  (name_channelid) of each of the 112 list.add entries, numbered in order.
- Suichuan: `app/Workman.php` of tawenxi/learn8 at commit 2047d2c279d10ffd06d72ba7747e696a1d76d302:
  the array XZBZ_unit (units of 遂川县, 吉安市, 江西省, whose staff get the township allowance):
  town 中学 / 中心小学 / 中心学校, kindergartens and four generic words. sources/learn8_suichuan_units_extract.tsv
  holds verbatim each of its 63 strings, numbered in order.

Rules:
- A row is left out when its name holds a space (pdftotext split the name: 北京市第一 〇一中学…,
  苏州市吴中区 甪直高级中学), when it names no school (a school word: 小学, 中学, 学校, 公学, 完小, 中心校,
  初中, 高中, 教学点, 一中 / 二小 …; so kindergartens, companies and the generic words are out)
  or a vocational, technical, special-education or sports school (职业, 职中, 中专, 中等专业, 技工,
  技师, 职教, 特殊教育, 体育运动学校, 体育学校, 运动学校): the list is of ordinary primary and
  secondary schools. No name is otherwise edited (the Chengyang channel id after the last "_" is
  a separate field, not part of the name).
- Region: MOE rows take 省份 = 所属省; 地市 = 所属市 and 区县 = 所属县（区）, except in the
  municipalities, whose rows give the district as 所属市 and "/" as county: there 地市 = 所属省
  (北京市) and 区县 = the district. The county lists: 辽宁省 / 沈阳市 / 法库县, 山东省 / 青岛市 /
  城阳区, 江西省 / 吉安市 / 遂川县 (the county and city as the lists name them, the province of
  that city).
- Name as filed: a name that contains none of the first two characters of its province, city or
  county (北京 / 大兴 …) lacks its region; it is filed as county + name (北大附中新馨学校 in 海淀区
  -> 海淀区北大附中新馨学校, 五台子乡孤家子小学 -> 法库县五台子乡孤家子小学). Any other name is kept
  as published (石家庄市天璞小学, 法库镇新城堡小学).
- A name filed twice (exact repeat) is one unit, kept once (first row).
- Every other record is a different unit: 组织类型 = 学校, no code published (统一社会信用代码
  empty). Entity ids: K + M (MOE 序号), F (Faku school_id), Q (Chengyang row), S (Suichuan row).

Look-alikes (truth_hard_negatives.csv): every pair of filed names one character apart, by
realkit.edit_kind: `direction` 东/西…, `number` 一/二…, `size` 大/小, `edit1` any other
substitution, `insert` one character more. Same-sound pairs are not computed (no pinyin table in
the standard library).

    python3 bench/real/build_schools.py [--sources DIR] [--out schools]
"""
import argparse
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import realkit  # noqa: E402

SEED = 20261130
MOE_FILE = "moe_2025_football_schools_extract.tsv"
FAKU_FILE = "edustore_faku_schools_extract.tsv"
CHENGYANG_FILE = "commons_chengyang_channels_extract.tsv"
SUICHUAN_FILE = "learn8_suichuan_units_extract.tsv"
FAKU_REGION = ("辽宁省", "沈阳市", "法库县")
CHENGYANG_REGION = ("山东省", "青岛市", "城阳区")
SUICHUAN_REGION = ("江西省", "吉安市", "遂川县")
SCHOOL = re.compile(r"小学|中学|学校|公学|完小|中心校|初中|高中|教学点|[一二三四五六七八九十][中小]")
NOT_SCHOOL = re.compile(r"职业|职中|中专|中等专业|技工|技师|职教|特殊教育|体育运动学校|体育学校|运动学校")
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}


def filed_name(name, province, city, county):
    """The name as a directory files it: county + name when the name names no region of its own."""
    heads = {r[:2] for r in (province, city, county) if r}
    if any(h in name for h in heads):
        return name
    return county + name


def read_units(src_dir):
    """(key, entity, filed name, province, city, county) per kept row; left-out rows with reason."""
    rows, left_out = [], []
    for r in realkit.read_tsv(os.path.join(src_dir, MOE_FILE)):
        name = r["学校名称"]
        province, city, county = r["所属省"], r["所属市"], r["所属县（区）"]
        if county == "/":
            city, county = (province if province in MUNICIPALITIES else city), city
        rows.append(("M" + r["序号"], name, province, city, county))
    for r in realkit.read_tsv(os.path.join(src_dir, FAKU_FILE)):
        rows.append(("F" + r["school_id"], r["school_name"], *FAKU_REGION))
    for r in realkit.read_tsv(os.path.join(src_dir, CHENGYANG_FILE)):
        rows.append(("Q" + r["row"], r["entry"].rsplit("_", 1)[0], *CHENGYANG_REGION))
    for r in realkit.read_tsv(os.path.join(src_dir, SUICHUAN_FILE)):
        rows.append(("S" + r["row"], r["unit"], *SUICHUAN_REGION))
    units, seen = [], {}
    for key, name, province, city, county in rows:
        if re.search(r"\s", name):
            left_out.append((key, name, "space in name (text extraction)"))
            continue
        if not SCHOOL.search(name):
            left_out.append((key, name, "not a school"))
            continue
        if NOT_SCHOOL.search(name):
            left_out.append((key, name, "vocational, special or sports school"))
            continue
        filed = filed_name(name, province, city, county)
        if filed in seen:
            left_out.append((key, name, f"listed twice (same unit as {seen[filed]})"))
            continue
        seen[filed] = key
        units.append((key, filed, province, city, county, filed != name))
    return units, left_out


def lookalikes(units):
    by_len = defaultdict(list)
    for key, name, *_ in units:
        by_len[len(name)].append((key, name))
    pairs = []
    for n in sorted(by_len):
        group = by_len[n]
        for i, (ka, a) in enumerate(group):
            for kb, b in group[i + 1:]:
                kind = realkit.edit_kind(a, b)
                if kind:
                    pairs.append((ka, kb, kind))
            for kb, b in by_len.get(n + 1, ()):
                kind = realkit.edit_kind(a, b)
                if kind:
                    pairs.append((ka, kb, kind))
    return pairs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", default=os.path.join(HERE, "sources"))
    ap.add_argument("--out", default=os.path.join(HERE, "schools"))
    args = ap.parse_args()

    units, left_out = read_units(args.sources)
    records = [{"key": k, "entity": "K" + k, "canonical": 1, "组织名称": n, "省份": p, "地市": c,
                "区县": d, "组织类型": "学校"} for k, n, p, c, d, _ in units]
    negatives = lookalikes(units)
    recs = realkit.write_list(args.out, "K", records, negatives, SEED)

    kinds = Counter(k for _, _, k in negatives)
    counties = Counter((p, c, d) for _, _, p, c, d, _ in units)
    per = Counter(k[0] for k, *_ in units)
    print(f"{args.out}: {len(recs)} records (MOE {per['M']}, Faku {per['F']}, Chengyang {per['Q']}, "
          f"Suichuan {per['S']}), {len(counties)} counties, "
          f"{sum(1 for u in units if u[5])} filed with the county prefix, 0 true pairs, "
          f"{len(negatives)} look-alike pairs ("
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")")
    reasons = Counter(r.split(" (")[0] for _, _, r in left_out)
    print("left out: " + ", ".join(f"{r} {n}" for r, n in sorted(reasons.items())))
    for key, name, reason in left_out:
        print(f"  {key} {name}: {reason}")
    print("largest counties: " + ", ".join(f"{d} {n}" for (_, _, d), n in counties.most_common(12)))


if __name__ == "__main__":
    main()
