//! Entry points shared by the cargo-fuzz targets (fuzz/) and the regression test that replays
//! the inputs they found (fixtures/hostile/fuzz/): each must return without panicking for any
//! bytes, and report broken invariants by panicking on purpose.

use crate::error::Error;
use crate::import::{import_bytes, import_chunked, Chunking, ImportOptions, SeenIds};
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
    let outcome = import_bytes(&mut dir, &mut SeenIds::default(), "fuzz.csv", body, &opts);
    match &outcome {
        Ok(()) => {
            let c = dir.totals();
            assert_eq!(c.rows_read, c.accepted + c.rejected + c.exact_repeats, "row accounting");
            assert_eq!(dir.records.len() as u64, c.accepted);
        }
        // A broken invariant, not bad input.
        Err(e @ Error::Internal(_)) => panic!("{e}"),
        Err(_) => {}
    }
    // The same outcome with the body read by the csv crate's reader record by record, and in
    // tiny chunks on two threads.
    for chunking in [Chunking { size: 0, threads: 1 }, Chunking { size: 1 + body.len() % 7, threads: 2 }] {
        let mut other = Directory::default();
        let again =
            import_chunked(&mut other, &mut SeenIds::default(), "fuzz.csv", body.to_vec(), &opts, chunking);
        let what = format!("{chunking:?} differs on {:?}", String::from_utf8_lossy(body));
        assert_eq!(
            again.as_ref().map_err(ToString::to_string),
            outcome.as_ref().map_err(ToString::to_string),
            "{what}"
        );
        if outcome.is_ok() {
            assert_eq!(imported(&other), imported(&dir), "{what}");
        }
    }
}

/// Everything an import produced, comparable.
fn imported(dir: &Directory) -> impl PartialEq + std::fmt::Debug + '_ {
    let records: Vec<_> = (0..dir.len())
        .map(|i| {
            let r = &dir.records[i];
            let values: Vec<&str> = dir.raw_row(i as u32).iter().collect();
            (r.file, r.line, values, r.id.as_str(), &*r.parent_id, r.parent)
        })
        .collect();
    let counts: Vec<_> = dir.files.iter().map(|f| (f.counts, f.headers.clone(), f.columns)).collect();
    (records, counts, dir.rejected.clone(), dir.notes.clone())
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
    use proptest::prelude::*;

    use super::*;

    /// CSV-ish building blocks: headers, delimiters, quotes, line ends, NUL, bytes that are bad in
    /// UTF-8 or GB18030, BOMs, Chinese in both encodings.
    const PIECES: &[&[u8]] = &[
        b"\x00",
        b"\x01",
        b"\x02",
        b"\x04",
        b",",
        b";",
        b"\t",
        b"|",
        b"\"",
        b"\"\"",
        b"\n",
        b"\r\n",
        b"\r",
        b" ",
        b"id",
        b"name",
        b"parent_id",
        b"ORG1",
        b"ORG2",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFF",
        b"\x80",
        b"\xD7\xE9",
        "组织ID".as_bytes(),
        "组织名称".as_bytes(),
        "上级组织ID".as_bytes(),
        "科协".as_bytes(),
        "ＯＲＧ１".as_bytes(),
        b"\xD7\xE9\xD6\xAF",
        b"PK\x03\x04",
        b"91350200776049653A",
        b"\xE4\xB8",
    ];

    fn cases() -> u32 {
        std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

        /// The bounded stand-in for `cargo fuzz` where nightly is missing: same entry points.
        /// `FUZZ_CASES=200000 cargo test --release --lib fuzzing` for a long run.
        #[test]
        fn structured_inputs_never_panic(parts in prop::collection::vec(prop::sample::select(PIECES), 0..80)) {
            let data = parts.concat();
            import_input(&data);
            normalize_input(&data[data.len().min(1)..]);
            uscc_input(&data);
        }

        #[test]
        fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..300)) {
            import_input(&data);
            normalize_input(&data);
            uscc_input(&data);
        }
    }

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
