#!/usr/bin/env python3
"""Build bench/real/typed/: real names and DERIVED "names as people type them".

The base names are real: every company full name of companies/, every organization full name of
abbreviations/, and every third institution of ../shared/bench/real-universities (in its id
order). Each base is filed once as published (canonical) and once more as a person would type it,
made by one rule below (variant `typed_<rule>`). The variants are derived, not observed: this
list measures whether orgclean reads ordinary typing habits, not how often people have them.

Rules (each applied only where it leaves an identifying part; the choice among applicable rules
is a fixed-seed draw):
- typed_generic_short   a generic word in its everyday short form: 师范大学 -> 师大, 工业大学 ->
                        工大, 科学技术 -> 科技, 职业技术学院 -> 职院, 股份有限公司 -> 股份公司…
- typed_width           ASCII letters, digits and brackets written full-width, or brackets
                        switched between （） and ()
- typed_space           a space between the region prefix and the rest, or before the legal form
- typed_drop_region     (companies) the leading region dropped: 深圳市特发信息股份有限公司 ->
                        特发信息股份有限公司
- typed_drop_form       (companies) the legal form dropped: …股份有限公司 -> …
A variant that equals another base name, or another base's variant, is ambiguous and left out.

Look-alikes between different bases: one character apart (`edit1`, `insert`, `direction`,
`number`, `size` as in villages/) and full names sharing their first four characters
(`shared_prefix4`).

    python3 bench/real/build_typed.py [--universities ../shared/bench/real-universities] [--out typed]
"""
import argparse
import csv
import os
import random
import re
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import realkit  # noqa: E402

SEED = 20261130
GENERIC_SHORT = [  # longest first
    ("科学技术协会", "科协"), ("职业技术学院", "职院"), ("股份有限公司", "股份公司"),
    ("高等专科学校", "高专"), ("有限责任公司", "有限公司"), ("师范大学", "师大"), ("工业大学", "工大"),
    ("农业大学", "农大"), ("医科大学", "医大"), ("交通大学", "交大"), ("职业学院", "职院"),
    ("科学技术", "科技"),
]
LEGAL_FORMS = ["股份有限公司", "有限责任公司", "有限公司"]
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789()"}
REGION_PREFIX = re.compile(r"^(.{2,9}?(省|市|自治区|自治州|地区|盟|县|区))")


def read_list(folder):
    """Canonical records of a built list: (name, province, type)."""
    with open(os.path.join(folder, "orgs.csv"), encoding="utf-8-sig", newline="") as f:
        orgs = {r["组织ID"]: r for r in csv.DictReader(f)}
    with open(os.path.join(folder, "truth_clusters.csv"), encoding="utf-8", newline="") as f:
        canon = [t["org_id"] for t in csv.DictReader(f) if t["is_canonical"] == "1"]
    return [(orgs[o]["组织名称"], orgs[o]["省份"], orgs[o]["组织类型"]) for o in sorted(canon)]


def legal_form(name):
    return next((f for f in LEGAL_FORMS if name.endswith(f)), "")


def region_prefix(name, provinces):
    for p in provinces:
        if name.startswith(p) and len(name) > len(p) + 2:
            return p
    m = REGION_PREFIX.match(name)
    return m.group(1) if m and len(name) > len(m.group(1)) + 2 else ""


def variants(name, is_company, provinces):
    """Every applicable rule: {rule: typed name}."""
    out = {}
    for long, short in GENERIC_SHORT:
        if long in name:
            typed = name.replace(long, short, 1)
            if len(typed) >= len(short) + 2:
                out["typed_generic_short"] = typed
            break
    if any(c in FULL_WIDTH for c in name):
        out["typed_width"] = "".join(FULL_WIDTH.get(c, c) for c in name)
    elif "（" in name:
        out["typed_width"] = name.replace("（", "(").replace("）", ")")
    p = region_prefix(name, provinces)
    form = legal_form(name)
    if p:
        out["typed_space"] = p + " " + name[len(p):]
    elif form and len(name) > len(form) + 1:
        out["typed_space"] = name[: -len(form)] + " " + form
    if is_company:
        rest = name[len(p):]
        if p and len(rest) - len(legal_form(rest)) >= 2:
            out["typed_drop_region"] = rest
        if form and len(name) - len(form) >= 3:
            out["typed_drop_form"] = name[: -len(form)]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    shared = next((d for d in (os.path.join(REPO, "..", "shared"), os.path.join(REPO, "..", "..", "shared"))
                   if os.path.isdir(d)), os.path.join(REPO, "..", "shared"))
    ap.add_argument("--universities", default=os.path.join(shared, "bench", "real-universities"))
    ap.add_argument("--out", default=os.path.join(HERE, "typed"))
    args = ap.parse_args()
    provinces = sorted(set(realkit.PROVINCES) | set(realkit.PROVINCES.values()), key=len, reverse=True)
    bases = [(n, p, t, True) for n, p, t in read_list(os.path.join(HERE, "companies"))]
    bases += [(n, p, t, False) for n, p, t in read_list(os.path.join(HERE, "abbreviations"))]
    bases += [(n, p, t, False) for n, p, t in read_list(args.universities)[::3]]
    seen, unique = set(), []
    for b in bases:
        if b[0] not in seen:
            seen.add(b[0])
            unique.append(b)
    rng = random.Random(SEED)
    chosen = {}
    for name, _, _, is_company in unique:
        options = variants(name, is_company, provinces)
        if options:
            rule = rng.choice(sorted(options))
            chosen[name] = (rule, options[rule])
    typed_count = defaultdict(int)
    for _, typed in chosen.values():
        typed_count[typed] += 1
    records = []
    for i, (name, prov, kind, _) in enumerate(unique):
        ent = f"Y{i:05d}"
        base = {"省份": prov, "组织类型": kind, "entity": ent}
        records.append(dict(base, key=name, 组织名称=name, canonical=1))
        if name in chosen:
            rule, typed = chosen[name]
            if typed not in seen and typed_count[typed] == 1:
                records.append(dict(base, key=name + "|typed", 组织名称=typed, canonical=0, variant=rule))
    names = [b[0] for b in unique]
    by_len = defaultdict(list)
    for n in names:
        by_len[len(n)].append(n)
    negatives = []
    for n in names:
        for m in by_len[len(n)] + by_len[len(n) + 1]:
            if n < m or len(m) > len(n):
                kind = realkit.edit_kind(n, m)
                if kind:
                    negatives.append((n, m, kind))
    by_head = defaultdict(list)
    for n in names:
        if len(n) >= 8:
            by_head[n[:4]].append(n)
    for group in by_head.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if not realkit.edit_kind(a, b):
                    negatives.append((a, b, "shared_prefix4"))
    recs = realkit.write_list(args.out, "Y", records, negatives, SEED)
    pairs = len(recs) - len(unique)
    print(f"{args.out}: {len(recs)} records, {pairs} true pairs, {len(negatives)} look-alike pairs")


if __name__ == "__main__":
    main()
