//! Mapping header names to the canonical fields.

use crate::error::{Error, Result};
use crate::model::Field;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnOverride {
    pub field: Field,
    pub header: String,
}

impl ColumnOverride {
    /// Parse `FIELD=HEADER` as given to `--column`.
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

fn clean(h: &str) -> String {
    h.trim_start_matches('\u{feff}').chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase()
}

/// Column of each field (by `Field::index()`), and the required fields that were not found.
pub fn map_headers(
    header: &csv::StringRecord,
    overrides: &[ColumnOverride],
) -> ([Option<usize>; Field::COUNT], Vec<Field>) {
    let cleaned: Vec<String> = header.iter().map(clean).collect();
    let mut cols = [None; Field::COUNT];
    for f in Field::ALL {
        let wanted: Vec<String> = match overrides.iter().rev().find(|o| o.field == f) {
            Some(o) => vec![clean(&o.header)],
            None => f.aliases().iter().map(|a| a.to_string()).collect(),
        };
        // Aliases are in priority order: 组织ID before id.
        cols[f.index()] = wanted.iter().find_map(|w| cleaned.iter().position(|c| c == w));
    }
    let missing = [Field::Id, Field::Name].into_iter().filter(|f| cols[f.index()].is_none()).collect();
    (cols, missing)
}

/// How many rows above the header (an Excel title, an export date) are tolerated.
pub const MAX_TITLE_ROWS: usize = 10;

/// The header is the first of the first rows that names both `id` and `name` (title rows of an
/// Excel export may come before it).
pub fn find_header_row(rows: &[&csv::StringRecord], overrides: &[ColumnOverride]) -> Option<usize> {
    rows.iter().take(MAX_TITLE_ROWS + 1).position(|r| map_headers(r, overrides).1.is_empty())
}

pub fn missing_message(missing: &[Field], headers_seen: &str) -> String {
    let m = missing.first().copied().unwrap_or(Field::Name);
    let aliases = m.aliases().join(", ");
    format!(
        "column `{}` not found (looked for: {aliases}); headers seen: {headers_seen}; use --column {}=HEADER",
        m.key(),
        m.key()
    )
}

/// Two columns with the same name that maps to a field make the mapping ambiguous.
pub fn check_duplicates(
    header: &csv::StringRecord,
    cols: &[Option<usize>; Field::COUNT],
) -> std::result::Result<(), String> {
    for f in Field::ALL {
        let Some(c) = cols[f.index()] else { continue };
        let name = clean(&header[c]);
        let same: Vec<usize> =
            header.iter().enumerate().filter(|(_, h)| clean(h) == name).map(|(i, _)| i + 1).collect();
        if same.len() > 1 {
            return Err(format!(
                "header {:?} appears in columns {:?}; field `{}` is ambiguous: rename one column, or use --column {}=HEADER with a unique header",
                header[c].trim(),
                same,
                f.key(),
                f.key()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(s: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(s.to_vec())
    }

    #[test]
    fn chinese_and_english_aliases() {
        let (c, missing) = map_headers(&rec(&["\u{feff}组织ID", "组织名称", "上级组织ID", "省份"]), &[]);
        assert!(missing.is_empty());
        assert_eq!(c[Field::Id.index()], Some(0));
        assert_eq!(c[Field::ParentId.index()], Some(2));
        let (c, _) = map_headers(&rec(&["ID", "Name", "Parent_ID", "District"]), &[]);
        assert_eq!(c[Field::County.index()], Some(3));
        assert_eq!(c[Field::ParentId.index()], Some(2));
    }

    #[test]
    fn override_wins() {
        let o = ColumnOverride::parse("name=单位名称").unwrap();
        let (c, missing) = map_headers(&rec(&["id", "单位名称"]), &[o]);
        assert!(missing.is_empty());
        assert_eq!(c[Field::Name.index()], Some(1));
        assert!(ColumnOverride::parse("nom=x").is_err());
    }

    #[test]
    fn missing_name_says_how_to_fix() {
        let (_, missing) = map_headers(&rec(&["id", "单位"]), &[]);
        let m = missing_message(&missing, "id, 单位");
        assert!(m.contains("headers seen: id, 单位") && m.contains("--column name=HEADER"), "{m}");
    }
}
