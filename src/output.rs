//! Writing outputs safely: every file goes to a temp file in the target directory and is renamed
//! into place only when complete, so a killed run never leaves half a file. CSV cells that a
//! spreadsheet would run as a formula are neutralized.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file being written; becomes visible at `path` only on `commit`. Dropped without commit, the
/// temp file is removed.
pub struct AtomicFile {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".orgclean-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| write_err(path, e))?;
        Ok(AtomicFile { path: path.to_path_buf(), tmp })
    }

    pub fn writer(&mut self) -> &mut fs::File {
        self.tmp.as_file_mut()
    }

    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.tmp.as_file().sync_all().map_err(|e| write_err(&path, e))?;
        self.tmp.persist(&path).map_err(|e| write_err(&path, e.error))?;
        Ok(())
    }
}

fn write_err(path: &Path, source: io::Error) -> Error {
    Error::Write { path: path.to_path_buf(), source }
}

/// Write `bytes` to `path` atomically.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.writer().write_all(bytes).map_err(|e| write_err(path, e))?;
    f.commit()
}

/// Build a file in memory with `fill`, then write it atomically. Output files are at most a few
/// hundred MB for a million-row directory, and building in memory keeps error handling in one place.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> Result<()> {
    let mut buf = Vec::new();
    fill(&mut buf).map_err(|e| write_err(path, e))?;
    write_bytes(path, &buf)
}

/// Write a CSV (UTF-8 with BOM so that Excel/WPS open Chinese text correctly) from a header and
/// rows; every cell is passed through `safe_cell`.
pub fn write_csv<I, R>(path: &Path, header: &[&str], rows: I) -> Result<()>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    write_with(path, |buf| {
        buf.extend_from_slice("\u{feff}".as_bytes());
        let mut w =
            csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(BufWriter::new(buf));
        w.write_record(header).map_err(io::Error::other)?;
        for row in rows {
            let cells: Vec<String> = row.into_iter().map(|c| safe_cell(c.as_ref()).into_owned()).collect();
            w.write_record(&cells).map_err(io::Error::other)?;
        }
        w.flush()?;
        Ok(())
    })
}

/// A cell that a spreadsheet would treat as a formula (=, +, -, @, or a leading tab/CR) gets a
/// leading apostrophe, which Excel and WPS show as text. Numbers like -1 stay as they are: they
/// cannot run anything.
pub fn safe_cell(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = match s.as_bytes().first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => s[1..].parse::<f64>().is_err(),
        _ => false,
    };
    if risky {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Make sure the output directory exists and is not the directory of any input (we never write
/// next to, and so never risk overwriting, an input file).
pub fn prepare_out_dir(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    fs::create_dir_all(out).map_err(|e| write_err(out, e))?;
    let out_abs = fs::canonicalize(out).map_err(|e| write_err(out, e))?;
    for input in inputs {
        let Ok(abs) = fs::canonicalize(input) else {
            continue;
        };
        let dir =
            if abs.is_dir() { abs.clone() } else { abs.parent().map(Path::to_path_buf).unwrap_or_default() };
        if dir == out_abs {
            return Err(Error::Usage(format!(
                "output directory {} is the directory of input {}; choose another --out so that no input can be overwritten",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("+86 551"), "'+86 551");
        assert_eq!(safe_cell("-2+3"), "'-2+3");
        assert_eq!(safe_cell("-1"), "-1");
        assert_eq!(safe_cell("安徽省科学技术协会"), "安徽省科学技术协会");
    }

    #[test]
    fn atomic_file_is_invisible_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        let mut f = AtomicFile::create(&p).unwrap();
        f.writer().write_all(b"x").unwrap();
        assert!(!p.exists());
        f.commit().unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"x");
        let f = AtomicFile::create(&dir.path().join("b.csv")).unwrap();
        drop(f);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "temp file left behind");
    }
}
