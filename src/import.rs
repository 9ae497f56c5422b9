//! Step 1: read org-library dumps as they really come, accept or reject every row.
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::model::{Directory, Field};

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub encoding: Option<&'static encoding_rs::Encoding>,
    pub delimiter: Option<u8>,
    pub columns: Vec<ColumnOverride>,
    pub progress: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnOverride {
    pub field: Field,
    pub header: String,
}

impl ColumnOverride {
    pub fn parse(s: &str) -> Result<ColumnOverride> {
        let Some((f, h)) = s.split_once('=') else {
            return Err(Error::Usage(format!("--column {s:?}: expected FIELD=HEADER, e.g. name=单位名称")));
        };
        let field = Field::from_key(f.trim()).ok_or_else(|| {
            let keys: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
            Error::Usage(format!("--column {s:?}: unknown field {f:?}; fields are {}", keys.join(", ")))
        })?;
        Ok(ColumnOverride { field, header: h.trim().to_string() })
    }
}

pub fn import(_inputs: &[PathBuf], _opts: &ImportOptions) -> Result<Directory> {
    Err(Error::Internal("import: in progress".into()))
}
