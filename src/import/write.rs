//! Writing records back in the input's own format: original header names, encoding (UTF-8 or
//! GB18030, BOM if the input had one), delimiter and line ends, and every value byte for byte.
//! Importing the written file again gives the same values (tested by a property test below).
//!
//! No formula escaping here: these are machine files that go back into the platform, and an
//! apostrophe in front of `=` would change the value. Reports for people use `output::write_csv`.

use std::borrow::Cow;
use std::path::Path;

use encoding_rs::{Encoding, UTF_8};

use crate::error::{Error, Result};
use crate::model::{Directory, RecIdx};
use crate::output;

/// The shape of the CSV to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvLayout {
    pub headers: Vec<String>,
    pub encoding: &'static Encoding,
    pub had_bom: bool,
    pub delimiter: u8,
    pub crlf: bool,
}

impl CsvLayout {
    /// The first input file's format, with the union of all files' headers (the first file's, then
    /// columns only later files have). `None` when nothing was imported.
    pub fn of(dir: &Directory) -> Option<CsvLayout> {
        let first = dir.files.first()?;
        let mut headers = first.headers.clone();
        for f in dir.files.iter().skip(1) {
            for h in &f.headers {
                if !headers.contains(h) {
                    headers.push(h.clone());
                }
            }
        }
        Some(CsvLayout {
            headers,
            encoding: Encoding::for_label(first.encoding.as_bytes()).unwrap_or(UTF_8),
            had_bom: first.had_bom,
            delimiter: first.delimiter,
            crlf: first.crlf,
        })
    }

    /// The values of record `i` under `self.headers`: positional when its file has exactly these
    /// headers, else by header name (empty where its file lacks the column).
    pub fn cells<'d>(&self, dir: &'d Directory, i: RecIdx) -> Vec<&'d str> {
        let Some(rec) = dir.records.get(i as usize) else { return Vec::new() };
        let Some(file) = dir.files.get(rec.file as usize) else { return Vec::new() };
        if file.headers == self.headers {
            return dir.raw.row(&rec.raw).iter().collect();
        }
        let raw = dir.raw.row(&rec.raw);
        self.headers
            .iter()
            .map(|h| file.headers.iter().position(|fh| fh == h).and_then(|c| raw.get(c)).unwrap_or(""))
            .collect()
    }

    /// Encode a header (this layout's, plus `extra_headers`) and rows as file bytes. Fails on a
    /// value the target encoding cannot hold, rather than writing a replacement.
    pub fn encode<'r, I>(&self, extra_headers: &[&str], rows: I) -> std::result::Result<Vec<u8>, String>
    where
        I: IntoIterator<Item = Vec<Cow<'r, str>>>,
    {
        self.encode_sized(0, extra_headers, rows)
    }

    /// `encode` into a buffer of `capacity` bytes to start with (about the input's size for a
    /// whole directory): grown by doubling, a 120 MB file passed through 250 MB of buffers, and
    /// fresh memory is not free (the kernel zeroes every page first).
    pub fn encode_sized<'r, I>(
        &self,
        capacity: usize,
        extra_headers: &[&str],
        rows: I,
    ) -> std::result::Result<Vec<u8>, String>
    where
        I: IntoIterator<Item = Vec<Cow<'r, str>>>,
    {
        // UTF-8 out: the BOM first and the rows after it, in the one buffer returned (a copy of
        // a 1M-row file was 120 MB of fresh memory more).
        let utf8_out = self.encoding == UTF_8;
        let mut text: Vec<u8> = Vec::with_capacity(capacity);
        if utf8_out && self.had_bom {
            text.extend_from_slice(b"\xEF\xBB\xBF");
        }
        {
            let mut w = csv::WriterBuilder::new()
                .delimiter(self.delimiter)
                .terminator(if self.crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
                .from_writer(&mut text);
            let header = self.headers.iter().map(String::as_str).chain(extra_headers.iter().copied());
            w.write_record(header).map_err(|e| e.to_string())?;
            for row in rows {
                w.write_record(row.iter().map(|c| c.as_ref())).map_err(|e| e.to_string())?;
            }
            w.flush().map_err(|e| e.to_string())?;
        }
        if utf8_out {
            return Ok(text);
        }
        let mut bytes = Vec::new();
        let text = std::str::from_utf8(&text).map_err(|e| e.to_string())?;
        let mut encoder = self.encoding.new_encoder();
        let cap =
            encoder.max_buffer_length_from_utf8_without_replacement(text.len()).unwrap_or(text.len() * 4);
        bytes.reserve(cap);
        let (result, read) = encoder.encode_from_utf8_to_vec_without_replacement(text, &mut bytes, true);
        match result {
            encoding_rs::EncoderResult::InputEmpty => Ok(bytes),
            encoding_rs::EncoderResult::Unmappable(c) => {
                let line = text[..read].matches('\n').count() + 1;
                Err(format!(
                    "character U+{:04X} on line {line} cannot be written in {}",
                    c as u32,
                    self.encoding.name()
                ))
            }
            encoding_rs::EncoderResult::OutputFull => Err("internal: encoder buffer too small".to_string()),
        }
    }
}

/// Write every accepted record of `dir` to `path` in the first input's format (see `CsvLayout::of`),
/// atomically.
pub fn write_directory(dir: &Directory, path: &Path) -> Result<()> {
    let Some(layout) = CsvLayout::of(dir) else {
        return output::write_bytes(path, b"");
    };
    let rows = (0..dir.len() as RecIdx)
        .map(|i| layout.cells(dir, i).into_iter().map(Cow::Borrowed).collect::<Vec<Cow<str>>>());
    let bytes =
        layout.encode(&[], rows).map_err(|m| Error::Internal(format!("writing {}: {m}", path.display())))?;
    output::write_bytes(path, &bytes)
}

#[cfg(test)]
mod tests;
