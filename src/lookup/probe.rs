//! What is looked up: a typed query or a new registration, read and profiled exactly like a
//! record of the directory (a query is a one-row dump with a name and maybe a province).

use crate::dedupe::{query, Features, Side};
use crate::error::{Error, Result};
use crate::import::{self, ImportOptions, SeenIds};
use crate::model::{Directory, Field, RecIdx};
use crate::normalize::{self, NameParts};
use crate::profile::{self, OrgProfile};

pub struct Probe {
    /// The record's id (a NEW record's own id; `Q1`, `Q2`… for queries).
    pub id: String,
    /// The name as given.
    pub text: String,
    /// The province as given (`--province`, or the NEW record's province column).
    pub province: String,
    /// The parent id as given (a NEW record's parent column; resolved among the directory's
    /// ids, as it would be if the record were appended to the dump).
    pub parent_id: String,
    /// `text` folded like every name (for "the platform's autocomplete offers it").
    pub folded: String,
    pub name: NameParts,
    pub profile: OrgProfile,
    pub feat: Features,
}

impl Probe {
    pub fn side(&self) -> Side<'_> {
        Side { name: &self.name, feat: &self.feat, level: self.profile.level }
    }

    /// The province as given (`--province`, a NEW record's column), resolved; `None` when none
    /// was given or it names no province.
    pub fn asked_province(&self) -> Option<u32> {
        crate::geo::Gazetteer::global().resolve_columns(&self.province, "", "").province
    }
}

/// Every record of a (small) directory as a probe.
pub fn probes_of(dir: &Directory) -> Vec<Probe> {
    let (names, profiles) = profile::parse_and_profile_few(dir);
    names
        .into_iter()
        .zip(profiles)
        .enumerate()
        .map(|(i, (name, profile))| {
            let i = i as RecIdx;
            let feat = query::record_features(dir, i, &name, &profile);
            Probe {
                id: dir.id(i).to_string(),
                text: dir.name(i).to_string(),
                province: dir.get(i, Field::Province).to_string(),
                parent_id: dir.get(i, Field::ParentId).to_string(),
                folded: normalize::fold(dir.name(i)),
                name,
                profile,
                feat,
            }
        })
        .collect()
}

/// Typed queries (text, province) as a directory of one row each, ids `Q1`, `Q2`…
pub fn query_directory(queries: &[(String, String)]) -> Result<Directory> {
    let mut csv = csv::WriterBuilder::new().from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>, row: [&str; 3]| {
        w.write_record(row).map_err(|e| Error::Usage(format!("query cannot be read: {e}")))
    };
    write(&mut csv, ["组织ID", "组织名称", "省份"])?;
    for (k, (text, province)) in queries.iter().enumerate() {
        if text.trim().is_empty() {
            return Err(Error::Usage(format!("query {} is empty: give a name or part of one", k + 1)));
        }
        write(&mut csv, [&format!("Q{}", k + 1), text.trim(), province.trim()])?;
    }
    let bytes = csv.into_inner().map_err(|e| Error::Usage(format!("queries cannot be read: {e}")))?;
    let opts = ImportOptions {
        encoding: Some(encoding_rs::UTF_8),
        delimiter: Some(b','),
        columns: Vec::new(),
        progress: false,
        needs: Vec::new(),
        require_rows: false,
    };
    let mut dir = Directory::default();
    import::import_bytes(&mut dir, &mut SeenIds::default(), "queries", &bytes, &opts)?;
    if let Some(r) = dir.rejected.first() {
        return Err(Error::Usage(format!("query on line {} cannot be read: {}", r.line - 1, r.reason)));
    }
    Ok(dir)
}
