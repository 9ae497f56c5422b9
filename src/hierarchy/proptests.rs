//! Property test: random association forests over real divisions with injected faults. Every
//! injected fault is found, no clean record is flagged, and the codes equal those of a slow,
//! obviously-correct reference checker; applying the proposed fixes leaves only needs_review.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;

use crate::geo::{DivCode, DivLevel, Gazetteer};
use crate::model::{Confidence, Level};

use super::testkit::DirBuilder;

#[derive(Clone, Debug)]
struct Unit {
    id: String,
    name: String,
    parent: String,
    cols: [String; 3],
    typ: &'static str,
    level: Level,
    province: Option<DivCode>,
}

/// A clean forest: national → provinces → cities → counties, with `shape[k]` grassroots units
/// under the k-th association.
fn forest(shape: &[u8]) -> Vec<Unit> {
    let g = Gazetteer::global();
    let mut out = vec![Unit {
        id: "ROOT".into(),
        name: "中国科学技术协会".into(),
        parent: String::new(),
        cols: Default::default(),
        typ: "全国科协",
        level: Level::National,
        province: None,
    }];
    let children = |code: DivCode, level: DivLevel, n: usize| -> Vec<DivCode> {
        g.divisions()
            .iter()
            .filter(|d| d.parent == Some(code) && d.level == level)
            .take(n)
            .map(|d| d.code)
            .collect()
    };
    for prov in [340000, 320000, 110000, 410000] {
        let pname = g.name_of(prov).to_string();
        let pid = format!("P{prov}");
        out.push(Unit {
            id: pid.clone(),
            name: format!("{pname}科学技术协会"),
            parent: "ROOT".into(),
            cols: [pname.clone(), String::new(), String::new()],
            typ: "省级科协",
            level: Level::Province,
            province: Some(prov),
        });
        let mut cities = children(prov, DivLevel::City, 2);
        if prov == 410000 {
            cities.push(419000); // 省直辖: 济源
        }
        for city in cities {
            let d = g.get(city).expect("gazetteer city");
            let cname = d.name.clone();
            let city_parent = if d.transparent {
                pid.clone()
            } else {
                let cid = format!("C{city}");
                out.push(Unit {
                    id: cid.clone(),
                    name: format!("{cname}科学技术协会"),
                    parent: pid.clone(),
                    cols: [pname.clone(), cname.clone(), String::new()],
                    typ: "市级科协",
                    level: Level::City,
                    province: Some(prov),
                });
                cid
            };
            for county in children(city, DivLevel::County, 2) {
                let kname = g.name_of(county).to_string();
                out.push(Unit {
                    id: format!("K{county}"),
                    name: format!("{kname}科学技术协会"),
                    parent: city_parent.clone(),
                    cols: [pname.clone(), cname.clone(), kname],
                    typ: "县级科协",
                    level: Level::County,
                    province: Some(prov),
                });
            }
        }
    }
    let assocs: Vec<Unit> = out.iter().filter(|u| u.level != Level::National).cloned().collect();
    for (k, a) in assocs.iter().enumerate() {
        for n in 0..shape.get(k).copied().unwrap_or(0) {
            let region = a.name.trim_end_matches("科学技术协会");
            out.push(Unit {
                id: format!("G{k}_{n}"),
                name: format!("{region}测试单位{n}号"),
                parent: a.id.clone(),
                cols: a.cols.clone(),
                typ: "学校",
                level: Level::Grassroots,
                province: a.province,
            });
        }
    }
    out
}

#[derive(Clone, Copy, Debug)]
enum Fault {
    Missing,
    SelfParent,
    Dangling,
    Cycle(usize),
    Skips,
    Cross,
    Inversion,
    Duplicate,
}

fn fault_strategy() -> impl Strategy<Value = (Fault, usize, usize)> {
    let kind = prop_oneof![
        Just(Fault::Missing),
        Just(Fault::SelfParent),
        Just(Fault::Dangling),
        (2usize..4).prop_map(Fault::Cycle),
        Just(Fault::Skips),
        Just(Fault::Cross),
        Just(Fault::Inversion),
        Just(Fault::Duplicate),
    ];
    (kind, any::<usize>(), any::<usize>())
}

/// Inject faults into distinct records; returns the ids of the records whose edge was broken and
/// the (members, survivor) duplicate clusters added.
fn inject(
    units: &mut Vec<Unit>,
    faults: &[(Fault, usize, usize)],
) -> (HashSet<String>, Vec<(Vec<String>, String)>) {
    let mut broken: HashSet<String> = HashSet::new();
    let mut clusters = Vec::new();
    let n0 = units.len();
    for (f, a, b) in faults {
        let free: Vec<usize> = (1..n0).filter(|&i| !broken.contains(&units[i].id)).collect();
        if free.len() < 4 {
            break;
        }
        let r = free[a % free.len()];
        let u = units[r].clone();
        let same_prov = |x: &Unit| x.province == u.province;
        let new_parent: Option<String> = match f {
            Fault::Missing => Some(String::new()),
            Fault::SelfParent => Some(u.id.clone()),
            Fault::Dangling => Some(format!("GHOST{b}")),
            Fault::Cycle(k) => {
                let mut members = vec![r];
                for step in 1..*k {
                    let m = free[(a + step * (b % 97 + 1)) % free.len()];
                    if !members.contains(&m) {
                        members.push(m);
                    }
                }
                if members.len() < 2 {
                    continue;
                }
                for (j, &m) in members.iter().enumerate() {
                    units[m].parent = units[members[(j + 1) % members.len()]].id.clone();
                    broken.insert(units[m].id.clone());
                }
                None
            }
            Fault::Skips if u.level > Level::Province => Some("ROOT".into()),
            Fault::Cross if u.level > Level::Province => {
                let plevel = units.iter().find(|x| x.id == u.parent).map(|x| x.level);
                let pool: Vec<&Unit> = units[..n0]
                    .iter()
                    .filter(|x| Some(x.level) == plevel && x.level != Level::National && !same_prov(x))
                    .collect();
                (!pool.is_empty()).then(|| pool[b % pool.len()].id.clone())
            }
            Fault::Inversion if u.level > Level::Province => {
                let pool: Vec<&Unit> = units[..n0]
                    .iter()
                    .filter(|x| x.level == Level::Grassroots && same_prov(x) && x.id != u.id)
                    .filter(|x| !u.name.starts_with(&x.name))
                    .collect();
                (!pool.is_empty()).then(|| pool[b % pool.len()].id.clone())
            }
            Fault::Duplicate if u.level > Level::Province => {
                let Some(p) = units.iter().find(|x| x.id == u.parent).cloned() else { continue };
                let dup =
                    Unit {
                        id: format!("{}_DUP{r}", p.id), name: format!("{}（筹）", p.name), ..p.clone()
                    };
                clusters.push((vec![p.id.clone(), dup.id.clone()], p.id.clone()));
                let id = dup.id.clone();
                units.push(dup);
                Some(id)
            }
            _ => None,
        };
        if let Some(np) = new_parent {
            units[r].parent = np;
            broken.insert(u.id.clone());
        }
    }
    (broken, clusters)
}

/// The reference: each rule written out directly from the ground truth, cycles found by walking
/// up to n steps from each record. Quadratic and obviously right.
fn reference(units: &[Unit], merged_away: &HashSet<String>) -> HashMap<String, &'static str> {
    let by_id: HashMap<&str, &Unit> = units.iter().map(|u| (u.id.as_str(), u)).collect();
    let mut out = HashMap::new();
    for u in units {
        let code = if u.parent.is_empty() {
            (u.level != Level::National).then_some("missing_parent")
        } else if u.parent == u.id {
            Some("self_parent")
        } else if let Some(p) = by_id.get(u.parent.as_str()) {
            let mut x = Some(*p);
            let mut on_cycle = false;
            for _ in 0..units.len() {
                let Some(y) = x else { break };
                if y.id == u.id {
                    on_cycle = true;
                    break;
                }
                x = by_id.get(y.parent.as_str()).copied().filter(|z| z.id != y.id);
            }
            if on_cycle {
                Some("cycle")
            } else if p.level == Level::National {
                (u.level > Level::Province).then_some("skips_province")
            } else if p.province != u.province {
                Some("cross_province")
            } else if (u.level != Level::Grassroots && p.level >= u.level)
                || (u.level == Level::Grassroots && p.level == Level::Grassroots)
            {
                Some("level_inversion")
            } else if merged_away.contains(&p.id) {
                Some("parent_is_duplicate")
            } else {
                None
            }
        } else {
            Some("dangling_parent")
        };
        if let Some(c) = code {
            out.insert(u.id.clone(), c);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn injected_faults_are_found_and_clean_records_are_not(
        shape in prop::collection::vec(0u8..3, 30),
        faults in prop::collection::vec(fault_strategy(), 0..10),
    ) {
        let mut units = forest(&shape);
        let (broken, clusters) = inject(&mut units, &faults);
        let mut b = DirBuilder::new();
        for u in &units {
            b.add(&u.id, &u.name, &u.parent, &u.cols[0], &u.cols[1], &u.cols[2], u.typ);
        }
        let merged_away: HashSet<String> = clusters.iter().map(|(m, _)| m[1].clone()).collect();
        for (members, survivor) in &clusters {
            let m: Vec<&str> = members.iter().map(String::as_str).collect();
            b.cluster(&m, survivor);
        }
        let checked = b.check();
        let got: HashMap<String, &'static str> = checked
            .findings
            .iter()
            .filter(|f| f.code.is_structural())
            .map(|f| (checked.id(f.org), f.code.as_str()))
            .collect();
        let want = reference(&units, &merged_away);
        for id in &broken {
            prop_assert!(got.contains_key(id), "injected fault on {id} not found; got {got:?}");
        }
        prop_assert_eq!(&got, &want);

        // Closure: with every proposed parent applied, only needs_review records keep a finding.
        let remaining = super::recheck(&checked.dir, &checked.profiles, &checked.clusters, &checked.findings);
        let review: HashSet<u32> = checked
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.confidence == Confidence::NeedsReview))
            .map(|f| f.org)
            .collect();
        for (i, code) in remaining {
            prop_assert!(review.contains(&i), "{} still has {code:?} after fixes", checked.id(i));
        }
    }
}

#[test]
fn injection_really_breaks_records() {
    let mut units = forest(&[1; 30]);
    let faults = [
        (Fault::Missing, 0, 0),
        (Fault::Cycle(3), 5, 7),
        (Fault::Cross, 11, 3),
        (Fault::Inversion, 20, 1),
        (Fault::Duplicate, 40, 2),
        (Fault::Skips, 33, 0),
    ];
    let (broken, clusters) = inject(&mut units, &faults);
    assert!(broken.len() >= 7, "{broken:?}");
    assert_eq!(clusters.len(), 1);
    let merged: HashSet<String> = clusters.iter().map(|(m, _)| m[1].clone()).collect();
    let want = reference(&units, &merged);
    let mut kinds: Vec<&str> = want.values().copied().collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds.len(), 6, "{want:?}");
}
