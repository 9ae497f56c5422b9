#!/usr/bin/env python3
"""gen_quirks.py -- rewrite a synthetic dump so that its duplicates carry the quirks the public
generator lacks, and add look-alike distinct units as hard negatives.

    python3 bench/gen_quirks.py --src ../shared/bench/public-20k --seed 101 --out /tmp/quirks-dev

SRC is a dump with truth as written by ../shared/bench/gen_orgs.py (orgs.csv, truth_clusters.csv,
truth_hard_negatives.csv, truth_entities.csv, truth_faults.csv, truth_unreachable.csv). OUT gets
the same files in the same format, so `../shared/bench/score.py clusters OUT PRED.csv` scores it.
Stdlib only; the same SRC and seed give the same bytes.

1. Every duplicate (a non-canonical record) is renamed from its entity's canonical name with one
   quirk, sometimes two; `variant` in truth_clusters.csv names them, joined by `+`:
   - region_after     region prefix moved behind the body: 白银市第五中学 -> 第五中学（白银市）
   - region_reversed  region words in reverse order: 大连市旅顺口区… -> 旅顺口区大连市…
   - english_gloss    English gloss of the kind appended: …科学技术协会（Association for Science
                      and Technology）, …有限公司 Co., Ltd.
   - traditional      traditional characters (OpenCC STCharacters, bench/data/)
   - dropped_char     one character dropped inside the generic kind word: 威县科学技协会
   - status_comment   a status word or comment appended: （待审核）, （已认证）, 备用…
   Every other column, the ids and the parents stay as they were, so the fault truth still holds.
2. Look-alike families: for about one record in 50 (schools, hospitals, grass-roots associations:
   kinds a place has many of, named after a city, county or town), two new, different units are
   added that share its long region prefix and kind and differ in a place word: 城东 / 城西 after
   a city, 上庄村 / 下庄村, 一村 / 二村, 大王庄村 / 小王庄村… after a county or town
   (坪山镇上庄村科普协会 / 坪山镇下庄村科普协会). Each is its own entity (same
   parent and region columns as the record it was made from); all three pairs of a family are
   written to truth_hard_negatives.csv (`place_direction`, `place_number`, `place_size` between
   the two new units, `place_inserted` between a new unit and the original).

Seeds (see bench/real/README.md): DEV seed 101 on public-20k may be used while tuning; the
HELD-OUT dump (gen_orgs.py --size 20000 --seed 4242, then this script with seed 202) is only for
final measurement.
"""
import argparse
import csv
import json
import os
import random
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# generic kind words, longest first; the part of a name before one is its identifying part
GENERIC_SUFFIXES = sorted([
    "科学技术协会", "专业技术协会", "科普协会", "科技协会", "股份有限公司", "有限责任公司",
    "集团有限公司", "有限公司", "职业技术学院", "高等专科学校", "中心卫生院", "妇幼保健院",
    "人民医院", "中医医院", "医院", "卫生院", "科技馆", "科普馆", "中学", "小学", "学校", "大学",
    "学院", "学会", "协会", "公司",
], key=len, reverse=True)

GLOSSES = [  # (suffix, gloss, company style)
    ("股份有限公司", "Co., Ltd.", True), ("有限责任公司", "Co., Ltd.", True),
    ("有限公司", "Co., Ltd.", True), ("科学技术协会", "Association for Science and Technology", False),
    ("专业技术协会", "Technical Association", False), ("科普协会", "Popular Science Association", False),
    ("职业技术学院", "Vocational and Technical College", False),
    ("妇幼保健院", "Maternal and Child Health Hospital", False), ("卫生院", "Health Center", False),
    ("医院", "Hospital", False), ("科技馆", "Science and Technology Museum", False),
    ("科普馆", "Science Museum", False), ("中学", "Middle School", False),
    ("小学", "Primary School", False), ("大学", "University", False), ("学院", "College", False),
    ("学会", "Society", False), ("协会", "Association", False),
]

STATUS_COMMENTS = ["（已认证）", "（待审核）", "（审核中）", "（新）", "（旧）", "(停用)", " 备用", "（重复）"]

MIRRORED = [  # (place word, its mirror, kind, deepest prefix level it may follow)
    ("城东", "城西", "direction", "city"), ("城南", "城北", "direction", "city"),
    ("东关", "西关", "direction", "city"), ("上庄村", "下庄村", "direction", "county"),
    ("前营村", "后营村", "direction", "county"), ("东里社区", "西里社区", "direction", "county"),
    ("大王庄村", "小王庄村", "size", "county"), ("一村", "二村", "number", "county"),
]
# kinds a place has many of: a village or a quarter has its own school, clinic, association
LOOKALIKE_TYPES = {"学校", "医院", "基层科协"}
# units of a county or city (its people's hospital, its No. 3 middle school): no village has one
COUNTY_UNIT = re.compile(r"人民医院|中医院|中医医院|疾病预防控制中心|妇幼保健|第[一二三四五六七八九十0-9]+中学")
TOWN = re.compile(r"^[\u4e00-\u9fff]{1,4}?(镇|乡|街道)")


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        r = csv.DictReader(f)
        return r.fieldnames, list(r)


def write_csv(path, header, rows, bom=False):
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


class Names:
    """Region prefixes (division names, as the gazetteer spells them) and the s2t table."""

    def __init__(self, divisions, s2t):
        self.divisions, self.levels = set(), {}
        _, rows = read_csv(divisions)
        for r in rows:
            self.divisions.add(r["name"])
            self.levels.setdefault(r["name"], set()).add(r["level"])
        self.max_len = max(len(n) for n in self.divisions)
        self.s2t = {}
        with open(s2t, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 2 and parts[1]:
                    self.s2t[parts[0]] = parts[1].split(" ")[0]

    def region_tokens(self, name):
        """The division names the name opens with, longest match first, in order."""
        tokens, i = [], 0
        while i < len(name):
            for n in range(min(self.max_len, len(name) - i), 1, -1):
                if name[i:i + n] in self.divisions:
                    tokens.append(name[i:i + n])
                    i += n
                    break
            else:
                break
        return tokens

    def prefix(self, name):
        """(region prefix, its deepest level): division names, then a town word (坪山镇) if one
        follows; level 'town', 'county', 'city', 'province' or '' without prefix."""
        tokens = self.region_tokens(name)
        p = "".join(tokens)
        level = ""
        if tokens:
            levels = self.levels[tokens[-1]]
            level = next(lv for lv in ("county", "city", "province") if lv in levels)
        m = TOWN.match(name[len(p):])
        if m and len(name) > len(p) + len(m.group(0)) + 1:
            p, level = p + m.group(0), "town"
        return p, level


def generic_suffix(name):
    return next((s for s in GENERIC_SUFFIXES if name.endswith(s)), "")


def identifying(body):
    """The body without its generic kind word: empty when the body is only a kind (大学)."""
    return body[: len(body) - len(generic_suffix(body))]


# ---------------------------------------------------------------- quirks
def q_region_after(name, names, rng):
    tokens = names.region_tokens(name)
    p = "".join(tokens)
    body = name[len(p):]
    if not tokens or not identifying(body):
        return None
    style = rng.random()
    if style < 0.6:
        return f"{body}（{p}）"
    if style < 0.85:
        return f"{body}({p})"
    return f"{body} {p}"


def q_region_reversed(name, names, rng):
    tokens = names.region_tokens(name)
    if len(tokens) < 2:
        return None
    p = "".join(tokens)
    return "".join(reversed(tokens)) + name[len(p):]


def q_english_gloss(name, names, rng):
    for suffix, gloss, company in GLOSSES:
        if name.endswith(suffix):
            if company:
                return name + (" " if rng.random() < 0.5 else "") + gloss
            return name + (f"（{gloss}）" if rng.random() < 0.7 else f" ({gloss})")
    return None


def q_traditional(name, names, rng):
    t = "".join(names.s2t.get(c, c) for c in name)
    return t if t != name else None


def q_dropped_char(name, names, rng):
    suffix = generic_suffix(name)
    if len(suffix) < 4 or not identifying(name):
        return None
    start = len(name) - len(suffix)
    i = start + rng.randrange(1, len(suffix) - 1)
    return name[:i] + name[i + 1:]


def q_status_comment(name, names, rng):
    return name + rng.choice(STATUS_COMMENTS)


# applied in this order when two are combined: region words first, traditional last
QUIRKS = [
    ("region_after", q_region_after, 20), ("region_reversed", q_region_reversed, 10),
    ("dropped_char", q_dropped_char, 15), ("english_gloss", q_english_gloss, 20),
    ("status_comment", q_status_comment, 15), ("traditional", q_traditional, 20),
]
ORDER = {k: i for i, (k, _, _) in enumerate(QUIRKS)}
FUNCS = {k: f for k, f, _ in QUIRKS}
EXCLUSIVE = {"region_after", "region_reversed"}


def pick(rng, exclude=()):
    pool = [(k, w) for k, _, w in QUIRKS if k not in exclude]
    x = rng.uniform(0, sum(w for _, w in pool))
    for k, w in pool:
        x -= w
        if x <= 0:
            return k
    return pool[-1][0]


def quirk_name(canonical, names, rng):
    """(new name, variant label) for one duplicate of `canonical`."""
    for _ in range(20):
        kinds = [pick(rng)]
        if rng.random() < 0.25:
            second = pick(rng, exclude=set(kinds) | (EXCLUSIVE if kinds[0] in EXCLUSIVE else set()))
            kinds.append(second)
        kinds.sort(key=ORDER.get)
        name, ok = canonical, True
        for k in kinds:
            out = FUNCS[k](name, names, rng)
            if out is None:
                ok = False
                break
            name = out
        if ok and name != canonical:
            return name, "+".join(kinds)
    return canonical + rng.choice(STATUS_COMMENTS), "status_comment"


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", required=True, help="dump with truth (public-20k or a gen_orgs.py output)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--divisions", default=os.path.join(REPO, "data", "divisions.csv"))
    ap.add_argument("--s2t", default=os.path.join(HERE, "data", "STCharacters.txt"))
    ap.add_argument("--lookalike-every", type=int, default=50,
                    help="one look-alike family per this many records (default 50)")
    args = ap.parse_args()
    if os.path.abspath(args.src) == os.path.abspath(args.out):
        ap.error("--out must differ from --src")
    rng = random.Random(args.seed)
    names = Names(args.divisions, args.s2t)

    org_header, orgs = read_csv(os.path.join(args.src, "orgs.csv"))
    _, truth = read_csv(os.path.join(args.src, "truth_clusters.csv"))
    _, negatives = read_csv(os.path.join(args.src, "truth_hard_negatives.csv"))
    ent_header, entities = read_csv(os.path.join(args.src, "truth_entities.csv"))
    f_id, f_name = org_header[0], org_header[1]
    f_type = org_header[7]
    by_id = {r[f_id]: r for r in orgs}
    entity_of = {t["org_id"]: t["entity_id"] for t in truth}
    canonical_of = {t["entity_id"]: t["org_id"] for t in truth if t["is_canonical"] == "1"}
    entity_row = {e["entity_id"]: e for e in entities}

    # 1. duplicates get quirks
    renamed = 0
    for t in truth:
        if t["is_canonical"] == "1":
            continue
        canon = by_id[canonical_of[t["entity_id"]]][f_name]
        new, label = quirk_name(canon, names, rng)
        by_id[t["org_id"]][f_name] = new
        t["variant"] = label
        renamed += 1

    # 2. look-alike families
    skip = set()
    for fname in ("truth_faults.csv", "truth_unreachable.csv"):
        path = os.path.join(args.src, fname)
        if os.path.exists(path):
            skip.update(r["org_id"] for r in read_csv(path)[1])
    taken = {r[f_name] for r in orgs}
    candidates = [r for r in orgs if r[f_type] in LOOKALIKE_TYPES and r[f_id] not in skip
                  and canonical_of.get(entity_of.get(r[f_id])) == r[f_id]]
    rng.shuffle(candidates)
    wanted = max(1, len(orgs) // args.lookalike_every)
    added, new_negatives, n = [], [], 0
    for base in candidates:
        if len(added) >= 2 * wanted:
            break
        name = base[f_name]
        p, level = names.prefix(name)
        rest = name[len(p):]
        if level not in ("city", "county", "town") or not rest:
            continue
        a, b, kind, deepest = rng.choice(MIRRORED)
        if deepest == "county" and (level == "city" or COUNTY_UNIT.search(rest)):
            continue
        pair = [p + a + rest, p + b + rest]
        if any(x in taken for x in pair):
            continue
        ids = []
        for new_name in pair:
            n += 1
            oid, eid = f"QLA{n:07d}", f"QE{n:07d}"
            rec = dict(base)
            rec.update({f_id: oid, f_name: new_name, org_header[2]: ""})
            added.append(rec)
            taken.add(new_name)
            truth.append({"org_id": oid, "entity_id": eid, "is_canonical": "1", "variant": ""})
            e = dict(entity_row[entity_of[base[f_id]]])
            e.update({"entity_id": eid, "canonical_org_id": oid, "name": new_name, "uscc": ""})
            entities.append(e)
            ids.append(oid)
        new_negatives += [
            {"org_id_a": ids[0], "org_id_b": ids[1], "kind": f"place_{kind}"},
            {"org_id_a": base[f_id], "org_id_b": ids[0], "kind": "place_inserted"},
            {"org_id_a": base[f_id], "org_id_b": ids[1], "kind": "place_inserted"},
        ]

    # the new units are spread through the file, not appended
    out_orgs = list(orgs)
    for rec in added:
        out_orgs.insert(rng.randrange(len(out_orgs) + 1), rec)

    os.makedirs(args.out, exist_ok=True)
    write_csv(os.path.join(args.out, "orgs.csv"), org_header, out_orgs, bom=True)
    write_csv(os.path.join(args.out, "truth_clusters.csv"), ["org_id", "entity_id", "is_canonical", "variant"], truth)
    write_csv(os.path.join(args.out, "truth_hard_negatives.csv"), ["org_id_a", "org_id_b", "kind"],
              negatives + new_negatives)
    write_csv(os.path.join(args.out, "truth_entities.csv"), ent_header, entities)
    for fname in ("truth_faults.csv", "truth_unreachable.csv"):
        if os.path.exists(os.path.join(args.src, fname)):
            shutil.copyfile(os.path.join(args.src, fname), os.path.join(args.out, fname))
    variants = {}
    for t in truth:
        if t["variant"]:
            variants[t["variant"]] = variants.get(t["variant"], 0) + 1
    stats = {
        "generator": "gen_quirks.py", "seed": args.seed, "source": os.path.basename(os.path.normpath(args.src)),
        "records": len(out_orgs), "duplicates_renamed": renamed,
        "lookalike_units_added": len(added), "hard_negatives_added": len(new_negatives),
        "variants": dict(sorted(variants.items())),
    }
    with open(os.path.join(args.out, "stats.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f, ensure_ascii=False, indent=1)
    print(f"{args.out}: {len(out_orgs)} records, {renamed} duplicates renamed, "
          f"{len(added)} look-alike units, {len(new_negatives)} new hard negatives")


if __name__ == "__main__":
    sys.exit(main())
