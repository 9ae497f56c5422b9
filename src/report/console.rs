//! What the commands print for people: the summaries on the console, in the chosen language
//! (Chinese by default, `--lang en` for English). `run` and `audit` read the counts of `counts`;
//! `import`, `check` and `dedupe`, which have no whole run to count, group their own tables with
//! the same polars helpers.

use std::collections::BTreeMap;

use polars::prelude::PolarsResult;
use std::fmt::Write as _;
use std::path::Path;

use crate::audit::diff::{self, Change, Kind};
use crate::dedupe::{self, DedupeResult};
use crate::error::{Error, Result};
use crate::geo::Gazetteer;
use crate::hierarchy::CheckResult;
use crate::lang::Lang;
use crate::model::{Confidence, Directory, Field, FindingCode, RecIdx};
use crate::profile::OrgProfile;
use crate::uscc::{self, UsccCheck};

use super::pending::Recommendation;
use super::RunReport;
use super::{counts, labels};

/// What the run could not see or had to repair: printed even with --quiet, because a quiet
/// nightly run is exactly where nobody looks at the report.
pub fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("orgclean: warning: {w}");
    }
}

/// Print to stdout; a closed pipe (`| head`) is not an error.
pub fn print_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::Internal(format!("writing to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

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
pub fn import(dir: &Directory, out: Option<&Path>, lang: Lang) -> Result<String> {
    let mut s = String::new();
    for f in &dir.files {
        let c = f.counts;
        let delim = match (f.delimiter, lang) {
            (b'\t', Lang::Zh) => "制表符".to_string(),
            (b'\t', Lang::En) => "tab".to_string(),
            (d, _) => format!("'{}'", d as char),
        };
        let ends = if f.crlf { "CRLF" } else { "LF" };
        let _ = match lang {
            Lang::Zh => writeln!(
                s,
                "{}：{}{}，分隔符 {delim}，换行 {ends}；读取 {} 行，接受 {}，拒绝 {}，完全重复 {}",
                f.display,
                f.encoding,
                if f.had_bom { "（带 BOM）" } else { "" },
                c.rows_read,
                c.accepted,
                c.rejected,
                c.exact_repeats
            ),
            Lang::En => writeln!(
                s,
                "{}: {}{}, delimiter {delim}, {ends} line ends; {} rows read, {} accepted, {} rejected, {} exact repeats",
                f.display,
                f.encoding,
                if f.had_bom { " with BOM" } else { "" },
                c.rows_read,
                c.accepted,
                c.rejected,
                c.exact_repeats
            ),
        };
        let unmapped: Vec<&str> = f
            .headers
            .iter()
            .enumerate()
            .filter(|(i, _)| !f.columns.contains(&Some(*i)))
            .map(|(_, h)| h.as_str())
            .collect();
        if !unmapped.is_empty() {
            let sep = lang.pick("、", ", ");
            let _ = writeln!(
                s,
                "  {}{}",
                lang.pick("其余的列原样保留：", "kept as extra columns: "),
                unmapped.join(sep)
            );
        }
    }
    let t = dir.totals();
    let _ = writeln!(
        s,
        "{}",
        match lang {
            Lang::Zh => format!(
                "读取 {} 行 = 接受 {} + 拒绝 {} + 完全重复 {}",
                t.rows_read, t.accepted, t.rejected, t.exact_repeats
            ),
            Lang::En => format!(
                "rows read {} = accepted {} + rejected {} + exact repeats {}",
                t.rows_read, t.accepted, t.rejected, t.exact_repeats
            ),
        }
    );
    let invalid = (0..dir.len() as RecIdx)
        .filter(|&i| matches!(uscc::validate(dir.get(i, Field::Uscc)), UsccCheck::Invalid(_)))
        .count();
    let _ = match lang {
        Lang::Zh => writeln!(s, "不符合 GB 32100 的统一社会信用代码：{invalid} 个（已保留；check 会报告为“统一社会信用代码无效”）"),
        Lang::En => writeln!(s, "credit codes failing GB 32100: {invalid} (kept; reported as invalid_uscc by check)"),
    };
    let self_parents = (0..dir.len() as RecIdx).filter(|&i| dir.parent(i) == Some(i)).count();
    if self_parents > 0 {
        let _ = match lang {
            Lang::Zh => writeln!(
                s,
                "上级组织ID就是自己ID的行（去掉空格、统一全半角后）：{self_parents} 行（已保留；check 会报告）"
            ),
            Lang::En => writeln!(
                s,
                "rows whose parent id is their own id (after trimming and width folding): {self_parents} (kept; check reports them)"
            ),
        };
    }
    let df = crate::table::frame(dir).map_err(|e| Error::Internal(format!("building the table: {e}")))?;
    let by_province = crate::table::count_by(&df, Field::Province.key())
        .map_err(|e| Error::Internal(format!("counting by province: {e}")))?;
    let top: Vec<String> = by_province
        .iter()
        .take(10)
        .map(|(p, n)| format!("{} {n}", if p.is_empty() { no_province(lang) } else { p }))
        .collect();
    if !top.is_empty() {
        let sep = lang.pick("，", ", ");
        let more = if by_province.len() > 10 { lang.pick("，…", ", …") } else { "" };
        let _ = writeln!(s, "{}{}{more}", lang.pick("按省份：", "by province: "), top.join(sep));
    }
    if let Some(out) = out {
        let _ = writeln!(
            s,
            "{}{}",
            lang.pick("被拒绝的行：", "rejected rows: "),
            out.join("rejected_rows.csv").display()
        );
    }
    Ok(s)
}

/// The label of an empty province column.
fn no_province(lang: Lang) -> &'static str {
    lang.pick("（未填省份）", "(no province)")
}

/// `check`'s summary: counts by code, fixes by confidence, and by province what the
/// administrator cannot see.
pub fn check(dir: &Directory, profiles: &[OrgProfile], result: &CheckResult, lang: Lang) -> Result<String> {
    let g = Gazetteer::global();
    let mut s = String::new();
    let polars_err = |e: polars::prelude::PolarsError| Error::Internal(format!("counting findings: {e}"));
    let CheckCounts { by_code, by_conf, by_prov } = check_counts(profiles, result).map_err(polars_err)?;
    let (records, findings) = (dir.len(), result.findings.len());
    let _ = match lang {
        Lang::Zh => writeln!(s, "检查：{records} 条记录，{findings} 个问题"),
        Lang::En => writeln!(s, "check: {records} records, {findings} findings"),
    };
    for code in FindingCode::ALL {
        let n = by_code.get(code.as_str()).copied().unwrap_or(0);
        // Counts first in Chinese: a column of CJK labels cannot be padded to one width by chars.
        let _ = match lang {
            Lang::Zh => writeln!(s, "  {n:>8}  {}（{}）", labels::code(code, lang), code.as_str()),
            Lang::En => writeln!(s, "  {:<24}{n:>8}", code.as_str()),
        };
    }
    let conf: Vec<String> = by_conf
        .iter()
        .map(|&(c, n)| match lang {
            Lang::Zh => format!("{} {n} 个", labels::confidence(Some(c), lang)),
            Lang::En => format!("{n} {}", c.as_str()),
        })
        .collect();
    let downgraded = result.downgraded;
    let _ = match lang {
        Lang::Zh => writeln!(
            s,
            "建议的上级组织：把握{}；修正后复查，{downgraded} 个降为需人工复核",
            if conf.is_empty() { " 无".to_string() } else { conf.join("，") }
        ),
        Lang::En => writeln!(
            s,
            "proposed parents: {}; {downgraded} downgraded to needs_review by the re-check of the fixed directory",
            if conf.is_empty() { "none".to_string() } else { conf.join(", ") }
        ),
    };
    let short =
        |p: u32| g.get(p).map(|d| d.short.clone().unwrap_or_else(|| d.name.clone())).unwrap_or_default();
    let invisible: BTreeMap<u32, u64> = result.invisible_by_province.iter().copied().collect();
    let mut provs: Vec<u32> = by_prov.keys().flatten().copied().chain(invisible.keys().copied()).collect();
    provs.sort_unstable();
    provs.dedup();
    if !provs.is_empty() {
        let _ = writeln!(s, "{}", lang.pick("按省份：", "by province:"));
    }
    for p in provs {
        let hidden = invisible.get(&p).copied().unwrap_or(0);
        let structural = by_prov.get(&Some(p)).copied().unwrap_or(0);
        let _ = match lang {
            Lang::Zh => {
                writeln!(s, "  {}：省级管理员看不到 {hidden} 个单位，上级组织问题 {structural} 个", short(p))
            }
            Lang::En => writeln!(
                s,
                "  {}: {hidden} units invisible to the provincial admin, {structural} structural findings",
                short(p)
            ),
        };
    }
    if let Some(n) = by_prov.get(&None) {
        let _ = match lang {
            Lang::Zh => writeln!(s, "  {}：上级组织问题 {n} 个", labels::unknown_province(lang)),
            Lang::En => writeln!(s, "  (province unknown): {n} structural findings"),
        };
    }
    Ok(s)
}

/// What `check`'s summary counts, with polars.
struct CheckCounts {
    by_code: BTreeMap<String, u64>,
    /// Proposed parents by confidence, in the order of their machine words.
    by_conf: Vec<(Confidence, u64)>,
    /// Structural findings by province (`None`: unknown).
    by_prov: BTreeMap<Option<u32>, u64>,
}

fn check_counts(profiles: &[OrgProfile], result: &CheckResult) -> PolarsResult<CheckCounts> {
    let fs = &result.findings;
    // Structural findings carry their province's division code ("" when unknown); "-" marks the
    // credit-code findings, which are not counted by province.
    let provinces: Vec<String> = fs
        .iter()
        .map(|f| match (f.code.is_structural(), profiles[f.org as usize].region.province) {
            (false, _) => "-".to_string(),
            (true, p) => p.map(|p| p.to_string()).unwrap_or_default(),
        })
        .collect();
    let df = counts::frame(
        vec![
            ("code", fs.iter().map(|f| f.code.as_str()).collect()),
            ("confidence", fs.iter().map(|f| f.fix.as_ref().map_or("", |x| x.confidence.as_str())).collect()),
            ("province", provinces.iter().map(String::as_str).collect()),
        ],
        vec![1; fs.len()],
    )?;
    let by_code = counts::group_sum(&df, &["code"])?.into_iter().map(|(k, n)| (k[0].clone(), n)).collect();
    let mut by_conf: Vec<(Confidence, u64)> = counts::group_sum(&df, &["confidence"])?
        .into_iter()
        .filter_map(|(k, n)| CONFIDENCES.into_iter().find(|c| c.as_str() == k[0]).map(|c| (c, n)))
        .collect();
    by_conf.sort_by_key(|(c, _)| c.as_str());
    let by_prov = counts::group_sum(&df, &["province"])?
        .into_iter()
        .filter(|(k, _)| k[0] != "-")
        .map(|(k, n)| (k[0].parse().ok(), n))
        .collect();
    Ok(CheckCounts { by_code, by_conf, by_prov })
}

const CONFIDENCES: [Confidence; 4] =
    [Confidence::High, Confidence::Medium, Confidence::Low, Confidence::NeedsReview];

/// `dedupe`'s summary.
pub fn dedupe(dir: &Directory, res: &DedupeResult, out: &Path, lang: Lang) -> Result<String> {
    let clusters = &res.clusters.clusters;
    let in_clusters: usize = clusters.iter().map(|c| c.members.len()).sum();
    let review = res.pairs.iter().filter(|p| p.decision == dedupe::PairDecision::NeedsReview).count();
    let (records, candidates, n, away) =
        (dir.len(), res.candidate_pairs, clusters.len(), in_clusters - clusters.len());
    let mut s = String::new();
    let _ = match lang {
        Lang::Zh => writeln!(
            s,
            "记录：{records}\n候选对：{candidates}\n重复组：{n} 个（组内 {in_clusters} 条记录，合并掉 {away} 条）\n待人工判断的对：{review}"
        ),
        Lang::En => writeln!(
            s,
            "records: {records}\ncandidate pairs: {candidates}\nclusters: {n} ({in_clusters} records in clusters, {away} to merge away)\npairs for review: {review}"
        ),
    };
    let province: Vec<&str> = clusters
        .iter()
        .map(|c| match dir.get(c.survivor, Field::Province) {
            "" => no_province(lang),
            p => p,
        })
        .collect();
    let count = |n: Vec<u64>| -> Result<BTreeMap<String, u64>> {
        let df = counts::frame(vec![("province", province.clone())], n)
            .and_then(|df| counts::group_sum(&df, &["province"]))
            .map_err(|e| Error::Internal(format!("counting clusters: {e}")))?;
        Ok(df.into_iter().map(|(k, n)| (k[0].clone(), n)).collect())
    };
    let (n_clusters, n_records) =
        (count(vec![1; clusters.len()])?, count(clusters.iter().map(|c| c.members.len() as u64).collect())?);
    let mut rows: Vec<(&String, (u64, u64))> =
        n_clusters.iter().map(|(p, &c)| (p, (c, n_records.get(p).copied().unwrap_or(0)))).collect();
    rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
    if !rows.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            lang.pick("按省份（重复组 / 组内记录）：", "by province (clusters / records in clusters):")
        );
        for (p, (c, r)) in rows {
            let _ = writeln!(s, "  {p}{}{c} / {r}", lang.pick("：", ": "));
        }
    }
    let (a, b) = (out.join("clusters.csv"), out.join("pairs.csv"));
    let _ = match lang {
        Lang::Zh => writeln!(s, "已写入 {} 和 {}", a.display(), b.display()),
        Lang::En => writeln!(s, "wrote {} and {}", a.display(), b.display()),
    };
    Ok(s)
}
