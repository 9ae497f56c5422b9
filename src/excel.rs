//! What Excel and WPS do to values on the way through a spreadsheet, recognised so that a dump
//! that passed through one is read as its author meant it (or the damage is named).
//!
//! - `="0012"`: the trick for keeping leading zeros; the value is `0012`.
//! - `5.11502E+17`: an all-digit credit code stored as a number; the digits after the 6th are
//!   lost, nothing can bring them back.
//! - `43580`: a date stored as its serial number (days since 1899-12-30).

use chrono::{Duration, NaiveDate};

/// The text inside `="…"`, if `s` is written that way.
pub fn unwrap_formula_text(s: &str) -> Option<&str> {
    let t = s.trim();
    let inner = t.strip_prefix("=\"")?.strip_suffix('"')?;
    (!inner.contains('"')).then_some(inner)
}

/// A number in scientific notation as Excel shows a long number: `5.11502E+17`, `5.1E17`.
pub fn is_scientific(s: &str) -> bool {
    let t = s.trim();
    let Some((mantissa, exp)) = t.split_once(['E', 'e']) else { return false };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !exp.is_empty()
        && exp.bytes().all(|b| b.is_ascii_digit())
}

/// An 18-digit code that went through a number: Excel keeps 15 significant digits and pads the
/// rest with zeros (`511502000000000000`).
pub fn lost_precision(s: &str) -> bool {
    let t = s.trim();
    t.len() == 18 && t.bytes().all(|b| b.is_ascii_digit()) && t.ends_with("000") && !t.starts_with('0')
}

/// Serial numbers of dates from 1950 to 2100: outside this, a number is not taken for a date.
const SERIAL_RANGE: std::ops::RangeInclusive<f64> = 18_264.0..=73_051.0;

/// The date (and time of day, when the serial has a fraction) of an Excel serial date, as
/// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`.
pub fn serial_date(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let v: f64 = t.parse().ok()?;
    if !SERIAL_RANGE.contains(&v) {
        return None;
    }
    // Excel's day 0 is 1899-12-31 but it counts a 29 February 1900 that never was: from March
    // 1900 on, day n is 1899-12-30 + n.
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = v.trunc() as i64;
    let date = epoch.checked_add_signed(Duration::days(days))?;
    let secs = ((v - v.trunc()) * 86_400.0).round() as u32;
    if secs == 0 {
        return Some(date.format("%Y-%m-%d").to_string());
    }
    let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs.min(86_399), 0)?;
    Some(format!("{} {}", date.format("%Y-%m-%d"), time.format("%H:%M:%S")))
}

/// How to keep a column as text when exporting from Excel or WPS (for messages).
pub const EXPORT_AS_TEXT: &str =
    "set the column's format to Text (WPS: 文本) before typing or pasting the values, \
     or import the CSV with Data → From Text/CSV and choose Text for the column, then export again";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_text() {
        assert_eq!(unwrap_formula_text("=\"0012\""), Some("0012"));
        assert_eq!(unwrap_formula_text(" =\"ORG001\" "), Some("ORG001"));
        assert_eq!(unwrap_formula_text("=SUM(A1)"), None);
        assert_eq!(unwrap_formula_text("0012"), None);
    }

    #[test]
    fn scientific() {
        assert!(is_scientific("5.11502E+17"));
        assert!(is_scientific("9.1E17"));
        assert!(!is_scientific("91340100MA2RXXXX0E"));
        assert!(!is_scientific("E+17"));
        assert!(lost_precision("511502000000000000"));
        assert!(!lost_precision("91340100MA2R000000"));
    }

    #[test]
    fn serial_dates() {
        assert_eq!(serial_date("43580").as_deref(), Some("2019-04-25"));
        assert_eq!(serial_date("43580.5").as_deref(), Some("2019-04-25 12:00:00"));
        assert_eq!(serial_date("2019-04-26"), None);
        assert_eq!(serial_date("20190426"), None);
        assert_eq!(serial_date("12"), None);
    }
}
