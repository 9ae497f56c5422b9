//! What the commands print for people: the summaries on the console. `run` and `audit` speak
//! the report's language; the step commands' summaries are in English (their snapshot tests
//! and scripts read them).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use crate::audit::diff::{self, Change, Kind};
use crate::dedupe::{self, DedupeResult};
use crate::error::{Error, Result};
use crate::geo::Gazetteer;
use crate::hierarchy::CheckResult;
use crate::lang::Lang;
use crate::model::{Directory, Field, FindingCode, RecIdx};
use crate::profile::OrgProfile;
use crate::uscc::{self, UsccCheck};

use super::pending::Recommendation;
use super::RunReport;

/// The list of files written, under a heading.
fn written_list(s: &mut String, written: &[&str], out: &Path, lang: Lang) {
    let _ = writeln!(s, "{} {}:", lang.pick("已写入", "wrote to"), out.display());
    for w in written {
        let _ = writeln!(s, "  {}", out.join(w).display());
    }
}

/// `run`'s summary: what was read, found and is to be done, and where the files are.
pub fn run(r: &RunReport, written: &[&str], out: &Path, lang: Lang) -> String {
    let mut s = String::new();
    let t = &r.import;
    let d = &r.dedupe;
    let c = &r.coverage.total;
    let pend = |k: Recommendation| r.pending.get(k.as_str()).copied().unwrap_or(0);
    match lang {
        Lang::Zh => {
            let _ = writeln!(
                s,
                "导入：读取 {} 行 = 接受 {} + 拒绝 {} + 完全重复 {}",
                t.rows_read, t.accepted, t.rejected, t.exact_repeats
            );
            let _ = writeln!(
                s,
                "去重：候选对 {}，重复组 {}，合并掉 {} 条记录，{} 对待人工判断",
                d.candidate_pairs, d.clusters, d.records_merged_away, d.pairs_needs_review
            );
            let _ = writeln!(
                s,
                "检查：{} 个问题（错误 {}，警告 {}），{} 个单位省级管理员看不到",
                r.check.findings, r.check.errors, r.check.warnings, r.check.invisible_to_province
            );
            let _ = writeln!(
                s,
                "覆盖：应有科协的区划 {} 个：已有 {}，缺失 {}，重复 {}，挂错位置 {}（覆盖率 {:.1}%，另有 {:.1}% 挂错位置，不计入）",
                c.expected, c.present, c.missing, c.duplicated, c.misplaced, c.coverage_pct, c.misplaced_pct
            );
            let _ = writeln!(
                s,
                "要做的事：合并 {} 条重复记录；修正 {} 个上级组织；待认证申请 认证 {} / 先修正再认证 {} / 驳回 {}",
                d.records_merged_away,
                r.parent_fixes,
                pend(Recommendation::Certify),
                pend(Recommendation::FixParentThenCertify),
                pend(Recommendation::RejectDuplicate)
            );
        }
        Lang::En => {
            let _ = writeln!(
                s,
                "import: rows read {} = accepted {} + rejected {} + exact repeats {}",
                t.rows_read, t.accepted, t.rejected, t.exact_repeats
            );
            let _ = writeln!(
                s,
                "dedupe: {} candidate pairs, {} clusters, {} records merged away, {} pairs to review",
                d.candidate_pairs, d.clusters, d.records_merged_away, d.pairs_needs_review
            );
            let _ = writeln!(
                s,
                "check: {} findings ({} errors, {} warnings), {} units invisible to their provincial admin",
                r.check.findings, r.check.errors, r.check.warnings, r.check.invisible_to_province
            );
            let _ = writeln!(
                s,
                "coverage: {} divisions expect an association: {} present, {} missing, {} duplicated, {} misplaced ({:.1}% covered in place, {:.1}% misplaced)",
                c.expected, c.present, c.missing, c.duplicated, c.misplaced, c.coverage_pct, c.misplaced_pct
            );
            let _ = writeln!(
                s,
                "to do: merge {} records; fix {} parents; pending applications: certify {} / fix parent first {} / reject {}",
                d.records_merged_away,
                r.parent_fixes,
                pend(Recommendation::Certify),
                pend(Recommendation::FixParentThenCertify),
                pend(Recommendation::RejectDuplicate)
            );
        }
    }
    written_list(&mut s, written, out, lang);
    s
}

/// `audit`'s summary: what changed since the last recorded run.
pub fn audit(
    run_id: i64,
    prev: Option<(i64, &str)>,
    d: &diff::Diff,
    written: &[&str],
    out: &Path,
    lang: Lang,
) -> String {
    let mut s = String::new();
    let since = match (prev, lang) {
        (Some((id, as_of)), Lang::Zh) => format!("与第 {id} 次运行（数据日期 {as_of}）相比"),
        (Some((id, as_of)), Lang::En) => format!("since run #{id} (as of {as_of})"),
        (None, _) => lang.pick("这是该数据库中的第一次运行", "first run in this database").to_string(),
    };
    let _ = match lang {
        Lang::Zh => writeln!(s, "审计：已记录第 {run_id} 次运行；{since}："),
        Lang::En => writeln!(s, "audit: recorded run #{run_id}; {since}:"),
    };
    for k in [Kind::Finding, Kind::Cluster] {
        let (n, r, p) =
            (d.count(Change::New, k), d.count(Change::Resolved, k), d.count(Change::Persisting, k));
        let _ = match lang {
            Lang::Zh => writeln!(s, "  {}：新增 {n}，已解决 {r}，仍存在 {p}", super::labels::kind(k, lang)),
            Lang::En => writeln!(s, "  {}s: {n} new, {r} resolved, {p} persisting", k.as_str()),
        };
    }
    written_list(&mut s, written, out, lang);
    s
}

/// `import`'s summary, per file and in total.
pub fn import(dir: &Directory, out: Option<&Path>) -> Result<String> {
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

/// Console summary: counts by code, fixes by confidence, and by province what the administrator
/// cannot see.
pub fn check(dir: &Directory, profiles: &[OrgProfile], result: &CheckResult) -> String {
    let g = Gazetteer::global();
    let mut s = String::new();
    let mut by_code: HashMap<FindingCode, usize> = HashMap::new();
    let mut by_conf: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_prov: BTreeMap<Option<u32>, usize> = BTreeMap::new();
    for f in &result.findings {
        *by_code.entry(f.code).or_default() += 1;
        if let Some(fix) = &f.fix {
            *by_conf.entry(fix.confidence.as_str()).or_default() += 1;
        }
        if f.code.is_structural() {
            *by_prov.entry(profiles[f.org as usize].region.province).or_default() += 1;
        }
    }
    let _ = writeln!(s, "check: {} records, {} findings", dir.len(), result.findings.len());
    for code in FindingCode::ALL {
        let n = by_code.get(&code).copied().unwrap_or(0);
        let _ = writeln!(s, "  {:<24}{n:>8}", code.as_str());
    }
    let conf: Vec<String> = by_conf.iter().map(|(k, v)| format!("{v} {k}")).collect();
    let _ = writeln!(
        s,
        "proposed parents: {}; {} downgraded to needs_review by the re-check of the fixed directory",
        if conf.is_empty() { "none".to_string() } else { conf.join(", ") },
        result.downgraded
    );
    let short =
        |p: u32| g.get(p).map(|d| d.short.clone().unwrap_or_else(|| d.name.clone())).unwrap_or_default();
    let invisible: HashMap<u32, u64> = result.invisible_by_province.iter().copied().collect();
    let mut provs: Vec<u32> = by_prov.keys().flatten().copied().chain(invisible.keys().copied()).collect();
    provs.sort_unstable();
    provs.dedup();
    if !provs.is_empty() {
        let _ = writeln!(s, "by province:");
    }
    for p in provs {
        let _ = writeln!(
            s,
            "  {}: {} units invisible to the provincial admin, {} structural findings",
            short(p),
            invisible.get(&p).copied().unwrap_or(0),
            by_prov.get(&Some(p)).copied().unwrap_or(0)
        );
    }
    if let Some(n) = by_prov.get(&None) {
        let _ = writeln!(s, "  (province unknown): {n} structural findings");
    }
    s
}

/// `dedupe`'s summary.
pub fn dedupe(dir: &Directory, res: &DedupeResult, out: &Path) -> String {
    let clusters = &res.clusters.clusters;
    let in_clusters: usize = clusters.iter().map(|c| c.members.len()).sum();
    let review = res.pairs.iter().filter(|p| p.decision == dedupe::PairDecision::NeedsReview).count();
    let mut s = String::new();
    let _ = writeln!(s, "records: {}", dir.len());
    let _ = writeln!(s, "candidate pairs: {}", res.candidate_pairs);
    let _ = writeln!(
        s,
        "clusters: {} ({} records in clusters, {} to merge away)",
        clusters.len(),
        in_clusters,
        in_clusters - clusters.len()
    );
    let _ = writeln!(s, "pairs for review: {review}");
    let mut by_province: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in clusters {
        let p = dir.get(c.survivor, Field::Province);
        let e = by_province.entry(if p.is_empty() { "(no province)" } else { p }).or_default();
        e.0 += 1;
        e.1 += c.members.len();
    }
    let mut rows: Vec<_> = by_province.into_iter().collect();
    rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
    if !rows.is_empty() {
        let _ = writeln!(s, "by province (clusters / records in clusters):");
        for (p, (c, r)) in rows {
            let _ = writeln!(s, "  {p}: {c} / {r}");
        }
    }
    let _ =
        writeln!(s, "wrote {} and {}", out.join("clusters.csv").display(), out.join("pairs.csv").display());
    s
}
