use super::*;
use crate::hierarchy::testkit::DirBuilder;

const TYPES: [&str; 3] = ["省级科协", "市级科协", "县级科协"];

/// A directory with one association per expected division of the given provinces (plus the
/// national root), each under the association one level up, as a clean directory would have.
fn backbone(provinces: &[DivCode]) -> DirBuilder {
    backbone_without(provinces, &[])
}

/// The backbone minus the associations of some divisions.
pub(crate) fn backbone_without(provinces: &[DivCode], except: &[DivCode]) -> DirBuilder {
    let g = Gazetteer::global();
    let mut b = DirBuilder::new();
    b.add("ROOT", "中国科学技术协会", "", "", "", "", "全国科协");
    for d in g.divisions().iter().filter(|d| provinces.contains(&d.province) && is_expected(d)) {
        if except.contains(&d.code) {
            continue;
        }
        let prov = g.name_of(d.province);
        let (city, county, parent) = match d.level {
            DivLevel::Province => (String::new(), String::new(), "ROOT".to_string()),
            DivLevel::City => (d.name.clone(), String::new(), format!("A{}", d.province)),
            DivLevel::County => {
                let c = d.parent.and_then(|c| g.get(c)).filter(|c| !c.transparent);
                let parent = c.map_or(d.province, |c| c.code);
                (c.map(|c| c.name.clone()).unwrap_or_default(), d.name.clone(), format!("A{parent}"))
            }
        };
        let typ = TYPES[d.level as usize];
        b.add(
            &format!("A{}", d.code),
            &format!("{}科学技术协会", d.name),
            &parent,
            prov,
            &city,
            &county,
            typ,
        );
    }
    b
}

pub(crate) fn coverage_of(b: &DirBuilder, scope: Scope) -> (Coverage, crate::hierarchy::testkit::Checked) {
    let c = b.check();
    let cov = compute(&c.dir, &c.profiles, &c.clusters, &c.findings, scope);
    (cov, c)
}

fn status_of(cov: &Coverage, code: DivCode) -> Option<Status> {
    cov.rows.iter().find(|r| r.division == code).map(|r| r.status)
}

fn not_present(cov: &Coverage) -> Vec<(DivCode, Status)> {
    cov.rows.iter().filter(|r| r.status != Status::Present).map(|r| (r.division, r.status)).collect()
}

pub(crate) const NINGXIA: DivCode = 640000;
const TIANJIN: DivCode = 120000;
const HAINAN: DivCode = 460000;

#[test]
fn a_complete_backbone_is_fully_present() {
    let b = backbone(&[NINGXIA, TIANJIN, HAINAN]);
    let (cov, c) = coverage_of(&b, Scope::InputProvinces);
    assert!(c.findings.is_empty(), "the test backbone itself is clean: {:?}", c.findings);
    assert_eq!(not_present(&cov), vec![]);
    let t = &cov.summary.total;
    assert_eq!((t.expected, t.present, t.coverage_pct), (t.present, cov.rows.len() as u64, 100.0));
    assert_eq!(cov.summary.provinces.len(), 3);
    assert_eq!(cov.summary.unplaced_associations, 0);
}

#[test]
fn transparent_rows_expect_nothing_but_their_counties_do() {
    let (cov, _) = coverage_of(&backbone(&[TIANJIN, HAINAN]), Scope::InputProvinces);
    assert_eq!(status_of(&cov, 120100), None, "天津 city row is the municipality itself");
    assert_eq!(status_of(&cov, 469000), None, "海南 省直辖 placeholder");
    assert_eq!(status_of(&cov, 120101), Some(Status::Present), "和平区 under 天津市科协");
    assert_eq!(status_of(&cov, 469001), Some(Status::Present), "五指山市 under 海南省科协");
    let tj = cov.summary.provinces.iter().find(|p| p.code == TIANJIN).map(|p| p.counts.expected);
    let g = Gazetteer::global();
    let counties =
        g.divisions().iter().filter(|d| d.province == TIANJIN && d.level == DivLevel::County).count();
    assert_eq!(tj, Some(counties as u64 + 1), "the province plus its districts");
}

#[test]
fn removed_associations_are_missing() {
    let full = coverage_of(&backbone(&[NINGXIA]), Scope::InputProvinces).0;
    let mut b = backbone_without(&[NINGXIA], &[640424, 640500]);
    // Children of the removed city association hang under the province association instead.
    for child in ["A640502", "A640521", "A640522"] {
        b.set_parent(child, "A640000");
    }
    let (cov, _) = coverage_of(&b, Scope::InputProvinces);
    assert_eq!(not_present(&cov), vec![(640424, Status::Missing), (640500, Status::Missing)]);
    assert_eq!(cov.rows.len(), full.rows.len());
    let nx = &cov.summary.provinces[0].counts;
    assert_eq!((nx.missing, nx.present), (2, nx.expected - 2));
}

#[test]
fn merged_duplicates_are_one_association_unmerged_ones_are_duplicated() {
    let mut b = backbone(&[NINGXIA]);
    // 兴庆区: a second registration that dedupe merged.
    b.add("DUP1", "兴庆区科协", "A640100", "宁夏回族自治区", "银川市", "兴庆区", "县级科协");
    b.cluster(&["A640104", "DUP1"], "A640104");
    // 西夏区: a second registration that dedupe kept apart, and a merged copy of it.
    b.add("DUP2", "银川市西夏区科学技术协会", "A640100", "宁夏回族自治区", "银川市", "西夏区", "县级科协");
    b.add("DUP3", "西夏区科协", "A640100", "宁夏回族自治区", "银川市", "西夏区", "县级科协");
    b.cluster(&["DUP2", "DUP3"], "DUP3");
    let (cov, c) = coverage_of(&b, Scope::InputProvinces);
    assert_eq!(not_present(&cov), vec![(640105, Status::Duplicated)]);
    let row = cov.rows.iter().find(|r| r.division == 640104).map(|r| r.claims.clone());
    let id = |i: RecIdx| c.dir.id(i).to_string();
    let claims = row.unwrap_or_default();
    assert_eq!(claims.len(), 1);
    assert_eq!(id(claims[0].representative), "A640104");
    assert_eq!(claims[0].merged.iter().map(|&m| id(m)).collect::<Vec<_>>(), ["DUP1"]);
    let dup = cov.rows.iter().find(|r| r.division == 640105).map(|r| r.claims.clone()).unwrap_or_default();
    let reps: Vec<String> = dup.iter().map(|c| id(c.representative)).collect();
    assert_eq!(reps, ["A640105", "DUP3"], "the survivor stands for its cluster");
}

#[test]
fn an_association_with_a_wrong_parent_is_misplaced() {
    let mut b = backbone(&[NINGXIA]);
    b.set_parent("A640106", "ROOT");
    b.set_parent("A640200", "");
    let (cov, _) = coverage_of(&b, Scope::InputProvinces);
    assert_eq!(not_present(&cov), vec![(640106, Status::Misplaced), (640200, Status::Misplaced)]);
    let row = cov.rows.iter().find(|r| r.division == 640106).map(|r| r.findings.clone()).unwrap_or_default();
    assert_eq!(row.iter().map(|(c, _)| *c).collect::<Vec<_>>(), [FindingCode::SkipsProvince]);
    assert_eq!(cov.summary.provinces[0].counts.misplaced, 2);
}

#[test]
fn scope_is_the_input_provinces_unless_all() {
    let b = backbone(&[NINGXIA]);
    let (cov, _) = coverage_of(&b, Scope::InputProvinces);
    assert!(cov.rows.iter().all(|r| r.division / 10000 == 64));
    let (all, _) = coverage_of(&b, Scope::All);
    let g = Gazetteer::global();
    let expected = g.divisions().iter().filter(|d| is_expected(d)).count();
    assert_eq!(all.rows.len(), expected);
    assert_eq!(all.summary.provinces.len(), 31);
    assert_eq!(all.summary.total.missing as usize, expected - cov.rows.len());
}

#[test]
fn name_alone_is_enough_and_ambiguous_names_are_unplaced() {
    let mut b = DirBuilder::new();
    b.add("ROOT", "中国科学技术协会", "", "", "", "", "全国科协");
    b.add("NX", "宁夏回族自治区科学技术协会", "ROOT", "", "", "", "");
    b.add("YC", "银川市科协", "NX", "", "", "", "");
    b.add("GL", "鼓楼区科学技术协会", "NX", "", "", "", "");
    let (cov, _) = coverage_of(&b, Scope::InputProvinces);
    assert_eq!(status_of(&cov, 640000), Some(Status::Present));
    assert_eq!(status_of(&cov, 640100), Some(Status::Present));
    assert_eq!(cov.summary.unplaced_associations, 1, "鼓楼区 is in four cities");
}

#[test]
fn percentages_round_to_one_decimal() {
    let mut c = CoverageCounts::default();
    for s in [Status::Present, Status::Missing, Status::Duplicated] {
        c.add(s);
    }
    c.finish();
    assert_eq!(c.coverage_pct, 66.7);
    // A misplaced association is not coverage: it is counted apart.
    c.add(Status::Misplaced);
    c.finish();
    assert_eq!((c.coverage_pct, c.misplaced_pct), (50.0, 25.0));
    let mut empty = CoverageCounts::default();
    empty.finish();
    assert_eq!(empty.coverage_pct, 0.0);
}
