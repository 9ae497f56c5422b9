//! Round trip: import → write in the input's format → import again gives every original column
//! byte for byte, for generated tables with quotes, delimiters, line breaks, Chinese text, both
//! encodings, with and without BOM, LF and CRLF.

use proptest::prelude::*;

use super::*;
use crate::import::{import_bytes, ImportOptions, SeenIds};
use crate::model::Directory;

fn import(bytes: &[u8]) -> Directory {
    let mut dir = Directory::default();
    import_bytes(&mut dir, &mut SeenIds::default(), "t.csv", bytes, &ImportOptions::default())
        .unwrap_or_else(|e| panic!("import failed: {e}\n{}", String::from_utf8_lossy(bytes)));
    dir
}

#[derive(Debug, Clone)]
struct Table {
    layout: CsvLayout,
    rows: Vec<Vec<String>>,
}

const PIECES: &[&str] = &[
    "a",
    "Z9",
    "科协",
    "合肥市",
    "𠀀",
    "龘",
    ",",
    "\"",
    "\n",
    "\r\n",
    ";",
    "\t",
    " ",
    "=1+1",
    "-",
    "，",
    "\u{3000}",
    "€",
    "ＯＲＧ",
    "'",
];

fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..8).prop_map(|v| v.concat())
}

/// At most one delimiter per value: a quoted line holding a whole row's worth of delimiters is
/// what the runaway-quote check looks for (documented in docs/input-errors.md).
fn at_most_one(v: String, d: u8) -> String {
    let d = d as char;
    let mut seen = false;
    v.chars()
        .filter(|&c| {
            if c != d {
                return true;
            }
            let keep = !seen;
            seen = true;
            keep
        })
        .collect()
}

fn table() -> impl Strategy<Value = Table> {
    let extra_headers =
        prop::sample::subsequence(vec!["备注", "联系人", "note", "地址", "统一社会信用代码"], 1..4);
    let format = (any::<bool>(), any::<bool>(), prop::sample::select(vec![b',', b'\t', b';']), any::<bool>());
    (extra_headers, format, 1usize..12).prop_flat_map(|(extra, (gb, bom, delimiter, crlf), n)| {
        let mut headers = vec!["组织ID".to_string(), "组织名称".to_string()];
        headers.extend(extra.iter().map(|h| h.to_string()));
        let width = headers.len();
        let rows = prop::collection::vec(
            (
                prop::sample::select(vec!["", " ", "\u{3000}"]),
                prop::sample::select(vec!["ORG", "ＯＲＧ", "组织"]),
                value(),
                prop::collection::vec(value(), width - 2),
            ),
            n,
        );
        rows.prop_map(move |rows| {
            let rows = rows
                .into_iter()
                .enumerate()
                .map(|(i, (pad, prefix, name, extra))| {
                    let mut row = vec![format!("{pad}{prefix}{i}{pad}"), format!("名{name}")];
                    row.extend(extra);
                    row.into_iter().map(|v| at_most_one(v, delimiter)).collect()
                })
                .collect();
            let encoding = if gb { encoding_rs::GB18030 } else { UTF_8 };
            // A BOM is a UTF-8 thing here: GB18030 files from Excel/WPS have none.
            let had_bom = bom && !gb;
            Table { layout: CsvLayout { headers: headers.clone(), encoding, had_bom, delimiter, crlf }, rows }
        })
    })
}

fn encode(t: &Table) -> Vec<u8> {
    t.layout
        .encode(&[], t.rows.iter().map(|r| r.iter().map(|v| Cow::Borrowed(v.as_str())).collect()))
        .unwrap()
}

proptest! {
    #[test]
    fn import_write_import_round_trips(t in table()) {
        let input = encode(&t);
        let first = import(&input);
        let f = &first.files[0];
        prop_assert_eq!(&f.headers, &t.layout.headers);
        prop_assert_eq!((f.encoding, f.had_bom, f.delimiter, f.crlf),
            (t.layout.encoding.name(), t.layout.had_bom, t.layout.delimiter, t.layout.crlf));
        prop_assert_eq!(f.counts.accepted as usize, t.rows.len());
        for (i, row) in t.rows.iter().enumerate() {
            prop_assert_eq!(first.raw_row(i as RecIdx).iter().collect::<Vec<_>>(), row.iter().map(String::as_str).collect::<Vec<_>>());
        }

        let layout = CsvLayout::of(&first).unwrap();
        prop_assert_eq!(&layout, &t.layout);
        let rows = (0..first.len() as RecIdx).map(|i| layout.cells(&first, i).into_iter().map(Cow::Borrowed).collect());
        let written = layout.encode(&[], rows).unwrap();
        prop_assert!(written == input, "written file differs from the input");
        let second = import(&written);
        for (i, (a, b)) in first.records.iter().zip(&second.records).enumerate() {
            prop_assert_eq!(first.raw_row(i as RecIdx), second.raw_row(i as RecIdx));
            prop_assert_eq!(a.line, b.line);
        }
        prop_assert_eq!(&second.files[0].headers, &t.layout.headers);
    }
}

#[test]
fn write_directory_keeps_the_format_and_joins_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let mut dir = Directory::default();
    let mut seen = SeenIds::default();
    let opts = ImportOptions::default();
    let a = encoding_rs::GB18030.encode("组织ID;组织名称;备注\r\n1;甲;\"x;y\"\r\n").0.into_owned();
    import_bytes(&mut dir, &mut seen, "a.csv", &a, &opts).unwrap();
    import_bytes(&mut dir, &mut seen, "b.csv", "组织名称,组织ID,电话\n乙,2,123\n".as_bytes(), &opts).unwrap();
    let path = tmp.path().join("orgs_fixed.csv");
    write_directory(&dir, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let text = encoding_rs::GB18030.decode_without_bom_handling(&bytes).0.into_owned();
    assert_eq!(text, "组织ID;组织名称;备注;电话\r\n1;甲;\"x;y\";\r\n2;乙;;123\r\n");
}

#[test]
fn unmappable_characters_are_refused_not_replaced() {
    let layout = CsvLayout {
        headers: vec!["组织ID".into()],
        encoding: encoding_rs::GB18030,
        had_bom: false,
        delimiter: b',',
        crlf: false,
    };
    // U+E5E5 is the one code point the WHATWG GB18030 encoder refuses.
    let e = layout.encode(&[], [vec![Cow::Borrowed("a\u{E5E5}")]]).unwrap_err();
    assert!(e.contains("U+E5E5") && e.contains("line 2"), "{e}");
}
