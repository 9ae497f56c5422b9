//! report.xlsx for ops staff in Excel/WPS: one sheet per subject, frozen headers, autofilter,
//! readable widths, every text cell formula-safe.

use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::output::xlsx_cell;

/// One sheet's content: header and rows of text or numbers.
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Column whose value changes mark a new band (clusters), if any.
    pub band_by: Option<usize>,
    /// Rows to highlight in bold (survivors).
    pub bold_rows: Vec<bool>,
}

impl Sheet {
    /// A plain sheet: no banding, nothing bold.
    pub fn new(name: &str, header: &[&str], rows: Vec<Vec<Cell>>) -> Sheet {
        let n = rows.len();
        Sheet {
            name: name.to_string(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
            band_by: None,
            bold_rows: vec![false; n],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    /// Text, or an empty cell for an empty string.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::from(s.into())
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::from(s.as_str())
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Number(n as f64)
    }
}

/// Widths in characters; CJK characters count double, which is how they render.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn add_sheet(wb: &mut Workbook, sheet: &Sheet) -> Result<(), XlsxError> {
    let header_fmt = Format::new().set_bold().set_background_color(Color::RGB(0xDDEBF7));
    let band_fmt = Format::new().set_background_color(Color::RGB(0xF2F2F2));
    let bold = Format::new().set_bold();
    let bold_band = Format::new().set_bold().set_background_color(Color::RGB(0xF2F2F2));
    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name(&sheet.name)?;
    let mut widths: Vec<usize> = sheet.header.iter().map(|h| display_width(h)).collect();
    for (c, h) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, xlsx_cell(h), &header_fmt)?;
    }
    let mut band = false;
    let mut last_key: Option<&Cell> = None;
    for (r, row) in sheet.rows.iter().enumerate() {
        if let Some(b) = sheet.band_by {
            let key = row.get(b);
            if r > 0 && key != last_key {
                band = !band;
            }
            last_key = key;
        }
        let is_bold = sheet.bold_rows.get(r).copied().unwrap_or(false);
        let fmt = match (band, is_bold) {
            (true, true) => Some(&bold_band),
            (true, false) => Some(&band_fmt),
            (false, true) => Some(&bold),
            (false, false) => None,
        };
        let rr = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            let cc = c as u16;
            match (cell, fmt) {
                (Cell::Text(s), Some(f)) => {
                    ws.write_string_with_format(rr, cc, xlsx_cell(s), f)?;
                }
                (Cell::Text(s), None) => {
                    ws.write_string(rr, cc, xlsx_cell(s))?;
                }
                (Cell::Number(n), Some(f)) => {
                    ws.write_number_with_format(rr, cc, *n, f)?;
                }
                (Cell::Number(n), None) => {
                    ws.write_number(rr, cc, *n)?;
                }
                (Cell::Empty, Some(f)) => {
                    ws.write_blank(rr, cc, f)?;
                }
                (Cell::Empty, None) => {}
            }
            if let (Some(w), Cell::Text(s)) = (widths.get_mut(c), cell) {
                *w = (*w).max(display_width(s));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(6.0, 60.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    if !sheet.header.is_empty() {
        let last_row = sheet.rows.len().max(1) as u32;
        ws.autofilter(0, 0, last_row, (sheet.header.len() - 1) as u16)?;
    }
    Ok(())
}

/// The workbook as bytes. The document date is the report's as-of date, not the wall clock, so a
/// re-run writes the same bytes.
pub fn render(sheets: &[Sheet], as_of: chrono::NaiveDate) -> Result<Vec<u8>, XlsxError> {
    use chrono::Datelike;
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(as_of.year() as u16, as_of.month() as u8, as_of.day() as u8)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&when).set_title("orgclean report"));
    for s in sheets {
        add_sheet(&mut wb, s)?;
    }
    wb.save_to_buffer()
}
