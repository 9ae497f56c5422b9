//! Mapping header names to the canonical fields.

use crate::error::{Error, Result};
use crate::model::Field;

/// Where a column mapping was given: the user must be told in the words they used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--column FIELD=HEADER` on the command line.
    Flag,
    /// `[input.columns] field = "HEADER"` in a config file, at `line` (1-based) when known.
    Config { file: String, line: Option<usize> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnOverride {
    pub field: Field,
    pub header: String,
    pub origin: Origin,
}

impl ColumnOverride {
    /// Parse `FIELD=HEADER` as given to `--column`.
    pub fn parse(s: &str) -> Result<ColumnOverride> {
        let Some((f, h)) = s.split_once('=') else {
            return Err(Error::Usage(format!("--column {s:?}: expected FIELD=HEADER, e.g. name=单位名称")));
        };
        let field = Field::from_key(f.trim()).ok_or_else(|| {
            Error::Usage(format!("--column {s:?}: unknown field {f:?}; fields are {}", field_keys()))
        })?;
        Ok(ColumnOverride { field, header: h.trim().to_string(), origin: Origin::Flag })
    }

    /// `key = "header"` of a config file's `[input.columns]`.
    pub fn from_config(key: &str, header: &str, file: &str, line: Option<usize>) -> Result<ColumnOverride> {
        let origin = Origin::Config { file: file.to_string(), line };
        let field = Field::from_key(key.trim()).ok_or_else(|| {
            Error::input(
                file,
                format!(
                    "{}[input.columns] {key} = {header:?}: unknown field {key:?}; fields are {}",
                    line_prefix(line),
                    field_keys()
                ),
            )
        })?;
        Ok(ColumnOverride { field, header: header.trim().to_string(), origin })
    }

    /// The mapping as the user wrote it: `--column name=单位` or `orgclean.toml line 7: [input.columns] name = "单位"`.
    pub fn describe(&self) -> String {
        match &self.origin {
            Origin::Flag => format!("--column {}={}", self.field.key(), self.header),
            Origin::Config { file, line } => {
                format!(
                    "{file} {}[input.columns] {} = {:?}",
                    line_prefix(*line),
                    self.field.key(),
                    self.header
                )
            }
        }
    }
}

fn line_prefix(line: Option<usize>) -> String {
    line.map(|l| format!("line {l}: ")).unwrap_or_default()
}

fn field_keys() -> String {
    Field::ALL.iter().map(|f| f.key()).collect::<Vec<_>>().join(", ")
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

/// Overrides naming a header that is not in `header`: the user said the column exists, so a run
/// without it would silently lack what they asked for.
pub fn unmatched_overrides<'a>(
    header: &csv::StringRecord,
    overrides: &'a [ColumnOverride],
) -> Vec<&'a ColumnOverride> {
    let cleaned: Vec<String> = header.iter().map(clean).collect();
    overrides.iter().filter(|o| !cleaned.contains(&clean(&o.header))).collect()
}

/// How many rows above the header (an Excel title, an export date) are tolerated.
pub const MAX_TITLE_ROWS: usize = 10;

/// The header is the first of the first rows that names both `id` and `name` (title rows of an
/// Excel export may come before it).
pub fn find_header_row(rows: &[&csv::StringRecord], overrides: &[ColumnOverride]) -> Option<usize> {
    rows.iter().take(MAX_TITLE_ROWS + 1).position(|r| map_headers(r, overrides).1.is_empty())
}

/// When no row names both `id` and `name`: the row that most looks like the header, so that the
/// error lists real headers, not an export title. The row naming the most fields wins; failing
/// that, the first row with as many non-empty cells as the widest of the first rows (a title row
/// is one cell, or one cell padded with empty ones).
pub fn likely_header_row(rows: &[&csv::StringRecord], overrides: &[ColumnOverride]) -> usize {
    let rows = &rows[..rows.len().min(MAX_TITLE_ROWS + 1)];
    let named = |r: &csv::StringRecord| map_headers(r, overrides).0.iter().filter(|c| c.is_some()).count();
    let best = rows.iter().enumerate().max_by_key(|(i, r)| (named(r), std::cmp::Reverse(*i)));
    if let Some((i, r)) = best {
        if named(r) > 0 {
            return i;
        }
    }
    let filled = |r: &csv::StringRecord| r.iter().filter(|c| !c.trim().is_empty()).count();
    let widest = rows.iter().map(|r| filled(r)).max().unwrap_or(0);
    rows.iter().position(|r| filled(r) == widest && widest > 1).unwrap_or(0)
}

/// Words that make an unrecognised header a likely candidate for a field (for the hint).
fn hints(f: Field) -> &'static [&'static str] {
    match f {
        Field::Id => &["id", "编号", "编码", "代码"],
        Field::Name => &["名", "name"],
        Field::ParentId => &["上级", "归口", "parent"],
        Field::Province => &["省"],
        Field::City => &["市"],
        Field::County => &["县", "区县"],
        Field::Status => &["状态", "认证"],
        _ => &[],
    }
}

/// An unmapped header that looks like it holds `field`.
pub fn candidate(
    header: &csv::StringRecord,
    cols: &[Option<usize>; Field::COUNT],
    f: Field,
) -> Option<String> {
    // One cell is a delimiter problem, not a header to map.
    if header.len() < 2 {
        return None;
    }
    let used = |i: usize| cols.contains(&Some(i));
    header
        .iter()
        .enumerate()
        .filter(|(i, h)| !used(*i) && !h.trim().is_empty())
        .find(|(_, h)| {
            let c = clean(h);
            // "上级单位名称" holds the parent's name, not its id.
            let names_a_name = f != Field::Name && c.contains("名称");
            !names_a_name && hints(f).iter().any(|w| c.contains(w))
        })
        .map(|(_, h)| h.trim_start_matches('\u{feff}').trim().to_string())
}

/// Every missing column in one message: what was looked for, the headers seen, and the flag (or
/// a likely header) for each.
pub fn missing_message(missing: &[Field], header: &csv::StringRecord, headers_seen: &str) -> String {
    let (cols, _) = map_headers(header, &[]);
    let looked: Vec<String> =
        missing.iter().map(|m| format!("`{}` (looked for: {})", m.key(), m.aliases().join(", "))).collect();
    let flags: Vec<String> = missing
        .iter()
        .map(|m| match candidate(header, &cols, *m) {
            Some(h) => format!("--column {}={h}", m.key()),
            None => format!("--column {}=HEADER", m.key()),
        })
        .collect();
    let head = if missing.len() == 1 {
        let m = missing[0];
        format!("column `{}` not found (looked for: {})", m.key(), m.aliases().join(", "))
    } else {
        let keys: Vec<String> = missing.iter().map(|m| format!("`{}`", m.key())).collect();
        format!("columns {} not found: {}", keys.join(", "), looked.join("; "))
    };
    format!("{head}; headers seen: {headers_seen}; use {}", flags.join(" "))
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
    fn common_chinese_spellings() {
        let h = rec(&[
            "单位ID",
            "单位名称",
            "上级单位ID",
            "所在省份",
            "所在地市",
            "所在区县",
            "统一社会信用代码",
        ]);
        let (c, missing) = map_headers(&h, &[]);
        assert!(missing.is_empty());
        for (f, i) in [
            (Field::Id, 0),
            (Field::Name, 1),
            (Field::ParentId, 2),
            (Field::Province, 3),
            (Field::City, 4),
            (Field::County, 5),
            (Field::Uscc, 6),
        ] {
            assert_eq!(c[f.index()], Some(i), "{f:?}");
        }
        let h =
            rec(&["机构编号", "机构名称", "归口单位编号", "所属省份", "所属地市", "所属区县", "信用代码"]);
        let (c, missing) = map_headers(&h, &[]);
        assert!(missing.is_empty());
        assert_eq!(c[Field::ParentId.index()], Some(2));
        assert_eq!(c[Field::County.index()], Some(5));
        let (c, _) = map_headers(&rec(&["组织代码", "组织名称", "上级组织代码"]), &[]);
        assert_eq!((c[Field::Id.index()], c[Field::ParentId.index()]), (Some(0), Some(2)));
    }

    #[test]
    fn override_wins() {
        let o = ColumnOverride::parse("name=单位名").unwrap();
        let (c, missing) = map_headers(&rec(&["id", "单位名"]), &[o]);
        assert!(missing.is_empty());
        assert_eq!(c[Field::Name.index()], Some(1));
        assert!(ColumnOverride::parse("nom=x").is_err());
    }

    #[test]
    fn every_missing_column_in_one_message_with_likely_headers() {
        let h = rec(&["编码", "单位", "备注"]);
        let (_, missing) = map_headers(&h, &[]);
        assert_eq!(missing, [Field::Id, Field::Name]);
        let m = missing_message(&missing, &h, "编码, 单位, 备注");
        assert!(m.starts_with("columns `id`, `name` not found: `id` (looked for: "), "{m}");
        assert!(m.contains("headers seen: 编码, 单位, 备注"), "{m}");
        assert!(m.contains("--column id=编码 --column name=HEADER"), "{m}");
        let m = missing_message(&[Field::Name], &rec(&["id", "单位"]), "id, 单位");
        assert!(m.starts_with("column `name` not found (looked for: "), "{m}");
        assert!(m.contains("--column name=HEADER"), "{m}");
        // A header holding the parent's name is not proposed as its id.
        let h = rec(&["组织ID", "组织名称", "上级单位名称", "上级单位"]);
        let m = missing_message(&[Field::ParentId], &h, "");
        assert!(m.ends_with("--column parent_id=上级单位"), "{m}");
    }

    #[test]
    fn the_likely_header_is_not_a_title() {
        let rows =
            [rec(&["2024年组织库导出", "", ""]), rec(&["编码", "单位", "备注"]), rec(&["1", "甲", ""])];
        let refs: Vec<&csv::StringRecord> = rows.iter().collect();
        assert_eq!(find_header_row(&refs, &[]), None);
        assert_eq!(likely_header_row(&refs, &[]), 1);
        let rows = [rec(&["导出"]), rec(&["单位编号", "单位", "x"]), rec(&["1", "甲", ""])];
        let refs: Vec<&csv::StringRecord> = rows.iter().collect();
        assert_eq!(likely_header_row(&refs, &[]), 1);
    }

    #[test]
    fn config_overrides_say_where_they_come_from() {
        let o = ColumnOverride::from_config("name", "单位名", "orgclean.toml", Some(7)).unwrap();
        assert_eq!(o.describe(), "orgclean.toml line 7: [input.columns] name = \"单位名\"");
        let e = ColumnOverride::from_config("nom", "x", "orgclean.toml", Some(3)).unwrap_err().to_string();
        assert!(e.contains("orgclean.toml: line 3: [input.columns] nom = \"x\": unknown field"), "{e}");
        assert!(!e.contains("--column"), "{e}");
        let unmatched = unmatched_overrides(&rec(&["id", "名称"]), std::slice::from_ref(&o));
        assert_eq!(unmatched, [&o]);
    }
}
