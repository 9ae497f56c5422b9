//! Where `lookup`'s queries come from: one `--query`, a file of one query per line (a tab after
//! the name may give the line's own province), or standard input answered line by line.

use std::io::{BufRead, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, Result};

use crate::dedupe::DedupeOptions;

use super::saved::SavedIndex;
use super::{probe, probes_of, Answer, Catalog};

/// One line: the name, and its own province after a tab, else `default_province`. `None` for a
/// blank line.
pub fn parse_line(line: &str, default_province: &str) -> Option<(String, String)> {
    let line = line.trim_start_matches('\u{feff}');
    if line.trim().is_empty() {
        return None;
    }
    Some(match line.split_once('\t') {
        Some((name, p)) if !p.trim().is_empty() => (name.trim().to_string(), p.trim().to_string()),
        Some((name, _)) => (name.trim().to_string(), default_province.to_string()),
        None => (line.trim().to_string(), default_province.to_string()),
    })
}

/// Where the queries come from.
pub enum Source {
    /// Known at once: `--query`, or `--queries FILE`.
    Batch(Vec<(String, String)>),
    /// `--queries -`: standard input, answered line by line.
    Stdin,
}

impl Source {
    pub fn new(query: Option<&str>, file: Option<&Path>, default_province: &str) -> Result<Source> {
        match (query, file) {
            (Some(q), _) => Ok(Source::Batch(vec![(q.to_string(), default_province.to_string())])),
            (None, Some(p)) if p == Path::new("-") => Ok(Source::Stdin),
            (None, Some(p)) => Ok(Source::Batch(read_file(p, default_province)?)),
            (None, None) => Err(Error::Usage("give --query TEXT or --queries FILE".into())),
        }
    }
}

/// How each query is answered: the province of queries that give none, entries per answer,
/// the language of the reasons.
pub struct Ask {
    pub province: String,
    pub limit: usize,
    pub lang: crate::lang::Lang,
}

impl Ask {
    /// `json`: the reasons stay dedupe's machine (English) text, as in pairs.csv; the table
    /// speaks the reader's language.
    pub fn new(province: &str, limit: usize, lang: crate::lang::Lang, json: bool) -> Ask {
        let lang = if json { crate::lang::Lang::En } else { lang };
        Ask { province: province.to_string(), limit, lang }
    }
}

/// The queries of a file, one per line (UTF-8; blank lines skipped).
pub fn read_file(path: &Path, default_province: &str) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::Usage(format!("--queries {}: cannot be read as UTF-8 text: {e}", path.display()))
    })?;
    let queries: Vec<(String, String)> =
        text.lines().filter_map(|l| parse_line(l, default_province)).collect();
    if queries.is_empty() {
        return Err(Error::Usage(format!(
            "--queries {}: no query in the file (one per line)",
            path.display()
        )));
    }
    Ok(queries)
}

/// What answers the queries: the directory loaded in memory, or a saved index.
pub enum Answerer<'a> {
    Loaded(&'a Catalog<'a>),
    Saved(&'a SavedIndex, DedupeOptions),
}

impl Answerer<'_> {
    /// Records in the directory.
    pub fn records(&self) -> usize {
        match self {
            Answerer::Loaded(c) => c.dir.len(),
            Answerer::Saved(s, _) => s.len(),
        }
    }

    /// Answer every query, in the order of the queries (in parallel in memory; a saved index
    /// reads one query at a time).
    pub fn answer_all(&self, queries: &[(String, String)], ask: &Ask) -> Result<Vec<Answer>> {
        let qdir = probe::query_directory(queries)?;
        let probes = probes_of(&qdir);
        let t = std::time::Instant::now();
        let limit = ask.limit.max(1);
        let answers = match self {
            Answerer::Loaded(c) => {
                probes.par_iter().map(|p| c.lookup(p, limit, ask.lang)).collect::<Result<_>>()?
            }
            // A connection per thread (an SQLite connection serves one thread).
            Answerer::Saved(s, opts) => probes
                .par_iter()
                .map_init(
                    || s.connect(),
                    |conn, p| match conn {
                        Ok(conn) => s.lookup(conn, p, opts, limit, ask.lang),
                        Err(e) => Err(crate::error::Error::Database {
                            path: s.path().into(),
                            message: e.to_string(),
                        }),
                    },
                )
                .collect::<Result<_>>()?,
        };
        crate::progress::timing("lookup: queries", t);
        Ok(answers)
    }
}

/// Answer `input` line by line as the lines arrive, writing each answer (`render`) to `out`
/// and flushing it: the directory is loaded once, a desk can keep this open.
pub fn interactive(
    answerer: &Answerer,
    input: impl BufRead,
    out: &mut impl Write,
    ask: &Ask,
    quiet: bool,
    render: impl Fn(&Answer) -> String,
) -> Result<()> {
    if !quiet {
        eprintln!("{} 条记录已载入；每行输入一个名称（可用制表符分隔省份），Ctrl-D 结束", answerer.records());
    }
    for line in input.lines() {
        let line = line.map_err(|e| Error::Usage(format!("reading queries from standard input: {e}")))?;
        let Some(query) = parse_line(&line, &ask.province) else { continue };
        for a in answerer.answer_all(&[query], ask)? {
            let written = out.write_all(render(&a).as_bytes()).and_then(|_| out.flush());
            if let Err(e) = written {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return Ok(());
                }
                return Err(Error::Internal(format!("writing to standard output: {e}")));
            }
        }
    }
    Ok(())
}
