//! Names that are only a kind (交通大学, 作家协会): see `mark_kind_only`.

use rayon::prelude::*;

use super::Features;
use crate::geo::Gazetteer;
use crate::model::RecIdx;
use crate::normalize::NameParts;

/// Marks the names with no place whose body also stands, after a place, for units of two or
/// more places this record could be in (交通大学 beside 上海交通大学 and 西安交通大学; 作家协会
/// beside 安徽省作家协会 and 合肥市作家协会): such a name is only a kind and identifies none of
/// them. The places are compared with the record's own columns: 交通大学 filed under 上海市 can
/// only be the one in Shanghai, and 槐树镇科协 filed under its county is that county's town, not
/// a kind (marking it sent every exact duplicate of a town's association to review). The count
/// is over the directory itself, the way a term-frequency weight is.
pub(super) fn mark_kind_only(names: &[NameParts], feats: &mut [Features], g: &Gazetteer) {
    /// Distinct places kept per body: two that conflict are enough to decide.
    const MAX_PLACES: usize = 16;
    // Records that write their body after a place tell its places; placeless ones ask.
    let tells = |n: &NameParts| !n.region_text().is_empty() && !n.body().is_empty();
    let asks = |n: &NameParts| n.mentions.is_empty() && !n.national && !n.body().is_empty();
    // The records of one body are found by sorting (hash of the body, record) on every core: a
    // hash map of bodies built on one thread was half a second of a million records. Within a
    // body the records stay in record order, so the places kept are the first ones, as before.
    // Each record carries whether it tells and asks, so that the many bodies no record could be
    // marked under (no asker, or fewer than two tellers: two places are needed to conflict) are
    // passed over without reading their records again.
    const TELLS: u8 = 1;
    const ASKS: u8 = 2;
    let hasher = ahash::RandomState::new();
    let mut keyed: Vec<(u64, RecIdx, u8)> = names
        .par_iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let role = if tells(n) { TELLS } else { 0 } | if asks(n) { ASKS } else { 0 };
            (role != 0).then(|| (hasher.hash_one(n.body()), i as RecIdx, role))
        })
        .collect();
    keyed.par_sort_unstable();
    let runs: Vec<&[(u64, RecIdx, u8)]> = keyed
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|run| {
            run.iter().any(|r| r.2 & ASKS != 0)
                && run.iter().filter(|r| r.2 & TELLS != 0).take(2).count() == 2
        })
        .collect();
    let conflict = |x: &[crate::geo::Region], y: &[crate::geo::Region]| {
        x.iter().all(|a| y.iter().all(|b| g.conflicts(a, b)))
    };
    let feats_ref: &[Features] = feats;
    let one_body = |members: &[RecIdx], out: &mut Vec<RecIdx>| {
        let mut seen: Vec<&[crate::geo::Region]> = Vec::new();
        for &i in members {
            let p = feats_ref[i as usize].places();
            if tells(&names[i as usize]) && seen.len() < MAX_PLACES && !seen.contains(&p) {
                seen.push(p);
            }
        }
        for &i in members.iter().filter(|&&i| asks(&names[i as usize])) {
            let own = feats_ref[i as usize].places();
            let fits: Vec<&[crate::geo::Region]> =
                seen.iter().copied().filter(|p| !conflict(own, p)).collect();
            if fits.iter().enumerate().any(|(k, x)| fits[k + 1..].iter().any(|y| conflict(x, y))) {
                out.push(i);
            }
        }
    };
    let kind_only: Vec<RecIdx> = runs
        .par_iter()
        .flat_map_iter(|run| {
            let mut members: Vec<RecIdx> = run.iter().map(|&(_, i, _)| i).collect();
            let mut out = Vec::new();
            let body = |i: RecIdx| names[i as usize].body();
            if members.iter().all(|&i| body(i) == body(members[0])) {
                one_body(&members, &mut out);
            } else {
                // Two bodies with one hash: each on its own, still in record order.
                members.sort_by_key(|&i| (body(i), i));
                for same in members.chunk_by(|&x, &y| body(x) == body(y)) {
                    one_body(same, &mut out);
                }
            }
            out
        })
        .collect();
    // Every record is decided afresh (`kind_only_among` passes features marked before).
    feats.par_iter_mut().for_each(|f| f.kind_only = false);
    for i in kind_only {
        feats[i as usize].kind_only = true;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn features_of(rows: &[(&str, &str, &str, &str)]) -> (Vec<NameParts>, Vec<Features>) {
        let g = Gazetteer::global();
        rows.iter().map(|r| super::super::features::parsed(r.0, g.resolve_columns(r.1, r.2, r.3), "")).unzip()
    }

    #[test]
    fn a_placeless_name_shared_by_units_of_several_places_is_only_a_kind() {
        let g = Gazetteer::global();
        let (names, mut feats) = features_of(&[
            ("上海交通大学", "", "", ""),
            ("西安交通大学", "", "", ""),
            ("交通大学", "", "", ""),
            ("北京师范大学", "", "", ""),
            ("师范大学", "", "", ""),
            ("某某科技有限公司", "", "", ""),
        ]);
        mark_kind_only(&names, &mut feats, g);
        let marked: Vec<bool> = feats.iter().map(|f| f.kind_only).collect();
        // 师范大学 follows one place only here: it may be that unit written short (review decides).
        assert_eq!(marked, [false, false, true, false, false, false]);
    }

    /// `mark_kind_only` as it was written first: one hash map of bodies, in record order. The
    /// grouped version must mark the same records.
    fn mark_kind_only_by_map(names: &[NameParts], feats: &mut [Features], g: &Gazetteer) {
        let mut places: HashMap<&str, Vec<&[crate::geo::Region]>> = HashMap::new();
        for (n, f) in names.iter().zip(feats.iter()) {
            if n.region_text().is_empty() || n.body().is_empty() {
                continue;
            }
            let seen = places.entry(n.body()).or_default();
            if seen.len() < 16 && !seen.contains(&f.places()) {
                seen.push(f.places());
            }
        }
        let conflict = |x: &[crate::geo::Region], y: &[crate::geo::Region]| {
            x.iter().all(|a| y.iter().all(|b| g.conflicts(a, b)))
        };
        let kind_only: Vec<bool> = names
            .iter()
            .zip(feats.iter())
            .map(|(n, f)| {
                n.mentions.is_empty()
                    && !n.national
                    && places.get(n.body()).is_some_and(|seen| {
                        let fits: Vec<_> =
                            seen.iter().copied().filter(|p| !conflict(f.places(), p)).collect();
                        fits.iter().enumerate().any(|(k, x)| fits[k + 1..].iter().any(|y| conflict(x, y)))
                    })
            })
            .collect();
        for (f, k) in feats.iter_mut().zip(kind_only) {
            f.kind_only = k;
        }
    }

    proptest::proptest! {
        /// Random directories of names with and without places, filed under random columns (more
        /// than 16 places per body now and then), some records already marked.
        #[test]
        fn kind_only_grouped_is_kind_only_by_map(
            rows in proptest::collection::vec((0usize..12, 0usize..12, 0usize..5, proptest::bool::ANY), 0..60),
        ) {
            const PLACES: [&str; 12] = [
                "", "上海", "西安", "北京", "长沙", "衡阳", "湖南", "南阳", "安阳", "合肥市", "槐树镇", "中国",
            ];
            const BODIES: [&str; 12] = [
                "交通大学", "作家协会", "师范大学", "科学技术协会", "第一中学", "音乐学院", "某某科技有限公司",
                "中心医院", "大学", "人民政府", "", "科协",
            ];
            const COLUMNS: [(&str, &str); 5] =
                [("", ""), ("上海市", ""), ("湖南省", ""), ("湖南省", "长沙市"), ("河南省", "南阳市")];
            let named: Vec<(String, &str, &str, bool)> = rows
                .iter()
                .map(|&(p, b, c, marked)| (format!("{}{}", PLACES[p], BODIES[b]), COLUMNS[c].0, COLUMNS[c].1, marked))
                .filter(|r| !r.0.is_empty())
                .collect();
            let rows: Vec<(&str, &str, &str, &str)> = named.iter().map(|r| (r.0.as_str(), r.1, r.2, "")).collect();
            let (names, mut feats) = features_of(&rows);
            for (f, r) in feats.iter_mut().zip(&named) {
                f.kind_only = r.3;
            }
            let mut expected = feats.clone();
            let g = Gazetteer::global();
            mark_kind_only(&names, &mut feats, g);
            mark_kind_only_by_map(&names, &mut expected, g);
            let got: Vec<bool> = feats.iter().map(|f| f.kind_only).collect();
            let want: Vec<bool> = expected.iter().map(|f| f.kind_only).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn a_name_whose_columns_place_it_among_one_of_the_units_is_no_mere_kind() {
        let g = Gazetteer::global();
        let (names, mut feats) = features_of(&[
            ("桃城区槐树镇科学技术协会", "河北省", "衡水市", "桃城区"),
            ("隆化县槐树镇科学技术协会", "河北省", "承德市", "隆化县"),
            ("槐树镇科学技术协会", "河北省", "衡水市", "桃城区"),
            ("槐树镇科学技术协会", "河北省", "", ""),
            ("交通大学", "上海市", "", ""),
            ("上海交通大学", "", "", ""),
            ("西安交通大学", "", "", ""),
        ]);
        mark_kind_only(&names, &mut feats, g);
        let marked: Vec<bool> = feats.iter().map(|f| f.kind_only).collect();
        // Filed under 河北省 only, the town may be either county's: still a kind there.
        assert_eq!(marked, [false, false, false, true, false, false, false]);
    }
}
