//! Test-only: build a `Directory` by hand, as the importer would, and run the check on it.

use crate::geo::Gazetteer;
use crate::model::{Cluster, Clusters, Directory, Field, Finding, OrgId, RecIdx, SourceFile};
use crate::normalize::{self, NameParts};
use crate::profile::{self, OrgProfile};

use super::{check, CheckOptions, CheckResult};

const HEADERS: [&str; 10] = [
    "组织ID",
    "组织名称",
    "统一社会信用代码",
    "上级组织ID",
    "省份",
    "地市",
    "区县",
    "组织类型",
    "认证状态",
    "创建时间",
];

#[derive(Default)]
pub struct DirBuilder {
    rows: Vec<[String; 10]>,
    clusters: Vec<(Vec<String>, String)>,
}

pub struct Checked {
    pub dir: Directory,
    pub profiles: Vec<OrgProfile>,
    pub clusters: Clusters,
    pub result: CheckResult,
    pub findings: Vec<Finding>,
}

impl Checked {
    pub fn id(&self, i: RecIdx) -> String {
        self.dir.id(i).to_string()
    }
}

impl DirBuilder {
    pub fn new() -> DirBuilder {
        DirBuilder::default()
    }

    /// 中国科协 → 安徽省科协 → 合肥市科协, the top of the chain most tests build on.
    pub fn hefei() -> DirBuilder {
        let mut b = DirBuilder::new();
        b.add("ROOT", "中国科学技术协会", "", "", "", "", "全国科协");
        b.add("AH", "安徽省科学技术协会", "ROOT", "安徽省", "", "", "省级科协");
        b.add("HF", "合肥市科学技术协会", "AH", "安徽省", "合肥市", "", "市级科协");
        b
    }

    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        id: &str,
        name: &str,
        parent: &str,
        prov: &str,
        city: &str,
        county: &str,
        typ: &str,
    ) {
        self.add_full(id, name, "", parent, prov, city, county, typ);
    }

    #[allow(clippy::too_many_arguments)]
    pub fn add_full(
        &mut self,
        id: &str,
        name: &str,
        uscc: &str,
        parent: &str,
        prov: &str,
        city: &str,
        county: &str,
        typ: &str,
    ) {
        let row = [id, name, uscc, parent, prov, city, county, typ, "已认证", "2020-01-01"];
        self.rows.push(row.map(str::to_string));
    }

    /// Set the parent id of an added record.
    pub fn set_parent(&mut self, id: &str, parent: &str) {
        if let Some(r) = self.rows.iter_mut().find(|r| r[0] == id) {
            r[3] = parent.to_string();
        }
    }

    pub fn cluster(&mut self, members: &[&str], survivor: &str) {
        self.clusters.push((members.iter().map(|s| s.to_string()).collect(), survivor.to_string()));
    }

    pub fn build(&self) -> Directory {
        let mut columns = [None; Field::COUNT];
        for (i, f) in Field::ALL.iter().enumerate() {
            columns[f.index()] = Some(i);
        }
        let file = SourceFile {
            display: "test.csv".into(),
            encoding: "UTF-8",
            delimiter: b',',
            headers: HEADERS.iter().map(|s| s.to_string()).collect(),
            columns,
            ..SourceFile::default()
        };
        let mut dir = Directory { files: vec![file], ..Directory::default() };
        for (n, row) in self.rows.iter().enumerate() {
            dir.push_record(
                0,
                n as u64 + 2,
                row.iter().map(String::as_str),
                OrgId(row[0].as_str().into()),
                row[3].as_str().into(),
            );
            dir.by_id.insert(&dir.records, n as RecIdx);
        }
        dir.resolve_parents();
        dir
    }

    pub fn build_with_names(&self) -> (Directory, Vec<NameParts>) {
        let dir = self.build();
        let g = Gazetteer::global();
        let names = (0..dir.len() as RecIdx).map(|i| normalize::parse(dir.name(i), g)).collect();
        (dir, names)
    }

    pub fn clusters_for(&self, dir: &Directory) -> Clusters {
        let mut c = Clusters { clusters: Vec::new(), cluster_of: vec![None; dir.len()] };
        for (members, survivor) in &self.clusters {
            let mut idx: Vec<RecIdx> = members.iter().filter_map(|m| dir.lookup(m)).collect();
            idx.sort_unstable();
            let Some(s) = dir.lookup(survivor) else {
                continue;
            };
            let k = c.clusters.len() as u32;
            for &m in &idx {
                c.cluster_of[m as usize] = Some(k);
            }
            c.clusters.push(Cluster { id: survivor.clone(), survivor: s, members: idx });
        }
        c
    }

    pub fn check_with(&self, opts: CheckOptions) -> Checked {
        let (dir, names) = self.build_with_names();
        let profiles = profile::profile_all(&dir, &names, Gazetteer::global());
        let clusters = self.clusters_for(&dir);
        let result = check(&dir, &profiles, &clusters, opts);
        let findings = result.findings.clone();
        Checked { dir, profiles, clusters, result, findings }
    }

    pub fn check(&self) -> Checked {
        self.check_with(CheckOptions::default())
    }
}
