//! Step 1: read org-library dumps as they really come and account for every row.
//!
//! Each input file is decoded whole (UTF-8 with or without BOM, or GB18030 — the superset of the
//! GBK that Excel/WPS save on Chinese Windows), its header is mapped to the canonical fields, and
//! every data record is either accepted, counted as an exact repeat of an earlier row, or rejected
//! with its file, line and reason. `rows_read = accepted + rejected + exact_repeats` is checked for
//! every file before anything is returned.
//!
//! Hostile input (see docs/input-errors.md) ends in an `Error::Input` naming the file, line and
//! character and the fix — never in a panic, and never in rows silently lost to a runaway quote.

mod checks;
mod chunks;
mod clusters;
mod decode;
#[doc(hidden)]
pub mod fuzzing;
mod header;
mod inputs;
mod parse;
mod quotes;
mod sniff;
pub mod write;

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::path::PathBuf;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use crate::model::{Directory, Field, FileCounts, OrgId, Raw, RecIdx, Record, RejectedRow, SourceFile};

pub use clusters::read_clusters;
pub use decode::{decode, decode_owned, Decoded};
pub use header::{map_headers, ColumnOverride, MAX_TITLE_ROWS};
pub use write::write_directory;

use checks::note_lost_zeros;
pub use checks::{require_rows, warnings, Reliance, CHECK_RELIES, DEDUPE_RELIES, RUN_RELIES};
use inputs::read_input;
pub use inputs::{expand_inputs, expand_inputs_skipping};

use chunks::Body;
use parse::{Records, Span};

/// How the records below the header are parsed: in chunks of `size` bytes on `threads` threads;
/// `size` 0 reads them one by one with the csv crate's reader (the reference for tests).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chunking {
    pub size: usize,
    pub threads: usize,
}

impl Default for Chunking {
    fn default() -> Chunking {
        // 1 MiB: small enough to keep both cores busy from the start and the parsed chunks
        // waiting in memory small, large enough that a chunk costs more than its hand-over.
        Chunking { size: 1 << 20, threads: rayon::current_num_threads() }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `None`: detect per file.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// `None`: detect per file from the header line.
    pub delimiter: Option<u8>,
    pub columns: Vec<ColumnOverride>,
    pub progress: bool,
    /// Columns the command needs besides id and name (check needs the parent), with what it
    /// needs them for: a file without one is an input error, not a run full of false findings.
    pub needs: Vec<(Field, &'static str)>,
    /// A run with no accepted row is an input error (`run`, `check`, `dedupe`…), not an empty
    /// success: `import` alone reports header-only files as read.
    pub require_rows: bool,
}

impl ImportOptions {
    /// For a command that checks the hierarchy: every file needs a parent column, and a dump
    /// with no accepted row is an error.
    pub fn for_hierarchy(mut self) -> ImportOptions {
        self.needs.push((Field::ParentId, "the hierarchy check needs each record's parent"));
        self.require_rows = true;
        self
    }
}

/// Import every input into one directory.
pub fn import(inputs: &[PathBuf], opts: &ImportOptions) -> Result<Directory> {
    let t = std::time::Instant::now();
    let mut skipped = Vec::new();
    let files = expand_inputs_skipping(inputs, &mut skipped)?;
    let mut dir = Directory::default();
    if !skipped.is_empty() {
        let shown: Vec<String> = skipped.iter().map(|p| p.display().to_string()).collect();
        dir.notes.push(format!(
            "skipped {} files an earlier orgclean run wrote (not dumps): {}",
            shown.len(),
            shown.join(", ")
        ));
    }
    let mut seen = SeenIds::default();
    for path in &files {
        let bytes = read_input(path)?;
        let display = path.display().to_string();
        import_owned(&mut dir, &mut seen, &display, bytes, opts)?;
    }
    resolve_parents(&mut dir);
    note_lost_zeros(&mut dir);
    if opts.require_rows {
        require_rows(&dir)?;
    }
    crate::progress::timing("import", t);
    Ok(dir)
}

/// Import one file's bytes into `dir` (exposed for tests and fuzzing).
pub fn import_bytes(
    dir: &mut Directory,
    seen: &mut SeenIds,
    display: &str,
    bytes: &[u8],
    opts: &ImportOptions,
) -> Result<()> {
    import_owned(dir, seen, display, bytes.to_vec(), opts)
}

/// Import one file into `dir`; the bytes are taken so that a UTF-8 file becomes the text without
/// a copy.
pub fn import_owned(
    dir: &mut Directory,
    seen: &mut SeenIds,
    display: &str,
    bytes: Vec<u8>,
    opts: &ImportOptions,
) -> Result<()> {
    import_chunked(dir, seen, display, bytes, opts, Chunking::default())
}

/// `import_owned` with the body parsed in chunks as given (tests use tiny ones).
pub(crate) fn import_chunked(
    dir: &mut Directory,
    seen: &mut SeenIds,
    display: &str,
    bytes: Vec<u8>,
    opts: &ImportOptions,
    chunking: Chunking,
) -> Result<()> {
    let len = bytes.len() as u64;
    let was_empty = bytes.is_empty();
    let decoded = decode_owned(bytes, opts.encoding).map_err(|m| Error::input(display, m))?;
    let text = decoded.text.as_str();
    if text.trim().is_empty() {
        return Err(Error::input(
            display,
            if was_empty {
                "file is empty; export the directory again (a dump needs a header row and data rows)"
            } else {
                "file has no header row (only a BOM, spaces or blank lines); export the directory again"
            },
        ));
    }
    // Growing the record table and the id map by doubling copies them over and over: size them
    // for one row per line up front.
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    dir.records.reserve(lines);
    dir.by_id.reserve(lines);
    let delimiter = opts.delimiter.unwrap_or_else(|| sniff::detect_delimiter(text, &opts.columns));
    let mut source = SourceFile {
        display: display.to_string(),
        encoding: decoded.encoding.name(),
        had_bom: decoded.had_bom,
        bytes: len,
        delimiter,
        crlf: sniff::first_line_is_crlf(text),
        ..SourceFile::default()
    };
    // Hashing runs beside parsing: it is a third of the work on a large UTF-8 file.
    let (sha, counts) = std::thread::scope(|s| {
        let sha = s.spawn(|| hex(&decoded.sha256()));
        let counts = FileImport::new(dir, seen, &mut source, text, opts, chunking).run();
        (sha.join(), counts)
    });
    source.sha256 = sha.map_err(|_| Error::Internal("hashing the input panicked".into()))?;
    let counts = counts?;
    if counts.rows_read != counts.accepted + counts.rejected + counts.exact_repeats {
        return Err(Error::Internal(format!(
            "{display}: row accounting does not add up: read {} != accepted {} + rejected {} + exact repeats {}",
            counts.rows_read, counts.accepted, counts.rejected, counts.exact_repeats
        )));
    }
    source.counts = counts;
    dir.files.push(source);
    // Accepted rows point into the text.
    dir.raw.add_text(decoded.text);
    Ok(())
}

/// One file being imported: every data record is accepted, counted as an exact repeat, or
/// rejected with a reason.
struct FileImport<'a> {
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
    fn new(
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

    fn run(mut self) -> Result<FileCounts> {
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
            self.row(*span, Raw::new(&values, 0, &ends), true)?;
        }
        drop(head);
        if self.chunking.size == 0 {
            // The csv crate's reader, record by record: what the chunked parse is tested against.
            while let Some(span) = self.records.next_into(&mut rec).map_err(|m| self.err(m))? {
                let (values, ends) = copy_values(&rec);
                self.row(span, Raw::new(&values, 0, &ends), true)?;
            }
            return self.finish(progress);
        }
        // The rest, in chunks parsed on several threads, handed over in file order.
        let (from, line) = self.records.resume_at();
        let body = Body {
            text: self.text,
            delimiter: self.source.delimiter,
            width: self.records.width,
            chunk_size: self.chunking.size,
            threads: self.chunking.threads,
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
                self.row(row.span, row.values, row.copied)
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
    fn row(&mut self, span: Span, values: Raw<'_>, copied: bool) -> Result<()> {
        // `="0012"` is how Excel users keep leading zeros: the value is 0012.
        if memchr::memmem::find(values.bytes(), b"=\"").is_some() {
            let unwrapped: Vec<&str> =
                values.iter().map(|f| crate::excel::unwrap_formula_text(f).unwrap_or(f)).collect();
            if !unwrapped.iter().copied().eq(values.iter()) {
                self.unwrapped += 1;
                let (text, ends) = copy_values(unwrapped);
                return self.accept_or_reject(span, Raw::new(&text, 0, &ends), true);
            }
        }
        self.accept_or_reject(span, values, copied)
    }

    fn accept_or_reject(&mut self, span: Span, rec: Raw<'_>, copied: bool) -> Result<()> {
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
        let id = fold_id(rec.get(self.id_col).unwrap_or(""));
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
        // One hash per row: the id map is the hottest spot of a large import.
        let idx = self.dir.records.len() as RecIdx;
        let (id, first) = match self.dir.by_id.entry(id.into_boxed_str()) {
            Entry::Occupied(o) => (o.key().clone(), Some(*o.get())),
            Entry::Vacant(v) => {
                let id = v.key().clone();
                v.insert(idx);
                (id, None)
            }
        };
        if let Some(first) = first {
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
        let parent_id = self.parent_col.map(|c| fold_id(rec.get(c).unwrap_or(""))).unwrap_or_default();
        let raw = if copied {
            self.dir.raw.push_values(rec.iter())
        } else {
            self.dir.raw.push_in_text(self.text_id, rec)
        };
        self.dir.records.push(Record {
            file: self.file_no,
            line: span.line,
            raw,
            id: OrgId(id),
            parent_id: parent_id.into_boxed_str(),
            parent: None,
        });
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

/// Exact repeats seen during import: (file, line, record index of the first occurrence).
#[derive(Debug, Default)]
pub struct SeenIds {
    pub repeats: Vec<(String, u64, RecIdx)>,
}

/// Ids are compared after trimming (including the ideographic space) and NFKC, which turns
/// full-width digits and letters into ASCII: "ＯＲＧ００１ " and "ORG001" are one id.
pub fn fold_id(raw: &str) -> String {
    let t = raw.trim();
    if t.is_ascii() {
        return t.to_string();
    }
    t.nfkc().collect::<String>().trim().to_string()
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

fn resolve_parents(dir: &mut Directory) {
    let parents: Vec<Option<RecIdx>> = dir
        .records
        .iter()
        .map(|r| if r.parent_id.is_empty() { None } else { dir.by_id.get(&*r.parent_id).copied() })
        .collect();
    for (r, p) in dir.records.iter_mut().zip(parents) {
        r.parent = p;
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import_str(text: &str) -> Result<Directory> {
        let mut dir = Directory::default();
        import_bytes(&mut dir, &mut SeenIds::default(), "t.csv", text.as_bytes(), &ImportOptions::default())?;
        resolve_parents(&mut dir);
        Ok(dir)
    }

    #[test]
    fn accounts_for_every_row() {
        let dir =
            import_str("组织ID,组织名称,上级组织ID\nA,甲,\nB,乙,A\nB,乙,A\nB,丙,A\n,丁,A\nC,,A\nD,戊\n")
                .unwrap();
        let c = dir.files[0].counts;
        assert_eq!((c.rows_read, c.accepted, c.rejected, c.exact_repeats), (7, 2, 4, 1));
        let reasons: Vec<&str> = dir.rejected.iter().map(|r| r.reason.as_str()).collect();
        assert!(reasons[0].contains("already used at t.csv:3"), "{reasons:?}");
        assert!(reasons[1].starts_with("empty id"));
        assert!(reasons[2].starts_with("empty name"));
        assert!(reasons[3].starts_with("has 2 fields"));
        assert_eq!(dir.rejected[3].line, 8);
        assert_eq!(dir.rejected[3].raw, "D,戊");
        assert_eq!(dir.parent(1), Some(0));
    }

    #[test]
    fn quoted_newlines_keep_physical_line_numbers() {
        let dir = import_str("id,name\r\n1,\"a\r\nb\"\r\n2,c,x\r\n").unwrap();
        assert_eq!(dir.raw_row(0).get(1), Some("a\r\nb"));
        assert_eq!(dir.rejected[0].line, 4);
        assert!(dir.files[0].crlf);
    }

    #[test]
    fn ids_fold_width_and_space() {
        assert_eq!(fold_id(" ＯＲＧ００１\u{3000}"), "ORG001");
        let dir = import_str("id,name,parent_id\nORG1,甲,\nORG2,乙,ＯＲＧ1 \n").unwrap();
        assert_eq!(dir.parent(1), Some(0));
    }

    #[test]
    fn tab_and_semicolon_detected() {
        assert_eq!(import_str("id\tname\n1\t甲\n").unwrap().files[0].delimiter, b'\t');
        assert_eq!(import_str("id;name\n1;甲\n").unwrap().files[0].delimiter, b';');
    }

    #[test]
    fn title_rows_are_listed() {
        let dir = import_str("2024年组织库导出\n组织ID,组织名称\n1,甲\n").unwrap();
        assert_eq!(dir.rejected.len(), 1);
        assert_eq!(dir.rejected[0].line, 1);
        assert_eq!(dir.records[0].line, 3);
    }
}
