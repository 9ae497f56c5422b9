//! Ordinals in organization names: 第一中学 = 一中 = 1中 = 第1中学, and 第十一 ≠ 第一.

/// Value of a run of Chinese numeral characters (一 … 九, 十, 百, 千, 零/〇, 两), or `None` if the
/// run is not a well-formed number. Handles 十一 = 11, 二十 = 20, 一百零一 = 101, and the
/// digit-by-digit style 一〇一 = 101.
pub fn chinese_value(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return None;
    }
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let unit = |c: char| -> Option<u32> {
        Some(match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => return None,
        })
    };
    if chars.iter().all(|&c| digit(c).is_some()) {
        // 一〇一: digits written one by one. A single digit is the common case.
        return chars.iter().try_fold(0u32, |acc, &c| acc.checked_mul(10)?.checked_add(digit(c)?));
    }
    let mut total = 0u32;
    let mut pending: Option<u32> = None;
    let mut last_unit = u32::MAX;
    for &c in &chars {
        if let Some(d) = digit(c) {
            if pending.is_some() && d != 0 {
                return None; // 二三十: two digits in a row outside digit-by-digit style
            }
            pending = if d == 0 { None } else { Some(d) };
        } else if let Some(u) = unit(c) {
            if u >= last_unit {
                return None; // 十百: units must decrease
            }
            total += pending.take().unwrap_or(1) * u;
            last_unit = u;
        } else {
            return None;
        }
    }
    Some(total + pending.unwrap_or(0))
}

pub fn is_numeral_char(c: char) -> bool {
    matches!(
        c,
        '0'..='9'
            | '零'
            | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
    )
}

/// Value of a numeral written in ASCII digits or Chinese numerals.
pub fn numeral_value(s: &str) -> Option<u32> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    chinese_value(s)
}

/// Where an ordinal was found and what it is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ordinal {
    pub value: u32,
    /// Byte range of the ordinal expression (`第十一`, or just `三` in 三中).
    pub start: usize,
    pub end: usize,
    /// For the short school form (三中, 1小): the suffix it stands for (中学, 小学); for a unit's
    /// number after its kind word (卫生室2): that kind word. Written after the ordinal.
    pub school: Option<&'static str>,
}

/// The ordinal of a name body (region prefix already removed): `第` + numeral anywhere, or a
/// numeral right before a closing 中/小/中学/小学/院 (一中, 1小, 101中学, 一院).
pub fn find_ordinal(body: &str) -> Option<Ordinal> {
    for (i, marker) in body.match_indices('第') {
        let start_num = i + marker.len();
        let run: usize =
            body[start_num..].chars().take_while(|&c| is_numeral_char(c)).map(char::len_utf8).sum();
        if run == 0 {
            continue;
        }
        let end = start_num + run;
        if let Some(value) = numeral_value(&body[start_num..end]) {
            return Some(Ordinal { value, start: i, end, school: None });
        }
    }
    // Short school forms at the end: 三中, 十一中, 1小, 101中学.
    for (tail, school) in [
        ("中学", None),
        ("小学", None),
        ("中", Some("中学")),
        ("小", Some("小学")),
        // 市一院: the city's First People's Hospital.
        ("院", Some("人民医院")),
    ] {
        let Some(head) = body.strip_suffix(tail) else {
            continue;
        };
        let run: usize = head.chars().rev().take_while(|&c| is_numeral_char(c)).map(char::len_utf8).sum();
        if run == 0 {
            continue;
        }
        let start = head.len() - run;
        if let Some(value) = numeral_value(&head[start..]) {
            return Some(Ordinal { value, start, end: head.len(), school });
        }
    }
    numbered_after_kind(body)
}

/// Digits after a closing generic suffix number units of that kind (瓦窑村卫生室1 and
/// 瓦窑村卫生室2 are two clinics of one village): read as 瓦窑村第1卫生室, the ordinal spanning the
/// suffix and the digits.
fn numbered_after_kind(body: &str) -> Option<Ordinal> {
    let digits = body.bytes().rev().take_while(u8::is_ascii_digit).count();
    if !(1..=MAX_UNIT_NUMBER_DIGITS).contains(&digits) {
        return None;
    }
    let head = &body[..body.len() - digits];
    let (suffix, _) = super::tables::Suffixes::global().find(head)?;
    let start = head.len() - suffix.len();
    let value = body[head.len()..].parse().ok()?;
    (start > 0).then_some(Ordinal { value, start, end: body.len(), school: Some(suffix) })
}

/// Longer digit runs after a name are codes or phone numbers, not a unit's number.
const MAX_UNIT_NUMBER_DIGITS: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_value("一"), Some(1));
        assert_eq!(chinese_value("十"), Some(10));
        assert_eq!(chinese_value("十一"), Some(11));
        assert_eq!(chinese_value("二十"), Some(20));
        assert_eq!(chinese_value("二十三"), Some(23));
        assert_eq!(chinese_value("一百零一"), Some(101));
        assert_eq!(chinese_value("一〇一"), Some(101));
        assert_eq!(chinese_value("两"), Some(2));
        assert_eq!(chinese_value("十百"), None);
        assert_eq!(chinese_value("中"), None);
        assert_eq!(numeral_value("11"), Some(11));
    }

    #[test]
    fn ordinal_forms_agree() {
        let v = |s: &str| find_ordinal(s).map(|o| o.value);
        assert_eq!(v("第一中学"), Some(1));
        assert_eq!(v("一中"), Some(1));
        assert_eq!(v("1中"), Some(1));
        assert_eq!(v("第1中学"), Some(1));
        assert_eq!(v("第十一中学"), Some(11));
        assert_eq!(v("十一中"), Some(11));
        assert_eq!(v("101中学"), Some(101));
        assert_eq!(v("第二人民医院"), Some(2));
        assert_eq!(v("实验中学"), None);
        assert_eq!(v("第一"), Some(1));
        assert_eq!(find_ordinal("三中").and_then(|o| o.school), Some("中学"));
        assert_eq!(find_ordinal("一院").and_then(|o| o.school), Some("人民医院"));
    }
}
