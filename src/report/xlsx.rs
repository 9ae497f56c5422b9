//! report.xlsx for ops staff in Excel/WPS: one sheet per subject, frozen and repeated headers,
//! autofilter, readable widths, a print layout (landscape, one page wide), native charts, every
//! text cell formula-safe.

use rust_xlsxwriter::{
    Chart, ChartType, Color, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError,
};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::table::Cell;
use crate::output::xlsx_cell;

mod stream;

/// One sheet's content: header and rows, and how to show them.
pub struct Sheet<'a> {
    pub name: String,
    pub header: Vec<String>,
    /// Cells may borrow from what the sheet is made of (`Cell`).
    pub rows: Vec<Vec<Cell<'a>>>,
    /// Rows that belong together (a cluster's members) shaded alike, if any (`Band`).
    pub band: Option<Band>,
    /// Rows to highlight in bold (totals, section titles), each cell formatted bold.
    pub bold_rows: Vec<bool>,
    /// A `Cell::Flag` column whose ticked rows are bold (survivors): one conditional format,
    /// not a format per cell.
    pub bold_when: Option<usize>,
    /// A filter on the header row (tables); off for the summary.
    pub autofilter: bool,
    /// Native charts drawn on this sheet.
    pub charts: Vec<ChartSpec>,
    /// Widest a column may get, in characters.
    pub max_width: f64,
    /// The CSV that holds every row, named in the note when the sheet cannot hold them all.
    pub full_csv: Option<&'static str>,
    /// Rows left out before the sheet was built (`Sheet::capped`): counted in the note.
    pub omitted: usize,
}

impl<'a> Sheet<'a> {
    /// A plain table: no banding, nothing bold, a filter on the header.
    pub fn new(name: &str, header: Vec<String>, rows: Vec<Vec<Cell<'a>>>) -> Sheet<'a> {
        let n = rows.len();
        Sheet {
            name: name.to_string(),
            header,
            rows,
            band: None,
            bold_rows: vec![false; n],
            bold_when: None,
            autofilter: true,
            charts: Vec::new(),
            max_width: 60.0,
            full_csv: None,
            omitted: 0,
        }
    }

    /// A table of at most the rows a sheet can show: the rest are only counted, so that a
    /// multi-million-row table is never held in memory for a sheet that cannot show it.
    pub fn capped(
        name: &str,
        header: Vec<String>,
        rows: impl IntoIterator<Item = Vec<Cell<'a>>>,
    ) -> Sheet<'a> {
        let mut rows = rows.into_iter();
        let kept: Vec<Vec<Cell>> = rows.by_ref().take(MAX_ROWS).collect();
        let mut s = Sheet::new(name, header, kept);
        s.omitted = rows.count();
        s
    }

    /// Where the sheet's own columns start: after the group numbers of a banded sheet (`Band`).
    fn first_col(&self) -> u16 {
        u16::from(self.band.is_some())
    }

    /// Columns of the header row: the group numbers' (`Band`), then the sheet's own.
    fn header_cols(&self) -> usize {
        self.header.len() + usize::from(self.first_col())
    }
}

/// Shading by group: each run of rows with one value in column `by` is a group, numbered from 1
/// in a first column headed `header`, and a conditional format shades the odd groups. A format
/// per cell cost more than a second of CPU on a 1M-row run (rust_xlsxwriter hashes a cell's
/// whole `Format` to find its index; 1.65M cells of the clusters sheet had one), and each group
/// keeps its shade when the sheet is sorted or filtered (two groups left side by side by a
/// filter may then share one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    pub by: usize,
    pub header: &'static str,
}

impl Band {
    /// Groups by column `by`, numbered under 组号 (`group` in English).
    pub fn by(by: usize, lang: crate::lang::Lang) -> Band {
        Band { by, header: lang.pick("组号", "group") }
    }
}

/// What a `Cell::Flag` that is set shows.
const TICK: &str = "✓";

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

/// Rows a worksheet holds in Excel and WPS, the header included (rust_xlsxwriter refuses more).
pub const MAX_ROWS: usize = 1_048_576;

/// Of `rows` data rows under a header, how many a sheet of `max_rows` rows shows, and how many
/// are left out: when they do not all fit, the last row is a note saying so.
pub fn shown_rows(rows: usize, max_rows: usize) -> (usize, usize) {
    if rows < max_rows {
        (rows, 0)
    } else {
        let shown = max_rows - 2;
        (shown, rows - shown)
    }
}

/// The note under a cut sheet, in both languages like the marker of a cut cell.
fn left_out_note(left_out: usize, max_rows: usize, csv: Option<&str>) -> String {
    let (zh, en) = match csv {
        Some(f) => (format!("完整内容见 {f}"), format!("{f} holds them all")),
        None => ("完整内容见同名 CSV 文件".to_string(), "the CSV file holds them all".to_string()),
    };
    format!(
        "另有 {left_out} 行未列出：一张表最多 {max_rows} 行，{zh}。\
         ({left_out} more rows left out: a sheet holds at most {max_rows} rows; {en}.)"
    )
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

/// Every format the workbook uses, made once. A cell's format is looked up by hashing the whole
/// `Format`; building a number format per score cell (a clone and a string each) was among the
/// costliest parts of a 1M-row workbook.
struct Formats {
    header: Format,
    /// By row style: plain, bold.
    styles: [Format; 2],
    /// `fixed[style][decimals]`.
    fixed: [[Format; MAX_DECIMALS + 1]; 2],
    /// Of the conditional formats (`Band`, `Sheet::bold_when`): shaded, and shaded bold (bold
    /// alone is `styles[BOLD]`).
    shaded: Format,
    shaded_bold: Format,
    /// The group numbers' column (`Band`): centred, apart from the group's key beside it; and
    /// so in a bold row.
    group: Format,
    group_bold: Format,
}

/// Most decimals a number is shown with (scores have 3).
const MAX_DECIMALS: usize = 4;

/// Row styles: an index into `Formats::styles` and `Formats::fixed`.
const PLAIN: usize = 0;
const BOLD: usize = 1;

impl Formats {
    fn new() -> Formats {
        let header = Format::new().set_bold().set_text_wrap().set_background_color(Color::RGB(0xDDEBF7));
        let styles = [Format::new(), Format::new().set_bold()];
        let fixed = styles.clone().map(|base| {
            std::array::from_fn(|d| match d {
                0 => base.clone(),
                d => base.clone().set_num_format(format!("0.{}", "0".repeat(d))),
            })
        });
        let shaded = Format::new().set_background_color(Color::RGB(0xF2F2F2));
        let shaded_bold = shaded.clone().set_bold();
        let group = Format::new().set_align(rust_xlsxwriter::FormatAlign::Center);
        let group_bold = group.clone().set_bold();
        Formats { header, styles, fixed, shaded, shaded_bold, group, group_bold }
    }

    /// Every cell format in one fixed order, to register with the workbook before sheets are
    /// written on several threads: a format's index is given at its first use, and the order
    /// of first uses across threads would vary from run to run. (The conditional formats'
    /// indexes are given as the workbook is saved, sheet by sheet in order.)
    fn all(&self) -> impl Iterator<Item = &Format> {
        [&self.header, &self.group, &self.group_bold]
            .into_iter()
            .chain(&self.styles[1..])
            .chain(self.fixed.iter().flatten())
    }

    /// The format of a text cell of `style`; none for a plain row.
    fn text(&self, style: usize) -> Option<&Format> {
        (style != PLAIN).then(|| &self.styles[style])
    }

    /// The number format of `decimals` on a cell of `style`.
    fn fixed(&self, style: usize, decimals: u8) -> &Format {
        &self.fixed[style][usize::from(decimals).min(MAX_DECIMALS)]
    }
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    style: usize,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match (cell, formats.text(style)) {
        (Cell::Text(s), Some(f)) => ws.write_string_with_format(r, c, xlsx_cell(s), f).map(|_| ()),
        (Cell::Text(s), None) => ws.write_string(r, c, xlsx_cell(s)).map(|_| ()),
        (Cell::Int(n), Some(f)) => ws.write_number_with_format(r, c, *n as f64, f).map(|_| ()),
        (Cell::Int(n), None) => ws.write_number(r, c, *n as f64).map(|_| ()),
        (Cell::Fixed(x, d), _) => ws.write_number_with_format(r, c, *x, formats.fixed(style, *d)).map(|_| ()),
        (Cell::Flag(b), f) => {
            let tick = if *b { TICK } else { "" };
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

/// Sheets longer than this have their rows written into the package by `stream` (or, when it
/// cannot, by rust_xlsxwriter's constant-memory mode: each row to a temporary file as it is
/// written), instead of every cell being kept by the library until the workbook is saved (a
/// 1M-row run held its findings and clusters sheets in memory twice over: our rows, then the
/// library's cells). Both write texts inline. Shorter sheets stay in the library's memory: there
/// it also stores the charts' data in the chart (viewers that do not recompute charts show them)
/// and shares repeated strings.
const STREAMED_SHEET_ROWS: usize = 10_000;

/// The worksheet for `sheet`: `streamed` (a constant-memory worksheet of the workbook) for a
/// long sheet, else a plain one. Both are standalone, so sheets can be written on several
/// threads and added in order.
fn worksheet_for(sheet: &Sheet, streamed: Worksheet) -> Worksheet {
    if sheet.rows.len() > STREAMED_SHEET_ROWS {
        streamed
    } else {
        Worksheet::new()
    }
}

fn add_sheet(ws: &mut Worksheet, sheet: &Sheet, f: &Formats, max_rows: usize) -> Result<(), XlsxError> {
    let header = write_header(ws, sheet, f)?;
    let first = sheet.first_col();
    let mut widths = Widths::of(&header, sheet.max_width);
    let mut groups = group_numbers(sheet);
    let (shown, left_out) = shown_rows(sheet.rows.len() + sheet.omitted, max_rows);
    for (r, row) in sheet.rows.iter().take(shown).enumerate() {
        let rr = (r + 1) as u32;
        let style = row_style(sheet, r);
        if let Some(group) = groups.next() {
            // Unformatted, the cell takes the column's centred format.
            match style {
                PLAIN => ws.write_number(rr, 0, group as f64)?,
                _ => ws.write_number_with_format(rr, 0, group as f64, &f.group_bold)?,
            };
        }
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16 + first;
            write_cell(ws, rr, c, cell, style, f)?;
            widths.measure(c, cell);
        }
    }
    if left_out > 0 {
        let note = left_out_note(left_out, max_rows, sheet.full_csv);
        ws.write_string_with_format((shown + 1) as u32, 0, note, &f.styles[BOLD])?;
    }
    finish_sheet(ws, sheet, &header, widths, groups.count, shown, f)
}

/// A long sheet without its rows (`stream` writes them into the package): everything else as
/// `add_sheet` makes it, from the same rows.
fn add_sheet_without_rows(ws: &mut Worksheet, sheet: &Sheet, f: &Formats) -> Result<(), XlsxError> {
    let header = write_header(ws, sheet, f)?;
    let first = sheet.first_col();
    let mut widths = Widths::of(&header, sheet.max_width);
    let mut groups = group_numbers(sheet);
    for row in &sheet.rows {
        groups.next();
        for (c, cell) in row.iter().enumerate() {
            widths.measure(c as u16 + first, cell);
        }
    }
    finish_sheet(ws, sheet, &header, widths, groups.count, sheet.rows.len(), f)
}

/// The header row (the group numbers' column first in a banded sheet); its cells.
fn write_header<'s>(ws: &mut Worksheet, sheet: &'s Sheet, f: &Formats) -> Result<Vec<&'s str>, XlsxError> {
    ws.set_name(&sheet.name)?;
    let header: Vec<&str> =
        sheet.band.iter().map(|b| b.header).chain(sheet.header.iter().map(String::as_str)).collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, xlsx_cell(h), &f.header)?;
    }
    if sheet.band.is_some() {
        // A column format: it applies to the cells written without one, at no cost per cell.
        ws.set_column_format(0, &f.group)?;
    }
    Ok(header)
}

/// Column widths in characters, from the header and the text cells.
struct Widths {
    widths: Vec<usize>,
    max: f64,
}

impl Widths {
    fn of(header: &[&str], max: f64) -> Widths {
        Widths { widths: header.iter().map(|h| display_width(h)).collect(), max }
    }

    fn measure(&mut self, c: u16, cell: &Cell) {
        // A column already as wide as the sheet allows is not measured again (most cells of a
        // long sheet's name and reason columns).
        match (self.widths.get_mut(usize::from(c)), cell) {
            (Some(w), Cell::Text(s)) if (*w as f64 + 2.0) < self.max => *w = (*w).max(display_width(s)),
            _ => {}
        }
    }
}

/// The style of row `r`: bold for a row `Sheet::bold_rows` marks, else plain.
fn row_style(sheet: &Sheet, r: usize) -> usize {
    if sheet.bold_rows.get(r).copied().unwrap_or(false) {
        BOLD
    } else {
        PLAIN
    }
}

/// Each row's group number in a banded sheet (`Band`): 1 for the first row, one more each time
/// the key changes. Yields nothing for a sheet without bands.
fn group_numbers<'s>(sheet: &'s Sheet) -> GroupNumbers<'s> {
    GroupNumbers { sheet, r: 0, count: 0, last: None }
}

struct GroupNumbers<'s> {
    sheet: &'s Sheet<'s>,
    r: usize,
    /// Groups so far: the number of the last row's group (0 in a sheet without bands).
    count: u64,
    last: Option<&'s Cell<'s>>,
}

impl<'s> Iterator for GroupNumbers<'s> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let band = self.sheet.band?;
        let row = self.sheet.rows.get(self.r)?;
        let key = row.get(band.by);
        if self.r == 0 || key != self.last {
            self.count += 1;
        }
        self.last = key;
        self.r += 1;
        Some(self.count)
    }
}

/// Widths, conditional formats, filter, frozen header, print layout and charts of a sheet whose
/// rows are `shown` (written, or to be written by `stream`).
fn finish_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    header: &[&str],
    mut widths: Widths,
    group_count: u64,
    shown: usize,
    f: &Formats,
) -> Result<(), XlsxError> {
    let first = sheet.first_col();
    if let Some(w) = widths.widths.first_mut().filter(|_| sheet.band.is_some()) {
        *w = (*w).max(group_count.to_string().len());
    }
    if shown > 0 && !header.is_empty() {
        let bold_col = sheet.bold_when.map(|c| c as u16 + first);
        row_styles(ws, (shown as u32, header.len() as u16 - 1), sheet.band.is_some(), bold_col, f)?;
    }
    for (c, w) in widths.widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(6.0, sheet.max_width))?;
    }
    ws.set_freeze_panes(1, 0)?;
    if sheet.autofilter && !header.is_empty() {
        let last_row = shown.max(1) as u32;
        ws.autofilter(0, 0, last_row, (header.len() - 1) as u16)?;
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

/// The conditional formats of rows 1..=`last.0`, columns 0..=`last.1`: odd groups shaded
/// (group numbers in column A, `Band`), rows ticked in `bold_col` bold. Each row takes the first
/// rule that holds (LibreOffice applies one rule per cell, Excel would combine them).
fn row_styles(
    ws: &mut Worksheet,
    last: (u32, u16),
    banded: bool,
    bold_col: Option<u16>,
    f: &Formats,
) -> Result<(), XlsxError> {
    use rust_xlsxwriter::utility::column_number_to_name;
    use rust_xlsxwriter::ConditionalFormatFormula;
    let shade = "ISODD($A2)";
    let bold = bold_col.map(|c| format!("${}2=\"{TICK}\"", column_number_to_name(c)));
    let rules: Vec<(String, &Format)> = match (banded, bold) {
        (true, Some(b)) => {
            vec![
                (format!("AND({shade},{b})"), &f.shaded_bold),
                (shade.to_string(), &f.shaded),
                (b, &f.styles[BOLD]),
            ]
        }
        (true, None) => vec![(shade.to_string(), &f.shaded)],
        (false, Some(b)) => vec![(b, &f.styles[BOLD])],
        (false, None) => Vec::new(),
    };
    for (rule, format) in rules {
        let cf = ConditionalFormatFormula::new()
            .set_rule(format!("={rule}").as_str())
            .set_format(format)
            .set_stop_if_true(true);
        ws.add_conditional_format(1, 0, last.0, last.1, &cf)?;
    }
    Ok(())
}

/// A sheet built when the workbook gets to it (`Book`).
pub type SheetBuilder<'a> = Box<dyn FnOnce() -> Sheet<'a> + Send + 'a>;

/// The workbook as bytes. The document date is the report's as-of date, not the wall clock, so a
/// re-run writes the same bytes.
pub fn render(sheets: &[Sheet], as_of: chrono::NaiveDate, title: &str) -> Result<Vec<u8>, XlsxError> {
    render_capped(sheets, as_of, title, MAX_ROWS)
}

/// A workbook whose sheets are written as separate tasks, in any order and on any thread, so
/// that they share the threads with a run's other output files (`report::tasks`); the task that
/// writes the last sheet saves it. A constant-memory worksheet is made for every sheet up front
/// (it needs the workbook, which the tasks cannot borrow); a short sheet drops it for a plain
/// one. Sheets are added in order and every format is registered before any is used, so the
/// bytes do not depend on which thread wrote what.
///
/// A short sheet's rows are written into its worksheet and freed. A long one's are kept until
/// the workbook is saved and then written straight into the package (`stream`): its worksheet
/// gets the header and everything else.
pub struct Book<'a> {
    formats: Formats,
    styles: stream::CellStyles,
    workbook: Mutex<Option<Workbook>>,
    sheets: Vec<Mutex<Slot<'a>>>,
    /// Sheets not yet written. A sheet that fails is never counted, so the book is not saved:
    /// the failed task's error is the run's.
    left: AtomicUsize,
    /// Long sheets' rows go into the package by `stream`; otherwise rust_xlsxwriter writes
    /// them (the reference the tests compare `stream` with).
    stream_rows: bool,
}

impl<'a> Book<'a> {
    pub fn new(sheets: usize, as_of: chrono::NaiveDate, title: &str) -> Result<Book<'a>, XlsxError> {
        let (mut wb, formats) = workbook(as_of, title)?;
        let sheets = (0..sheets)
            .map(|_| wb.new_worksheet_with_constant_memory().map(|ws| Mutex::new(Slot::Blank(ws))))
            .collect::<Result<Vec<_>, _>>()?;
        let left = AtomicUsize::new(sheets.len());
        let styles = stream::CellStyles::new(&formats)
            .ok_or_else(|| XlsxError::ParameterError("a cell format is not registered".to_string()))?;
        Ok(Book { formats, styles, workbook: Mutex::new(Some(wb)), sheets, left, stream_rows: true })
    }

    /// Write `sheet` as sheet `k` (counted from 0). `Ok(true)` when it was the last sheet to be
    /// written: the caller saves the book (`save`).
    pub fn write(&self, k: usize, sheet: Sheet<'a>) -> Result<bool, XlsxError> {
        let slot = self.sheets.get(k).ok_or_else(|| XlsxError::ParameterError(format!("no sheet {k}")))?;
        let blank = {
            let mut slot = lock(slot);
            match std::mem::replace(&mut *slot, Slot::Taken) {
                Slot::Blank(ws) => ws,
                other => {
                    *slot = other;
                    return Err(XlsxError::ParameterError(format!("sheet {k} written twice")));
                }
            }
        };
        let mut ws = worksheet_for(&sheet, blank);
        let written = match self.streamable(&sheet) {
            Some(extent) => {
                add_sheet_without_rows(&mut ws, &sheet, &self.formats)?;
                Slot::Streamed(ws, Box::new(sheet), extent)
            }
            None => {
                add_sheet(&mut ws, &sheet, &self.formats, MAX_ROWS)?;
                Slot::Written(ws)
            }
        };
        *lock(slot) = written;
        Ok(self.left.fetch_sub(1, Ordering::AcqRel) == 1)
    }

    /// A sheet whose rows `stream` writes: a long one (a constant-memory worksheet, whose
    /// strings are inline), that fits whole, without charts, and whose cells the library would
    /// not write another way (`stream::extent`). A chart on another sheet must not draw on it:
    /// the library would cache the values of a sheet it wrote the rows of; no chart of the
    /// reports draws on a sheet but its own (their data sheets are short tables of counts).
    fn streamable(&self, sheet: &Sheet) -> Option<stream::Extent> {
        let whole = shown_rows(sheet.rows.len() + sheet.omitted, MAX_ROWS).1 == 0;
        let long = sheet.rows.len() > STREAMED_SHEET_ROWS;
        if !(self.stream_rows && long && whole && sheet.charts.is_empty() && !sheet.header.is_empty()) {
            return None;
        }
        stream::extent(sheet)
    }

    /// The workbook's bytes, once every sheet is written.
    pub fn save(&self) -> Result<Vec<u8>, XlsxError> {
        let mut wb = lock(&self.workbook)
            .take()
            .ok_or_else(|| XlsxError::ParameterError("workbook saved twice".to_string()))?;
        let mut streamed = Vec::new();
        for (k, slot) in self.sheets.iter().enumerate() {
            match std::mem::replace(&mut *lock(slot), Slot::Taken) {
                Slot::Written(ws) => wb.push_worksheet(ws),
                Slot::Streamed(ws, sheet, extent) => {
                    wb.push_worksheet(ws);
                    streamed.push((k, sheet, extent));
                }
                Slot::Blank(_) | Slot::Taken => {
                    return Err(XlsxError::ParameterError(format!("sheet {k} was not written")))
                }
            }
        }
        let skeleton = save(wb)?;
        if streamed.is_empty() {
            return Ok(skeleton);
        }
        let t = std::time::Instant::now();
        let parts = streamed
            .iter()
            .map(|(k, sheet, extent)| stream::Streamed {
                // rust_xlsxwriter numbers worksheet parts from 1, in the order they are added.
                entry: format!("xl/worksheets/sheet{}.xml", k + 1),
                sheet,
                extent: *extent,
            })
            .collect();
        let bytes = stream::repackage(skeleton, parts, &self.styles, i64::from(ZIP_LEVEL));
        crate::progress::timing("    xlsx: long sheets' rows", t);
        bytes
    }
}

/// Where sheet k of a `Book` is.
enum Slot<'a> {
    /// Its blank constant-memory worksheet.
    Blank(Worksheet),
    /// Being written; for good if writing it failed.
    Taken,
    Written(Worksheet),
    /// Written but for its rows, which are kept to be written into the package (`stream`).
    Streamed(Worksheet, Box<Sheet<'a>>, stream::Extent),
}

/// A lock whose holder cannot have left its data half-changed (every critical section here is
/// a swap), so a poisoned one is used as is.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `render` with at most `max_rows` rows per sheet (tests use a small cap).
fn render_capped(
    sheets: &[Sheet],
    as_of: chrono::NaiveDate,
    title: &str,
    max_rows: usize,
) -> Result<Vec<u8>, XlsxError> {
    let (mut wb, formats) = workbook(as_of, title)?;
    for s in sheets {
        let mut ws = worksheet_for(s, wb.new_worksheet_with_constant_memory()?);
        add_sheet(&mut ws, s, &formats, max_rows)?;
        wb.push_worksheet(ws);
    }
    save(wb)
}

fn workbook(as_of: chrono::NaiveDate, title: &str) -> Result<(Workbook, Formats), XlsxError> {
    use chrono::Datelike;
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(as_of.year() as u16, as_of.month() as u8, as_of.day() as u8)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&when).set_title(title));
    // The workbook is saved after its last sheet, at the very end of a run, so deflate time is
    // wall time (the long sheets' on a task each: `stream`). A 1M-row run's 362 MB of sheet
    // XML, deflated with zlib-rs (thirteenth session): level 1 58.4 MB in 0.75 s, level 2
    // 46.2 MB in 0.87 s, level 3 42.1 MB in 1.20 s, level 6 (the default) 37.5 MB in 2.66 s.
    // Level 2: a tenth larger than level 3 for a quarter less time; level 1 saves little more
    // and is 40% larger than level 3.
    wb.set_zip_compression_level(ZIP_LEVEL);
    let formats = Formats::new();
    // `register_format` is hidden from rust_xlsxwriter's docs but named there for exactly this:
    // fixing format indexes before constant-memory sheets are written on several threads.
    for f in formats.all() {
        wb.register_format(f);
    }
    Ok((wb, formats))
}

/// Deflate level of the workbook's parts (see `workbook`).
const ZIP_LEVEL: u8 = 2;

fn save(mut wb: Workbook) -> Result<Vec<u8>, XlsxError> {
    let t = std::time::Instant::now();
    let bytes = wb.save_to_buffer();
    crate::progress::timing("    xlsx: zip", t);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn a_sheet_holds_what_excel_holds_and_says_how_many_rows_are_left_out() {
        assert_eq!(MAX_ROWS, 1 << 20);
        // The constant is the writer's own limit: the last row takes a value, the next does not.
        let mut ws = Worksheet::new();
        assert!(ws.write_number(MAX_ROWS as u32 - 1, 0, 1.0).is_ok());
        assert!(ws.write_number(MAX_ROWS as u32, 0, 1.0).is_err());
        assert_eq!(shown_rows(MAX_ROWS - 1, MAX_ROWS), (MAX_ROWS - 1, 0));
        assert_eq!(shown_rows(MAX_ROWS, MAX_ROWS), (MAX_ROWS - 2, 2));
        assert_eq!(shown_rows(3_000_000, MAX_ROWS), (MAX_ROWS - 2, 3_000_000 - MAX_ROWS + 2));

        let rows: Vec<Vec<Cell>> = (0..10).map(|i| vec![Cell::Int(i), Cell::text(format!("r{i}"))]).collect();
        let mut sheet = Sheet::new("问题", vec!["n".into(), "name".into()], rows);
        sheet.full_csv = Some("findings.csv");
        let small = Sheet::new("小表", vec!["n".into()], vec![vec![Cell::Int(1)]; 4]);
        // Rows counted but not kept (`Sheet::capped` on a huge table) are in the note too.
        let mut counted = Sheet::new("计数", vec!["n".into()], vec![vec![Cell::Int(1)]; 4]);
        counted.omitted = 6;
        let sheets = [sheet, small, counted];
        let bytes = render_capped(&sheets, chrono::NaiveDate::default(), "t", 5).unwrap();
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let r = wb.worksheet_range("问题").unwrap();
        let cells: Vec<Vec<String>> =
            r.rows().map(|row| row.iter().map(|c| c.to_string()).collect()).collect();
        assert_eq!(cells.len(), 5, "{cells:?}");
        assert_eq!(cells[3][1], "r2");
        assert_eq!(
            cells[4][0],
            "另有 7 行未列出：一张表最多 5 行，完整内容见 findings.csv。\
             (7 more rows left out: a sheet holds at most 5 rows; findings.csv holds them all.)"
        );
        // A sheet that fits is whole, without a note.
        let r = wb.worksheet_range("小表").unwrap();
        assert_eq!(r.rows().count(), 5);
        assert!(r.rows().all(|row| !matches!(&row[0], Data::String(s) if s.contains("未列出"))));
        let r = wb.worksheet_range("计数").unwrap();
        let last = r.rows().next_back().unwrap()[0].to_string();
        assert!(
            last.starts_with("另有 7 行未列出") && last.contains("the CSV file holds them all"),
            "{last}"
        );

        let s = Sheet::capped("大表", vec!["n".into()], (0..MAX_ROWS as u64 + 5).map(|i| vec![Cell::Int(i)]));
        assert_eq!((s.rows.len(), s.omitted), (MAX_ROWS, 5));
    }

    /// Sheets of the book written in any order, on several threads, give the bytes of the
    /// same sheets written in order on one; only the last sheet written says so; a sheet the
    /// book does not have, or one written twice, is an error rather than a lost sheet.
    #[test]
    fn a_book_written_out_of_order_on_threads_is_the_same_workbook() {
        let sheets = || -> Vec<Sheet> {
            (0..4)
                .map(|k| {
                    let rows = (0..(k * 7000 + 3) as u64)
                        .map(|i| {
                            let name = Cell::text(format!("第{i}行"));
                            vec![Cell::Int(i / 2), name, Cell::Fixed(0.5, 2), Cell::Flag(i % 2 == 0)]
                        })
                        .collect();
                    let header = ["n", "名称", "分", "保留"].map(String::from).to_vec();
                    let mut s = Sheet::new(&format!("表{k}"), header, rows);
                    s.band = Some(Band { by: 0, header: "组号" });
                    s.bold_rows = (0..s.rows.len()).map(|i| i % 3 == 0).collect();
                    s.bold_when = Some(3);
                    s
                })
                .collect()
        };
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let expected = render(&sheets(), date, "t").unwrap();
        let book = Book::new(4, date, "t").unwrap();
        let lasts: Vec<bool> = std::thread::scope(|scope| {
            let handles: Vec<_> = sheets()
                .into_iter()
                .enumerate()
                .rev()
                .map(|(k, s)| {
                    let book = &book;
                    scope.spawn(move || book.write(k, s).unwrap())
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(lasts.iter().filter(|&&last| last).count(), 1);
        assert!(book.write(4, Sheet::new("x", Vec::new(), Vec::new())).is_err());
        assert!(book.write(0, Sheet::new("x", Vec::new(), Vec::new())).is_err());
        same_parts(&book.save().unwrap(), &expected);
        assert!(book.save().is_err(), "saved twice");
    }

    /// Every part of a package, decompressed, in order.
    fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                (f.name().unwrap().to_string(), data)
            })
            .collect()
    }

    /// The two packages hold the same parts, byte for byte once decompressed; else the first
    /// difference, shown.
    fn same_parts(got: &[u8], expected: &[u8]) {
        let (got, expected) = (parts(got), parts(expected));
        let names = |p: &[(String, Vec<u8>)]| p.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&got), names(&expected));
        for ((name, a), (_, b)) in got.iter().zip(&expected) {
            if a != b {
                let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
                let around = |v: &[u8]| {
                    String::from_utf8_lossy(&v[at.saturating_sub(80)..(at + 120).min(v.len())]).into_owned()
                };
                panic!(
                    "{name} differs at byte {at} (lengths {} and {}):\n got: {}\nwant: {}",
                    a.len(),
                    b.len(),
                    around(a),
                    around(b)
                );
            }
        }
    }

    /// Writes every sheet through a book, in order; `stream_rows` as given.
    fn book_bytes(sheets: Vec<Sheet>, stream_rows: bool) -> Vec<u8> {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let mut book = Book::new(sheets.len(), date, "t").unwrap();
        book.stream_rows = stream_rows;
        for (k, s) in sheets.into_iter().enumerate() {
            book.write(k, s).unwrap();
        }
        book.save().unwrap()
    }

    /// Long sheets' rows written into the package (`stream`) are, part for part, what
    /// rust_xlsxwriter writes for them: texts that need escaping, keeping their spaces, cut or
    /// formula-safe; numbers, scores of every precision, ticks; bold rows with their empty
    /// cells; rows with nothing written; banded and plain sheets. A sheet `stream` cannot
    /// write (a number that is not finite) is left to the library.
    #[test]
    fn long_sheets_streamed_into_the_package_are_the_librarys_own_xml() {
        let texts = [
            "海南省科协",
            " 前导空格",
            "尾随空格 ",
            "\t制表",
            "制表\t",
            "换行\n",
            "a&b<c>d\"e'",
            "控制\u{1}字符\u{1F}",
            "_x0041_ 与 _xZZZZ_",
            "\u{FFFE}非字符\u{FFFF}",
            "全角（括号），逗号",
            "=1+1",
            "-3",
            "+x",
            "",
        ];
        let long = "长".repeat(crate::output::XLSX_CELL_LIMIT + 10);
        let sheet = |name: &str, banded: bool, rows: usize, nan_at: Option<usize>| {
            let rows: Vec<Vec<Cell>> = (0..rows)
                .map(|i| {
                    let text = match i % 97 {
                        96 => Cell::text(long.as_str()),
                        _ => Cell::Text(texts[i % texts.len()].into()),
                    };
                    let score = if Some(i) == nan_at { f64::NAN } else { (i % 1000) as f64 / 997.0 };
                    match i % 11 {
                        // A row with nothing a plain row writes.
                        0 if !banded => vec![Cell::Empty, Cell::Text("".into()), Cell::Flag(false)],
                        _ => vec![
                            Cell::Text(format!("G{}", i / 3).into()),
                            text,
                            Cell::Int(i as u64 * 1_000_003),
                            Cell::Fixed(score, (i % 7) as u8),
                            Cell::Flag(i % 3 == 0),
                            Cell::Empty,
                        ],
                    }
                })
                .collect();
            let header = ["组", "名称", "数", "分", "保留", "空"].map(String::from).to_vec();
            let mut s = Sheet::new(name, header, rows);
            if banded {
                s.band = Some(Band { by: 0, header: "组号" });
                s.bold_when = Some(4);
            }
            s.bold_rows = (0..s.rows.len()).map(|i| i % 5 == 1).collect();
            s
        };
        let sheets = || {
            vec![
                sheet("短表", true, 40, None),
                sheet("分组长表", true, STREAMED_SHEET_ROWS + 7, None),
                sheet("长表", false, STREAMED_SHEET_ROWS + 30, None),
                sheet("非有限数", false, STREAMED_SHEET_ROWS + 1, Some(5)),
            ]
        };
        let book = Book::new(4, chrono::NaiveDate::default(), "t").unwrap();
        let streamable: Vec<bool> = sheets().iter().map(|s| book.streamable(s).is_some()).collect();
        assert_eq!(streamable, [false, true, true, false]);
        same_parts(&book_bytes(sheets(), true), &book_bytes(sheets(), false));
    }
}
