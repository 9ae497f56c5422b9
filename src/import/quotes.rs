//! Detecting a quote that swallows rows.
//!
//! A lone `"` at the start of a field opens a quoted field that the CSV parser keeps reading —
//! across line breaks — until the next `"`. With no closing quote the rest of the file silently
//! becomes one field; with a stray quote further down, the rows in between vanish into one value.
//! Both look legal to a CSV parser, so we check the records that span several lines (rare in real
//! dumps) and the last record, and stop with the line and column where the quote opened.

/// What is wrong with a record's quoting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuoteProblem {
    /// The quote opened at this byte offset (into the record's raw text) is never closed.
    Unclosed { open: usize },
    /// The quoted field opened at `open` holds a line (starting at byte `row_at`) that looks like a
    /// whole row: it has at least as many delimiters as a row of the file.
    SwallowsRows { open: usize, row_at: usize },
}

/// Check the raw text of one record (as in the file, from its first byte to its terminator).
/// `width` is the number of columns of the header; `at_eof` says the record is the file's last.
pub fn check_record(raw: &[u8], delimiter: u8, width: usize, at_eof: bool) -> Option<QuoteProblem> {
    scan(raw, delimiter, width, at_eof).0
}

/// Where the first quoted field that holds a line break opens, if any. A record whose field count
/// is wrong and that has such a field most likely lost its shape to a stray quote.
pub fn multiline_quote_open(raw: &[u8], delimiter: u8) -> Option<usize> {
    scan(raw, delimiter, usize::MAX, false).1
}

fn scan(raw: &[u8], delimiter: u8, width: usize, at_eof: bool) -> (Option<QuoteProblem>, Option<usize>) {
    // Same states as the csv crate (RFC 4180 with "" as the escaped quote; a quote inside an
    // unquoted field is literal; text after a closing quote joins the field).
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = S::FieldStart;
    let mut open = 0;
    let mut multiline = None;
    for (i, &b) in raw.iter().enumerate() {
        state = match (state, b) {
            (S::FieldStart, b'"') => {
                open = i;
                S::Quoted
            }
            (S::FieldStart | S::Unquoted | S::QuoteInQuoted, d) if d == delimiter => S::FieldStart,
            (S::FieldStart | S::Unquoted | S::QuoteInQuoted, b'\r' | b'\n') => S::FieldStart,
            (S::FieldStart | S::Unquoted, _) => S::Unquoted,
            (S::Quoted, b'"') => S::QuoteInQuoted,
            (S::Quoted, b'\n') => {
                multiline = multiline.or(Some(open));
                if let Some(row_at) = looks_like_row(&raw[i + 1..], delimiter, width) {
                    return (Some(QuoteProblem::SwallowsRows { open, row_at: i + 1 + row_at }), multiline);
                }
                S::Quoted
            }
            (S::Quoted, _) => S::Quoted,
            (S::QuoteInQuoted, b'"') => S::Quoted,
            (S::QuoteInQuoted, _) => S::Unquoted,
        };
    }
    ((at_eof && state == S::Quoted).then_some(QuoteProblem::Unclosed { open }), multiline)
}

/// Whether the line at the start of `rest` (up to the next line break or closing quote) holds at
/// least `width - 1` delimiters: the shape of a data row. Tables of one or two columns give too
/// weak a signal (a note with one comma) and are only checked for unclosed quotes.
fn looks_like_row(rest: &[u8], delimiter: u8, width: usize) -> Option<usize> {
    if width < 3 || width == usize::MAX {
        return None;
    }
    let end = rest.iter().position(|&b| matches!(b, b'\n' | b'"')).unwrap_or(rest.len());
    let delimiters = memchr::memchr_iter(delimiter, &rest[..end]).count();
    (delimiters + 1 >= width).then_some(0)
}

/// Whether a record needs the check: it spans several lines, or it is the last one and contains
/// a quote (cheap filters, so that the million plain rows of a dump cost nothing).
pub fn worth_checking(raw: &[u8], at_eof: bool) -> bool {
    let body = trim_terminator(raw);
    memchr::memchr(b'"', body).is_some() && (at_eof || memchr::memchr(b'\n', body).is_some())
}

pub fn trim_terminator(raw: &[u8]) -> &[u8] {
    let mut end = raw.len();
    while end > 0 && matches!(raw[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    &raw[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_multiline_fields_pass() {
        let raw = b"1,\"line one\nline two, with a comma\",x\n";
        assert_eq!(check_record(raw, b',', 3, true), None);
        assert_eq!(check_record(b"1,\"say \"\"hi\"\"\",x", b',', 3, true), None);
        // A quote in the middle of an unquoted field is a literal character.
        assert_eq!(check_record(b"1,a\"b,x", b',', 3, true), None);
    }

    #[test]
    fn unclosed_at_eof() {
        let raw = b"5,\"abc,x\n";
        assert_eq!(check_record(raw, b',', 3, true), Some(QuoteProblem::Unclosed { open: 2 }));
        assert_eq!(check_record(raw, b',', 3, false), None);
    }

    #[test]
    fn swallowed_rows() {
        let raw = b"3,\"hefei,x\n4,feixi,y\n5,\"z\",w\n";
        assert_eq!(
            check_record(raw, b',', 3, false),
            Some(QuoteProblem::SwallowsRows { open: 2, row_at: 11 })
        );
        // Two columns: too weak a signal.
        assert_eq!(check_record(b"3,\"a\n4,b\n5,\"c\"\n", b',', 2, false), None);
        assert_eq!(multiline_quote_open(b"3,\"a\n4,b\n5,\"c\"\n", b','), Some(2));
        assert_eq!(multiline_quote_open(b"3,\"a\",\"b\"\n", b','), None);
    }

    #[test]
    fn filter() {
        assert!(!worth_checking(b"1,2,3\r\n", true));
        assert!(worth_checking(b"1,\"2,3\r\n", true));
        assert!(!worth_checking(b"1,\"2\",3\r\n", false));
        assert!(worth_checking(b"1,\"2\n\",3\r\n", false));
    }
}
