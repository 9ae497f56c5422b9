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


def write_company_list(out_dir, prefix, companies, prefix_len, seed):
    """A list of companies filed twice: full name (canonical) and short name (variant
    `short_name`), with 组织类型 = 企业 and the province.

    companies: (code, short name, full name, province). Look-alikes between different companies:
    `short_in_other_full` (one's short name inside another's full name) and
    `shared_prefixN` (two full names sharing their first N = prefix_len characters).
    Returns (records, true pairs, look-alike pairs).
    """
    records = []
    for code, short, full, prov in companies:
        base = {"省份": prov, "组织类型": "企业", "entity": prefix + code}
        records.append(dict(base, key=code + "/full", 组织名称=full, canonical=1))
        records.append(dict(base, key=code + "/short", 组织名称=short, canonical=0, variant="short_name"))
    negatives = []
    for i, (ci, si, fi, _) in enumerate(companies):
        for j, (cj, sj, fj, _) in enumerate(companies):
            if i == j:
                continue
            if len(si) >= 2 and si in fj:
                negatives.append((ci + "/short", cj + "/full", "short_in_other_full"))
            if i < j and min(len(fi), len(fj)) >= 2 * prefix_len and fi[:prefix_len] == fj[:prefix_len]:
                negatives.append((ci + "/full", cj + "/full", f"shared_prefix{prefix_len}"))
    recs = write_list(out_dir, prefix, records, negatives, seed)
    return recs, len(companies), len(negatives)


def cli(doc, src, out):
    """--src (default `src`) and --out (default `out`) of a build script."""
    import argparse
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", default=src, help="the source file (default: %(default)s)")
    ap.add_argument("--out", default=out, help="the list folder to write (default: %(default)s)")
    return ap.parse_args()


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def read_dump(path, required):
    """A dump's header, its column index by name and its rows (short rows padded: orgclean reports
    broken lines, the list variants only file them). Exits naming the `required` columns missing."""
    import sys

    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0] if rows else []
    col = {name: i for i, name in enumerate(header)}
    missing = [c for c in required if c not in col]
    if missing:
        sys.exit(f"{path}: no column {', '.join(missing)} in the header (the dump format of ../shared/bench)")
    body = [r + [""] * (len(header) - len(r)) for r in rows[1:]]
    return header, col, body


def write_dump(path, header, body):
    """Rows written as a dump: UTF-8 with BOM, LF line ends."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header] + body)
