//! The rows of a long sheet written straight into the workbook's package.
//!
//! rust_xlsxwriter's constant-memory mode keeps each row's cells in maps until the next row
//! starts (every text copied twice on the way), then formats the row into a temporary file,
//! which the workbook reads back and deflates when it is saved. On a 1M-row run the workbook
//! was about a fifth of the run's CPU (5.0-6.7 s of 23-26 s, measured by leaving it out), 362 MB of
//! sheet XML written to disk and read again. No crate writes rows into the package as they are
//! made, so this module does that one thing, and nothing else: rust_xlsxwriter still writes the
//! whole workbook (styles, header row, widths, filters, conditional formats, print setup,
//! charts), only without the long sheets' data rows; their rows are then written here, in
//! exactly the XML the library writes for them, between its `<sheetData>` and `</sheetData>`,
//! each sheet deflated on its own task (`repackage`). A test renders the same sheets both ways
//! and compares every part of the package.

use std::io::{self, Write};

use rust_xlsxwriter::utility::{cell_range, column_number_to_name};
use rust_xlsxwriter::{Format, XlsxError};

use super::{group_numbers, row_style, Formats, Sheet, BOLD, MAX_DECIMALS, PLAIN, TICK};
use crate::output::xlsx_cell;
use crate::report::table::Cell;

/// The style numbers cells are written with, by row style. A format's number is its place in the
/// workbook's style table: the default format first, then each distinct format in the order
/// `Formats::all` registers them (as rust_xlsxwriter numbers them).
pub(super) struct CellStyles {
    text: [u32; 2],
    group: [u32; 2],
    fixed: [[u32; MAX_DECIMALS + 1]; 2],
}

impl CellStyles {
    /// `None` if a format the cells use is not among those `Formats::all` registers.
    pub(super) fn new(f: &Formats) -> Option<CellStyles> {
        let mut table: Vec<&Format> = Vec::new();
        let default = Format::new();
        table.push(&default);
        for format in f.all() {
            if !table.contains(&format) {
                table.push(format);
            }
        }
        let xf = |format: &Format| table.iter().position(|t| *t == format).map(|i| i as u32);
        let fixed = |style: usize| -> Option<[u32; MAX_DECIMALS + 1]> {
            let mut row = [0; MAX_DECIMALS + 1];
            for (d, slot) in row.iter_mut().enumerate() {
                *slot = xf(f.fixed(style, d as u8))?;
            }
            Some(row)
        };
        Some(CellStyles {
            text: [0, xf(&f.styles[BOLD])?],
            group: [xf(&f.group)?, xf(&f.group_bold)?],
            fixed: [fixed(PLAIN)?, fixed(BOLD)?],
        })
    }
}

/// What a streamed sheet's rows cover: the last row and column with a cell (0-based, the
/// header's row 0 included), for the sheet's `<dimension>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Extent {
    pub last_row: u32,
    pub last_col: u16,
}

/// Whether a cell is written at all: rust_xlsxwriter leaves out an empty string or an empty cell
/// without a format (`store_string`, `write_blank_cell`).
fn written(cell: &Cell, style: usize) -> bool {
    match cell {
        Cell::Text(s) => style != PLAIN || !s.is_empty(),
        Cell::Int(_) | Cell::Fixed(..) => true,
        Cell::Flag(b) => *b || style != PLAIN,
        Cell::Empty => style != PLAIN,
    }
}

/// Columns a sheet holds (rust_xlsxwriter's `COL_MAX`).
const MAX_COLS: usize = 16_384;

/// The extent of `sheet`'s rows under its header, or `None` when the library would write them
/// another way or refuse them (a number that is not finite, which it writes as text; more
/// columns than a sheet holds): such a sheet is written by the library, as before. (No text is
/// too long: `xlsx_cell` cuts every one to what a cell holds.)
pub(super) fn extent(sheet: &Sheet) -> Option<Extent> {
    let first = sheet.first_col();
    let mut e = Extent { last_row: 0, last_col: sheet.header_cols().saturating_sub(1) as u16 };
    if sheet.header_cols() > MAX_COLS
        || sheet.rows.iter().any(|row| row.len() + usize::from(first) > MAX_COLS)
    {
        return None;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let style = row_style(sheet, r);
        let mut any = sheet.band.is_some();
        for (c, cell) in row.iter().enumerate() {
            if matches!(cell, Cell::Fixed(x, _) if !x.is_finite()) {
                return None;
            }
            if written(cell, style) {
                any = true;
                e.last_col = e.last_col.max(c as u16 + first);
            }
        }
        if any {
            e.last_row = r as u32 + 1;
        }
    }
    Some(e)
}

/// The sheet's XML as rust_xlsxwriter wrote it without data rows, with `sheet`'s rows put in:
/// `prefix` (dimension set to `extent`) + rows + `suffix`.
pub(super) fn write_sheet_xml(
    out: &mut impl Write,
    skeleton: &str,
    sheet: &Sheet,
    styles: &CellStyles,
    extent: Extent,
) -> Result<(), XlsxError> {
    let broken = |what: &str| XlsxError::ParameterError(format!("sheet {}: {what}", sheet.name));
    let end = skeleton.find("</sheetData>").ok_or_else(|| broken("no </sheetData> in the written sheet"))?;
    let (prefix, suffix) = skeleton.split_at(end);
    let last_header_col = sheet.header_cols().saturating_sub(1) as u16;
    let written_dim = format!("<dimension ref=\"{}\"/>", cell_range(0, 0, 0, last_header_col));
    let dim = format!("<dimension ref=\"{}\"/>", cell_range(0, 0, extent.last_row, extent.last_col));
    let at = prefix.find(&written_dim).ok_or_else(|| broken("its dimension is not the header's"))?;
    out.write_all(&prefix.as_bytes()[..at])?;
    out.write_all(dim.as_bytes())?;
    out.write_all(&prefix.as_bytes()[at + written_dim.len()..])?;
    let wrote = write_rows(out, sheet, styles)?;
    if wrote != extent {
        return Err(broken(&format!("rows cover {wrote:?}, measured {extent:?}")));
    }
    out.write_all(suffix.as_bytes())?;
    Ok(())
}

/// Every data row of `sheet` (rows 2… of the sheet), as rust_xlsxwriter's constant-memory
/// worksheet writes them (`flush_data_row`); the extent of what was written.
fn write_rows(out: &mut impl Write, sheet: &Sheet, styles: &CellStyles) -> io::Result<Extent> {
    let first = sheet.first_col();
    let width = sheet.rows.iter().map(Vec::len).max().unwrap_or(0) + usize::from(first);
    let names: Vec<String> = (0..width as u16).map(column_number_to_name).collect();
    let mut e = Extent { last_row: 0, last_col: sheet.header_cols().saturating_sub(1) as u16 };
    let mut cells: Vec<u8> = Vec::with_capacity(1024);
    let mut groups = group_numbers(sheet);
    for (r, row) in sheet.rows.iter().enumerate() {
        let style = row_style(sheet, r);
        let row_num = r as u32 + 2;
        let mut cell = CellWriter { out: &mut cells, row: row_num, last_col: &mut e.last_col };
        if let Some(group) = groups.next() {
            cell.number(&names[0], 0, group as f64, styles.group[style]);
        }
        for (c, value) in row.iter().enumerate() {
            let col = c as u16 + first;
            let name = &names[usize::from(col)];
            match value {
                Cell::Text(s) => cell.text(name, col, &xlsx_cell(s), styles.text[style]),
                Cell::Int(n) => cell.number(name, col, *n as f64, styles.text[style]),
                Cell::Fixed(x, d) => {
                    cell.number(name, col, *x, styles.fixed[style][usize::from(*d).min(MAX_DECIMALS)])
                }
                Cell::Flag(b) => cell.text(name, col, if *b { TICK } else { "" }, styles.text[style]),
                Cell::Empty => cell.blank(name, col, styles.text[style]),
            }
        }
        if !cells.is_empty() {
            out.write_all(b"<row r=\"")?;
            write_u32(out, row_num)?;
            out.write_all(b"\">")?;
            out.write_all(&cells)?;
            out.write_all(b"</row>")?;
            cells.clear();
            e.last_row = row_num - 1;
        }
    }
    Ok(e)
}

/// The cells of one row, in the library's XML (`write_number_cell`, `write_inline_string_cell`,
/// `write_blank_cell`).
struct CellWriter<'w> {
    out: &'w mut Vec<u8>,
    row: u32,
    last_col: &'w mut u16,
}

impl CellWriter<'_> {
    fn open(&mut self, name: &str, col: u16, xf: u32) {
        *self.last_col = (*self.last_col).max(col);
        self.out.extend_from_slice(b"<c r=\"");
        self.out.extend_from_slice(name.as_bytes());
        let _ = write_u32(self.out, self.row);
        self.out.push(b'"');
        if xf > 0 {
            self.out.extend_from_slice(b" s=\"");
            let _ = write_u32(self.out, xf);
            self.out.push(b'"');
        }
    }

    fn number(&mut self, name: &str, col: u16, x: f64, xf: u32) {
        self.open(name, col, xf);
        let _ = write!(self.out, "><v>{x}</v></c>");
    }

    fn blank(&mut self, name: &str, col: u16, xf: u32) {
        if xf > 0 {
            self.open(name, col, xf);
            self.out.extend_from_slice(b"/>");
        }
    }

    fn text(&mut self, name: &str, col: u16, s: &str, xf: u32) {
        if s.is_empty() {
            return self.blank(name, col, xf);
        }
        self.open(name, col, xf);
        let whitespace = ['\t', '\n', ' '];
        let preserve = s.starts_with(whitespace) || s.ends_with(whitespace);
        self.out.extend_from_slice(if preserve {
            b" t=\"inlineStr\"><is><t xml:space=\"preserve\">" as &[u8]
        } else {
            b" t=\"inlineStr\"><is><t>"
        });
        escape_into(self.out, s);
        self.out.extend_from_slice(b"</t></is></c>");
    }
}

/// `n` in decimal.
fn write_u32(out: &mut impl Write, mut n: u32) -> io::Result<()> {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.write_all(&buf[i..])
}

/// A text as rust_xlsxwriter escapes it (`escape_xml_escapes`, then `escape_xml_data`): a
/// literal `_xHHHH_` gets its underscore escaped, `&`, `<` and `>` become entities, control
/// characters but tab and line feed become `_xHHHH_`, and so do U+FFFE and U+FFFF. Nearly every
/// text has none of them and is copied as it is.
fn escape_into(out: &mut Vec<u8>, s: &str) {
    if is_plain(s.as_bytes()) {
        out.extend_from_slice(s.as_bytes());
        return;
    }
    for ch in escape_literal_escapes(s).chars() {
        match ch {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '\t' | '\n' => out.push(ch as u8),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => {
                let _ = write!(out, "_x{:04X}_", ch as u32);
            }
            _ => {
                let mut utf8 = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
}

/// Nothing in `s` to escape. U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8; other
/// characters starting EF (full-width punctuation, common in Chinese names) are plain.
fn is_plain(s: &[u8]) -> bool {
    s.iter().enumerate().all(|(i, &b)| match b {
        b'&' | b'<' | b'>' => false,
        b'\t' | b'\n' => true,
        0..=0x1F => false,
        b'_' => s.get(i + 1) != Some(&b'x'),
        0xEF => !(s.get(i + 1) == Some(&0xBF) && matches!(s.get(i + 2), Some(0xBE | 0xBF))),
        _ => true,
    })
}

/// `_xHHHH_` written literally becomes `_x005F_xHHHH_`, so that Excel does not read it as an
/// escaped character (rust_xlsxwriter's `escape_xml_escapes`).
fn escape_literal_escapes(s: &str) -> std::borrow::Cow<'_, str> {
    const LEN: usize = 7; // _xHHHH_
    if !s.contains("_x") {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut escaped = s.to_string();
    for (i, _) in s.rmatch_indices("_x") {
        if i + LEN > s.len() || !s.is_char_boundary(i + LEN - 1) || !s[i + LEN - 1..].starts_with('_') {
            continue;
        }
        if s[i + 2..i + LEN - 1].chars().all(|c| c.is_ascii_hexdigit()) {
            escaped.replace_range(i..i, "_x005F");
        }
    }
    std::borrow::Cow::Owned(escaped)
}

/// The workbook `skeleton` (rust_xlsxwriter's, the long sheets without their rows) with the
/// entries `sheets` name written again with their rows: those deflated at `level`, one per task
/// on every thread; every other entry copied as it is, compressed bytes and all.
pub(super) fn repackage(
    skeleton: Vec<u8>,
    sheets: Vec<Streamed<'_, '_>>,
    styles: &CellStyles,
    level: i64,
) -> Result<Vec<u8>, XlsxError> {
    use rayon::prelude::*;
    use std::io::{Cursor, Read};
    use zip::write::{SimpleFileOptions, ZipFileBuilder};
    use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

    let mut archive = ZipArchive::new(Cursor::new(skeleton.as_slice()))?;
    let mut parts = Vec::with_capacity(sheets.len());
    for s in sheets {
        let mut xml = String::new();
        archive.by_name(&s.entry)?.read_to_string(&mut xml)?;
        parts.push((s, xml));
    }
    // Longest first, each its own task: the thread that saves takes them in this order and
    // another joins when it is free, so the run does not end waiting on one long sheet (on a
    // 1M-row run the clusters sheet is 40% of the rows' XML).
    parts.sort_by_key(|(s, _)| std::cmp::Reverse(s.sheet.rows.len() * s.sheet.header_cols()));
    // As rust_xlsxwriter's packager writes its entries.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(level))
        .unix_permissions(0o600)
        .last_modified_time(DateTime::default());
    let prepared = parts
        .into_par_iter()
        .with_max_len(1)
        .map(|(s, xml)| {
            let mut entry = ZipFileBuilder::new(&s.entry, options)?;
            {
                let mut w = io::BufWriter::with_capacity(crate::output::MAX_WRITE, &mut entry);
                write_sheet_xml(&mut w, &xml, s.sheet, styles, s.extent)?;
                w.flush()?;
            }
            Ok((s.entry, entry.finish()?))
        })
        .collect::<Result<Vec<_>, XlsxError>>()?;
    let size = skeleton.len() + prepared.iter().map(|(_, p)| p.compressed_size() as usize).sum::<usize>();
    let mut prepared: std::collections::HashMap<String, _> = prepared.into_iter().collect();
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(size)));
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i)?;
        let name = file.name()?.into_owned();
        match prepared.remove(&name) {
            Some(p) => out.add_prepared_file(p)?,
            None => out.raw_copy_file(file)?,
        }
    }
    Ok(out.finish()?.into_inner())
}

/// A sheet whose rows `repackage` writes: its entry in the package, its rows, and what
/// `extent` measured.
pub(super) struct Streamed<'b, 'a> {
    pub entry: String,
    pub sheet: &'b Sheet<'a>,
    pub extent: Extent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_escaped_as_the_library_escapes_them() {
        let escaped = |s: &str| {
            let mut v = Vec::new();
            escape_into(&mut v, s);
            String::from_utf8(v).unwrap()
        };
        assert_eq!(escaped("海南省科协"), "海南省科协");
        assert_eq!(escaped("a&b<c>d\"e'"), "a&amp;b&lt;c&gt;d\"e'");
        assert_eq!(escaped("x\u{1}y\tz\n\r"), "x_x0001_y\tz\n_x000D_");
        assert_eq!(escaped("_x0041_ and _xZZZZ_"), "_x005F_x0041_ and _xZZZZ_");
        assert_eq!(escaped("\u{FFFE}\u{FFFF}\u{FFFD}"), "_xFFFE__xFFFF_\u{FFFD}");
        let mut n = Vec::new();
        for x in [0, 7, 10, 4_294_967_295] {
            write_u32(&mut n, x).unwrap();
            n.push(b' ');
        }
        assert_eq!(n, b"0 7 10 4294967295 ");
    }
}
