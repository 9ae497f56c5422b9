"""Shared helpers of the bench/real/build_*.py scripts: write a list in the dump format of
../shared/bench (orgs.csv UTF-8 with BOM, truth_clusters.csv, truth_hard_negatives.csv).

Stdlib only. A record is a dict with the keys of ORG_FIELDS (missing keys are written empty) plus
`entity` (the true unit), `canonical` (1 for the entity's reference record) and `variant` (how a
duplicate's name differs: empty for the reference record).
"""
import csv
import os
import random

ORG_HEADER = ["组织ID", "组织名称", "统一社会信用代码", "上级组织ID", "省份", "地市", "区县",
              "组织类型", "认证状态", "创建时间"]

# short province names as sources write them -> the official name
PROVINCES = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市",
    "河北": "河北省", "山西": "山西省", "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省",
    "江苏": "江苏省", "浙江": "浙江省", "安徽": "安徽省", "福建": "福建省", "江西": "江西省",
    "山东": "山东省", "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省", "广东": "广东省",
    "海南": "海南省", "四川": "四川省", "贵州": "贵州省", "云南": "云南省", "陕西": "陕西省",
    "甘肃": "甘肃省", "青海": "青海省", "台湾": "台湾省",
    "内蒙": "内蒙古自治区", "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区",
    "西藏": "西藏自治区", "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
    "香港": "香港特别行政区", "澳门": "澳门特别行政区",
}


def province_of(short):
    """The official province name for a source's province word ('' when it names none)."""
    short = (short or "").strip()
    if short in PROVINCES.values():
        return short
    return PROVINCES.get(short, "")


def write_list(out_dir, prefix, records, hard_negatives, seed):
    """Shuffle the records (fixed seed), number them PREFIX000001…, and write the three files.

    hard_negatives: (key_a, key_b, kind) where keys are the records' `key` values.
    Returns the written records (with `id`).
    """
    os.makedirs(out_dir, exist_ok=True)
    recs = list(records)
    random.Random(seed).shuffle(recs)
    for i, r in enumerate(recs, 1):
        r["id"] = f"{prefix}{i:06d}"
        r.setdefault("认证状态", "已认证")
        r.setdefault("创建时间", f"2020-01-{1 + i // 86400:02d} {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}")
    by_key = {r["key"]: r["id"] for r in recs}
    with open(os.path.join(out_dir, "orgs.csv"), "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(ORG_HEADER)
        for r in recs:
            w.writerow([r["id"] if h == "组织ID" else r.get(h, "") for h in ORG_HEADER])
    with open(os.path.join(out_dir, "truth_clusters.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["org_id", "entity_id", "is_canonical", "variant"])
        for r in recs:
            w.writerow([r["id"], r["entity"], 1 if r.get("canonical") else 0, r.get("variant", "")])
    rows = set()
    for a, b, kind in hard_negatives:
        ia, ib = sorted((by_key[a], by_key[b]))
        rows.add((ia, ib, kind))
    with open(os.path.join(out_dir, "truth_hard_negatives.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["org_id_a", "org_id_b", "kind"])
        for row in sorted(rows):
            w.writerow(row)
    return recs


def edit_kind(a, b):
    """How two names of equal or adjacent length differ by one character, or None.

    'direction' (东/西, 上/下…), 'number' (一/二, 1/2), 'size' (大/小), 'edit1' (any other
    substitution), 'insert' (one character more). Names that differ more return None.
    """
    directions = set("东西南北上下前后中内外左右")
    numbers = set("一二三四五六七八九十零〇0123456789")
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        if len(diff) != 1:
            return None
        x, y = diff[0]
        if x in directions and y in directions:
            return "direction"
        if x in numbers and y in numbers:
            return "number"
        if {x, y} == {"大", "小"}:
            return "size"
        return "edit1"
    if abs(len(a) - len(b)) == 1:
        s, l = (a, b) if len(a) < len(b) else (b, a)
        for i in range(len(l)):
            if l[:i] + l[i + 1:] == s:
                return "insert"
    return None
