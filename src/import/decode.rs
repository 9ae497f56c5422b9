//! Encoding detection: UTF-8 (with or without BOM) or GB18030. Anything else is refused with the
//! offset, line and byte-in-line of the first byte that does not decode, so the user can find it in
//! an editor or a hex viewer.

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_8};

#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub had_bom: bool,
    /// The file's bytes when they differ from `text` (GB18030); for UTF-8 they are `text` with the
    /// BOM, if any, in front.
    pub original: Option<Vec<u8>>,
}

impl Decoded {
    /// SHA-256 of the file's bytes as read.
    pub fn sha256(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        match &self.original {
            Some(bytes) => h.update(bytes),
            None => {
                if self.had_bom {
                    h.update(UTF8_BOM);
                }
                h.update(self.text.as_bytes());
            }
        }
        h.finalize().into()
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

const SAVE_AS: &str =
    "save it as UTF-8 or GB18030 (Excel: 另存为 → \"CSV UTF-8 (逗号分隔)\"; WPS: 另存为 → CSV)";

/// Decode a whole file. `forced` skips detection (but a BOM is still removed).
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, String> {
    decode_owned(bytes.to_vec(), forced)
}

/// `decode`, taking ownership so that the usual case (UTF-8) costs no copy.
pub fn decode_owned(mut bytes: Vec<u8>, forced: Option<&'static Encoding>) -> Result<Decoded, String> {
    if let Some(kind) = utf16_kind(&bytes) {
        return Err(format!("file is UTF-16 ({kind}); {SAVE_AS}"));
    }
    if let Some(kind) = spreadsheet_kind(&bytes) {
        return Err(format!("file is {kind}, not CSV; {SAVE_AS}"));
    }
    let had_bom = bytes.starts_with(UTF8_BOM);
    let bom_len = if had_bom { UTF8_BOM.len() } else { 0 };
    let utf8_error = if forced.is_none_or(|f| f == UTF_8) {
        // Validated once (a tenth of a large import): a UTF-8 file becomes the text without a
        // copy; any other gets its bytes back, BOM included, for the messages below.
        bytes.drain(..bom_len);
        // simdutf8 (already built for polars) checks a 120 MB dump in a few hundredths of a
        // second; std's check, one byte at a time on Chinese text, took 0.2 s before parsing
        // could start.
        match simdutf8::compat::from_utf8(&bytes) {
            // SAFETY: the bytes were just checked to be UTF-8.
            Ok(_) => {
                let text = unsafe { String::from_utf8_unchecked(bytes) };
                return Ok(Decoded { text, encoding: UTF_8, had_bom, original: None });
            }
            Err(e) => {
                let at = e.valid_up_to() + bom_len;
                bytes.splice(0..0, UTF8_BOM[..bom_len].iter().copied());
                Some(at)
            }
        }
    } else {
        std::str::from_utf8(&bytes[bom_len..]).err().map(|e| e.valid_up_to() + bom_len)
    };
    if forced == Some(UTF_8) || (had_bom && forced.is_none()) {
        let at = utf8_error.unwrap_or(0);
        return Err(format!(
            "not valid UTF-8: first bad byte 0x{:02X} at {}{}; if the file is GBK/GB18030, pass --encoding gb18030",
            bytes.get(at).copied().unwrap_or(0),
            locate(&bytes, at),
            if had_bom {
                " although the file starts with a UTF-8 BOM (mixed encodings? convert the whole file to one encoding)"
            } else {
                ""
            },
        ));
    }
    if forced.is_none() {
        let bad_line_is_gb = utf8_error.is_some_and(|bad| line_decodes_as_gb18030(&bytes, bad));
        if let (Some(bad), Some(utf8_line), true) =
            (utf8_error, first_utf8_chinese_line(&bytes), bad_line_is_gb)
        {
            return Err(format!(
                "mixed encodings: line {utf8_line} is UTF-8 Chinese text, but the byte 0x{:02X} at {} is not \
                 UTF-8 (GBK/GB18030?); convert the whole file to one encoding, then {SAVE_AS}",
                bytes.get(bad).copied().unwrap_or(0),
                locate(&bytes, bad)
            ));
        }
    }
    match decode_strict(&bytes[bom_len..], GB18030) {
        Ok(text) => Ok(Decoded { text, encoding: GB18030, had_bom, original: Some(bytes) }),
        Err(gb_at) => {
            let gb_at = gb_at + bom_len;
            Err(match utf8_error {
                Some(u) => format!(
                    "neither UTF-8 (first bad byte 0x{:02X} at {}) nor GB18030 (first bad byte 0x{:02X} at {}); \
                     the file may be damaged or in another encoding: {SAVE_AS}",
                    bytes.get(u).copied().unwrap_or(0),
                    locate(&bytes, u),
                    bytes.get(gb_at).copied().unwrap_or(0),
                    locate(&bytes, gb_at)
                ),
                None => format!(
                    "not valid GB18030: first bad byte 0x{:02X} at {}; if the file is UTF-8, pass --encoding utf-8",
                    bytes.get(gb_at).copied().unwrap_or(0),
                    locate(&bytes, gb_at)
                ),
            })
        }
    }
}

/// "offset N (line L, byte B of the line)": lines counted from 1 on `\n`, bytes from 1.
pub fn locate(bytes: &[u8], offset: usize) -> String {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    format!("offset {offset} (line {line}, byte {} of the line)", offset - line_start + 1)
}

/// UTF-16 with a byte-order mark, or without one (then every other byte of ASCII text is NUL).
fn utf16_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Some("it starts with a UTF-16 byte-order mark");
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.len() < 4 {
        return None;
    }
    let nul_at = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let half = head.len() / 2;
    // Headers are ASCII or CJK: in UTF-16 at least a third of one byte column is NUL, while a
    // text file with stray NULs (rejected row by row) has them scattered.
    if nul_at(0).max(nul_at(1)) * 3 >= half && nul_at(0).abs_diff(nul_at(1)) * 2 >= half / 3 {
        return Some("no byte-order mark, but every other byte is NUL");
    }
    None
}

/// Workbooks given instead of their CSV export (a common slip: the .xlsx next to the .csv).
fn spreadsheet_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some("a ZIP archive (an Excel .xlsx / WPS .et workbook?)")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("an old-style Excel .xls workbook")
    } else {
        None
    }
}

/// Whether the line holding byte `at` is valid GB18030 (then a UTF-8 line elsewhere means the
/// file mixes encodings; otherwise the byte is simply garbage).
fn line_decodes_as_gb18030(bytes: &[u8], at: usize) -> bool {
    let at = at.min(bytes.len());
    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
    decode_strict(&bytes[start..end], GB18030).is_ok()
}

/// The first line (1-based) that is valid UTF-8 holding at least two CJK characters and nothing
/// but CJK, ASCII and full-width forms. GBK text almost never decodes as UTF-8 like that, so such
/// a line in a file that is not UTF-8 means UTF-8 and GBK lines were pasted together.
fn first_utf8_chinese_line(bytes: &[u8]) -> Option<usize> {
    let mut line_no = 0;
    for line in bytes.split(|&b| b == b'\n') {
        line_no += 1;
        if line.is_ascii() {
            continue;
        }
        let Ok(s) = std::str::from_utf8(line) else { continue };
        let s = s.trim_start_matches('\u{feff}');
        let cjk = s.chars().filter(|&c| is_cjk(c)).count();
        if cjk >= 2 && s.chars().all(|c| c.is_ascii() || is_cjk(c) || is_fullwidth_or_punct(c)) {
            return Some(line_no);
        }
    }
    None
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

fn is_fullwidth_or_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' | '\u{2010}'..='\u{206F}')
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
                return Err(read_total.saturating_sub(bad as usize + extra as usize));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(b: &[u8]) -> Result<Decoded, String> {
        decode(b, None)
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = dec("\u{feff}组织ID".as_bytes()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding, d.had_bom), ("组织ID", UTF_8, true));
        let d = dec("组织ID".as_bytes()).unwrap();
        assert!(!d.had_bom);
    }

    #[test]
    fn gb18030_detected() {
        let (bytes, _, _) = GB18030.encode("组织名称,安徽省科学技术协会");
        let d = dec(&bytes).unwrap();
        assert_eq!(d.encoding, GB18030);
        assert_eq!(d.text, "组织名称,安徽省科学技术协会");
    }

    #[test]
    fn utf16_refused_with_and_without_bom() {
        let e = dec(b"\xFF\xFEa\x00").unwrap_err();
        assert!(e.contains("UTF-16") && e.contains("save it as UTF-8 or GB18030"), "{e}");
        let le: Vec<u8> = "id,name\n1,甲\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let e = dec(&le).unwrap_err();
        assert!(e.contains("every other byte is NUL"), "{e}");
        // A few stray NULs are not UTF-16: those rows are rejected one by one later.
        assert!(dec(b"id,name\n1,a\0b\n2,c\n3,d\n").is_ok());
    }

    #[test]
    fn garbage_names_offset_line_and_byte() {
        // 0xFF is invalid in both UTF-8 and GB18030.
        let e = dec(b"id,name\n1,\xFF\n").unwrap_err();
        assert!(e.contains("offset 10 (line 2, byte 3 of the line)"), "{e}");
        assert!(e.starts_with("neither UTF-8"), "{e}");
        // Also in a UTF-8 Chinese file: garbage, not a second encoding.
        let mut bytes = "组织ID,组织名称\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"1,\xFF\n");
        let e = dec(&bytes).unwrap_err();
        assert!(e.starts_with("neither UTF-8"), "{e}");
    }

    #[test]
    fn mixed_utf8_inside_gbk_is_refused() {
        let mut bytes = GB18030.encode("组织ID,组织名称\n1,合肥市科学技术协会\n").0.into_owned();
        bytes.extend_from_slice("2,安徽省科学技术协会\n".as_bytes());
        let e = dec(&bytes).unwrap_err();
        assert!(e.starts_with("mixed encodings: line 3 is UTF-8"), "{e}");
        assert!(e.contains("line 1, byte 1 of the line"), "{e}");
    }

    #[test]
    fn gbk_inside_utf8_with_bom_is_refused() {
        let mut bytes = "\u{feff}组织ID,组织名称\n1,合肥市科协\n".as_bytes().to_vec();
        bytes.extend_from_slice(&GB18030.encode("2,安徽省科协\n").0);
        let e = dec(&bytes).unwrap_err();
        assert!(e.contains("line 3, byte 3") && e.contains("mixed encodings"), "{e}");
    }

    #[test]
    fn sha_is_of_the_bytes_as_read() {
        use sha2::{Digest, Sha256};
        for bytes in ["\u{feff}a,b".as_bytes().to_vec(), GB18030.encode("组织ID").0.into_owned()] {
            let want: [u8; 32] = Sha256::digest(&bytes).into();
            assert_eq!(dec(&bytes).unwrap().sha256(), want);
        }
    }

    #[test]
    fn workbooks_refused() {
        let e = dec(b"PK\x03\x04rest").unwrap_err();
        assert!(e.contains("xlsx") && e.contains("save it as UTF-8"), "{e}");
    }

    #[test]
    fn forced_encodings() {
        let gb = GB18030.encode("组织ID,组织名称").0.into_owned();
        let e = decode(&gb, Some(UTF_8)).unwrap_err();
        assert!(e.contains("--encoding gb18030"), "{e}");
        assert_eq!(decode(&gb, Some(GB18030)).unwrap().text, "组织ID,组织名称");
    }
}
