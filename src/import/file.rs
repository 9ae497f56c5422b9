//! Reading one decoded file: its header (below any title rows), then every record, each accepted,
//! counted as an exact repeat of an earlier row, or rejected with its line and reason.

use std::collections::HashMap;

use super::chunks::{Body, KeyCols, Keys};
use super::header::{self, map_headers, MAX_TITLE_ROWS};
use super::parse::{Records, Span};
use super::{fold_id, sniff, Chunking, ImportOptions, SeenIds};
use crate::error::{Error, Result};
use crate::model::{
    Directory, Field, FileCounts, OrgId, Raw, RawRow, RecIdx, Record, RejectedRow, SourceFile,
};

/// One file being imported: every data record is accepted, counted as an exact repeat, or
/// rejected with a reason.
pub(super) struct FileImport<'a> {
    dir: &'a mut Directory,
    seen: &'a mut SeenIds,
    source: &'a mut SourceFile,
    file_no: u32,
    text: &'a str,
    /// The id `text` will have in `dir.raw` once the file is read.
    text_id: u32,
    records: Records<'a>,
    opts: &'a ImportOptions,
    chunking: Chunking,
    counts: FileCounts,
    id_col: usize,
    name_col: usize,
    parent_col: Option<usize>,
    /// Rows with a value written as `="…"`.
    unwrapped: u64,
}

impl<'a> FileImport<'a> {
    pub(super) fn new(
        dir: &'a mut Directory,
        seen: &'a mut SeenIds,
        source: &'a mut SourceFile,
        text: &'a str,
        opts: &'a ImportOptions,
        chunking: Chunking,
    ) -> FileImport<'a> {
        let file_no = dir.files.len() as u32;
        let text_id = dir.raw.next_text_id();
        let records = Records::new(text, source.delimiter);
        FileImport {
            dir,
            seen,
            source,
            file_no,
            text,
            text_id,
            records,
            opts,
            chunking,
            counts: FileCounts::default(),
            id_col: 0,
            name_col: 0,
            parent_col: None,
            unwrapped: 0,
        }
    }

    fn err(&self, message: impl Into<String>) -> Error {
        Error::input(self.source.display.as_str(), message)
    }

    pub(super) fn run(mut self) -> Result<FileCounts> {
        let progress =
            crate::progress::bytes_bar(self.records.text_len(), &self.source.display, self.opts.progress);
        // The header may sit below a few title rows: read those first.
        let mut head: Vec<(Span, csv::StringRecord)> = Vec::new();
        let mut rec = csv::StringRecord::new();
        while head.len() <= MAX_TITLE_ROWS {
            match self.records.next_into(&mut rec).map_err(|m| self.err(m))? {
                Some(span) => head.push((span, rec.clone())),
                None => break,
            }
        }
        let header_at =
            header::find_header_row(&head.iter().map(|r| &r.1).collect::<Vec<_>>(), &self.opts.columns);
        let Some(header_at) = header_at else {
            let rows: Vec<&csv::StringRecord> = head.iter().map(|r| &r.1).collect();
            let at = header::likely_header_row(&rows, &self.opts.columns);
            let (span, likely) = head.get(at).cloned().unwrap_or_default();
            // A mapping that names no header is the cause, not the fields it left unmapped.
            self.check_overrides(span, &likely)?;
            let (cols, mut missing) = map_headers(&likely, &self.opts.columns);
            missing.extend(self.opts.needs.iter().map(|(f, _)| *f).filter(|f| cols[f.index()].is_none()));
            let seen = likely.iter().collect::<Vec<_>>().join(", ");
            let titles = match at {
                0 => String::new(),
                1 => format!(" (line {} taken as the header, line 1 above it as a title)", span.line),
                _ => format!(" (line {} taken as the header, lines 1-{at} above it as titles)", span.line),
            };
            let hint = sniff::other_delimiter_hint(&likely, self.source.delimiter).unwrap_or_default();
            let msg = header::missing_message(&missing, &likely, &format!("{seen}{titles}"));
            return Err(self.err(format!("{msg}{hint}")));
        };
        self.set_header(&head[header_at])?;
        // Title rows above the header (Excel exports) are rows too: they are listed, not dropped.
        for (span, _) in &head[..header_at] {
            self.counts.rows_read += 1;
            self.reject(*span, "title row above the header row".to_string());
        }
        for (span, rec) in &head[header_at + 1..] {
            self.records.check_quotes(*span).map_err(|m| self.err(m))?;
            let (values, ends) = copy_values(rec);
            self.row(*span, Raw::new(&values, 0, &ends), true, None)?;
        }
        drop(head);
        if self.chunking.size == 0 {
            // The csv crate's reader, record by record: what the chunked parse is tested against.
            while let Some(span) = self.records.next_into(&mut rec).map_err(|m| self.err(m))? {
                let (values, ends) = copy_values(&rec);
                self.row(span, Raw::new(&values, 0, &ends), true, None)?;
            }
            return self.finish(progress);
        }
        // The rest, in chunks parsed on several threads, handed over in file order.
        let (from, line) = self.records.resume_at();
        let keys =
            KeyCols { id: self.id_col, parent: self.parent_col, hasher: self.dir.by_id.hasher().clone() };
        let body = Body {
            text: self.text,
            delimiter: self.source.delimiter,
            width: self.records.width,
            chunk_size: self.chunking.size,
            threads: self.chunking.threads,
            keys: Some(&keys),
        };
        let display = self.source.display.clone();
        let mut n = 0u64;
        body.for_each(
            from,
            line,
            |row| {
                n += 1;
                if n.is_multiple_of(65536) {
                    progress.set_position(row.span.end as u64);
                }
                self.row(row.span, row.values, row.copied, row.keys)
            },
            |m| Error::input(display.as_str(), m),
        )?;
        self.finish(progress)
    }

    fn finish(self, progress: indicatif::ProgressBar) -> Result<FileCounts> {
        progress.finish_and_clear();
        if self.unwrapped > 0 {
            self.dir.notes.push(format!(
                "{}: {} rows hold values written as =\"…\" (Excel's way of keeping leading zeros); they are read \
                 without the =\"\"",
                self.source.display, self.unwrapped
            ));
        }
        Ok(self.counts)
    }

    fn set_header(&mut self, (span, header_rec): &(Span, csv::StringRecord)) -> Result<()> {
        let (columns, _) = map_headers(header_rec, &self.opts.columns);
        header::check_duplicates(header_rec, &columns)
            .map_err(|m| self.err(format!("line {}: {m}", span.line)))?;
        if let Some(col) = header_rec.iter().position(|h| h.contains('\0')) {
            return Err(self.err(format!(
                "line {}: header {} holds a NUL byte; the file is damaged or not text: export it again",
                span.line,
                col + 1
            )));
        }
        self.check_overrides(*span, header_rec)?;
        let needed: Vec<(Field, &str)> =
            self.opts.needs.iter().copied().filter(|(f, _)| columns[f.index()].is_none()).collect();
        if !needed.is_empty() {
            let seen = header_rec.iter().collect::<Vec<_>>().join(", ");
            let fields: Vec<Field> = needed.iter().map(|(f, _)| *f).collect();
            let why: Vec<&str> = needed.iter().map(|(_, w)| *w).collect();
            let msg = header::missing_message(&fields, header_rec, &seen);
            return Err(self.err(format!("{msg} ({})", why.join("; "))));
        }
        self.source.headers =
            header_rec.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
        self.source.columns = columns;
        self.records.width = Some(header_rec.len());
        self.id_col = columns[Field::Id.index()].unwrap_or(0);
        self.name_col = columns[Field::Name.index()].unwrap_or(0);
        self.parent_col = columns[Field::ParentId.index()];
        Ok(())
    }

    /// Every `--column` / `[input.columns]` mapping names a header of the file.
    fn check_overrides(&self, span: Span, header_rec: &csv::StringRecord) -> Result<()> {
        let unmatched = header::unmatched_overrides(header_rec, &self.opts.columns);
        if unmatched.is_empty() {
            return Ok(());
        }
        let seen = header_rec.iter().collect::<Vec<_>>().join(", ");
        let what: Vec<String> = unmatched.iter().map(|o| o.describe()).collect();
        let names = if unmatched.len() == 1 { "names" } else { "name" };
        Err(self.err(format!(
            "line {}: {} {names} no header of this file; headers seen: {seen}; correct the header name",
            span.line,
            what.join(" and ")
        )))
    }

    fn reject(&mut self, span: Span, reason: String) {
        self.counts.rejected += 1;
        let raw = self.records.raw(span).to_string();
        self.dir.rejected.push(RejectedRow {
            file: self.source.display.clone(),
            line: span.line,
            reason,
            raw,
        });
    }

    fn header_name(&self, col: usize) -> &str {
        self.source.headers.get(col).map_or("", String::as_str)
    }

    /// One data record. `copied`: its values are not ranges of the file's text (quoted, or
    /// read before the header), so an accepted record keeps a copy.
    /// `keys`: its id and parent id folded and hashed already (the chunked parse does it).
    fn row(&mut self, span: Span, values: Raw<'_>, copied: bool, keys: Option<Keys>) -> Result<()> {
        // `="0012"` is how Excel users keep leading zeros: the value is 0012. A record split in
        // place has no quote at all.
        if copied && memchr::memmem::find(values.bytes(), b"=\"").is_some() {
            let unwrapped: Vec<&str> =
                values.iter().map(|f| crate::excel::unwrap_formula_text(f).unwrap_or(f)).collect();
            if !unwrapped.iter().copied().eq(values.iter()) {
                self.unwrapped += 1;
                let (text, ends) = copy_values(unwrapped);
                // The keys were taken from the values as written: fold them again.
                return self.accept_or_reject(span, Raw::new(&text, 0, &ends), true, None);
            }
        }
        self.accept_or_reject(span, values, copied, keys)
    }

    fn accept_or_reject(&mut self, span: Span, rec: Raw<'_>, copied: bool, keys: Option<Keys>) -> Result<()> {
        self.counts.rows_read += 1;
        let width = self.source.headers.len();
        if rec.len() != width {
            self.records.check_runaway(span, rec.len(), width).map_err(|m| self.err(m))?;
            self.reject(span, format!("has {} fields, the header has {width}", rec.len()));
            return Ok(());
        }
        if memchr::memchr(0, rec.bytes()).is_some() {
            // The bytes include the delimiters: the value says.
            if let Some(col) = rec.iter().position(|f| f.contains('\0')) {
                let why = format!("NUL byte in column {} ({})", col + 1, self.header_name(col));
                self.reject(span, why);
                return Ok(());
            }
        }
        let (id, hash, parent_id) = match keys {
            Some(k) => (k.id, Some(k.hash), Some(k.parent)),
            None => (fold_id(rec.get(self.id_col).unwrap_or("")), None, None),
        };
        if id.is_empty() {
            let why = format!("empty id (column {})", self.header_name(self.id_col));
            self.reject(span, why);
            return Ok(());
        }
        if rec.get(self.name_col).unwrap_or("").trim().is_empty() {
            let why = format!("empty name (column {})", self.header_name(self.name_col));
            self.reject(span, why);
            return Ok(());
        }
        // One hash per row (the id index is the hottest spot of a large import): the record goes
        // in first, and comes out again if its id is taken.
        let idx = self.dir.records.len() as RecIdx;
        self.dir.records.push(Record {
            file: self.file_no,
            line: span.line,
            raw: RawRow::default(),
            id: OrgId(id.into_boxed_str()),
            parent_id: Box::default(),
            parent: None,
        });
        if let Some(first) = self.dir.by_id.insert_first(&self.dir.records, idx, hash) {
            let id = self.dir.records.pop().map(|r| r.id).unwrap_or_else(|| OrgId(Box::default()));
            let prev = &self.dir.records[first as usize];
            let prev_file = self.dir.files.get(prev.file as usize).unwrap_or(&*self.source);
            let prev_values = self.dir.raw.row_with(&prev.raw, Some((self.text_id, self.text)));
            if same_content(prev_file, prev_values, self.source, rec) {
                self.counts.exact_repeats += 1;
                self.seen.repeats.push((self.source.display.clone(), span.line, first));
            } else {
                let why = format!(
                    "id {id} already used at {}:{} with different content (first occurrence kept)",
                    prev_file.display, prev.line
                );
                self.reject(span, why);
            }
            return Ok(());
        }
        let parent_id = parent_id.unwrap_or_else(|| {
            self.parent_col.map(|c| fold_id(rec.get(c).unwrap_or(""))).unwrap_or_default()
        });
        let raw = if copied {
            self.dir.raw.push_values(rec.iter())
        } else {
            self.dir.raw.push_in_text(self.text_id, rec)
        };
        if let Some(r) = self.dir.records.last_mut() {
            r.raw = raw;
            r.parent_id = parent_id.into_boxed_str();
        }
        self.counts.accepted += 1;
        Ok(())
    }
}

/// Values laid out as `Raw` reads them (the head rows and rewritten rows are few).
fn copy_values<'v>(values: impl IntoIterator<Item = &'v str>) -> (String, Vec<u32>) {
    let (mut text, mut ends) = (String::new(), Vec::new());
    for (k, v) in values.into_iter().enumerate() {
        if k > 0 {
            text.push(crate::model::RAW_SEPARATOR);
        }
        text.push_str(v);
        ends.push(text.len() as u32);
    }
    (text, ends)
}

/// Two rows are exact repeats when every column has the same value under the same header name.
fn same_content(fa: &SourceFile, a: Raw<'_>, fb: &SourceFile, b: Raw<'_>) -> bool {
    if fa.headers == fb.headers {
        return a == b;
    }
    if a.len() != b.len() {
        return false;
    }
    let by_name: HashMap<&str, &str> = fb.headers.iter().map(String::as_str).zip(b.iter()).collect();
    fa.headers.iter().zip(a.iter()).all(|(h, v)| by_name.get(h.as_str()) == Some(&v))
}
