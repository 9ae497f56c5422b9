//! `orgclean import`: read the dumps and account for every row.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Outcome, Result};
use crate::model::{Directory, Field, RecIdx};
use crate::output;
use crate::uscc::{self, UsccCheck};

use super::ImportArgs;

pub fn run(args: &ImportArgs, quiet: bool) -> Result<Outcome> {
    let opts = args.input.to_options(quiet)?;
    if let Some(out) = &args.out {
        output::prepare_out_dir(out, &args.input.dumps)?;
    }
    let dir = crate::import::import(&args.input.dumps, &opts)?;
    if let Some(out) = &args.out {
        write_rejected(&dir, &out.join("rejected_rows.csv"))?;
    }
    if !quiet {
        print!("{}", summary(&dir, args.out.as_deref())?);
    }
    super::leave_at_exit(dir);
    Ok(Outcome::Clean)
}

pub fn write_rejected(dir: &Directory, path: &Path) -> Result<()> {
    let rows =
        dir.rejected.iter().map(|r| [r.file.clone(), r.line.to_string(), r.reason.clone(), r.raw.clone()]);
    output::write_csv(path, &["file", "line", "reason", "raw"], rows)
}

/// The import summary as printed on the console.
pub fn summary(dir: &Directory, out: Option<&Path>) -> Result<String> {
    let mut s = String::new();
    for f in &dir.files {
        let c = f.counts;
        let delim = match f.delimiter {
            b'\t' => "tab".to_string(),
            d => format!("'{}'", d as char),
        };
        let _ = writeln!(
            s,
            "{}: {}{}, delimiter {delim}, {} line ends; {} rows read, {} accepted, {} rejected, {} exact repeats",
            f.display,
            f.encoding,
            if f.had_bom { " with BOM" } else { "" },
            if f.crlf { "CRLF" } else { "LF" },
            c.rows_read,
            c.accepted,
            c.rejected,
            c.exact_repeats
        );
        let unmapped: Vec<&str> = f
            .headers
            .iter()
            .enumerate()
            .filter(|(i, _)| !f.columns.contains(&Some(*i)))
            .map(|(_, h)| h.as_str())
            .collect();
        if !unmapped.is_empty() {
            let _ = writeln!(s, "  kept as extra columns: {}", unmapped.join(", "));
        }
    }
    let t = dir.totals();
    let _ = writeln!(
        s,
        "rows read {} = accepted {} + rejected {} + exact repeats {}",
        t.rows_read, t.accepted, t.rejected, t.exact_repeats
    );
    let invalid = (0..dir.len() as RecIdx)
        .filter(|&i| matches!(uscc::validate(dir.get(i, Field::Uscc)), UsccCheck::Invalid(_)))
        .count();
    let _ = writeln!(s, "credit codes failing GB 32100: {invalid} (kept; reported as invalid_uscc by check)");
    let self_parents = (0..dir.len() as RecIdx).filter(|&i| dir.parent(i) == Some(i)).count();
    if self_parents > 0 {
        let _ = writeln!(
            s,
            "rows whose parent id is their own id (after trimming and width folding): {self_parents} (kept; check reports them)"
        );
    }
    let df = crate::table::frame(dir).map_err(|e| Error::Internal(format!("building the table: {e}")))?;
    let by_province = crate::table::count_by(&df, Field::Province.key())
        .map_err(|e| Error::Internal(format!("counting by province: {e}")))?;
    let top: Vec<String> = by_province
        .iter()
        .take(10)
        .map(|(p, n)| format!("{} {n}", if p.is_empty() { "(no province)" } else { p }))
        .collect();
    if !top.is_empty() {
        let _ =
            writeln!(s, "by province: {}{}", top.join(", "), if by_province.len() > 10 { ", …" } else { "" });
    }
    if let Some(out) = out {
        let _ = writeln!(s, "rejected rows: {}", out.join("rejected_rows.csv").display());
    }
    Ok(s)
}
