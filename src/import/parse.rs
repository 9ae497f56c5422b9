//! Reading the records of a decoded file one at a time, with the physical line where each starts
//! and its raw text, and stopping at quotes that would swallow rows.

use super::quotes::{self, QuoteProblem};

/// Where a record is in the text: 1-based physical line where it starts (a quoted field with line
/// breaks does not shift later lines), and its byte range (including its line terminator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub line: u64,
    pub start: usize,
    pub end: usize,
}

pub struct Records<'t> {
    text: &'t str,
    reader: csv::Reader<&'t [u8]>,
    delimiter: u8,
    line: u64,
    counted_to: usize,
    /// Columns of the header, once known: sharpens the swallowed-rows check.
    pub width: Option<usize>,
}

impl<'t> Records<'t> {
    pub fn new(text: &'t str, delimiter: u8) -> Records<'t> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        Records { text, reader, delimiter, line: 1, counted_to: 0, width: None }
    }

    pub fn text_len(&self) -> u64 {
        self.text.len() as u64
    }

    /// Read the next record into `rec`. `Ok(None)` at the end; `Err` with a message naming the line
    /// and character where a runaway quote opened.
    pub fn next_into(&mut self, rec: &mut csv::StringRecord) -> Result<Option<Span>, String> {
        let from = self.reader.position().byte() as usize;
        match self.reader.read_record(rec) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => return Err(format!("line {}: {e}", self.line_of(from))),
        }
        let bytes = self.text.as_bytes();
        // The reader's position may sit on the line break that ended the previous record (the \n
        // of a CRLF) or on skipped blank lines: the record starts after them.
        let mut start = from;
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let end = (self.reader.position().byte() as usize).clamp(start, bytes.len());
        self.line += memchr::memchr_iter(b'\n', &bytes[self.counted_to.min(start)..start]).count() as u64;
        self.counted_to = start;
        let span = Span { line: self.line, start, end };
        self.check_quotes(span)?;
        Ok(Some(span))
    }

    /// Where the records after the last one read begin, and the physical line there: the
    /// sequential parse is between records at that point, so another parse may go on from it.
    pub fn resume_at(&self) -> (usize, u64) {
        let bytes = self.text.as_bytes();
        let at = (self.reader.position().byte() as usize).min(bytes.len());
        let from = self.counted_to.min(at);
        (at, self.line + memchr::memchr_iter(b'\n', &bytes[from..at]).count() as u64)
    }

    /// The runaway-quote check of a record (again, for the rows read before the header gave the
    /// width).
    pub fn check_quotes(&self, span: Span) -> Result<(), String> {
        check_quotes(self.text, self.delimiter, self.width, span)
    }

    /// The record's text as in the file, without its line terminator.
    pub fn raw(&self, span: Span) -> &'t str {
        raw(self.text, span)
    }

    /// See `check_runaway`.
    pub fn check_runaway(&self, span: Span, fields: usize, width: usize) -> Result<(), String> {
        check_runaway(self.text, self.delimiter, span, fields, width)
    }

    fn line_of(&self, offset: usize) -> u64 {
        line_of(self.text, offset)
    }
}

/// The runaway-quote check of the record at `span` of `text`; `width` is the header's, once known.
pub fn check_quotes(text: &str, delimiter: u8, width: Option<usize>, span: Span) -> Result<(), String> {
    let bytes = text.as_bytes();
    let raw = bytes.get(span.start..span.end).unwrap_or_default();
    let at_eof = bytes.get(span.end..).unwrap_or_default().iter().all(|b| matches!(b, b'\r' | b'\n'));
    if quotes::worth_checking(raw, at_eof) {
        let width = width.unwrap_or(usize::MAX);
        if let Some(problem) = quotes::check_record(raw, delimiter, width, at_eof) {
            return Err(describe(text, span, problem));
        }
    }
    Ok(())
}

/// The record's text as in the file, without its line terminator.
pub fn raw(text: &str, span: Span) -> &str {
    let raw = text.get(span.start..span.end).unwrap_or("");
    raw.trim_end_matches(['\r', '\n'])
}

/// A record whose field count is wrong and that holds a quoted field with line breaks was most
/// likely bent out of shape by a stray quote, and rows after it may be inside that field.
pub fn check_runaway(
    text: &str,
    delimiter: u8,
    span: Span,
    fields: usize,
    width: usize,
) -> Result<(), String> {
    let raw = text.as_bytes().get(span.start..span.end).unwrap_or_default();
    let Some(open) = quotes::multiline_quote_open(raw, delimiter) else { return Ok(()) };
    let (line, ch) = position(text, span, open);
    let last = span.line + memchr::memchr_iter(b'\n', quotes::trim_terminator(raw)).count() as u64;
    Err(format!(
        "line {line}, character {ch}: a quoted field opens here and runs on to line {last}, leaving the \
         record with {fields} fields instead of {width}; probably a stray quote: close it, or double it \
         (\"\") if it belongs to the value"
    ))
}

fn describe(text: &str, span: Span, problem: QuoteProblem) -> String {
    match problem {
        QuoteProblem::Unclosed { open } => {
            let (line, ch) = position(text, span, open);
            let last = line_of(text, text.len().saturating_sub(1));
            format!(
                "line {line}, character {ch}: a quote opens a field here and is never closed, so the rest \
                 of the file (lines {line}-{last}) would be read as one value; close the quote, or double \
                 it (\"\") if it belongs to the value"
            )
        }
        QuoteProblem::SwallowsRows { open, row_at } => {
            let (line, ch) = position(text, span, open);
            let (row_line, _) = position(text, span, row_at);
            let rest = text.get(span.start + row_at..span.end).unwrap_or("");
            let preview: String = rest.lines().next().unwrap_or("").chars().take(60).collect();
            format!(
                "line {line}, character {ch}: a quoted field opens here and runs on over line {row_line}, \
                 which looks like a row of its own ({preview}); close the quote on line {line}, or double \
                 it (\"\") if it belongs to the value"
            )
        }
    }
}

/// Line and 1-based character of a byte offset inside a record.
fn position(text: &str, span: Span, offset_in_record: usize) -> (u64, usize) {
    let bytes = text.as_bytes();
    let at = (span.start + offset_in_record).min(bytes.len());
    let before = &bytes[span.start..at];
    let line = span.line + memchr::memchr_iter(b'\n', before).count() as u64;
    let line_start = memchr::memrchr(b'\n', before).map_or(span.start, |i| span.start + i + 1);
    let ch = text.get(line_start..at).map_or(0, |s| s.chars().count()) + 1;
    (line, ch)
}

fn line_of(text: &str, offset: usize) -> u64 {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count() as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Result<Vec<(Span, Vec<String>)>, String> {
        let mut r = Records::new(text, b',');
        r.width = Some(3);
        let mut rec = csv::StringRecord::new();
        let mut out = Vec::new();
        while let Some(span) = r.next_into(&mut rec)? {
            out.push((span, rec.iter().map(str::to_string).collect()));
        }
        Ok(out)
    }

    #[test]
    fn lines_are_physical() {
        let rows = all("a,b,c\r\n1,\"x\r\ny\",z\r\n\r\n2,q,r\r\n").unwrap();
        assert_eq!(rows.iter().map(|r| r.0.line).collect::<Vec<_>>(), [1, 2, 5]);
        assert_eq!(rows[1].1[1], "x\r\ny");
    }

    #[test]
    fn unclosed_quote_names_its_line_and_character() {
        let e = all("a,b,c\n1,甲,\"x\n").unwrap_err();
        assert!(e.starts_with("line 2, character 5: a quote opens a field here and is never closed"), "{e}");
        // Even when it swallows many lines.
        let text = format!("a,b,c\n1,\"甲\n{}", "2,乙\n".repeat(1000));
        let e = all(&text).unwrap_err();
        assert!(e.starts_with("line 2, character 3"), "{e}");
    }

    #[test]
    fn swallowed_rows_are_reported() {
        let e = all("a,b,c\n1,\"甲,x\n2,乙,y\n3,\"丙\",z\n").unwrap_err();
        assert!(e.contains("line 2, character 3") && e.contains("over line 3"), "{e}");
        assert!(e.contains("(2,乙,y)"), "{e}");
    }
}
