//! What `lookup` prints: a readable Chinese (or English) block per query, or one JSON object per
//! query (`--json`, schema in docs/lookup.md).

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::dedupe::DedupeOptions;
use crate::error::Result;
use crate::import::ImportOptions;
use crate::lang::Lang;
use crate::lookup::queries::{self, Answerer, Ask, Source};
use crate::lookup::saved::{self, SavedIndex};
use crate::lookup::{Answer, Catalog, Entry, Loaded};
use crate::model::FindingCode;

use super::labels;

/// Where `lookup` looks.
pub enum LookIn<'a> {
    /// The dumps, loaded now; the index saved to `save_index` when given.
    Dumps { dumps: &'a [PathBuf], import: ImportOptions, save_index: Option<&'a Path> },
    /// A saved index.
    Index(&'a Path),
}

/// `lookup` end to end: load (or open the index), save the index if asked, answer the queries
/// on standard output (`source`: none when only saving).
pub fn run(
    from: LookIn,
    source: Option<Source>,
    ask: &Ask,
    opts: DedupeOptions,
    json: bool,
    quiet: bool,
) -> Result<()> {
    let lang = ask.lang;
    let print = |who: &Answerer| -> Result<()> {
        let render = |a: &Answer| render(a, json, lang);
        match source {
            None => Ok(()),
            Some(Source::Batch(batch)) => super::console::print_stdout(
                &who.answer_all(&batch, ask)?.iter().map(render).collect::<String>(),
            ),
            Some(Source::Stdin) => {
                let (stdin, mut stdout) = (std::io::stdin().lock(), std::io::stdout().lock());
                queries::interactive(who, stdin, &mut stdout, ask, quiet, render)
            }
        }
    };
    match from {
        LookIn::Index(path) => print(&Answerer::Saved(&SavedIndex::open(path)?, opts)),
        LookIn::Dumps { dumps, import, save_index } => {
            let loaded = Loaded::load(dumps, &import)?;
            let catalog = Catalog::build(&loaded, opts);
            if let Some(path) = save_index {
                saved::save(&catalog, dumps, path)?;
            }
            let printed = print(&Answerer::Loaded(&catalog));
            crate::pipeline::leave_at_exit(catalog);
            crate::pipeline::leave_at_exit(loaded);
            printed
        }
    }
}

/// What is printed for one answer: its JSON line, or its block of the table.
pub fn render(a: &Answer, json: bool, lang: Lang) -> String {
    if json {
        format!("{}\n", json_line(a))
    } else {
        format!("{}\n", text(a, lang))
    }
}

/// One JSON object, one line.
pub fn json_line(a: &Answer) -> String {
    serde_json::to_string(a).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

fn yes_no(v: Option<bool>, lang: Lang) -> &'static str {
    match v {
        Some(true) => lang.pick("可见", "visible"),
        Some(false) => lang.pick("看不到", "NOT visible"),
        None => lang.pick("不适用", "n/a"),
    }
}

fn chain(e: &Entry, lang: Lang) -> String {
    let mut s: Vec<String> = e.chain.iter().zip(&e.chain_names).map(|(id, n)| format!("{id} {n}")).collect();
    if !e.reaches_national {
        s.push(lang.pick("（断开，未到中国科协）", "(broken: does not reach 中国科协)").to_string());
    }
    s.join(" → ")
}

/// The block printed for one query.
pub fn text(a: &Answer, lang: Lang) -> String {
    let mut out = String::new();
    let province = if a.province.is_empty() {
        String::new()
    } else {
        format!("  {}{}", lang.pick("省份：", "province: "), a.province)
    };
    let _ = writeln!(out, "{}「{}」{province}", lang.pick("查询", "query"), a.query);
    if a.results.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            lang.pick("没有找到这个组织。最接近的：", "no such unit. Closest entries:")
        );
        for c in &a.closest {
            let why = if c.why_not.is_empty() { String::new() } else { format!("  ({})", c.why_not) };
            let _ = writeln!(
                out,
                "    {} {}  {} {:.2}{why}",
                c.org_id,
                c.name,
                lang.pick("相似度", "similarity"),
                c.similarity
            );
        }
        if let Some(cov) = &a.coverage {
            let status = match cov.status.as_str() {
                "present" => lang.pick("有", "has one"),
                "missing" => {
                    lang.pick("没有（组织库中缺少该地区科协）", "has none (missing from the directory)")
                }
                "duplicated" => lang.pick("有多个（重复）", "has several (duplicated)"),
                other => other,
            };
            let ids = if cov.association_ids.is_empty() {
                String::new()
            } else {
                format!("：{}", cov.association_ids.join("、"))
            };
            let _ =
                writeln!(out, "  {}{} {status}{ids}", cov.division, lang.pick("科协：", " association: "));
        }
        return out;
    }
    let mut last_cluster = "";
    let mut k = 0;
    for e in &a.results {
        if e.cluster_id != last_cluster {
            k += 1;
            let size = a.results.iter().filter(|x| x.cluster_id == e.cluster_id).count();
            let what = if size > 1 {
                format!(
                    "{} {}（{size} {}）",
                    lang.pick("重复簇", "duplicate cluster"),
                    e.cluster_id,
                    lang.pick("条", "entries")
                )
            } else {
                lang.pick("单个组织", "single entry").to_string()
            };
            let _ = writeln!(out, "  [{k}] {what}");
            last_cluster = &e.cluster_id;
        }
        let mark =
            if e.is_survivor { lang.pick("★保留", "*kept") } else { lang.pick("  重复", "  dup") };
        let offered =
            if e.offered { lang.pick("  平台联想可见", "  offered by autocomplete") } else { "" };
        let _ = writeln!(
            out,
            "    {mark} {} {}  {} {:.2}  {}{}{offered}",
            e.org_id,
            e.name,
            lang.pick("得分", "score"),
            e.score,
            lang.pick("省级管理员：", "province admin: "),
            yes_no(e.visible_to_province, lang)
        );
        let _ = writeln!(out, "        {}{}", lang.pick("上级链：", "chain: "), chain(e, lang));
        // Why the entry answers the query: the operator judges a weak match by its reasons.
        if !e.reasons.is_empty() {
            let _ = writeln!(
                out,
                "        {}{}",
                lang.pick("原因：", "why: "),
                e.reasons.join(lang.pick("；", "; "))
            );
        }
        if let Some(b) = &e.broken_link {
            let fix = if b.proposed_parent_id.is_empty() {
                format!("{}（{}）", lang.pick("需人工核对", "needs review"), b.reason_label)
            } else {
                format!(
                    "{} {} {}（{}{}，{}）",
                    lang.pick("改挂到", "re-parent under"),
                    b.proposed_parent_id,
                    b.proposed_parent_name,
                    lang.pick("把握：", "confidence: "),
                    labels::confidence_word(&b.confidence, lang),
                    b.reason_label
                )
            };
            let code = FindingCode::parse(&b.code).map_or(b.code.as_str(), |c| labels::code(c, lang));
            let _ = writeln!(
                out,
                "        {}{} {} [{code}] {}；{}{fix}",
                lang.pick("断点：", "broken link: "),
                b.org_id,
                b.name,
                b.detail_label,
                lang.pick("建议：", "fix: ")
            );
        }
    }
    out
}
