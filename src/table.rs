//! The accepted records as one columnar table (polars), for the per-province and per-file
//! summaries every step prints.

use polars::prelude::*;

use crate::model::{Directory, Field, RecIdx};

/// One row per accepted record: its source file and line, and the canonical fields (trimmed).
pub fn frame(dir: &Directory) -> PolarsResult<DataFrame> {
    let n = dir.len() as RecIdx;
    let mut cols: Vec<Column> = Vec::with_capacity(Field::COUNT + 2);
    let file: Vec<&str> = dir.records.iter().map(|r| dir.files[r.file as usize].display.as_str()).collect();
    cols.push(Column::new("file".into(), file));
    let line: Vec<u64> = dir.records.iter().map(|r| r.line).collect();
    cols.push(Column::new("line".into(), line));
    for f in Field::ALL {
        let values: Vec<&str> = (0..n).map(|i| dir.get(i, f)).collect();
        cols.push(Column::new(f.key().into(), values));
    }
    DataFrame::new(n as usize, cols)
}

/// Count rows per distinct value of a string column, largest first, then by value (deterministic).
pub fn count_by(df: &DataFrame, column: &str) -> PolarsResult<Vec<(String, u64)>> {
    let groups = df.group_by([column])?;
    let counts = groups.select([column]).count()?;
    let keys = counts.column(column)?.str()?.clone();
    let n = counts.columns()[1].cast(&DataType::UInt64)?;
    let n = n.u64()?;
    let mut out: Vec<(String, u64)> =
        keys.iter().zip(n.iter()).map(|(k, c)| (k.unwrap_or("").to_string(), c.unwrap_or(0))).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}
