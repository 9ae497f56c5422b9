//! Step 1: read org-library dumps as they really come and account for every row.
//!
//! Each input file is decoded whole (UTF-8 with or without BOM, or GB18030 — the superset of the
//! GBK that Excel/WPS save on Chinese Windows), its header is mapped to the canonical fields, and
//! every data record is either accepted, counted as an exact repeat of an earlier row, or rejected
//! with its file, line and reason. `rows_read = accepted + rejected + exact_repeats` is checked for
//! every file before anything is returned.

mod decode;
mod header;

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use crate::model::{Directory, Field, FileCounts, OrgId, RecIdx, Record, RejectedRow, SourceFile};

pub use decode::{decode, Decoded};
pub use header::{map_headers, ColumnOverride};

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `None`: detect per file.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// `None`: detect per file from the header line.
    pub delimiter: Option<u8>,
    pub columns: Vec<ColumnOverride>,
    pub progress: bool,
}

/// Extensions picked up when a directory is given.
const DUMP_EXTENSIONS: &[&str] = &["csv", "tsv", "txt"];

/// Expand the command-line inputs: directories become their dump files (sorted, not recursive).
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.as_os_str() == "-" {
            out.push(p.clone());
            continue;
        }
        let meta = fs::metadata(p).map_err(|source| Error::Read { path: p.clone(), source })?;
        if meta.is_dir() {
            let mut files: Vec<PathBuf> = fs::read_dir(p)
                .map_err(|source| Error::Read { path: p.clone(), source })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file())
                .filter(|f| {
                    f.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| DUMP_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
                })
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(Error::input(
                    p.display().to_string(),
                    "directory holds no .csv, .tsv or .txt files",
                ));
            }
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
        return Ok(buf);
    }
    fs::read(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })
}

/// Import every input into one directory.
pub fn import(inputs: &[PathBuf], opts: &ImportOptions) -> Result<Directory> {
    let files = expand_inputs(inputs)?;
    let mut dir = Directory::default();
    let mut seen = SeenIds::default();
    for path in &files {
        let bytes = read_input(path)?;
        let display = path.display().to_string();
        import_bytes(&mut dir, &mut seen, &display, &bytes, opts)?;
    }
    resolve_parents(&mut dir);
    Ok(dir)
}

/// Import one file's bytes into `dir` (exposed for tests and for stdin).
pub fn import_bytes(
    dir: &mut Directory,
    seen: &mut SeenIds,
    display: &str,
    bytes: &[u8],
    opts: &ImportOptions,
) -> Result<()> {
    let file_no = dir.files.len() as u32;
    let decoded = decode(bytes, opts.encoding).map_err(|m| Error::input(display, m))?;
    let text = &decoded.text;
    let mut source = SourceFile {
        display: display.to_string(),
        encoding: decoded.encoding.name(),
        had_bom: decoded.had_bom,
        bytes: bytes.len() as u64,
        sha256: hex(&Sha256::digest(bytes)),
        ..SourceFile::default()
    };
    if text.trim().is_empty() {
        return Err(Error::input(
            display,
            if bytes.is_empty() {
                "file is empty"
            } else {
                "file has no header row (only a BOM or blank lines)"
            },
        ));
    }
    let delimiter = opts.delimiter.unwrap_or_else(|| detect_delimiter(text));
    source.delimiter = delimiter;
    source.crlf = first_line_is_crlf(text);

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let progress = crate::progress::bytes_bar(text.len() as u64, display, opts.progress);

    let mut record = csv::StringRecord::new();
    let mut rows: Vec<(u64, usize, csv::StringRecord)> = Vec::new();
    loop {
        let start = reader.position().clone();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                // The reader's position may sit on the line break that ended the previous record
                // (the \n of a CRLF) or on skipped blank lines: the record starts after them.
                let mut at = start.byte() as usize;
                while matches!(text.as_bytes().get(at), Some(b'\r' | b'\n')) {
                    at += 1;
                }
                rows.push((0, at, record.clone()))
            }
            Err(e) => {
                return Err(Error::input(display, format!("line {}: {e}", start.line())));
            }
        }
        if rows.len().is_multiple_of(65536) {
            progress.set_position(start.byte());
        }
    }
    progress.finish_and_clear();
    // csv counts records, not physical lines: a quoted field with newlines would shift every line
    // number after it, so physical lines are counted from the byte offsets.
    let mut line = 1u64;
    let mut counted_to = 0usize;
    for row in rows.iter_mut() {
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to..row.1]).count() as u64;
        counted_to = row.1;
        row.0 = line;
    }
    // Byte offset where each record starts, plus the end, to recover its raw text.
    let ends: Vec<usize> = rows.iter().skip(1).map(|r| r.1).chain(std::iter::once(text.len())).collect();
    let raw_of = |i: usize| text[rows[i].1..ends[i]].trim_end_matches(['\r', '\n']).to_string();

    let header_at = header::find_header_row(&rows.iter().map(|r| &r.2).collect::<Vec<_>>(), &opts.columns);
    let Some(header_at) = header_at else {
        let first = rows.first().map(|r| r.2.iter().collect::<Vec<_>>().join(", ")).unwrap_or_default();
        let (_, missing) = map_headers(&rows[0].2, &opts.columns);
        return Err(Error::input(display, header::missing_message(&missing, &first)));
    };
    let header_rec = &rows[header_at].2;
    let (columns, _) = map_headers(header_rec, &opts.columns);
    header::check_duplicates(header_rec, &columns).map_err(|m| Error::input(display, m))?;
    source.headers = header_rec.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    source.columns = columns;
    let width = source.headers.len();

    let mut counts = FileCounts::default();
    let reject = |dir: &mut Directory, counts: &mut FileCounts, i: usize, reason: String| {
        counts.rejected += 1;
        dir.rejected.push(RejectedRow { file: display.to_string(), line: rows[i].0, reason, raw: raw_of(i) });
    };
    // Title rows above the header (Excel exports) are rows too: they are listed, not dropped.
    for i in 0..header_at {
        counts.rows_read += 1;
        reject(dir, &mut counts, i, "title row above the header row".to_string());
    }
    let id_col = columns[Field::Id.index()].unwrap_or(0);
    let name_col = columns[Field::Name.index()].unwrap_or(0);
    let parent_col = columns[Field::ParentId.index()];
    // Indexing by position: `reject` needs the row number to recover the raw text.
    #[allow(clippy::needless_range_loop)]
    for i in header_at + 1..rows.len() {
        counts.rows_read += 1;
        let (line, _, rec) = &rows[i];
        if rec.len() != width {
            let why = format!("has {} fields, the header has {width}", rec.len());
            reject(dir, &mut counts, i, why);
            continue;
        }
        if let Some(col) = rec.iter().position(|f| f.contains('\0')) {
            let why = format!("NUL byte in column {} ({})", col + 1, source.headers[col]);
            reject(dir, &mut counts, i, why);
            continue;
        }
        let id = fold_id(&rec[id_col]);
        if id.is_empty() {
            let why = format!("empty id (column {})", source.headers[id_col]);
            reject(dir, &mut counts, i, why);
            continue;
        }
        if rec[name_col].trim().is_empty() {
            let why = format!("empty name (column {})", source.headers[name_col]);
            reject(dir, &mut counts, i, why);
            continue;
        }
        if let Some(&first) = dir.by_id.get(id.as_str()) {
            let prev = &dir.records[first as usize];
            let prev_file = &dir.files.get(prev.file as usize).unwrap_or(&source);
            if same_content(prev_file, &prev.raw, &source, rec) {
                counts.exact_repeats += 1;
                seen.repeats.push((display.to_string(), *line, first));
            } else {
                let why = format!(
                    "id {id} already used at {}:{} with different content (first occurrence kept)",
                    prev_file.display, prev.line
                );
                reject(dir, &mut counts, i, why);
            }
            continue;
        }
        let parent_id = parent_col.map(|c| fold_id(&rec[c])).unwrap_or_default();
        let idx = dir.records.len() as RecIdx;
        dir.by_id.insert(id.clone().into_boxed_str(), idx);
        dir.records.push(Record {
            file: file_no,
            line: *line,
            raw: rec.clone(),
            id: OrgId(id.into_boxed_str()),
            parent_id: parent_id.into_boxed_str(),
            parent: None,
        });
        counts.accepted += 1;
    }
    if counts.rows_read != counts.accepted + counts.rejected + counts.exact_repeats {
        return Err(Error::input(
            display,
            format!(
                "row accounting does not add up: read {} != accepted {} + rejected {} + exact repeats {}",
                counts.rows_read, counts.accepted, counts.rejected, counts.exact_repeats
            ),
        ));
    }
    source.counts = counts;
    dir.files.push(source);
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

/// Two rows are exact repeats when every column has the same value under the same header name.
fn same_content(fa: &SourceFile, a: &csv::StringRecord, fb: &SourceFile, b: &csv::StringRecord) -> bool {
    if fa.headers == fb.headers {
        return a == b;
    }
    if a.len() != b.len() {
        return false;
    }
    let by_name: HashMap<&str, &str> = fb.headers.iter().map(String::as_str).zip(b.iter()).collect();
    fa.headers.iter().zip(a.iter()).all(|(h, v)| by_name.get(h.as_str()) == Some(&v))
}

fn resolve_parents(dir: &mut Directory) {
    let parents: Vec<Option<RecIdx>> = dir
        .records
        .iter()
        .map(|r| if r.parent_id.is_empty() { None } else { dir.by_id.get(&*r.parent_id).copied() })
        .collect();
    for (r, p) in dir.records.iter_mut().zip(parents) {
        r.parent = p;
    }
}

/// Comma unless the header line has no comma but tabs (or semicolons, as some European-locale
/// spreadsheet exports write).
fn detect_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| first.matches(c).count();
    if count(',') > 0 {
        b','
    } else if count('\t') > 0 {
        b'\t'
    } else if count(';') > 0 {
        b';'
    } else {
        b','
    }
}

fn first_line_is_crlf(text: &str) -> bool {
    text.find('\n').is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r')
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
        resolve_parents(&mut dir);
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
        assert_eq!(dir.records[0].raw.get(1), Some("a\r\nb"));
        assert_eq!(dir.rejected[0].line, 4);
        assert!(dir.files[0].crlf);
    }

    #[test]
    fn ids_fold_width_and_space() {
        assert_eq!(fold_id(" ＯＲＧ００１\u{3000}"), "ORG001");
        let dir = import_str("id,name,parent_id\nORG1,甲,\nORG2,乙,ＯＲＧ1 \n").unwrap();
        assert_eq!(dir.parent(1), Some(0));
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
