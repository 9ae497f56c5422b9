//! Step 1: read org-library dumps as they really come and account for every row.
//!
//! Each input file is decoded whole (UTF-8 with or without BOM, or GB18030 — the superset of the
//! GBK that Excel/WPS save on Chinese Windows), its header is mapped to the canonical fields, and
//! every data record is either accepted, counted as an exact repeat of an earlier row, or rejected
//! with its file, line and reason. `rows_read = accepted + rejected + exact_repeats` is checked for
//! every file before anything is returned.
//!
//! Hostile input (see docs/input-errors.md) ends in an `Error::Input` naming the file, line and
//! character and the fix — never in a panic, and never in rows silently lost to a runaway quote.

mod checks;
mod chunks;
mod clusters;
mod decode;
mod file;
#[doc(hidden)]
pub mod fuzzing;
mod header;
mod inputs;
mod parse;
mod quotes;
mod sniff;
pub mod write;

use std::path::PathBuf;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use crate::model::{Directory, Field, RecIdx, SourceFile};

pub use clusters::read_clusters;
pub use decode::{decode, decode_owned, Decoded};
pub use header::{map_headers, ColumnOverride, MAX_TITLE_ROWS};
pub use write::write_directory;

use checks::note_lost_zeros;
pub use checks::{require_rows, warnings, Reliance, CHECK_RELIES, DEDUPE_RELIES, RUN_RELIES};
use inputs::read_input;
pub use inputs::{expand_inputs, expand_inputs_skipping};

use file::FileImport;

/// How the records below the header are parsed: in chunks of `size` bytes on `threads` threads;
/// `size` 0 reads them one by one with the csv crate's reader (the reference for tests).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chunking {
    pub size: usize,
    pub threads: usize,
}

impl Default for Chunking {
    fn default() -> Chunking {
        // 1 MiB: small enough to keep both cores busy from the start and the parsed chunks
        // waiting in memory small, large enough that a chunk costs more than its hand-over.
        Chunking { size: 1 << 20, threads: rayon::current_num_threads() }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `None`: detect per file.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// `None`: detect per file from the header line.
    pub delimiter: Option<u8>,
    pub columns: Vec<ColumnOverride>,
    pub progress: bool,
    /// Columns the command needs besides id and name (check needs the parent), with what it
    /// needs them for: a file without one is an input error, not a run full of false findings.
    pub needs: Vec<(Field, &'static str)>,
    /// A run with no accepted row is an input error (`run`, `check`, `dedupe`…), not an empty
    /// success: `import` alone reports header-only files as read.
    pub require_rows: bool,
}

impl ImportOptions {
    /// For a command that checks the hierarchy: every file needs a parent column, and a dump
    /// with no accepted row is an error.
    pub fn for_hierarchy(mut self) -> ImportOptions {
        self.needs.push((Field::ParentId, "the hierarchy check needs each record's parent"));
        self.require_rows = true;
        self
    }
}

/// Import every input into one directory.
pub fn import(inputs: &[PathBuf], opts: &ImportOptions) -> Result<Directory> {
    let t = std::time::Instant::now();
    let mut skipped = Vec::new();
    let files = expand_inputs_skipping(inputs, &mut skipped)?;
    let mut dir = Directory::default();
    if !skipped.is_empty() {
        let shown: Vec<String> = skipped.iter().map(|p| p.display().to_string()).collect();
        dir.notes.push(format!(
            "skipped {} files an earlier orgclean run wrote (not dumps): {}",
            shown.len(),
            shown.join(", ")
        ));
    }
    let mut seen = SeenIds::default();
    for path in &files {
        let bytes = read_input(path)?;
        let display = path.display().to_string();
        import_owned(&mut dir, &mut seen, &display, bytes, opts)?;
    }
    dir.resolve_parents();
    note_lost_zeros(&mut dir);
    if opts.require_rows {
        require_rows(&dir)?;
    }
    crate::progress::timing("import", t);
    Ok(dir)
}

/// Import one file's bytes into `dir` (exposed for tests and fuzzing).
pub fn import_bytes(
    dir: &mut Directory,
    seen: &mut SeenIds,
    display: &str,
    bytes: &[u8],
    opts: &ImportOptions,
) -> Result<()> {
    import_owned(dir, seen, display, bytes.to_vec(), opts)
}

/// Import one file into `dir`; the bytes are taken so that a UTF-8 file becomes the text without
/// a copy.
pub fn import_owned(
    dir: &mut Directory,
    seen: &mut SeenIds,
    display: &str,
    bytes: Vec<u8>,
    opts: &ImportOptions,
) -> Result<()> {
    import_chunked(dir, seen, display, bytes, opts, Chunking::default())
}

/// `import_owned` with the body parsed in chunks as given (tests use tiny ones).
pub(crate) fn import_chunked(
    dir: &mut Directory,
    seen: &mut SeenIds,
    display: &str,
    bytes: Vec<u8>,
    opts: &ImportOptions,
    chunking: Chunking,
) -> Result<()> {
    let len = bytes.len() as u64;
    let was_empty = bytes.is_empty();
    let decoded = decode_owned(bytes, opts.encoding).map_err(|m| Error::input(display, m))?;
    let text = decoded.text.as_str();
    if text.trim().is_empty() {
        return Err(Error::input(
            display,
            if was_empty {
                "file is empty; export the directory again (a dump needs a header row and data rows)"
            } else {
                "file has no header row (only a BOM, spaces or blank lines); export the directory again"
            },
        ));
    }
    // Growing the record table and the id map by doubling copies them over and over: size them
    // for one row per line up front.
    let lines: usize = {
        use rayon::prelude::*;
        text.as_bytes().par_chunks(1 << 22).map(|c| memchr::memchr_iter(b'\n', c).count()).sum()
    };
    dir.records.reserve(lines);
    dir.by_id.reserve(&dir.records, lines);
    let delimiter = opts.delimiter.unwrap_or_else(|| sniff::detect_delimiter(text, &opts.columns));
    let mut source = SourceFile {
        display: display.to_string(),
        encoding: decoded.encoding.name(),
        had_bom: decoded.had_bom,
        bytes: len,
        delimiter,
        crlf: sniff::first_line_is_crlf(text),
        ..SourceFile::default()
    };
    // Hashing runs beside parsing: it is a third of the work on a large UTF-8 file.
    let (sha, counts) = std::thread::scope(|s| {
        let sha = s.spawn(|| hex(&decoded.sha256()));
        let counts = FileImport::new(dir, seen, &mut source, text, opts, chunking).run();
        (sha.join(), counts)
    });
    source.sha256 = sha.map_err(|_| Error::Internal("hashing the input panicked".into()))?;
    let counts = counts?;
    if counts.rows_read != counts.accepted + counts.rejected + counts.exact_repeats {
        return Err(Error::Internal(format!(
            "{display}: row accounting does not add up: read {} != accepted {} + rejected {} + exact repeats {}",
            counts.rows_read, counts.accepted, counts.rejected, counts.exact_repeats
        )));
    }
    source.counts = counts;
    dir.files.push(source);
    // Accepted rows point into the text.
    dir.raw.add_text(decoded.text);
    Ok(())
}

/// Exact repeats seen during import: (file, line, record index of the first occurrence).
#[derive(Debug, Default)]
pub struct SeenIds {
    pub repeats: Vec<(String, u64, RecIdx)>,
}

/// Ids are compared after trimming (including the ideographic space) and NFKC, which turns
/// full-width digits and letters into ASCII: "ＯＲＧ００１ " and "ORG001" are one id.
pub fn fold_id(raw: &str) -> String {
    let t = raw.trim();
    if t.is_ascii() {
        return t.to_string();
    }
    t.nfkc().collect::<String>().trim().to_string()
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import_str(text: &str) -> Result<Directory> {
        let mut dir = Directory::default();
        import_bytes(&mut dir, &mut SeenIds::default(), "t.csv", text.as_bytes(), &ImportOptions::default())?;
        dir.resolve_parents();
        Ok(dir)
    }

    #[test]
    fn accounts_for_every_row() {
        let dir =
            import_str("组织ID,组织名称,上级组织ID\nA,甲,\nB,乙,A\nB,乙,A\nB,丙,A\n,丁,A\nC,,A\nD,戊\n")
                .unwrap();
        let c = dir.files[0].counts;
        assert_eq!((c.rows_read, c.accepted, c.rejected, c.exact_repeats), (7, 2, 4, 1));
        let reasons: Vec<&str> = dir.rejected.iter().map(|r| r.reason.as_str()).collect();
        assert!(reasons[0].contains("already used at t.csv:3"), "{reasons:?}");
        assert!(reasons[1].starts_with("empty id"));
        assert!(reasons[2].starts_with("empty name"));
        assert!(reasons[3].starts_with("has 2 fields"));
        assert_eq!(dir.rejected[3].line, 8);
        assert_eq!(dir.rejected[3].raw, "D,戊");
        assert_eq!(dir.parent(1), Some(0));
    }

    #[test]
    fn quoted_newlines_keep_physical_line_numbers() {
        let dir = import_str("id,name\r\n1,\"a\r\nb\"\r\n2,c,x\r\n").unwrap();
        assert_eq!(dir.raw_row(0).get(1), Some("a\r\nb"));
        assert_eq!(dir.rejected[0].line, 4);
        assert!(dir.files[0].crlf);
    }

    #[test]
    fn ids_fold_width_and_space() {
        assert_eq!(fold_id(" ＯＲＧ００１\u{3000}"), "ORG001");
        let dir = import_str("id,name,parent_id\nORG1,甲,\nORG2,乙,ＯＲＧ1 \n").unwrap();
        assert_eq!(dir.parent(1), Some(0));
    }

    /// Ids folded and hashed on the parsing threads (the chunked parse) give the records,
    /// repeats and rejections of ids folded one by one (the sequential reader): full-width and
    /// spaced ids, `="…"` ids, quoted ids, repeats of either kind, parents written either way.
    #[test]
    fn ids_folded_beside_the_parse_are_the_ids_folded_in_order() {
        let text =
            "id,name,parent_id\nＯＲＧ１ ,甲,\nORG2,乙,ORG1\n=\"ORG3\",丙,ＯＲＧ２\n\"ORG4\",丁,\" ORG3\"\n\
                    ORG1,甲,\nORG2,乙,ORG1\nORG2,戊,ORG1\n=\"ORG2\",己,\n,庚,ORG1\nORG5,,ORG1\nORG6,辛,=\"ＯＲＧ5\"\n";
        let run = |chunking: Chunking| {
            let mut dir = Directory::default();
            let mut seen = SeenIds::default();
            let bytes = text.as_bytes().to_vec();
            import_chunked(&mut dir, &mut seen, "t.csv", bytes, &ImportOptions::default(), chunking).unwrap();
            dir.resolve_parents();
            let records: Vec<_> = dir
                .records
                .iter()
                .map(|r| (r.line, r.id.0.to_string(), r.parent_id.to_string(), r.parent))
                .collect();
            let rejected: Vec<_> = dir.rejected.iter().map(|r| (r.line, r.reason.clone())).collect();
            (records, rejected, seen.repeats, dir.files[0].counts)
        };
        let sequential = run(Chunking { size: 0, threads: 1 });
        assert_eq!(sequential.0.len(), 5, "{sequential:?}");
        assert_eq!(sequential.3.exact_repeats, 1);
        for size in [1, 7, 40, 1 << 20] {
            assert_eq!(run(Chunking { size, threads: 2 }), sequential, "chunks of {size}");
        }
    }

    #[test]
    fn tab_and_semicolon_detected() {
        assert_eq!(import_str("id\tname\n1\t甲\n").unwrap().files[0].delimiter, b'\t');
        assert_eq!(import_str("id;name\n1;甲\n").unwrap().files[0].delimiter, b';');
    }

    #[test]
    fn title_rows_are_listed() {
        let dir = import_str("2024年组织库导出\n组织ID,组织名称\n1,甲\n").unwrap();
        assert_eq!(dir.rejected.len(), 1);
        assert_eq!(dir.rejected[0].line, 1);
        assert_eq!(dir.records[0].line, 3);
    }
}
