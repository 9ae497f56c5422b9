//! Which files to read: directories expanded to their dumps (without an earlier run's outputs),
//! and read errors that say what to do.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Extensions picked up when a directory is given.
const DUMP_EXTENSIONS: &[&str] = &["csv", "tsv", "txt"];

/// Machine files orgclean writes, by name, with how their header starts: found in a dump
/// directory, they are an earlier run's outputs, not a dump.
const OUTPUT_SIGNATURES: &[(&str, &str)] = &[
    ("rejected_rows.csv", "file,line,reason,raw"),
    ("clusters.csv", "org_id,cluster_id,is_survivor"),
    ("pairs.csv", "org_id_a,org_id_b,score"),
    ("findings.csv", "org_id,code,severity"),
    ("coverage.csv", "division_code,"),
    ("id_remap.csv", "old_id,new_id,reason"),
    ("parent_fixes.csv", "org_id,old_parent_id,new_parent_id"),
    ("pending.csv", "org_id,name,province,city,created_at"),
    ("changes.csv", "change,kind,key"),
];

/// Whether `file` was written by an earlier orgclean run: listed in the `summary.json` beside
/// it, or an output's name with that output's header.
fn earlier_output(file: &Path) -> bool {
    let Some(name) = file.file_name().and_then(|n| n.to_str()) else { return false };
    if let Some(summary) = file.parent().map(|d| d.join("summary.json")) {
        let listed = fs::read(&summary)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v.get("outputs").and_then(|o| o.as_array()).cloned())
            .is_some_and(|outs| outs.iter().any(|o| o.get("file").and_then(|f| f.as_str()) == Some(name)));
        if listed {
            return true;
        }
    }
    let Some((_, header)) = OUTPUT_SIGNATURES.iter().find(|(n, _)| *n == name) else { return false };
    let mut head = [0u8; 256];
    let n = fs::File::open(file).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    text.trim_start_matches('\u{feff}').starts_with(header)
}

/// Expand the command-line inputs: directories become their dump files (sorted, not recursive),
/// without the outputs of earlier runs (named in `skipped`).
pub fn expand_inputs_skipping(inputs: &[PathBuf], skipped: &mut Vec<PathBuf>) -> Result<Vec<PathBuf>> {
    let files = expand_inputs(inputs)?;
    let (earlier, dumps): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|f| {
        // A file named on the command line is read whatever it is; only directories are sifted.
        !inputs.contains(f) && earlier_output(f)
    });
    skipped.extend(earlier);
    if dumps.is_empty() && !skipped.is_empty() {
        let shown: Vec<String> = skipped.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::input(
            shown.join(", "),
            "these are outputs of an earlier orgclean run, not dumps, and the directory holds nothing else; \
             give the dump files",
        ));
    }
    Ok(dumps)
}

/// Expand the command-line inputs: directories become their dump files (sorted, not recursive).
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.as_os_str() == "-" {
            out.push(p.clone());
            continue;
        }
        let meta = fs::metadata(p).map_err(|e| read_error(p, e))?;
        if meta.is_dir() {
            let mut files: Vec<PathBuf> = fs::read_dir(p)
                .map_err(|e| read_error(p, e))?
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
                let others = fs::read_dir(p).map(|d| d.count()).unwrap_or(0);
                return Err(Error::input(
                    p.display().to_string(),
                    format!(
                        "directory holds no .csv, .tsv or .txt files ({others} other entries; subdirectories \
                         are not searched); give the dump files, or a directory that holds them"
                    ),
                ));
            }
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

pub(super) fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
        return Ok(buf);
    }
    fs::read(path).map_err(|e| read_error(path, e))
}

/// Read failures the user can fix get the fix; others keep the OS's words.
fn read_error(path: &Path, e: std::io::Error) -> Error {
    let display = path.display().to_string();
    match e.kind() {
        std::io::ErrorKind::NotFound => Error::input(display, "no such file or directory; check the path"),
        std::io::ErrorKind::PermissionDenied => Error::Read {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                e.kind(),
                "permission denied; make the file (and its directory) readable for this user, e.g. chmod u+r",
            ),
        },
        _ => Error::Read { path: path.to_path_buf(), source: e },
    }
}
