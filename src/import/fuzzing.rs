//! Entry points shared by the cargo-fuzz targets (fuzz/) and the regression test that replays
//! the inputs they found (fixtures/hostile/fuzz/): each must return without panicking for any
//! bytes, and report broken invariants by panicking on purpose.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use crate::error::Error;
use crate::import::{import_bytes, ImportOptions, SeenIds};
use crate::model::Directory;

/// Decode + parse + map one file. The first byte picks the options (forced encoding, delimiter),
/// the rest is the file.
pub fn import_input(data: &[u8]) {
    let (opts, body) = match data.split_first() {
        Some((&sel, rest)) => {
            let encoding = match sel & 3 {
                1 => Some(encoding_rs::UTF_8),
                2 => Some(encoding_rs::GB18030),
                _ => None,
            };
            let delimiter = match (sel >> 2) & 3 {
                1 => Some(b','),
                2 => Some(b'\t'),
                3 => Some(b';'),
                _ => None,
            };
            (ImportOptions { encoding, delimiter, ..ImportOptions::default() }, rest)
        }
        None => (ImportOptions::default(), data),
    };
    let mut dir = Directory::default();
    match import_bytes(&mut dir, &mut SeenIds::default(), "fuzz.csv", body, &opts) {
        Ok(()) => {
            let c = dir.totals();
            assert_eq!(c.rows_read, c.accepted + c.rejected + c.exact_repeats, "row accounting");
            assert_eq!(dir.records.len() as u64, c.accepted);
        }
        // A broken invariant, not bad input.
        Err(e @ Error::Internal(_)) => panic!("{e}"),
        Err(_) => {}
    }
}

/// The name normalizer on any text.
pub fn normalize_input(data: &[u8]) {
    let name = String::from_utf8_lossy(data);
    let parts = crate::normalize::parse(&name, crate::geo::Gazetteer::global());
    let _ = crate::normalize::fold(&parts.key);
}

/// The credit-code validator on any text; a valid code stays valid in canonical form.
pub fn uscc_input(data: &[u8]) {
    let raw = String::from_utf8_lossy(data);
    let check = crate::uscc::validate(&raw);
    if let Some(c) = crate::uscc::canonical(&raw) {
        if matches!(check, crate::uscc::UsccCheck::Valid { .. }) {
            assert!(
                matches!(crate::uscc::validate(&c), crate::uscc::UsccCheck::Valid { .. }),
                "{raw:?} -> {c:?}"
            );
        }
    }
    let _ = crate::uscc::check_char(data);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_points_take_anything() {
        for data in
            [&b""[..], b"\x00", b"\x01id,name\n1,a\n", b"\x02\xff\xfe", b"\x00\"", "组织ID".as_bytes()]
        {
            import_input(data);
            normalize_input(data);
            uscc_input(data);
        }
    }
}
