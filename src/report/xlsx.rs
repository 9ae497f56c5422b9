//! report.xlsx for ops staff in Excel/WPS: one sheet per subject, frozen and repeated headers,
//! autofilter, readable widths, a print layout (landscape, one page wide), native charts, every
//! text cell formula-safe.

use rust_xlsxwriter::{
    Chart, ChartType, Color, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError,
};

use super::table::Cell;
use crate::output::xlsx_cell;

/// One sheet's content: header and rows, and how to show them.
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Column whose value changes mark a new band (clusters), if any.
    pub band_by: Option<usize>,
    /// Rows to highlight in bold (survivors, totals, section titles).
    pub bold_rows: Vec<bool>,
    /// A filter on the header row (tables); off for the summary.
    pub autofilter: bool,
    /// Native charts drawn on this sheet.
    pub charts: Vec<ChartSpec>,
    /// Widest a column may get, in characters.
    pub max_width: f64,
}

impl Sheet {
    /// A plain table: no banding, nothing bold, a filter on the header.
    pub fn new(name: &str, header: Vec<String>, rows: Vec<Vec<Cell>>) -> Sheet {
        let n = rows.len();
        Sheet {
            name: name.to_string(),
            header,
            rows,
            band_by: None,
            bold_rows: vec![false; n],
            autofilter: true,
            charts: Vec::new(),
            max_width: 60.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    StackedBar,
    Bar,
    Line,
}

/// A chart over data of a sheet of the same workbook: categories in one column, one series per
/// value column (its header cell is the series name). Rows are 0-based sheet rows.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub title: String,
    pub data_sheet: String,
    pub first_row: u32,
    pub last_row: u32,
    pub category_col: u16,
    pub value_cols: Vec<u16>,
    /// Row whose cells name the series (the header row).
    pub name_row: u32,
    pub value_axis: String,
    /// Top-left cell of the chart on its sheet.
    pub at: (u32, u16),
}

impl ChartSpec {
    /// Height in pixels: tall enough for one bar per category.
    pub fn height(&self) -> u32 {
        let n = self.last_row.saturating_sub(self.first_row) + 1;
        match self.kind {
            ChartKind::Line => 360,
            _ => (120 + 18 * n).clamp(300, 900),
        }
    }

    /// Sheet rows the chart covers (rows are 20 pixels high), plus a row of space.
    pub fn rows(&self) -> u32 {
        self.height().div_ceil(20) + 1
    }
}

/// Widths in characters; CJK characters count double, which is how they render.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn chart(spec: &ChartSpec) -> Chart {
    let kind = match spec.kind {
        ChartKind::StackedBar => ChartType::BarStacked,
        ChartKind::Bar => ChartType::Bar,
        ChartKind::Line => ChartType::Line,
    };
    let mut c = Chart::new(kind);
    c.title().set_name(&spec.title);
    let s = spec.data_sheet.as_str();
    for &v in &spec.value_cols {
        c.add_series()
            .set_name((s, spec.name_row, v))
            .set_categories((s, spec.first_row, spec.category_col, spec.last_row, spec.category_col))
            .set_values((s, spec.first_row, v, spec.last_row, v));
    }
    if !spec.value_axis.is_empty() {
        c.y_axis().set_name(&spec.value_axis);
    }
    c.set_width(760).set_height(spec.height());
    c
}

struct Formats {
    header: Format,
    band: Format,
    bold: Format,
    bold_band: Format,
}

fn number_format(base: Option<&Format>, decimals: u8) -> Format {
    let f = base.cloned().unwrap_or_default();
    match decimals {
        0 => f,
        d => f.set_num_format(format!("0.{}", "0".repeat(d as usize))),
    }
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    fmt: Option<&Format>,
) -> Result<(), XlsxError> {
    match (cell, fmt) {
        (Cell::Text(s), Some(f)) => ws.write_string_with_format(r, c, xlsx_cell(s), f).map(|_| ()),
        (Cell::Text(s), None) => ws.write_string(r, c, xlsx_cell(s)).map(|_| ()),
        (Cell::Int(n), Some(f)) => ws.write_number_with_format(r, c, *n as f64, f).map(|_| ()),
        (Cell::Int(n), None) => ws.write_number(r, c, *n as f64).map(|_| ()),
        (Cell::Fixed(x, d), f) => ws.write_number_with_format(r, c, *x, &number_format(f, *d)).map(|_| ()),
        (Cell::Flag(b), f) => {
            let tick = if *b { "✓" } else { "" };
            match f {
                Some(f) => ws.write_string_with_format(r, c, tick, f).map(|_| ()),
                None if *b => ws.write_string(r, c, tick).map(|_| ()),
                None => Ok(()),
            }
        }
        (Cell::Empty, Some(f)) => ws.write_blank(r, c, f).map(|_| ()),
        (Cell::Empty, None) => Ok(()),
    }
}

fn add_sheet(wb: &mut Workbook, sheet: &Sheet, f: &Formats) -> Result<(), XlsxError> {
    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name(&sheet.name)?;
    let mut widths: Vec<usize> = sheet.header.iter().map(|h| display_width(h)).collect();
    for (c, h) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, xlsx_cell(h), &f.header)?;
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
            (true, true) => Some(&f.bold_band),
            (true, false) => Some(&f.band),
            (false, true) => Some(&f.bold),
            (false, false) => None,
        };
        let rr = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            write_cell(ws, rr, c as u16, cell, fmt)?;
            if let (Some(w), Cell::Text(s)) = (widths.get_mut(c), cell) {
                *w = (*w).max(display_width(s));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(6.0, sheet.max_width))?;
    }
    ws.set_freeze_panes(1, 0)?;
    if sheet.autofilter && !sheet.header.is_empty() {
        let last_row = sheet.rows.len().max(1) as u32;
        ws.autofilter(0, 0, last_row, (sheet.header.len() - 1) as u16)?;
    }
    // Print: landscape A4, every column on one page width, the header on every page.
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_footer("&L&A&R&P / &N");
    for spec in &sheet.charts {
        ws.insert_chart(spec.at.0, spec.at.1, &chart(spec))?;
    }
    Ok(())
}

/// The workbook as bytes. The document date is the report's as-of date, not the wall clock, so a
/// re-run writes the same bytes.
pub fn render(sheets: &[Sheet], as_of: chrono::NaiveDate, title: &str) -> Result<Vec<u8>, XlsxError> {
    use chrono::Datelike;
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(as_of.year() as u16, as_of.month() as u8, as_of.day() as u8)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&when).set_title(title));
    let formats = Formats {
        header: Format::new().set_bold().set_text_wrap().set_background_color(Color::RGB(0xDDEBF7)),
        band: Format::new().set_background_color(Color::RGB(0xF2F2F2)),
        bold: Format::new().set_bold(),
        bold_band: Format::new().set_bold().set_background_color(Color::RGB(0xF2F2F2)),
    };
    for s in sheets {
        add_sheet(&mut wb, s, &formats)?;
    }
    wb.save_to_buffer()
}
