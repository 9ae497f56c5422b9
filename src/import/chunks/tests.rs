//! The chunked parse against the sequential one (`parse::Records`, the csv crate's reader): the
//! same records, spans, values and first error, for any chunk size and thread count.

use proptest::prelude::*;

use super::*;
use crate::import::parse::Records;

type Parsed = (Vec<(Span, Vec<String>)>, Option<String>);

/// The sequential parse: `head` records first, then the rest.
fn sequential(text: &str, width: usize, head: usize) -> (Parsed, usize, u64) {
    let mut r = Records::new(text, b',');
    r.width = Some(width);
    let mut rec = csv::StringRecord::new();
    let mut rows = Vec::new();
    let mut resume = None;
    loop {
        if rows.len() == head && resume.is_none() {
            resume = Some(r.resume_at());
        }
        match r.next_into(&mut rec) {
            Ok(Some(span)) => rows.push((span, rec.iter().map(str::to_string).collect())),
            Ok(None) => break,
            Err(e) => return ((rows, Some(e)), resume.map_or(0, |r| r.0), resume.map_or(1, |r| r.1)),
        }
    }
    let (from, line) = resume.unwrap_or_else(|| r.resume_at());
    ((rows, None), from, line)
}

/// The chunked parse of the records after the first `head`.
fn chunked(text: &str, width: usize, head: usize, chunk_size: usize, threads: usize) -> Parsed {
    let ((mut rows, error), from, line) = sequential(text, width, head);
    rows.truncate(head);
    if rows.len() < head {
        return (rows, error);
    }
    let body = Body { text, delimiter: b',', width: Some(width), chunk_size, threads, keys: None };
    let result = body.for_each(
        from,
        line,
        |row| {
            rows.push((row.span, row.values.iter().map(str::to_string).collect()));
            Ok(())
        },
        |m| m,
    );
    (rows, result.err())
}

fn assert_same(text: &str, width: usize) {
    for head in 0..3 {
        let (want, ..) = sequential(text, width, head);
        for chunk_size in [1, 2, 3, 5, 8, 13, 64, 1 << 20] {
            for threads in [1, 2, 3] {
                let got = chunked(text, width, head, chunk_size, threads);
                assert_eq!(got, want, "{text:?} head {head} chunk {chunk_size} threads {threads}");
            }
        }
    }
}

#[test]
fn quoted_line_breaks_across_chunk_starts() {
    assert_same("a,b,c\n1,\"x\ny\nz\",q\n2,\"\n\n\",r\n3,s,t\n", 3);
    assert_same("a,b,c\r\n1,\"x\r\ny, w\r\nz\",q\r\n2,u,v\r\n", 3);
}

#[test]
fn stray_quotes_before_a_chunk_start() {
    // Swallows rows: the first error in file order is reported, from any chunk.
    assert_same("a,b,c\n1,\"甲,x\n2,乙,y\n3,\"丙\",z\n4,丁,w\n", 3);
    // Never closed.
    assert_same("a,b,c\n1,甲,x\n2,\"乙\n3,丙,z\n4,丁,w\n", 3);
    // A quote inside an unquoted value is a character; text after a closing quote joins the value.
    assert_same("a,b,c\n1,a\"b,x\n2,\"q\"r,y\n3,\"\"\"\",z\n", 3);
}

#[test]
fn crlf_lone_cr_and_blank_lines() {
    assert_same("a,b\r\n\r\n1,x\r\n\n\n2,y\r3,z\r\r\n4,w", 2);
    assert_same("\n\na,b\n1,x\n\n", 2);
    assert_same("a,b\n1,\"x\"\r\n\r\n2,\"y\"\n", 2);
}

#[test]
fn one_huge_record_over_many_chunks() {
    let text = format!("a,b,c\n1,\"{}\",x\n2,y,z\n", "long value, with commas\n".repeat(200));
    assert_same(&text, 3);
    let text = format!("a,b,c\n1,\"{}", "2,unclosed,quote\n".repeat(200));
    assert_same(&text, 3);
}

#[test]
fn chunks_start_after_line_breaks() {
    let text = "a,b\n1,x\n2,y\n3,z\n";
    let body = Body { text, delimiter: b',', width: None, chunk_size: 3, threads: 1, keys: None };
    let bounds = body.boundaries(4);
    assert_eq!(bounds, [4, 8, 12, 16]);
    assert!(bounds[1..bounds.len() - 1].iter().all(|&b| text.as_bytes()[b - 1] == b'\n'));
}

const PIECES: &[&str] =
    &["a", "甲", ",", ",", "\"", "\"\"", "\n", "\n", "\r\n", "\r", " ", "=\"", "\u{feff}"];

proptest! {
    #[test]
    fn chunked_parse_is_the_sequential_parse(
        parts in prop::collection::vec(prop::sample::select(PIECES), 0..120),
        width in 1usize..5,
        head in 0usize..3,
        chunk_size in 1usize..24,
        threads in 1usize..4,
    ) {
        let text = format!("h1,h2,h3\n{}", parts.concat());
        let (want, ..) = sequential(&text, width, head);
        prop_assert_eq!(chunked(&text, width, head, chunk_size, threads), want);
    }
}
