//! Writing outputs safely: every file goes to a temp file in the target directory and is renamed
//! into place only when complete, so a killed run never leaves half a file. CSV cells that a
//! spreadsheet would run as a formula are neutralized.
//!
//! Failure modes are part of the contract: a full disk, a vanished directory or a failing write
//! leaves neither the target file nor a temp file behind (tests below and in tests/cli/hostile.rs).

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
        let mut builder = tempfile::Builder::new();
        builder.prefix(".orgclean-").suffix(".tmp");
        // tempfile's 0600 would make every output private to this user (the sync team could not
        // read them): ask for 0666 and let the umask decide, as for any file a tool writes.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let tmp = builder.tempfile_in(dir).map_err(|e| write_err(path, e))?;
        Ok(AtomicFile { path: path.to_path_buf(), tmp })
    }

    /// Where the file is written until `commit` (for writers that open the path themselves,
    /// such as SQLite).
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn writer(&mut self) -> &mut fs::File {
        self.tmp.as_file_mut()
    }

    /// Flush to disk (where a full disk shows up at the latest) under the temp name, then rename
    /// into place.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.tmp.as_file().sync_all().map_err(|e| write_err(&path, e))?;
        // On error the temp file is removed (dropped).
        self.tmp.persist(&path).map_err(|e| write_err(&path, e.error))?;
        Ok(())
    }
}

/// The output files of one run, written into a hidden staging directory inside OUT and moved
/// into OUT together once all of them are complete. A run that fails or is killed while writing
/// (a full disk in the nightly run) leaves the previous run's set whole, never some files of each:
/// the sync team must not apply an id_remap.csv of one run with a parent_fixes.csv of another.
/// The moves are renames inside one file system; a move that fails puts the previous files
/// back, so only a crash during the few milliseconds they take can leave a mixed set (the
/// previous files are then in the staging directory's `.previous`). `summary.json`, with every
/// other file's size and SHA-256, moves last, so a reader can check that the files beside it are
/// the ones it lists.
pub struct Staging {
    out: PathBuf,
    dir: tempfile::TempDir,
    /// Size and SHA-256 of files hashed as soon as they were written (`hash_now`), by name.
    hashed: std::sync::Mutex<Vec<(String, u64, String)>>,
}

/// Staging directories are named so; one older than this was left by a killed run.
const STAGING_PREFIX: &str = ".orgclean-staging-";
const STALE_STAGING: std::time::Duration = std::time::Duration::from_secs(3600);

impl Staging {
    pub fn new(out: &Path) -> Result<Staging> {
        remove_stale_staging(out);
        let dir =
            tempfile::Builder::new().prefix(STAGING_PREFIX).tempdir_in(out).map_err(|e| write_err(out, e))?;
        Ok(Staging { out: out.to_path_buf(), dir, hashed: std::sync::Mutex::new(Vec::new()) })
    }

    /// The staging directory itself.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Where output `name` is written before the commit.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Hash staged file `name` now, on this thread, for `manifest`: the file is final, and
    /// the thread that wrote it hashes it while others still write theirs (hashed all at the
    /// end, a 1M-row run waited 0.2 s for its largest file).
    pub fn hash_now(&self, name: &str) -> Result<()> {
        let (len, sha) = self.hash(name)?;
        self.hashed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((
            name.to_string(),
            len,
            sha,
        ));
        Ok(())
    }

    fn hash(&self, name: &str) -> Result<(u64, String)> {
        use sha2::{Digest, Sha256};
        let path = self.path(name);
        let read = |e| write_err(&path, e);
        let mut file = fs::File::open(&path).map_err(read)?;
        let (mut hasher, mut buf, mut len) = (Sha256::new(), vec![0u8; 1 << 16], 0u64);
        loop {
            let n = io::Read::read(&mut file, &mut buf).map_err(read)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            len += n as u64;
        }
        Ok((len, hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// Size and SHA-256 of the files staged so far, by name (those `hash_now` did not hash are
    /// hashed here).
    pub fn manifest(&self) -> Result<Vec<(String, u64, String)>> {
        let mut names: Vec<String> = fs::read_dir(self.dir.path())
            .map_err(|e| write_err(self.dir.path(), e))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with(".orgclean-"))
            .collect();
        names.sort();
        let hashed =
            std::mem::take(&mut *self.hashed.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        // One file per task: hashing a 1M-row run's outputs one after another took seconds.
        use rayon::prelude::*;
        names
            .into_par_iter()
            .map(|name| match hashed.iter().find(|h| h.0 == name) {
                Some(h) => Ok(h.clone()),
                None => self.hash(&name).map(|(len, sha)| (name, len, sha)),
            })
            .collect()
    }

    /// Move the staged files into OUT, `summary.json` last. All or nothing: every target is
    /// checked first, the previous files are moved aside into the staging directory, and if a
    /// move fails they are put back. On error, or if never committed, the staging directory is
    /// removed and OUT keeps what it had.
    pub fn commit(self, names: &[&str]) -> Result<()> {
        let mut names = names.to_vec();
        names.sort_by_key(|n| *n == "summary.json");
        for name in &names {
            let to = self.out.join(name);
            if fs::symlink_metadata(&to).is_ok_and(|m| !m.is_file()) {
                return Err(write_err(
                    &to,
                    io::Error::other(
                        "it exists and is not a file; move it away and run again (nothing was replaced)",
                    ),
                ));
            }
        }
        let previous = self.dir.path().join(".previous");
        fs::create_dir(&previous).map_err(|e| write_err(&previous, e))?;
        let mut set_aside: Vec<&str> = Vec::new();
        let mut moved_in: Vec<&str> = Vec::new();
        let result = (|| {
            for name in &names {
                let to = self.out.join(name);
                if to.exists() {
                    fs::rename(&to, previous.join(name)).map_err(|e| write_err(&to, e))?;
                    set_aside.push(name);
                }
            }
            for name in &names {
                let to = self.out.join(name);
                fs::rename(self.path(name), &to).map_err(|e| write_err(&to, e))?;
                moved_in.push(name);
            }
            Ok(())
        })();
        if result.is_err() {
            // Best effort: the new files out, the previous ones back.
            for name in moved_in {
                let _ = fs::remove_file(self.out.join(name));
            }
            for name in set_aside {
                let _ = fs::rename(previous.join(name), self.out.join(name));
            }
        }
        result
    }
}

/// Staging directories of runs killed more than an hour ago (a live run's is recent).
fn remove_stale_staging(out: &Path) {
    let Ok(entries) = fs::read_dir(out) else { return };
    for e in entries.flatten() {
        let stale = e.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
        if e.file_name().to_string_lossy().starts_with(STAGING_PREFIX)
            && stale.is_some_and(|a| a > STALE_STAGING)
        {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// A write error, with what the user can do about the common ones.
fn write_err(path: &Path, source: io::Error) -> Error {
    let hint = match source.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            Some("no partial file was left behind; free some space (or choose another --out) and run again")
        }
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            Some("choose another --out, or make the directory writable for this user")
        }
        io::ErrorKind::NotADirectory => {
            Some("a part of the path is a file, not a directory; choose another --out")
        }
        _ => None,
    };
    let source = match hint {
        Some(h) => io::Error::new(source.kind(), format!("{source}; {h}")),
        None => source,
    };
    Error::Write { path: path.to_path_buf(), source }
}

/// Write `bytes` to `path` atomically.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    write_streamed(path, |w| w.write_all(bytes))
}

/// Write to `path` atomically through `fill`, which gets the temp file; if `fill` fails (a full
/// disk) the temp file is removed and `path` is left as it was.
pub fn write_streamed(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    let mut w = buffered(f.writer());
    fill(&mut w).map_err(|e| write_err(path, e))?;
    w.flush().map_err(|e| write_err(path, e))?;
    drop(w);
    f.commit()
}

/// Most bytes handed to the kernel in one `write` call, and the size of the write buffer.
///
/// A file built in memory (`orgs_fixed.csv`, `report.xlsx`) used to go to the kernel in one
/// call. ext4 gives a write page-cache folios as large as the write, and on this workplace's
/// VMs (Firecracker, freed guest memory handed back to the host) large folios cost far more,
/// most likely because they are fresh host memory. 122 MB written to a new file took, in
/// system CPU (fourteenth session, docs/run.md): one call 0.67-1.26 s; calls of 512 KiB-2 MiB 0.03-1.03 s, depending on the
/// minute; calls of 32-256 KiB 0.03-0.07 s every time; 8 KiB calls (the default buffer, which
/// CSVs were written through) 0.07-0.22 s. `bench/writes.py` measures it.
pub const MAX_WRITE: usize = 64 << 10;

/// A writer that hands its inner writer at most `MAX_WRITE` bytes per call (`write_all` loops).
struct Pieces<W>(W);

/// How every output file is written: through a buffer of `MAX_WRITE` bytes, in pieces of at
/// most that.
fn buffered<W: Write>(file: W) -> BufWriter<Pieces<W>> {
    BufWriter::with_capacity(MAX_WRITE, Pieces(file))
}

impl<W: Write> Write for Pieces<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(&buf[..buf.len().min(MAX_WRITE)])
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Build a file in memory with `fill`, then write it atomically. Output files are at most a few
/// hundred MB for a million-row directory, and building in memory keeps error handling in one place.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> Result<()> {
    let mut buf = Vec::new();
    fill(&mut buf).map_err(|e| write_err(path, e))?;
    write_bytes(path, &buf)
}

/// Who reads a CSV: people open it in a spreadsheet (cells that would run as a formula are
/// neutralized), machines apply it (every value exactly as it is: docs/run.md, "Files for
/// machines").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    People,
    Machine,
}

impl Audience {
    pub fn cell(self, s: &str) -> std::borrow::Cow<'_, str> {
        match self {
            Audience::People => safe_cell(s),
            Audience::Machine => std::borrow::Cow::Borrowed(s),
        }
    }
}

/// Write a CSV (UTF-8 with BOM so that Excel/WPS open Chinese text correctly) from a header and
/// rows, for people: every cell is passed through `safe_cell`.
pub fn write_csv<I, R>(path: &Path, header: &[&str], rows: I) -> Result<()>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    write_csv_for(path, header, rows, Audience::People)
}

/// `write_csv` for the given audience.
pub fn write_csv_for<I, R>(path: &Path, header: &[&str], rows: I, audience: Audience) -> Result<()>
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
            let cells: Vec<String> =
                row.into_iter().map(|c| audience.cell(c.as_ref()).into_owned()).collect();
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

/// Excel and WPS hold at most this many characters in a cell, counted in UTF-16 units (a
/// character beyond the BMP, such as rare CJK of Extension B, is two; rust_xlsxwriter refuses
/// more).
pub const XLSX_CELL_LIMIT: usize = 32_767;

/// A text cell of a workbook: formula-safe, and cut to what a cell holds with a visible marker
/// saying so (the CSVs keep the full text).
pub fn xlsx_cell(s: &str) -> std::borrow::Cow<'_, str> {
    let safe = safe_cell(s);
    if safe.len() <= XLSX_CELL_LIMIT || safe.encode_utf16().count() <= XLSX_CELL_LIMIT {
        return safe;
    }
    let total = safe.chars().count();
    let marker = format!("…[已截断 cut: {total} 字符 characters in all; 全文见 CSV, full text in the CSV]");
    let mut room = XLSX_CELL_LIMIT - marker.encode_utf16().count();
    let mut out = String::new();
    for c in safe.chars() {
        if c.len_utf16() > room {
            break;
        }
        room -= c.len_utf16();
        out.push(c);
    }
    out.push_str(&marker);
    std::borrow::Cow::Owned(out)
}

/// Make sure the output directory exists and is not the directory of any input (we never write
/// next to, and so never risk overwriting, an input file).
pub fn prepare_out_dir(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!(
            "--out {}: this is a file, not a directory; give a directory (it is created if missing)",
            out.display()
        )));
    }
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
    // Fail now, not after a long run: can we create (and remove) a file there?
    tempfile::Builder::new()
        .prefix(".orgclean-probe-")
        .tempfile_in(out)
        .map_err(|e| write_err(out, e))?
        .close()
        .map_err(|e| write_err(out, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file built in memory (hundreds of MB) reaches the kernel in pieces of at most
    /// `MAX_WRITE` bytes, whole and in order; small writes are still buffered.
    #[test]
    fn outputs_reach_the_file_in_pieces_of_at_most_max_write() {
        struct Calls(Vec<usize>, Vec<u8>);
        impl Write for Calls {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.push(buf.len());
                self.1.extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let big: Vec<u8> = (0..3 * MAX_WRITE + 12345).map(|i| (i % 251) as u8).collect();
        let mut calls = Calls(Vec::new(), Vec::new());
        {
            let mut w = buffered(&mut calls);
            w.write_all(b"head,").unwrap();
            w.write_all(&big).unwrap();
            w.write_all(b"tail").unwrap();
            w.flush().unwrap();
        }
        assert!(calls.0.iter().all(|&n| n <= MAX_WRITE), "{:?}", calls.0);
        // "head," flushed, the big buffer in four pieces, "tail" flushed.
        assert_eq!(calls.0, [5, MAX_WRITE, MAX_WRITE, MAX_WRITE, 12345, 4]);
        assert_eq!(calls.1, [b"head,".as_slice(), &big, b"tail"].concat());

        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.csv");
        write_bytes(&p, &big).unwrap();
        assert!(fs::read(&p).unwrap() == big);
    }

    #[test]
    fn a_commit_that_fails_halfway_puts_the_previous_files_back() {
        let out = tempfile::tempdir().unwrap();
        fs::write(out.path().join("a.csv"), "old a").unwrap();
        fs::write(out.path().join("b.csv"), "old b").unwrap();
        let stage = Staging::new(out.path()).unwrap();
        write_bytes(&stage.path("a.csv"), b"new a").unwrap();
        // b.csv is listed but was never staged: its move fails after a.csv's.
        assert!(stage.commit(&["a.csv", "b.csv"]).is_err());
        assert_eq!(fs::read_to_string(out.path().join("a.csv")).unwrap(), "old a");
        assert_eq!(fs::read_to_string(out.path().join("b.csv")).unwrap(), "old b");
        let left: Vec<_> = fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 2, "staging directory left behind: {left:?}");
    }

    #[test]
    fn files_hashed_as_written_and_at_the_end_are_listed_alike() {
        let out = tempfile::tempdir().unwrap();
        let (early, late) = (Staging::new(out.path()).unwrap(), Staging::new(out.path()).unwrap());
        for stage in [&early, &late] {
            write_bytes(&stage.path("a.csv"), b"new a").unwrap();
            write_bytes(&stage.path("b.csv"), b"").unwrap();
        }
        early.hash_now("a.csv").unwrap();
        let listed = early.manifest().unwrap();
        assert_eq!(listed, late.manifest().unwrap());
        let a = "fbb6b30b41732026a9073fd355103e207f6b3c7c1adc086724df42e286417adf";
        assert_eq!(listed[0], ("a.csv".to_string(), 5, a.to_string()));
        assert_eq!(
            listed[1].2, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "empty file"
        );
    }

    #[test]
    fn a_commit_replaces_the_whole_set() {
        let out = tempfile::tempdir().unwrap();
        fs::write(out.path().join("a.csv"), "old a").unwrap();
        let stage = Staging::new(out.path()).unwrap();
        write_bytes(&stage.path("a.csv"), b"new a").unwrap();
        write_bytes(&stage.path("summary.json"), b"{}").unwrap();
        assert_eq!(stage.manifest().unwrap().len(), 2);
        stage.commit(&["summary.json", "a.csv"]).unwrap();
        assert_eq!(fs::read_to_string(out.path().join("a.csv")).unwrap(), "new a");
        let mut left: Vec<_> = fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        left.sort();
        assert_eq!(left, ["a.csv", "summary.json"]);
    }

    #[test]
    fn formulas_are_neutralized() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("+86 551"), "'+86 551");
        assert_eq!(safe_cell("-2+3"), "'-2+3");
        assert_eq!(safe_cell("-1"), "-1");
        assert_eq!(safe_cell("安徽省科学技术协会"), "安徽省科学技术协会");
    }

    /// Outputs are created like any file: 0666 less the umask (0644 under the usual 022), not
    /// tempfile's private 0600.
    #[cfg(unix)]
    #[test]
    fn outputs_follow_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        write_bytes(&p, b"x").unwrap();
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        // The umask of this process, read without changing it for other threads for long.
        let probe = dir.path().join("probe");
        fs::write(&probe, b"").unwrap();
        let plain = fs::metadata(&probe).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, plain, "output mode {mode:o}, a plain file gets {plain:o}");
    }

    #[test]
    fn long_cells_are_cut_with_a_marker() {
        let long = "名".repeat(100_000);
        let cell = xlsx_cell(&long);
        assert_eq!(cell.chars().count(), XLSX_CELL_LIMIT);
        assert!(
            cell.ends_with("full text in the CSV]") && cell.contains("100000"),
            "{}",
            &cell[cell.len() - 200..]
        );
        assert_eq!(xlsx_cell("短"), "短");
        assert_eq!(xlsx_cell("=1+1"), "'=1+1");
        // Characters beyond the BMP are two UTF-16 units each, which is what a cell's limit
        // counts: cut by characters, 20,000 of them were 40,000 units and the workbook failed.
        let rare = "𠀀".repeat(20_000);
        let cell = xlsx_cell(&rare);
        assert!(cell.encode_utf16().count() <= XLSX_CELL_LIMIT, "{}", cell.encode_utf16().count());
        assert!(cell.encode_utf16().count() >= XLSX_CELL_LIMIT - 1 && cell.contains("20000"));
        let fits = "𠀀".repeat(XLSX_CELL_LIMIT / 2);
        assert_eq!(xlsx_cell(&fits), fits.as_str());
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

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// The disk fills up half way: the error says so, and neither the output nor a temp file is
    /// left; an existing file of that name keeps its old content.
    #[test]
    fn disk_full_leaves_nothing_partial() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("rejected_rows.csv");
        let e = write_streamed(&p, |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "No space left on device (os error 28)"))
        })
        .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("No space left") && msg.contains("no partial file was left behind"), "{msg}");
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));

        fs::write(&p, b"old").unwrap();
        let _ = write_streamed(&p, |w| {
            w.write_all(b"new, half")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "full"))
        });
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(entries(dir.path()), ["rejected_rows.csv"]);
    }

    /// The real thing where it exists: /dev/full fails every write with ENOSPC.
    #[test]
    fn dev_full_write_error_is_reported() {
        let Ok(mut full) = fs::OpenOptions::new().write(true).open("/dev/full") else { return };
        let err = full.write_all(b"x").and_then(|_| full.flush()).unwrap_err();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        let e = write_streamed(&p, |_| Err(err)).unwrap_err();
        assert!(e.to_string().contains("no partial file"), "{e}");
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn out_dir_checks() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        fs::write(&input, b"x").unwrap();
        let e = prepare_out_dir(dir.path(), std::slice::from_ref(&input)).unwrap_err();
        assert!(e.to_string().contains("no input can be overwritten"), "{e}");
        let e = prepare_out_dir(&input, &[]).unwrap_err();
        assert!(e.to_string().contains("is a file, not a directory"), "{e}");
        let out = dir.path().join("new/deeper");
        prepare_out_dir(&out, std::slice::from_ref(&input)).unwrap();
        assert!(entries(&out).is_empty(), "probe file left behind");
    }
}
