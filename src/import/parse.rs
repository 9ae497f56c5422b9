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

    /// Bytes consumed so far (for progress).
    pub fn offset(&self) -> u64 {
        self.reader.position().byte()
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

    /// The runaway-quote check of a record (again, for the rows read before the header gave the
    /// width).
    pub fn check_quotes(&self, span: Span) -> Result<(), String> {
        let bytes = self.text.as_bytes();
        let raw = bytes.get(span.start..span.end).unwrap_or_default();
        let at_eof = bytes.get(span.end..).unwrap_or_default().iter().all(|b| matches!(b, b'\r' | b'\n'));
        if quotes::worth_checking(raw, at_eof) {
            let width = self.width.unwrap_or(usize::MAX);
            if let Some(problem) = quotes::check_record(raw, self.delimiter, width, at_eof) {
                return Err(self.describe(span, problem));
            }
        }
        Ok(())
    }

    /// The record's text as in the file, without its line terminator.
    pub fn raw(&self, span: Span) -> &'t str {
        let raw = self.text.get(span.start..span.end).unwrap_or("");
        raw.trim_end_matches(['\r', '\n'])
    }

    /// A record whose field count is wrong and that holds a quoted field with line breaks was most
    /// likely bent out of shape by a stray quote, and rows after it may be inside that field.
    pub fn check_runaway(&self, span: Span, fields: usize, width: usize) -> Result<(), String> {
        let raw = self.text.as_bytes().get(span.start..span.end).unwrap_or_default();
        let Some(open) = quotes::multiline_quote_open(raw, self.delimiter) else { return Ok(()) };
        let (line, ch) = self.position(span, open);
        let last = span.line + memchr::memchr_iter(b'\n', quotes::trim_terminator(raw)).count() as u64;
        Err(format!(
            "line {line}, character {ch}: a quoted field opens here and runs on to line {last}, leaving the \
             record with {fields} fields instead of {width}; probably a stray quote: close it, or double it \
             (\"\") if it belongs to the value"
        ))
    }

    fn describe(&self, span: Span, problem: QuoteProblem) -> String {
        match problem {
            QuoteProblem::Unclosed { open } => {
                let (line, ch) = self.position(span, open);
                let last = self.line_of(self.text.len().saturating_sub(1));
                format!(
                    "line {line}, character {ch}: a quote opens a field here and is never closed, so the rest \
                     of the file (lines {line}-{last}) would be read as one value; close the quote, or double \
                     it (\"\") if it belongs to the value"
                )
            }
            QuoteProblem::SwallowsRows { open, row_at } => {
                let (line, ch) = self.position(span, open);
                let (row_line, _) = self.position(span, row_at);
                let rest = self.text.get(span.start + row_at..span.end).unwrap_or("");
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
    fn position(&self, span: Span, offset_in_record: usize) -> (u64, usize) {
        let bytes = self.text.as_bytes();
        let at = (span.start + offset_in_record).min(bytes.len());
        let before = &bytes[span.start..at];
        let line = span.line + memchr::memchr_iter(b'\n', before).count() as u64;
        let line_start = memchr::memrchr(b'\n', before).map_or(span.start, |i| span.start + i + 1);
        let ch = self.text.get(line_start..at).map_or(0, |s| s.chars().count()) + 1;
        (line, ch)
    }

    fn line_of(&self, offset: usize) -> u64 {
        let bytes = self.text.as_bytes();
        memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count() as u64 + 1
    }
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
