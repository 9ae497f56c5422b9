//! The values of accepted rows, stored once for the whole directory.
//!
//! A million rows held as one `csv::StringRecord` each cost three heap allocations per row and a
//! copy of every value. Instead the decoded text of each input file is kept, and a row whose values
//! are the text between its delimiters (no quotes: nearly every row of a dump) is a range of that
//! text plus the end of each value. Values that had to be rewritten (quoted fields, `="…"`) are
//! copied into one growing buffer, laid out the same way.

use super::{Directory, OrgId, RecIdx, Record};

impl Directory {
    /// The values of record `idx` as in the file.
    pub fn raw_row(&self, idx: RecIdx) -> Raw<'_> {
        self.raw.row(&self.records[idx as usize].raw)
    }

    /// Add a record with the given values (for directories built from other sources than a dump:
    /// tests, the saved lookup index). The caller keeps `by_id` and `parent` up to date.
    pub fn push_record<'v>(
        &mut self,
        file: u32,
        line: u64,
        values: impl IntoIterator<Item = &'v str>,
        id: OrgId,
        parent_id: Box<str>,
    ) -> RecIdx {
        let raw = self.raw.push_values(values);
        self.records.push(Record { file, line, raw, id, parent_id, parent: None });
        (self.records.len() - 1) as RecIdx
    }
}

/// Where the values of one row are: `len` values in text `text`, the first starting at byte
/// `base`; value k ends at `base + ends[at + k]` and the next one starts one byte later (after the
/// delimiter, or the separator of the rewritten-values buffer).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RawRow {
    text: u32,
    len: u32,
    base: usize,
    at: usize,
}

/// Text id of the rewritten-values buffer.
const EXTRA: u32 = u32::MAX;

/// Separator between values in the rewritten-values buffer: any byte works (values are read by
/// their ends), this one never occurs in a dump.
pub const SEPARATOR: char = '\u{1f}';

/// Every accepted row's values (see the module comment).
#[derive(Debug, Default)]
pub struct RawValues {
    texts: Vec<String>,
    extra: String,
    ends: Vec<u32>,
}

impl RawValues {
    /// The values of a row.
    pub fn row(&self, r: &RawRow) -> Raw<'_> {
        self.row_with(r, None)
    }

    /// The values of a row, reading text `pending.0` from `pending.1` (a file being imported,
    /// whose text joins the store once it is read).
    pub fn row_with<'a>(&'a self, r: &RawRow, pending: Option<(u32, &'a str)>) -> Raw<'a> {
        let text = match (r.text, pending) {
            (EXTRA, _) => self.extra.as_str(),
            (t, Some((p, text))) if t == p => text,
            (t, _) => self.texts.get(t as usize).map_or("", String::as_str),
        };
        let ends = self.ends.get(r.at..r.at + r.len as usize).unwrap_or_default();
        Raw { text, base: r.base, ends }
    }

    /// Store values by copying them.
    pub fn push_values<'v>(&mut self, values: impl IntoIterator<Item = &'v str>) -> RawRow {
        let base = self.extra.len();
        let at = self.ends.len();
        for (k, v) in values.into_iter().enumerate() {
            if k > 0 {
                self.extra.push(SEPARATOR);
            }
            self.extra.push_str(v);
            self.ends.push((self.extra.len() - base) as u32);
        }
        RawRow { text: EXTRA, len: (self.ends.len() - at) as u32, base, at }
    }

    /// Store a row that is a range of text `text` (see `RawRow`); `ends` are relative to `base`.
    pub fn push_range(&mut self, text: u32, base: usize, ends: &[u32]) -> RawRow {
        let at = self.ends.len();
        self.ends.extend_from_slice(ends);
        RawRow { text, len: ends.len() as u32, base, at }
    }

    /// Store a row whose values are ranges of text `text` (`values` read from it).
    pub fn push_in_text(&mut self, text: u32, values: Raw<'_>) -> RawRow {
        self.push_range(text, values.base, values.ends)
    }

    /// The id the next text added will have.
    pub fn next_text_id(&self) -> u32 {
        self.texts.len() as u32
    }

    /// Keep a file's text (rows pushed with `push_range` point into it).
    pub fn add_text(&mut self, text: String) -> u32 {
        self.texts.push(text);
        self.texts.len() as u32 - 1
    }

    /// Room for `rows` more rows of `fields` values each.
    pub fn reserve(&mut self, rows: usize, fields: usize) {
        self.ends.reserve(rows.saturating_mul(fields));
    }
}

/// The values of one row, as in the file (not trimmed).
#[derive(Debug, Clone, Copy)]
pub struct Raw<'a> {
    text: &'a str,
    base: usize,
    ends: &'a [u32],
}

impl<'a> Raw<'a> {
    /// Values laid out as in `RawRow`: value k is `text[base + start_k .. base + ends[k]]`.
    pub fn new(text: &'a str, base: usize, ends: &'a [u32]) -> Raw<'a> {
        Raw { text, base, ends }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, k: usize) -> Option<&'a str> {
        let end = *self.ends.get(k)? as usize;
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize + 1 };
        self.text.get(self.base + start..self.base + end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + 'a {
        let row = *self;
        (0..row.len()).map(move |k| row.get(k).unwrap_or(""))
    }

    /// The bytes from the first value's start to the last one's end, separators included: a
    /// quick filter for a byte that some value might hold.
    pub fn bytes(&self) -> &'a [u8] {
        let end = self.ends.last().map_or(0, |&e| e as usize);
        self.text.as_bytes().get(self.base..self.base + end).unwrap_or_default()
    }
}

impl PartialEq for Raw<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_copies_read_the_same() {
        let mut store = RawValues::default();
        let text = "x\na,,b c\n";
        let t = store.add_text(text.to_string());
        let a = store.push_range(t, 2, &[1, 2, 6]);
        let b = store.push_values(["a", "", "b c"]);
        let e = store.push_values(Vec::<&str>::new());
        assert_eq!(store.row(&a).iter().collect::<Vec<_>>(), ["a", "", "b c"]);
        assert_eq!(store.row(&a), store.row(&b));
        assert_eq!(store.row(&b).get(2), Some("b c"));
        assert_eq!(store.row(&b).get(3), None);
        assert_eq!(store.row(&a).bytes(), b"a,,b c");
        assert!(store.row(&e).is_empty());
        // A text still being imported is read from where it is.
        let p = RawRow { text: 7, len: 1, base: 1, at: 0 };
        assert_eq!(store.row_with(&p, Some((7, "_a,"))).get(0), Some("a"));
    }
}
