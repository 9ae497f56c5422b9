//! Encoding detection: UTF-8 (with or without BOM) or GB18030. Anything else is refused with the
//! offset of the first byte that does not decode, so the user can find it in a hex editor.

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_8};

#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub had_bom: bool,
}

/// Decode a whole file. `forced` skips detection (but a BOM is still removed).
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8 or \
                    GB18030 (Excel: 另存为 → CSV UTF-8), or export it again as CSV"
            .to_string());
    }
    let (body, had_bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let utf8_error = match std::str::from_utf8(body) {
        Ok(s) if forced.is_none_or(|f| f == UTF_8) => {
            return Ok(Decoded { text: s.to_string(), encoding: UTF_8, had_bom });
        }
        Ok(_) => None,
        Err(e) => Some(e.valid_up_to() + if had_bom { 3 } else { 0 }),
    };
    if forced == Some(UTF_8) || (had_bom && forced.is_none()) {
        let at = utf8_error.unwrap_or(0);
        return Err(format!(
            "not valid UTF-8: first bad byte at offset {at} (0x{:02X}){}; if the file is GBK/GB18030, \
             pass --encoding gb18030",
            bytes.get(at).copied().unwrap_or(0),
            if had_bom { " although the file starts with a UTF-8 BOM (mixed encodings?)" } else { "" },
        ));
    }
    match decode_strict(body, GB18030) {
        Ok(text) => {
            if forced.is_none() && looks_like_mixed(&text) {
                return Err(format!(
                    "mixed encodings: the file is not valid UTF-8 (first bad byte at offset {}), and read \
                     as GB18030 it contains UTF-8 text misread as GBK; convert the whole file to one encoding",
                    utf8_error.unwrap_or(0)
                ));
            }
            Ok(Decoded { text, encoding: GB18030, had_bom })
        }
        Err(gb_at) => Err(match utf8_error {
            Some(u) => format!(
                "neither UTF-8 (first bad byte at offset {u}) nor GB18030 (first bad byte at offset {}); \
                 save the file as UTF-8 or GB18030",
                gb_at + if had_bom { 3 } else { 0 }
            ),
            None => format!("not valid GB18030: first bad byte at offset {gb_at}"),
        }),
    }
}

/// Decode without replacement characters; on failure, the offset of the first malformed byte.
fn decode_strict(bytes: &[u8], enc: &'static Encoding) -> Result<String, usize> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut read_total = 0;
    loop {
        if out.capacity() - out.len() < 4096 {
            out.reserve(bytes.len() / 2 + 4096);
        }
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[read_total..], &mut out, true);
        read_total += read;
        match result {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(bad, extra) => {
                return Err(read_total - bad as usize - extra as usize);
            }
        }
    }
}

/// UTF-8 Chinese read as GB18030 turns into runs of rare characters such as 鍏, 绉, 瀛, 鎶; a file
/// where UTF-8 lines were pasted into a GBK file shows those. We look for the lead bytes of UTF-8
/// 3-byte sequences decoded as GB18030: characters from a small set that real org names never use.
fn looks_like_mixed(text: &str) -> bool {
    // The GB18030 readings of UTF-8 encodings of 科/学/技/术/协/会/市/省/县/区 (their first 2 bytes).
    const MOJIBAKE: &[&str] = &["绉戝", "瀛", "鎶€", "鏈", "鍗忎", "浼", "甯", "鐪", "鍘", "鍖"];
    let hits = MOJIBAKE.iter().filter(|m| text.contains(*m)).count();
    hits >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode("\u{feff}组织ID".as_bytes(), None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding, d.had_bom), ("组织ID", UTF_8, true));
        let d = decode("组织ID".as_bytes(), None).unwrap();
        assert!(!d.had_bom);
    }

    #[test]
    fn gb18030_detected() {
        let (bytes, _, _) = GB18030.encode("组织名称,安徽省科学技术协会");
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, GB18030);
        assert_eq!(d.text, "组织名称,安徽省科学技术协会");
    }

    #[test]
    fn utf16_refused() {
        let e = decode(b"\xFF\xFEa\x00", None).unwrap_err();
        assert!(e.contains("UTF-16"), "{e}");
    }

    #[test]
    fn garbage_names_offset() {
        // 0xFF is invalid in both UTF-8 and GB18030.
        let e = decode(b"id,name\n1,\xFF\n", None).unwrap_err();
        assert!(e.contains("offset 10"), "{e}");
    }

    #[test]
    fn mixed_utf8_inside_gbk_is_refused() {
        let mut bytes = GB18030.encode("组织ID,组织名称\n1,合肥市科学技术协会\n").0.into_owned();
        bytes.extend_from_slice("2,安徽省科学技术协会市区县\n".as_bytes());
        let e = decode(&bytes, None).unwrap_err();
        assert!(e.contains("mixed"), "{e}");
    }
}
