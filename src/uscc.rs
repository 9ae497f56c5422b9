//! Unified social credit code (统一社会信用代码, GB 32100-2015) validation.
//!
//! 18 characters: registration authority (1), category (1), division code (6), organization code
//! (9, GB 11714: 8 body characters and a mod-11 check), and a mod-31 check character. Letters I, O,
//! S, V and Z are never used.

/// The 31 characters of the code alphabet, in value order.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100 weights: 3^(i) mod 31 for positions 1..17.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/// GB 11714 weights for the 8 body characters of the organization code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsccCheck {
    /// The field is empty: many directories have no code for small units.
    Absent,
    /// Passes both checks; carries the 6-digit division code.
    Valid {
        division: u32,
    },
    Invalid(UsccError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsccError {
    Length(usize),
    Charset {
        position: usize,
        ch: char,
    },
    DivisionNotDigits,
    OrgCodeCheck {
        expected: char,
        found: char,
    },
    CheckChar {
        expected: char,
        found: char,
    },
    /// An all-digit code stored as a number by Excel or WPS (`5.11502E+17`, or 18 digits padded
    /// with zeros past the 15th): the lost digits cannot be recovered from the dump.
    ExcelMangled,
}

impl std::fmt::Display for UsccError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UsccError::Length(n) => write!(f, "has {n} characters, expected 18"),
            UsccError::Charset { position, ch } => {
                write!(f, "character {position} '{ch}' is not allowed (I, O, S, V, Z and non-alphanumerics never appear)")
            }
            UsccError::DivisionNotDigits => write!(f, "characters 3-8 (division code) are not digits"),
            UsccError::OrgCodeCheck { expected, found } => write!(
                f,
                "organization-code check character (17th) is '{found}', GB 11714 expects '{expected}'"
            ),
            UsccError::CheckChar { expected, found } => {
                write!(f, "check character (18th) is '{found}', GB 32100 expects '{expected}'")
            }
            UsccError::ExcelMangled => write!(
                f,
                "was turned into a number by Excel or WPS (an all-digit code kept only its first digits); \
                 the digits are lost: take the codes from the platform again and, in the sheet, {}",
                crate::excel::EXPORT_AS_TEXT
            ),
        }
    }
}

fn value(b: u8) -> Option<u32> {
    CHARSET.iter().position(|&c| c == b).map(|p| p as u32)
}

/// GB 11714 value of a body character: digits 0-9, letters A-Z as 10-35.
fn org_value(b: u8) -> u32 {
    if b.is_ascii_digit() {
        (b - b'0') as u32
    } else {
        (b - b'A') as u32 + 10
    }
}

fn org_check_char(body: &[u8]) -> char {
    let sum: u32 = body.iter().zip(ORG_WEIGHTS).map(|(&b, w)| org_value(b) * w).sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from(b'0' + c as u8),
    }
}

/// The GB 32100 check character for the first 17 characters (which must be in the charset).
pub fn check_char(first17: &[u8]) -> Option<char> {
    let mut sum = 0;
    for (i, &b) in first17.iter().take(17).enumerate() {
        sum += value(b)? * WEIGHTS[i];
    }
    let c = (31 - sum % 31) % 31;
    Some(CHARSET[c as usize] as char)
}

/// Validate a credit code as written in the dump (surrounding whitespace ignored, lowercase
/// accepted: typists do that, and the letters are unambiguous).
pub fn validate(raw: &str) -> UsccCheck {
    match validate_text(raw) {
        UsccCheck::Invalid(_) if crate::excel::is_scientific(raw) || crate::excel::lost_precision(raw) => {
            UsccCheck::Invalid(UsccError::ExcelMangled)
        }
        other => other,
    }
}

fn validate_text(raw: &str) -> UsccCheck {
    let s = raw.trim();
    if s.is_empty() {
        return UsccCheck::Absent;
    }
    let n = s.chars().count();
    if n != 18 {
        return UsccCheck::Invalid(UsccError::Length(n));
    }
    let up: Vec<u8> = s.bytes().map(|b| b.to_ascii_uppercase()).collect();
    if up.len() != 18 {
        // Multi-byte characters inside an 18-character string.
        let (position, ch) =
            s.chars().enumerate().find(|(_, c)| !c.is_ascii()).map(|(i, c)| (i + 1, c)).unwrap_or((1, '?'));
        return UsccCheck::Invalid(UsccError::Charset { position, ch });
    }
    for (i, &b) in up.iter().enumerate() {
        if value(b).is_none() {
            return UsccCheck::Invalid(UsccError::Charset { position: i + 1, ch: b as char });
        }
    }
    if !up[2..8].iter().all(u8::is_ascii_digit) {
        return UsccCheck::Invalid(UsccError::DivisionNotDigits);
    }
    let expected = org_check_char(&up[8..16]);
    if up[16] as char != expected {
        return UsccCheck::Invalid(UsccError::OrgCodeCheck { expected, found: up[16] as char });
    }
    let expected = check_char(&up[..17]).unwrap_or('?');
    if up[17] as char != expected {
        return UsccCheck::Invalid(UsccError::CheckChar { expected, found: up[17] as char });
    }
    let division = std::str::from_utf8(&up[2..8]).ok().and_then(|d| d.parse().ok()).unwrap_or(0);
    UsccCheck::Valid { division }
}

/// The canonical form used to compare codes (trimmed, uppercase), if valid.
pub fn canonical(raw: &str) -> Option<String> {
    matches!(validate(raw), UsccCheck::Valid { .. }).then(|| raw.trim().to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes of real companies as printed on public business-licence notices.
    const PUBLISHED: &[&str] = &[
        "91350200776049653A",
        "91350503MA31DKY80A",
        "91440101MA5CJQ4N59",
        "123502001549897397",
        "9135021359498494XQ",
        "91350213678251743X",
    ];

    #[test]
    fn published_codes_are_valid() {
        for c in PUBLISHED {
            assert!(matches!(validate(c), UsccCheck::Valid { .. }), "{c}");
        }
        assert_eq!(validate("91350200776049653A"), UsccCheck::Valid { division: 350200 });
        assert!(matches!(validate(" 91350200776049653a "), UsccCheck::Valid { .. }));
    }

    #[test]
    fn hand_computed_check_char() {
        // 9135020077604965 3 → weighted sum by hand: check character A (see docs/findings.md).
        assert_eq!(check_char(b"91350200776049653"), Some('A'));
    }

    #[test]
    fn every_single_character_change_is_caught() {
        for code in PUBLISHED {
            let bytes = code.as_bytes();
            for i in 0..18 {
                for &c in CHARSET.iter() {
                    if c == bytes[i] {
                        continue;
                    }
                    let mut b = bytes.to_vec();
                    b[i] = c;
                    let s = String::from_utf8(b).unwrap();
                    assert!(!matches!(validate(&s), UsccCheck::Valid { .. }), "{s} accepted");
                }
            }
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(validate(""), UsccCheck::Absent);
        assert_eq!(validate("9135"), UsccCheck::Invalid(UsccError::Length(4)));
        assert!(matches!(
            validate("91350200776049653I"),
            UsccCheck::Invalid(UsccError::Charset { position: 18, ch: 'I' })
        ));
        assert!(matches!(
            validate("91350200776049653B"),
            UsccCheck::Invalid(UsccError::CheckChar { expected: 'A', found: 'B' })
        ));
        assert!(matches!(validate("91350200776049663A"), UsccCheck::Invalid(UsccError::OrgCodeCheck { .. })));
    }
}
