//! Parsing the records below the header in chunks, on several threads, with exactly the records,
//! spans and errors of the sequential parse (`parse::Records`).
//!
//! The text after the header is cut after line breaks into chunks of about `chunk_size` bytes, and
//! each chunk is parsed as if a record started at its first byte. That holds only where the
//! sequential parse is between records: a quoted field may hold line breaks, and a stray quote
//! changes how everything after it reads. So a chunk's result is used only when the parse before
//! it (itself used, in file order) ended its last record at or before the chunk's start; otherwise
//! the chunk is parsed again from where that record ended. The records are then handed over in file
//! order, and the first problem in file order stops the file, as in the sequential parse.
//!
//! A record without a quote before its line break (nearly every record of a dump) is split at its
//! delimiters in place: its values are ranges of the text. Other records go through `csv_core`,
//! the csv crate's own parser, and their unescaped values are copied into the chunk's side buffer.

use crate::model::{Raw, RAW_SEPARATOR};

use super::parse::{self, Span};

/// How the body of a file is parsed.
#[derive(Debug, Clone, Copy)]
pub struct Body<'t> {
    pub text: &'t str,
    pub delimiter: u8,
    /// Columns of the header (sharpens the swallowed-rows check).
    pub width: Option<usize>,
    /// Bytes per chunk (a parameter so that tests can cut tiny chunks).
    pub chunk_size: usize,
    /// Parsing threads; 1 parses on the calling thread.
    pub threads: usize,
    /// Where each record's id and parent id are, to fold and hash them beside the parse.
    pub keys: Option<&'t KeyCols>,
}

/// The id and parent-id columns and the id index's hasher. Folding the ids (trim, NFKC) and
/// hashing them was a third of the one thread that takes the records in file order (a large
/// import waited on it with the parsing threads idle): the parsing threads do it instead.
#[derive(Debug, Clone)]
pub struct KeyCols {
    pub id: usize,
    pub parent: Option<usize>,
    pub hasher: ahash::RandomState,
}

/// A record's folded id, its hash by the id index's hasher, and its folded parent id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    pub id: String,
    pub hash: u64,
    pub parent: String,
}

impl KeyCols {
    /// The keys of a record as the import folds them (`fold_id`).
    pub fn of(&self, values: Raw<'_>) -> Keys {
        let id = super::fold_id(values.get(self.id).unwrap_or(""));
        let hash = self.hasher.hash_one(id.as_str());
        let parent = self.parent.map(|c| super::fold_id(values.get(c).unwrap_or(""))).unwrap_or_default();
        Keys { id, hash, parent }
    }
}

/// One record of the body, handed over in file order.
#[derive(Debug, Clone)]
pub struct BodyRow<'a> {
    pub span: Span,
    pub values: Raw<'a>,
    /// The values are copies (the record has quotes), not ranges of the text.
    pub copied: bool,
    /// Its keys, when `Body::keys` asked for them.
    pub keys: Option<Keys>,
}

/// Chunks parsed ahead of the one being handed over, per thread.
const LOOKAHEAD: usize = 2;

impl<'t> Body<'t> {
    /// Parse the records from byte `from` (where the sequential parse is between records, on
    /// physical line `line`) to the end, calling `f` on each in file order. Stops at `f`'s first
    /// error, or with `quote_error(message)` at the first record whose quotes would swallow rows.
    pub fn for_each<E>(
        &self,
        from: usize,
        line: u64,
        mut f: impl FnMut(BodyRow<'_>) -> Result<(), E>,
        quote_error: impl Fn(String) -> E,
    ) -> Result<(), E> {
        let bounds = self.boundaries(from);
        let chunks = bounds.len() - 1;
        let mut consume = |next_chunk: &mut dyn FnMut(usize) -> Option<Chunk>| -> Result<(), E> {
            // Where the sequential parse goes on, and its line there; the line at the start of
            // the next chunk.
            let (mut seq_at, mut seq_line, mut chunk_line) = (from, line, line);
            for i in 0..chunks {
                let parsed = next_chunk(i);
                let newlines = parsed.as_ref().map_or(0, |c| c.newlines);
                let (mut chunk, base) = match parsed {
                    Some(c) if seq_at <= bounds[i] => (c, chunk_line),
                    _ => (self.parse_range(seq_at, bounds[i + 1]), seq_line),
                };
                chunk_line += newlines;
                let mut keys = std::mem::take(&mut chunk.keys).into_iter();
                for row in &chunk.rows {
                    let text = if row.copied { chunk.side.as_str() } else { self.text };
                    let values = Raw::new(text, row.base, &chunk.ends[row.at..row.at + row.len]);
                    let span = Span { line: base + row.span.line, ..row.span };
                    f(BodyRow { span, values, copied: row.copied, keys: keys.next() })?;
                }
                if let Some(span) = chunk.error {
                    let span = Span { line: base + span.line, ..span };
                    let message = parse::check_quotes(self.text, self.delimiter, self.width, span).err();
                    return Err(quote_error(message.unwrap_or_else(|| {
                        format!("line {}: internal: the quote check disagrees with itself", span.line)
                    })));
                }
                seq_at = chunk.next;
                seq_line = base + chunk.next_line;
            }
            Ok(())
        };
        if self.threads <= 1 || chunks <= 1 {
            return consume(&mut |_| None);
        }
        std::thread::scope(|s| {
            let mut receivers = Vec::new();
            for first in 0..self.threads {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk>(LOOKAHEAD);
                receivers.push(rx);
                let bounds = &bounds;
                s.spawn(move || {
                    for i in (first..chunks).step_by(self.threads) {
                        let chunk = self.parse_range(bounds[i], bounds[i + 1]);
                        // The receiver is gone when the file stopped at an error.
                        if tx.send(chunk).is_err() {
                            break;
                        }
                    }
                });
            }
            let threads = self.threads;
            let result = consume(&mut |i| receivers[i % threads].recv().ok());
            // Parsers still running see their channel closed and stop.
            drop(receivers);
            result
        })
    }

    /// Chunk starts: `from`, then the byte after the first line break at least `chunk_size` bytes
    /// further, …; the text's length last.
    fn boundaries(&self, from: usize) -> Vec<usize> {
        let bytes = self.text.as_bytes();
        let mut bounds = vec![from.min(bytes.len())];
        let mut at = from;
        while bytes.len().saturating_sub(at) > self.chunk_size.max(1) {
            match memchr::memchr(b'\n', &bytes[at + self.chunk_size.max(1)..]) {
                Some(i) if at + self.chunk_size.max(1) + i + 1 < bytes.len() => {
                    at += self.chunk_size.max(1) + i + 1;
                    bounds.push(at);
                }
                _ => break,
            }
        }
        bounds.push(bytes.len());
        bounds
    }

    /// Parse the records that start in `from..stop`, as if a record started at `from` (the last
    /// one may run on past `stop`). Lines are counted from 0 at `from`.
    pub fn parse_range(&self, from: usize, stop: usize) -> Chunk {
        let bytes = self.text.as_bytes();
        // A delimiter that is a quote or a line break is left to the full parser.
        let plain_ok = !matches!(self.delimiter, b'"' | b'\r' | b'\n');
        let mut c = Chunk::default();
        let mut quoted: Option<QuotedParser> = None;
        let (mut pos, mut line) = (from, 0u64);
        loop {
            let (mut start, mut skipped) = (pos, 0);
            while let Some(&b) = bytes.get(start) {
                match b {
                    b'\n' => skipped += 1,
                    b'\r' => {}
                    _ => break,
                }
                start += 1;
            }
            if start >= stop || start >= bytes.len() {
                break;
            }
            let at = c.ends.len();
            let stop_byte = memchr::memchr3(b'"', b'\r', b'\n', &bytes[start..]).map(|i| start + i);
            let (end, copied) = match stop_byte {
                Some(t) if bytes[t] != b'"' && plain_ok => {
                    c.split(bytes, self.delimiter, start, t);
                    (t + 1, false)
                }
                None if plain_ok => {
                    c.split(bytes, self.delimiter, start, bytes.len());
                    (bytes.len(), false)
                }
                _ => {
                    let parser = quoted.get_or_insert_with(|| QuotedParser::new(self.delimiter));
                    let end = parser.record(bytes, start, &mut c);
                    (end, true)
                }
            };
            let span = Span { line: line + skipped, start, end };
            if copied && parse::check_quotes(self.text, self.delimiter, self.width, span).is_err() {
                // `pos` and `line` stay before the record.
                c.error = Some(span);
                break;
            }
            let base = if copied { c.side_base } else { start };
            c.rows.push(Row { span, copied, base, at, len: c.ends.len() - at });
            if let Some(keys) = self.keys {
                let text = if copied { c.side.as_str() } else { self.text };
                c.keys.push(keys.of(Raw::new(text, base, &c.ends[at..])));
            }
            line = span.line + memchr::memchr_iter(b'\n', &bytes[start..end]).count() as u64;
            pos = end;
        }
        c.next = pos;
        c.next_line = line;
        // Line breaks up to `stop` (where the next chunk starts), counted from the last place
        // whose line is known.
        let count = |from: usize| memchr::memchr_iter(b'\n', &bytes[from.min(stop)..stop]).count() as u64;
        c.newlines = match c.rows.last() {
            Some(last) if pos > stop => last.span.line + count(last.span.start),
            _ => line + count(pos),
        };
        c
    }
}

/// The records of one chunk.
#[derive(Debug, Default)]
pub struct Chunk {
    rows: Vec<Row>,
    /// Value ends of every row, relative to the row's `base`.
    ends: Vec<u32>,
    /// Unescaped values of the quoted records.
    side: String,
    /// Per row, its keys (when asked for).
    keys: Vec<Keys>,
    side_base: usize,
    /// The record whose quotes would swallow rows: the file stops there.
    error: Option<Span>,
    /// Where the parse goes on after the last row, and the line there (from 0 at the start).
    next: usize,
    next_line: u64,
    /// Line breaks between the chunk's start and the next chunk's.
    newlines: u64,
}

#[derive(Debug, Clone, Copy)]
struct Row {
    /// Line counted from 0 at the chunk's start.
    span: Span,
    copied: bool,
    base: usize,
    at: usize,
    len: usize,
}

impl Chunk {
    /// Values of an unquoted record: the text between delimiters up to `end`.
    fn split(&mut self, bytes: &[u8], delimiter: u8, start: usize, end: usize) {
        self.ends.extend(memchr::memchr_iter(delimiter, &bytes[start..end]).map(|d| d as u32));
        self.ends.push((end - start) as u32);
    }
}

/// `csv_core` set up like `csv::ReaderBuilder` in `parse::Records`, with its buffers.
struct QuotedParser {
    reader: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl QuotedParser {
    fn new(delimiter: u8) -> QuotedParser {
        QuotedParser {
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 4096],
            ends: vec![0; 64],
        }
    }

    /// Parse the record starting at `start` into `c`'s side buffer; the end of its span.
    fn record(&mut self, bytes: &[u8], start: usize, c: &mut Chunk) -> usize {
        use csv_core::ReadRecordResult as R;
        // A fresh reader strips a byte-order mark at its first byte, which only the file's start
        // may have: reading one line break first (skipped like a blank line) avoids that.
        self.reader.reset();
        let _ = self.reader.read_record(b"\n", &mut self.out, &mut self.ends);
        let input = &bytes[start..];
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        loop {
            let (res, i, o, e) =
                self.reader.read_record(&input[nin..], &mut self.out[nout..], &mut self.ends[nend..]);
            nin += i;
            nout += o;
            nend += e;
            match res {
                R::InputEmpty => {}
                R::OutputFull => self.out.resize(self.out.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::Record | R::End => break,
            }
        }
        c.side_base = c.side.len();
        let mut from = 0;
        for (k, &end) in self.ends[..nend].iter().enumerate() {
            if k > 0 {
                c.side.push(RAW_SEPARATOR);
            }
            // Values are cut at ASCII bytes of valid UTF-8 text: always valid themselves.
            c.side.push_str(&String::from_utf8_lossy(&self.out[from..end]));
            c.ends.push((c.side.len() - c.side_base) as u32);
            from = end;
        }
        start + nin
    }
}

#[cfg(test)]
mod tests;
