//! The structural rules: which one primary fault, if any, a record's own parent edge has.
//!
//! Precedence (the first that applies): missing_parent, self_parent, dangling_parent, cycle,
//! skips_province, cross_province, level_inversion, parent_is_duplicate. Fixing the parent fixes
//! the rest, so one code per record is enough; credit-code findings are independent.

use crate::geo::Gazetteer;
use crate::model::{Clusters, Directory, FindingCode, Level, RecIdx};
use crate::normalize;
use crate::profile::OrgProfile;

use super::graph::Edge;

/// What the rules read: the records, where they sit, and the duplicate clusters.
pub struct Ctx<'a> {
    pub dir: &'a Directory,
    pub profiles: &'a [OrgProfile],
    pub clusters: &'a Clusters,
    pub g: &'a Gazetteer,
}

/// The primary structural code of every record.
/// (Each record on its own: on every core.)
pub fn classify_all(ctx: &Ctx, edges: &[Edge], cycle_of: &[Option<RecIdx>]) -> Vec<Option<FindingCode>> {
    use rayon::prelude::*;
    (0..edges.len() as RecIdx)
        .into_par_iter()
        .map(|i| classify(ctx, i, edges[i as usize], cycle_of[i as usize].is_some()))
        .collect()
}

pub fn classify(ctx: &Ctx, i: RecIdx, edge: Edge, on_cycle: bool) -> Option<FindingCode> {
    match edge {
        Edge::Empty => {
            (ctx.profiles[i as usize].level != Level::National).then_some(FindingCode::MissingParent)
        }
        Edge::Itself => Some(FindingCode::SelfParent),
        Edge::Dangling => Some(FindingCode::DanglingParent),
        Edge::To(_) if on_cycle => Some(FindingCode::Cycle),
        Edge::To(p) => edge_fault(ctx, i, p),
    }
}

/// Faults of the edge child → parent that can be seen from the two ends alone.
pub fn edge_fault(ctx: &Ctx, child: RecIdx, parent: RecIdx) -> Option<FindingCode> {
    let c = &ctx.profiles[child as usize];
    let p = &ctx.profiles[parent as usize];
    if p.level == Level::National {
        // Only province associations (and orgs of no province, such as national societies) may
        // hang directly off the national association.
        return match c.level {
            Level::National => Some(FindingCode::LevelInversion),
            Level::Province => None,
            _ if c.region.province.is_some() => Some(FindingCode::SkipsProvince),
            _ => None,
        };
    }
    if c.level != Level::National {
        if let (Some(a), Some(b)) = (c.region.province, p.region.province) {
            if a != b {
                return Some(FindingCode::CrossProvince);
            }
        }
    }
    if level_inverted(ctx, child, parent) {
        return Some(FindingCode::LevelInversion);
    }
    if ctx.clusters.is_merged_away(parent) {
        return Some(FindingCode::ParentIsDuplicate);
    }
    None
}

/// Is the parent not above the child? Associations must sit under a strictly higher level; a
/// grassroots unit must sit under an association, or be a branch of the unit it sits under (分会
/// under its 学会). A grassroots unit under a county association is accepted whatever its columns
/// say: a missing county column is far more common than a city-wide unit filed under a county.
fn level_inverted(ctx: &Ctx, child: RecIdx, parent: RecIdx) -> bool {
    let c = &ctx.profiles[child as usize];
    let p = &ctx.profiles[parent as usize];
    match (c.level, p.level) {
        (Level::Grassroots, Level::Grassroots) => !is_branch_of(ctx.dir, child, parent),
        (Level::Grassroots, _) => false,
        (cl, pl) => pl >= cl,
    }
}

/// A branch names its parent unit in full and adds to it (安徽省化学会有机化学分会 under 安徽省化学会).
fn is_branch_of(dir: &Directory, child: RecIdx, parent: RecIdx) -> bool {
    let c = normalize::fold(dir.name(child));
    let p = normalize::fold(dir.name(parent));
    !p.is_empty() && c.len() > p.len() && c.starts_with(&p)
}

#[cfg(test)]
mod tests {
    use crate::hierarchy::testkit::DirBuilder;
    use crate::model::FindingCode::*;

    /// A small province: 安徽 with 合肥 and 肥西, and 江苏 for the cross-province case.
    fn base() -> DirBuilder {
        let mut b = DirBuilder::hefei();
        b.add("FX", "肥西县科学技术协会", "HF", "安徽省", "合肥市", "肥西县", "县级科协");
        b.add("JS", "江苏省科学技术协会", "ROOT", "江苏省", "", "", "省级科协");
        b.add("NJ", "南京市科学技术协会", "JS", "江苏省", "南京市", "", "市级科协");
        b
    }

    fn codes_of(b: DirBuilder) -> Vec<(String, &'static str)> {
        let r = b.check();
        r.findings.iter().map(|f| (r.id(f.org), f.code.as_str())).collect()
    }

    #[test]
    fn clean_tree_has_no_findings() {
        let mut b = base();
        b.add("S1", "肥西县第一中学", "FX", "安徽省", "合肥市", "肥西县", "学校");
        b.add("S2", "合肥市第一人民医院", "HF", "安徽省", "合肥市", "", "医院");
        b.add("S3", "安徽省化学会", "AH", "安徽省", "", "", "学会");
        b.add("S4", "安徽省化学会有机化学分会", "S3", "安徽省", "", "", "学会");
        b.add("BJ", "北京市科学技术协会", "ROOT", "北京市", "北京市", "", "省级科协");
        b.add("CY", "北京市朝阳区科学技术协会", "BJ", "北京市", "北京市", "朝阳区", "县级科协");
        b.add("HN", "河南省科学技术协会", "ROOT", "河南省", "", "", "省级科协");
        b.add("JY", "济源市科学技术协会", "HN", "河南省", "省直辖县级行政区划", "济源市", "县级科协");
        b.add("N1", "中国化学会", "ROOT", "", "", "", "学会");
        assert_eq!(codes_of(b), vec![]);
    }

    #[test]
    fn each_rule() {
        let mut b = base();
        b.add("M", "肥西县第二中学", "", "安徽省", "合肥市", "肥西县", "学校");
        b.add("SP", "肥西县第三中学", "SP", "安徽省", "合肥市", "肥西县", "学校");
        b.add("D", "肥西县第四中学", "NOPE", "安徽省", "合肥市", "肥西县", "学校");
        b.add("C1", "肥西县第五中学", "C2", "安徽省", "合肥市", "肥西县", "学校");
        b.add("C2", "肥西县第六中学", "C1", "安徽省", "合肥市", "肥西县", "学校");
        b.add("SK", "肥西县第七中学", "ROOT", "安徽省", "合肥市", "肥西县", "学校");
        b.add("X", "肥西县第八中学", "NJ", "安徽省", "合肥市", "肥西县", "学校");
        b.add("L1", "合肥市科学技术协会二", "FX", "安徽省", "合肥市", "", "市级科协");
        b.add("L2", "肥西县第九中学", "M", "安徽省", "合肥市", "肥西县", "学校");
        b.add("L3", "肥西县第十中学", "S0", "安徽省", "合肥市", "肥西县", "学校");
        b.add("S0", "肥西县第十一中学", "FX", "安徽省", "合肥市", "肥西县", "学校");
        let got = codes_of(b);
        let want = [
            ("M", "missing_parent"),
            ("SP", "self_parent"),
            ("D", "dangling_parent"),
            ("C1", "cycle"),
            ("C2", "cycle"),
            ("SK", "skips_province"),
            ("X", "cross_province"),
            ("L1", "level_inversion"),
            ("L2", "level_inversion"),
            ("L3", "level_inversion"),
        ];
        let want: Vec<(String, &str)> = want.iter().map(|(a, b)| (a.to_string(), *b)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn parent_is_duplicate_needs_clusters() {
        let mut b = base();
        b.add("FX2", "肥西县科协", "HF", "安徽省", "合肥市", "肥西县", "县级科协");
        b.add("S", "肥西县第一中学", "FX2", "安徽省", "合肥市", "肥西县", "学校");
        b.cluster(&["FX", "FX2"], "FX");
        let r = b.check();
        assert_eq!(r.findings.len(), 1);
        assert_eq!((r.id(r.findings[0].org), r.findings[0].code), ("S".to_string(), ParentIsDuplicate));
        assert_eq!(r.findings[0].fix.as_ref().and_then(|f| f.new_parent).map(|p| r.id(p)), Some("FX".into()));
    }

    #[test]
    fn precedence_cross_province_before_duplicate() {
        let mut b = base();
        b.add("NJ2", "南京市科协", "JS", "江苏省", "南京市", "", "市级科协");
        b.add("S", "肥西县第一中学", "NJ2", "安徽省", "合肥市", "肥西县", "学校");
        b.cluster(&["NJ", "NJ2"], "NJ");
        let got = codes_of(b);
        assert_eq!(got, vec![("S".to_string(), "cross_province")]);
        let _ = CrossProvince;
    }
}
