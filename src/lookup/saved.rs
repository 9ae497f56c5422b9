//! The saved lookup index (docs/lookup.md, "Where the index lives"): one SQLite file holding
//! what a lookup needs of the whole directory, so that a single lookup reads a few hundred rows
//! instead of loading a million.
//!
//! What is stored is exactly what `Catalog` computes over the whole directory: the posting
//! lists of the name index, each record's raw row, the dedupe features that depend on the whole
//! directory (parent, kind-only, the survivor rule's child count), each record's chain as
//! `ChainExplainer` explains it, and coverage. A query runs the same retrieval (`retrieve`)
//! over the stored lists, reads its candidates' rows, parses and profiles them with the current
//! model, and answers with the same `Catalog` code. Stored results are model results, so the
//! file names the executable that wrote it (`fingerprint`): another build refuses it (exit 2)
//! and says to rebuild it, never answers with a stale model.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use ahash::{AHashMap, AHashSet};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::dedupe::{query, DedupeOptions};
use crate::error::{Error, Result};
use crate::geo::Gazetteer;
use crate::lang::Lang;
use crate::model::{Directory, OrgId, RecIdx, SourceFile};
use crate::normalize::{self, NameParts};

use super::retrieve::{self, Gram, Source};
use super::search::{association_division, ChainFacts};
use super::{Answer, Catalog, DivisionCoverage, LinkFix, Probe, Whole};

/// Bumped when the tables change.
const FORMAT: &str = "orgclean-lookup-1";

/// What the whole directory says of the records a query read (see `Catalog::of_saved`).
pub(crate) struct Facts {
    pub chains: Vec<ChainFacts>,
    pub coverage: Option<DivisionCoverage>,
}

const SCHEMA: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE files(file INTEGER PRIMARY KEY, display TEXT NOT NULL, columns TEXT NOT NULL);
CREATE TABLE records(
    rec INTEGER PRIMARY KEY,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL,
    file INTEGER NOT NULL,
    line INTEGER NOT NULL,
    raw TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    parent INTEGER,
    kind_only INTEGER NOT NULL,
    children INTEGER NOT NULL,
    chain BLOB NOT NULL,
    reaches_national INTEGER NOT NULL,
    visible INTEGER,
    broken_at INTEGER
);
CREATE TABLE links(rec INTEGER PRIMARY KEY, link TEXT NOT NULL, detail_zh TEXT NOT NULL, reason_zh TEXT NOT NULL);
CREATE TABLE postings(kind INTEGER NOT NULL, gram INTEGER NOT NULL, n INTEGER NOT NULL, recs BLOB NOT NULL,
    PRIMARY KEY(kind, gram)) WITHOUT ROWID;
CREATE TABLE exact(key TEXT PRIMARY KEY, recs BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE coverage(division INTEGER PRIMARY KEY, entry TEXT NOT NULL);
";

fn db_err(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::Database { path: path.to_path_buf(), message: e.to_string() }
}

fn kind_code(kind: Gram) -> i64 {
    match kind {
        Gram::Bigram => 0,
        Gram::Char => 1,
        Gram::ShortEnds => 2,
    }
}

fn blob_of(recs: &[RecIdx]) -> Vec<u8> {
    recs.iter().flat_map(|r| r.to_le_bytes()).collect()
}

fn recs_of(blob: &[u8]) -> Vec<RecIdx> {
    blob.chunks_exact(4).map(|c| RecIdx::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// The executable's fingerprint: a hash of its bytes. Every rule of the name model is in the
/// executable (its tables are embedded), so the same fingerprint means the same answers.
pub fn fingerprint() -> Result<String> {
    use std::hash::Hasher;
    let exe = std::env::current_exe()
        .map_err(|e| Error::Internal(format!("cannot find the running executable: {e}")))?;
    let bytes = std::fs::read(&exe).map_err(|e| Error::Read { path: exe.clone(), source: e })?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(&bytes);
    Ok(format!("{}-{:016x}", env!("CARGO_PKG_VERSION"), h.finish()))
}

/// Write the saved index of a whole directory already parsed and profiled (`audit
/// --lookup-index`: the night's directory, without loading it again).
pub fn save_directory(
    dir: &Directory,
    names: &[NameParts],
    profiles: &[crate::profile::OrgProfile],
    opts: DedupeOptions,
    sources: &[PathBuf],
    path: &Path,
) -> Result<()> {
    save(&Catalog::of(dir, names, profiles, opts), sources, path)
}

/// Write the saved index of the directory `catalog` holds to `path` (atomically: a reader of
/// the previous file keeps reading it whole).
pub fn save(catalog: &Catalog, sources: &[PathBuf], path: &Path) -> Result<()> {
    let t = std::time::Instant::now();
    let file = crate::output::AtomicFile::create(path)?;
    {
        let e = db_err(path);
        let mut conn = Connection::open(file.temp_path()).map_err(&e)?;
        // A fresh file that is renamed into place only once complete: no journal needed.
        conn.execute_batch("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;").map_err(&e)?;
        // A 256 MB page cache while writing: the id index is built from a million ids.
        conn.pragma_update(None, "cache_size", -262_144i64).map_err(&e)?;
        conn.execute_batch(SCHEMA).map_err(&e)?;
        let tx = conn.transaction().map_err(&e)?;
        write_tables(catalog, sources, &tx).map_err(&e)?;
        // Built after the rows are in: one sort instead of a million random inserts.
        tx.execute_batch("CREATE INDEX records_by_id ON records(org_id);").map_err(&e)?;
        tx.commit().map_err(&e)?;
        conn.close().map_err(|(_, err)| e(err))?;
    }
    file.commit()?;
    crate::progress::timing("lookup: index saved", t);
    Ok(())
}

fn write_tables(catalog: &Catalog, sources: &[PathBuf], tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    use rayon::prelude::*;
    let Whole::Loaded(w) = &catalog.whole else {
        unreachable!("a saved index is built from a whole directory")
    };
    let dir = catalog.dir;
    let meta: [(&str, String); 4] = [
        ("format", FORMAT.to_string()),
        ("fingerprint", fingerprint().map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?),
        ("records", dir.len().to_string()),
        ("sources", sources.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("\n")),
    ];
    let mut st = tx.prepare("INSERT INTO meta(key, value) VALUES (?1, ?2)")?;
    for (k, v) in &meta {
        st.execute(params![k, v])?;
    }
    let mut st = tx.prepare("INSERT INTO files(file, display, columns) VALUES (?1, ?2, ?3)")?;
    for (k, f) in dir.files.iter().enumerate() {
        st.execute(params![k as i64, f.display, serde_json::to_string(&f.columns).unwrap_or_default()])?;
    }
    // Chains explained in parallel; each faulty link stored once (its fix is the same for
    // every record below it).
    let views: Vec<crate::hierarchy::ChainView> =
        (0..dir.len() as RecIdx).into_par_iter().map(|i| w.chains.explain(i)).collect();
    let mut st = tx.prepare(
        "INSERT INTO records(rec, org_id, name, file, line, raw, parent_id, parent, kind_only, children, chain, \
         reaches_national, visible, broken_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    let mut links = AHashSet::new();
    let mut link_st =
        tx.prepare("INSERT INTO links(rec, link, detail_zh, reason_zh) VALUES (?1, ?2, ?3, ?4)")?;
    for (i, (r, view)) in dir.records.iter().zip(&views).enumerate() {
        let raw: Vec<&str> = dir.raw.row(&r.raw).iter().collect();
        let broken_at = view.broken.as_ref().map(|b| b.at);
        st.execute(params![
            i as i64,
            r.id.as_str(),
            dir.name(i as RecIdx),
            r.file as i64,
            r.line as i64,
            serde_json::to_string(&raw).unwrap_or_default(),
            &*r.parent_id,
            catalog.feats[i].parent,
            catalog.feats[i].kind_only,
            catalog.children[i],
            blob_of(&view.chain),
            view.reaches_national,
            view.visible_to_province,
            broken_at,
        ])?;
        if let Some(at) = broken_at.filter(|&at| links.insert(at)) {
            // Stored in English, with the Chinese words beside it (`link`).
            if let (Some(en), Some(zh)) = (catalog.link_fix(view, Lang::En), catalog.link_fix(view, Lang::Zh))
            {
                let json = serde_json::to_string(&en).unwrap_or_default();
                link_st.execute(params![at, json, zh.detail_label, zh.reason_label])?;
            }
        }
    }
    let mut st = tx.prepare("INSERT INTO postings(kind, gram, n, recs) VALUES (?1, ?2, ?3, ?4)")?;
    for (kind, list) in [
        (Gram::Bigram, &w.index.bigrams),
        (Gram::Char, &w.index.chars),
        (Gram::ShortEnds, &w.index.short_ends),
    ] {
        for (g, recs) in list.iter() {
            st.execute(params![kind_code(kind), g as i64, recs.len() as i64, blob_of(recs)])?;
        }
    }
    let mut st = tx.prepare("INSERT INTO exact(key, recs) VALUES (?1, ?2)")?;
    for (key, recs) in w.index.exact_names() {
        st.execute(params![key, blob_of(recs)])?;
    }
    let provinces: Vec<u8> = catalog.feats.iter().flat_map(|f| f.province_key().to_le_bytes()).collect();
    tx.execute("INSERT INTO meta(key, value) VALUES ('provinces', ?1)", params![provinces])?;
    let mut st = tx.prepare("INSERT INTO coverage(division, entry) VALUES (?1, ?2)")?;
    for row in &catalog.coverage(w).rows {
        let entry = catalog.coverage_row(w, row.division);
        st.execute(params![row.division, serde_json::to_string(&entry).unwrap_or_default()])?;
    }
    Ok(())
}

fn connect(path: &Path) -> Result<Connection> {
    let e = db_err(path);
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(&e)?;
    // Read through a memory map: the posting lists are read whole, often.
    conn.pragma_update(None, "mmap_size", 1i64 << 32).map_err(&e)?;
    // One read transaction for the connection's life: the file is never changed in place
    // (a new index replaces it by rename), and without it SQLite takes and releases a file
    // lock for every statement (measured: 50 queries on 1M rows, 1.14 s without, 0.59 s with).
    conn.execute_batch("BEGIN").map_err(&e)?;
    Ok(conn)
}

/// A saved index opened for queries.
pub struct SavedIndex {
    path: PathBuf,
    /// Per record, `Features::province_key` (retrieval filters on it before ranking).
    provinces: Vec<u32>,
    /// The input files, as far as rebuilding a record needs them (its columns).
    files: Vec<SourceFile>,
}

impl SavedIndex {
    /// Open `path`, refusing a file this build did not write.
    pub fn open(path: &Path) -> Result<SavedIndex> {
        if !path.is_file() {
            return Err(Error::input(
                path.display().to_string(),
                "no such lookup index; build it with `orgclean lookup DUMP... --save-index FILE`",
            ));
        }
        let e = db_err(path);
        let conn = connect(path)?;
        let meta = |key: &str| -> Result<Option<String>> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .map_err(&e)
        };
        let not_ours = |why: &str| {
            Error::input(
                path.display().to_string(),
                format!("{why}; rebuild it with `orgclean lookup DUMP... --save-index FILE`"),
            )
        };
        let format = conn
            .query_row("SELECT value FROM meta WHERE key = 'format'", [], |r| r.get::<_, String>(0))
            .optional()
            .map_err(|_| not_ours("not an orgclean lookup index"))?;
        if format.as_deref() != Some(FORMAT) {
            return Err(not_ours("not an orgclean lookup index of this version"));
        }
        if meta("fingerprint")? != Some(fingerprint()?) {
            return Err(not_ours("written by another build of orgclean, whose name model may differ"));
        }
        let provinces: Vec<u8> =
            conn.query_row("SELECT value FROM meta WHERE key = 'provinces'", [], |r| r.get(0)).map_err(&e)?;
        let provinces =
            provinces.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let mut files = Vec::new();
        {
            let mut st = conn.prepare("SELECT display, columns FROM files ORDER BY file").map_err(&e)?;
            let rows =
                st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(&e)?;
            for row in rows {
                let (display, columns) = row.map_err(&e)?;
                let columns =
                    serde_json::from_str(&columns).map_err(|_| not_ours("a damaged lookup index"))?;
                files.push(SourceFile { display, columns, ..SourceFile::default() });
            }
        }
        Ok(SavedIndex { path: path.to_path_buf(), provinces, files })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A connection for one thread's queries.
    pub fn connect(&self) -> Result<Connection> {
        connect(&self.path)
    }

    /// Records in the directory the index was built from.
    pub fn len(&self) -> usize {
        self.provinces.len()
    }

    pub fn is_empty(&self) -> bool {
        self.provinces.is_empty()
    }

    /// The answer to one probe, as `Catalog::lookup` over the whole directory gives it.
    /// `conn`: from `connect`.
    pub fn lookup(
        &self,
        conn: &Connection,
        probe: &Probe,
        opts: &DedupeOptions,
        limit: usize,
        lang: Lang,
    ) -> Result<Answer> {
        let e = db_err(&self.path);
        let mut src = DbSource {
            index: self,
            conn,
            names: AHashMap::new(),
            lists: AHashMap::new(),
            counts: AHashMap::new(),
        };
        let mut feat = probe.feat.clone();
        feat.parent = conn
            .prepare_cached("SELECT rec FROM records WHERE org_id = ?1")
            .and_then(|mut st| st.query_row([&probe.parent_id], |r| r.get::<_, RecIdx>(0)).optional())
            .map_err(&e)?;
        let found =
            retrieve::candidates(&mut src, &probe.name.key, feat.region.province, probe.asked_province())?;
        let shorts = retrieve::short_partners(&mut src, &probe.name, &feat)?;
        let mut wanted: Vec<RecIdx> = found.iter().chain(shorts.iter()).copied().collect();
        wanted.sort_unstable();
        wanted.dedup();
        let part = self.part(conn, &wanted, association_division(probe), lang)?;
        let local = |recs: &mut dyn Iterator<Item = &RecIdx>| -> Result<Vec<RecIdx>> {
            recs.map(|i| {
                wanted
                    .binary_search(i)
                    .map(|k| k as RecIdx)
                    .map_err(|_| Error::Internal("a candidate was not read".into()))
            })
            .collect()
        };
        let (names, profiles) = crate::profile::parse_and_profile_few(&part.dir);
        let feats = (0..part.dir.len())
            .map(|k| {
                let mut f = query::record_features(&part.dir, k as RecIdx, &names[k], &profiles[k]);
                f.parent = part.parent[k];
                f.kind_only = part.kind_only[k];
                f
            })
            .collect();
        let catalog =
            Catalog::of_saved(&part.dir, &names, &profiles, *opts, feats, part.children, part.facts);
        let prepared = catalog.prepared(
            feat,
            &probe.name,
            local(&mut found.iter())?,
            local(&mut shorts.iter())?.into_iter().collect(),
        );
        Ok(catalog.answer(probe, &prepared, limit, lang))
    }

    /// Records `recs` (sorted) as a directory of their own, with what the whole directory says
    /// of them, and the coverage of `division`.
    fn part(&self, conn: &Connection, recs: &[RecIdx], division: Option<u32>, lang: Lang) -> Result<Part> {
        let e = db_err(&self.path);
        let damaged = || {
            Error::Internal(format!(
                "{}: a damaged lookup index (a record cannot be read)",
                self.path.display()
            ))
        };
        let mut part = Part {
            dir: Directory { files: self.files.clone(), ..Directory::default() },
            parent: Vec::with_capacity(recs.len()),
            kind_only: Vec::with_capacity(recs.len()),
            children: Vec::with_capacity(recs.len()),
            facts: Facts { chains: Vec::with_capacity(recs.len()), coverage: None },
        };
        let mut links: AHashMap<RecIdx, (String, String)> = AHashMap::new();
        let mut faults: AHashMap<RecIdx, Option<LinkFix>> = AHashMap::new();
        let mut st = conn
            .prepare_cached(
                "SELECT org_id, file, line, raw, parent_id, parent, kind_only, children, chain, reaches_national, \
                 visible, broken_at FROM records WHERE rec = ?1",
            )
            .map_err(&e)?;
        for &i in recs {
            let row = st
                .query_row([i], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, u32>(1)?,
                        r.get::<_, i64>(2)? as u64,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<RecIdx>>(5)?,
                        (r.get::<_, bool>(6)?, r.get::<_, u32>(7)?),
                        r.get::<_, Vec<u8>>(8)?,
                        (
                            r.get::<_, bool>(9)?,
                            r.get::<_, Option<bool>>(10)?,
                            r.get::<_, Option<RecIdx>>(11)?,
                        ),
                    ))
                })
                .map_err(&e)?;
            let (
                id,
                file,
                line,
                raw,
                parent_id,
                parent,
                (kind_only, children),
                chain,
                (reaches, visible, broken_at),
            ) = row;
            let raw: Vec<String> = serde_json::from_str(&raw).map_err(|_| damaged())?;
            // Parents are compared by the whole directory's index (`parent`), not resolved here.
            let k = part.dir.push_record(
                file,
                line,
                raw.iter().map(String::as_str),
                OrgId(id.into()),
                parent_id.into(),
            );
            part.dir.by_id.insert(&part.dir.records, k);
            part.parent.push(parent);
            part.kind_only.push(kind_only);
            part.children.push(children);
            // The candidates share their ancestors and faulty links: each is read once.
            let mut chain_links = Vec::new();
            for c in recs_of(&chain) {
                if !links.contains_key(&c) {
                    links.insert(c, self.id_and_name(conn, c)?);
                }
                chain_links.push(links[&c].clone());
            }
            let broken_link = match broken_at {
                Some(at) => {
                    if !faults.contains_key(&at) {
                        faults.insert(at, self.link(conn, at, lang)?);
                    }
                    faults[&at].clone()
                }
                None => None,
            };
            part.facts.chains.push(ChainFacts {
                chain: chain_links,
                reaches_national: reaches,
                visible_to_province: visible,
                broken_link,
            });
        }
        part.facts.coverage = match division {
            Some(d) => Some(self.coverage(conn, d)?),
            None => None,
        };
        Ok(part)
    }

    fn id_and_name(&self, conn: &Connection, i: RecIdx) -> Result<(String, String)> {
        conn.prepare_cached("SELECT org_id, name FROM records WHERE rec = ?1")
            .and_then(|mut st| st.query_row([i], |r| Ok((r.get(0)?, r.get(1)?))))
            .map_err(db_err(&self.path))
    }

    /// The faulty link at `at`, its detail in `lang`.
    fn link(&self, conn: &Connection, at: RecIdx, lang: Lang) -> Result<Option<LinkFix>> {
        let row: Option<(String, String, String)> = conn
            .prepare_cached("SELECT link, detail_zh, reason_zh FROM links WHERE rec = ?1")
            .and_then(|mut st| st.query_row([at], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional())
            .map_err(db_err(&self.path))?;
        let Some((link, detail_zh, reason_zh)) = row else { return Ok(None) };
        let mut link: LinkFix = serde_json::from_str(&link).map_err(|_| {
            Error::Internal(format!(
                "{}: a damaged lookup index (a link cannot be read)",
                self.path.display()
            ))
        })?;
        if lang == Lang::Zh {
            (link.detail_label, link.reason_label) = (detail_zh, reason_zh);
        }
        Ok(Some(link))
    }

    /// Division `d`'s coverage (`missing` when the directory has no row for it).
    fn coverage(&self, conn: &Connection, d: u32) -> Result<DivisionCoverage> {
        let text: Option<String> = conn
            .prepare_cached("SELECT entry FROM coverage WHERE division = ?1")
            .and_then(|mut st| st.query_row([d], |r| r.get(0)).optional())
            .map_err(db_err(&self.path))?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_else(|| DivisionCoverage {
            division: Gazetteer::global().name_of(d).to_string(),
            division_code: d,
            status: "missing".into(),
            association_ids: Vec::new(),
        }))
    }
}

/// Records read for one query.
struct Part {
    dir: Directory,
    parent: Vec<Option<RecIdx>>,
    kind_only: Vec<bool>,
    children: Vec<u32>,
    facts: Facts,
}

/// Retrieval over a saved index: posting lists read by key, names read and parsed on demand.
struct DbSource<'i> {
    index: &'i SavedIndex,
    conn: &'i Connection,
    names: AHashMap<RecIdx, NameParts>,
    /// Whole lists read so far (short forms read the same characters' lists again and again).
    lists: AHashMap<(i64, u64), Vec<RecIdx>>,
    counts: AHashMap<(i64, u64), usize>,
}

impl<'s> Source<'s> for DbSource<'_> {
    fn count(&mut self, kind: Gram, g: u64) -> Result<usize> {
        if let Some(&n) = self.counts.get(&(kind_code(kind), g)) {
            return Ok(n);
        }
        let n: Option<i64> = self
            .conn
            .prepare_cached("SELECT n FROM postings WHERE kind = ?1 AND gram = ?2")
            .and_then(|mut st| st.query_row(params![kind_code(kind), g as i64], |r| r.get(0)).optional())
            .map_err(db_err(&self.index.path))?;
        self.counts.insert((kind_code(kind), g), n.unwrap_or(0) as usize);
        Ok(n.unwrap_or(0) as usize)
    }

    fn postings(&mut self, kind: Gram, g: u64, limit: usize) -> Result<Cow<'s, [RecIdx]>> {
        let key = (kind_code(kind), g);
        if let Some(list) = self.lists.get(&key) {
            return Ok(Cow::Owned(list[..list.len().min(limit)].to_vec()));
        }
        // substr on a blob counts bytes: only the first `limit` entries are read.
        let bytes = limit.saturating_mul(4).min(i64::MAX as usize) as i64;
        let blob: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT substr(recs, 1, ?3) FROM postings WHERE kind = ?1 AND gram = ?2")
            .and_then(|mut st| {
                st.query_row(params![kind_code(kind), g as i64, bytes], |r| r.get(0)).optional()
            })
            .map_err(db_err(&self.index.path))?;
        let list = blob.map(|b| recs_of(&b)).unwrap_or_default();
        if limit == usize::MAX {
            self.lists.insert(key, list.clone());
        }
        Ok(Cow::Owned(list))
    }

    fn exact(&mut self, key: &str) -> Result<Cow<'s, [RecIdx]>> {
        let blob: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT recs FROM exact WHERE key = ?1")
            .and_then(|mut st| st.query_row([key], |r| r.get(0)).optional())
            .map_err(db_err(&self.index.path))?;
        Ok(Cow::Owned(blob.map(|b| recs_of(&b)).unwrap_or_default()))
    }

    fn province(&self, i: RecIdx) -> u32 {
        self.index.provinces[i as usize]
    }

    /// Records holding every character: the intersection of the characters' lists, so that
    /// only names that may hold the characters in order are read and parsed.
    fn holding_all(&mut self, chars: &[char], max_scan: usize) -> Result<Option<Vec<RecIdx>>> {
        let mut counts = Vec::with_capacity(chars.len());
        for &c in chars {
            counts.push(self.count(Gram::Char, c as u64)?);
        }
        if counts.iter().min().is_none_or(|&n| n > max_scan) {
            return Ok(None);
        }
        let mut order: Vec<(usize, char)> = counts.into_iter().zip(chars.iter().copied()).collect();
        order.sort_unstable();
        order.dedup_by_key(|o| o.1);
        let mut out = self.postings(Gram::Char, order[0].1 as u64, usize::MAX)?.into_owned();
        for &(_, c) in &order[1..] {
            if out.is_empty() {
                break;
            }
            let list = self.postings(Gram::Char, c as u64, usize::MAX)?;
            out.retain(|i| list.binary_search(i).is_ok());
        }
        Ok(Some(out))
    }

    fn load(&mut self, recs: &[RecIdx]) -> Result<()> {
        let g = Gazetteer::global();
        let mut st = self
            .conn
            .prepare_cached("SELECT name FROM records WHERE rec = ?1")
            .map_err(db_err(&self.index.path))?;
        for &i in recs {
            if self.names.contains_key(&i) {
                continue;
            }
            let name: String = st.query_row([i], |r| r.get(0)).map_err(db_err(&self.index.path))?;
            self.names.insert(i, normalize::parse(&name, g));
        }
        Ok(())
    }

    fn name(&self, i: RecIdx) -> &NameParts {
        &self.names[&i]
    }
}
