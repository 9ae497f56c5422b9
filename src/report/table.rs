//! A table is columns plus one row function; the same cells become a CSV (machine column keys,
//! English words), an XLSX sheet and a Markdown table (headers and labels in the report's
//! language). Columns meant for one of them only say so (`Vis`).

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

use crate::error::Result;
use crate::lang::Lang;
use crate::output;

/// Where a column appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vis {
    /// In the CSV and in the sheet.
    Both,
    /// Machine files only (an English text the sheet shows as a label column instead).
    Csv,
    /// The workbook only (names of the ids, labels in the report's language).
    Sheet,
}

/// One column: its stable machine key (the CSV header) and its headers for people.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub vis: Vis,
}

pub const fn col(key: &'static str, zh: &'static str, en: &'static str) -> Col {
    Col { key, zh, en, vis: Vis::Both }
}

pub const fn csv_only(key: &'static str) -> Col {
    Col { key, zh: key, en: key, vis: Vis::Csv }
}

pub const fn sheet_only(key: &'static str, zh: &'static str, en: &'static str) -> Col {
    Col { key, zh, en, vis: Vis::Sheet }
}

impl Col {
    pub fn header(&self, lang: Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }
}

/// What a row is built for. A row function leaves a column its target does not show empty
/// instead of computing it: a cluster member's merge reasons, in English for the CSV and in the
/// report's language for the sheet, were each built for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Csv,
    Sheet,
}

impl Target {
    /// `cell()` if a column of `vis` appears in this target, else an empty cell.
    pub fn only<'a>(self, vis: Vis, cell: impl FnOnce() -> Cell<'a>) -> Cell<'a> {
        match (vis, self) {
            (Vis::Csv, Target::Sheet) | (Vis::Sheet, Target::Csv) => Cell::Empty,
            _ => cell(),
        }
    }
}

/// A cell as the row function gives it. Text borrows what it can (ids, names, columns of the
/// directory, labels): a 1M-row run's tables are millions of cells, and a String for each, copied
/// and freed again, was a large part of writing them.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    /// A count or a line number.
    Int(u64),
    /// A number shown with this many decimals (scores, percentages).
    Fixed(f64, u8),
    /// A yes/no: `1`/`0` in CSV, a tick in the sheet.
    Flag(bool),
    Empty,
}

impl<'a> Cell<'a> {
    /// Text, or an empty cell for an empty string.
    pub fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// As written in a CSV or a Markdown table.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Int(n) => Cow::Owned(n.to_string()),
            Cell::Fixed(x, d) => Cow::Owned(format!("{x:.*}", *d as usize)),
            Cell::Flag(b) => Cow::Borrowed(if *b { "1" } else { "0" }),
            Cell::Empty => Cow::Borrowed(""),
        }
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Cell<'a> {
        Cell::text(s)
    }
}

impl From<String> for Cell<'_> {
    fn from(s: String) -> Self {
        Cell::text(s)
    }
}

impl From<u64> for Cell<'_> {
    fn from(n: u64) -> Self {
        Cell::Int(n)
    }
}

/// Indices of the columns shown in CSV (`csv = true`) or in the sheet.
pub fn visible(cols: &[Col], csv: bool) -> Vec<usize> {
    cols.iter()
        .enumerate()
        .filter(|(_, c)| match c.vis {
            Vis::Both => true,
            Vis::Csv => csv,
            Vis::Sheet => !csv,
        })
        .map(|(i, _)| i)
        .collect()
}

/// Write the CSV columns of `rows` for people (UTF-8 with BOM, CRLF, formula-safe: a cell a
/// spreadsheet would run gets an apostrophe), streamed to the file.
pub fn write_csv<'r, I>(path: &Path, cols: &[Col], rows: I) -> Result<()>
where
    I: IntoIterator<Item = Vec<Cell<'r>>>,
{
    write(path, cols, rows, output::Audience::People)
}

/// Write the CSV columns of `rows` for machines: like `write_csv`, but every value exactly as it
/// is (the sync team applies these files; an apostrophe before `=` would change an id).
pub fn write_machine_csv<'r, I>(path: &Path, cols: &[Col], rows: I) -> Result<()>
where
    I: IntoIterator<Item = Vec<Cell<'r>>>,
{
    write(path, cols, rows, output::Audience::Machine)
}

fn write<'r, I>(path: &Path, cols: &[Col], rows: I, audience: output::Audience) -> Result<()>
where
    I: IntoIterator<Item = Vec<Cell<'r>>>,
{
    let keep = visible(cols, true);
    output::write_streamed(path, |w: &mut dyn Write| {
        w.write_all("\u{feff}".as_bytes())?;
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .buffer_capacity(1 << 16)
            .from_writer(w);
        csv.write_record(keep.iter().map(|&i| cols[i].key)).map_err(csv_io)?;
        for row in rows {
            // Field by field: no String per cell.
            for &i in &keep {
                let text = row.get(i).map(Cell::to_text).unwrap_or_default();
                csv.write_field(audience.cell(&text).as_bytes()).map_err(csv_io)?;
            }
            csv.write_record(None::<&[u8]>).map_err(csv_io)?;
        }
        csv.flush()?;
        Ok(())
    })
}

/// The I/O error inside a CSV error (a full disk keeps its kind, and so its hint).
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// The sheet's headers and cells of `rows`: the sheet's columns in `order` (column keys; empty =
/// the columns' own order). The rows are picked as they are read (`Sheet::capped` keeps only
/// what a sheet shows).
pub fn sheet_parts<'a, 'r: 'a>(
    cols: &'a [Col],
    order: &[&str],
    rows: impl IntoIterator<Item = Vec<Cell<'r>>> + 'a,
    lang: Lang,
) -> (Vec<String>, impl Iterator<Item = Vec<Cell<'r>>> + 'a) {
    let keep = sheet_columns(cols, order);
    let header = keep.iter().map(|&i| cols[i].header(lang).to_string()).collect();
    let rows = rows.into_iter().map(move |row| pick(row, &keep));
    (header, rows)
}

/// Indices of the sheet's columns in `order` (`sheet_parts`).
pub fn sheet_columns(cols: &[Col], order: &[&str]) -> Vec<usize> {
    if order.is_empty() {
        visible(cols, false)
    } else {
        order.iter().filter_map(|k| cols.iter().position(|c| c.key == *k && c.vis != Vis::Csv)).collect()
    }
}

/// The cells of `row` at `keep`, in that order.
pub fn pick<'r>(mut row: Vec<Cell<'r>>, keep: &[usize]) -> Vec<Cell<'r>> {
    keep.iter()
        .map(|&i| row.get_mut(i).map(|c| std::mem::replace(c, Cell::Empty)).unwrap_or(Cell::Empty))
        .collect()
}

/// Markdown table cells cannot hold `|` or line breaks.
pub fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// A Markdown table from headers and rows of cells; numbers are right-aligned.
pub fn markdown(header: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut s = String::new();
    s.push_str("| ");
    s.push_str(&header.iter().map(|h| md_cell(h)).collect::<Vec<_>>().join(" | "));
    s.push_str(" |\n|");
    for c in 0..header.len() {
        let numeric = rows.iter().all(|r| matches!(r.get(c), Some(Cell::Int(_) | Cell::Fixed(..)) | None));
        s.push_str(if numeric && !rows.is_empty() { " ---: |" } else { " --- |" });
    }
    s.push('\n');
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| md_cell(&c.to_text())).collect();
        s.push_str("| ");
        s.push_str(&cells.join(" | "));
        s.push_str(" |\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Col; 3] =
        [col("id", "组织ID", "id"), csv_only("why"), sheet_only("why_label", "说明", "why")];

    #[test]
    fn one_row_feeds_csv_and_sheet_with_their_columns() {
        let row = vec![Cell::text("=1"), Cell::text("because"), Cell::text("因为")];
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        write_csv(&p, &COLS, vec![row.clone()]).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "\u{feff}id,why\r\n'=1,because\r\n");
        write_machine_csv(&p, &COLS, vec![row.clone()]).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "\u{feff}id,why\r\n=1,because\r\n");
        let (h, rows) = sheet_parts(&COLS, &[], vec![row.clone()], Lang::Zh);
        assert_eq!(sheet_parts(&COLS, &["why_label", "id"], vec![row], Lang::En).0, ["why", "id"]);
        assert_eq!(h, ["组织ID", "说明"]);
        assert_eq!(rows.collect::<Vec<_>>(), vec![vec![Cell::text("=1"), Cell::text("因为")]]);
    }

    #[test]
    fn markdown_aligns_numbers_and_escapes_pipes() {
        let md = markdown(&["a|b", "n"], &[vec![Cell::text("x|y"), Cell::Int(3)]]);
        assert_eq!(md, "| a\\|b | n |\n| --- | ---: |\n| x\\|y | 3 |\n");
    }
}
