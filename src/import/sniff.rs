//! Guessing the layout of a file before parsing it: the delimiter and the line ends.

use super::header::{map_headers, ColumnOverride, MAX_TITLE_ROWS};

/// Delimiters tried, in order of preference.
const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];

/// The delimiter with which one of the first lines reads as a header naming both `id` and `name`
/// (so that a semicolon file whose header also holds a comma is still read right); failing that,
/// comma unless the first line has no comma but tabs, semicolons or bars.
pub fn detect_delimiter(text: &str, overrides: &[ColumnOverride]) -> u8 {
    let head: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(MAX_TITLE_ROWS + 1).collect();
    for d in CANDIDATES {
        let maps = head.iter().any(|line| {
            let cells = csv::StringRecord::from(line.split(d as char).collect::<Vec<_>>());
            cells.len() > 1 && map_headers(&cells, overrides).1.is_empty()
        });
        if maps {
            return d;
        }
    }
    let first = head.first().copied().unwrap_or("");
    CANDIDATES.into_iter().find(|&d| first.contains(d as char)).unwrap_or(b',')
}

/// Another delimiter that the line holds, when it was read as a single column: a hint for the
/// "column not found" message.
pub fn other_delimiter_hint(line_cells: &csv::StringRecord, used: u8) -> Option<String> {
    if line_cells.len() != 1 {
        return None;
    }
    let cell = line_cells.get(0).unwrap_or("");
    CANDIDATES.into_iter().filter(|&d| d != used).find(|&d| cell.contains(d as char)).map(|d| {
        let shown = if d == b'\t' { "tab".to_string() } else { format!("'{}'", d as char) };
        format!(
            "; the header line is one column read with '{}' but holds {shown}: try --delimiter {shown}",
            used as char
        )
    })
}

pub fn first_line_is_crlf(text: &str) -> bool {
    text.find('\n').is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("id,name\n", &[]), b',');
        assert_eq!(detect_delimiter("id\tname\n", &[]), b'\t');
        assert_eq!(detect_delimiter("组织ID;组织名称;备注,说明\n1;甲;x\n", &[]), b';');
        assert_eq!(detect_delimiter("导出,2024\n组织ID|组织名称\n", &[]), b'|');
        assert_eq!(detect_delimiter("a;b\n", &[]), b';');
        assert_eq!(detect_delimiter("", &[]), b',');
    }

    #[test]
    fn hint() {
        let rec = csv::StringRecord::from(vec!["编号;单位"]);
        let h = other_delimiter_hint(&rec, b',').unwrap();
        assert!(h.contains("--delimiter ';'"), "{h}");
        assert_eq!(other_delimiter_hint(&csv::StringRecord::from(vec!["a", "b"]), b','), None);
    }
}
