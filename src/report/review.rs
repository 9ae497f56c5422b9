//! The review sheet: the open items of the last audited run, for provincial administrators to
//! fill in (`audit::review` reads it back). A workbook by default: the decision is a drop-down
//! in the sheet's language, province and city lead each row so that the sheet can be split by
//! province, the header row is frozen. A CSV (same columns) when the output ends in `.csv`.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use crate::audit::db::{self, OpenItems};
use crate::audit::{review, sheet};
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::model::FindingCode;
use crate::output::{self, xlsx_cell};
use crate::province::ProvinceFilter;

/// One row of the sheet, before it is written in a language.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    /// pair, cluster_member or fix.
    pub kind: &'static str,
    pub key: String,
    pub org_id: String,
    pub org_name: String,
    pub other_id: String,
    pub other_name: String,
    pub code: String,
    pub score: Option<f32>,
    /// For fixes: the confidence of the proposed parent (machine word).
    pub confidence: String,
    pub detail: String,
    /// `detail` in Chinese where the database has it (pairs, cluster members).
    pub detail_zh: String,
    /// The org's province; a pair across provinces names both (`湖南省 / 广东省`).
    pub province: String,
    pub city: String,
    /// Provinces of both records, for `--province`.
    provinces: [String; 2],
}

/// The sheet's rows for the undecided items, of `province` only when given (a pair or cluster
/// member is in it when either record is); counts per kind alongside.
pub fn open_rows(
    items: &OpenItems,
    decided: &HashSet<String>,
    province: Option<&ProvinceFilter>,
) -> (Vec<ReviewRow>, [usize; 3]) {
    let place = |id: &str| items.places.get(id).cloned().unwrap_or_default();
    let row = |kind, key: String, a: (&str, &str), b: (&str, &str), both: bool| {
        let (pa, ca) = place(a.0);
        let (pb, cb) = if both { place(b.0) } else { (pa.clone(), ca.clone()) };
        // Both places when they differ; one when the other is unknown.
        let join = |x: &str, y: &str| match (x, y) {
            (x, y) if x == y || y.is_empty() => x.to_string(),
            ("", y) => y.to_string(),
            (x, y) => format!("{x} / {y}"),
        };
        ReviewRow {
            kind,
            key,
            org_id: a.0.to_string(),
            org_name: a.1.to_string(),
            other_id: b.0.to_string(),
            other_name: b.1.to_string(),
            code: String::new(),
            score: None,
            confidence: String::new(),
            detail: String::new(),
            detail_zh: String::new(),
            province: join(&pa, &pb),
            city: join(&ca, &cb),
            provinces: [pa, pb],
        }
    };
    let mut rows = Vec::new();
    for p in &items.pairs {
        if !decided.contains(&review::pair_decision(&p.a_id, &p.b_id).key()) {
            let mut r = row(
                "pair",
                format!("{}|{}", p.a_id, p.b_id),
                (&p.a_id, &p.a_name),
                (&p.b_id, &p.b_name),
                true,
            );
            r.score = Some(p.score);
            (r.detail, r.detail_zh) = (p.reasons.clone(), p.reasons_zh.clone());
            rows.push(r);
        }
    }
    for c in &items.clusters {
        let Some(s) = c.members.iter().find(|m| m.id == c.survivor_id) else { continue };
        for m in c.members.iter().filter(|m| m.id != c.survivor_id) {
            if !decided.contains(&review::pair_decision(&s.id, &m.id).key()) {
                let mut r =
                    row("cluster_member", c.cluster_id.clone(), (&s.id, &s.name), (&m.id, &m.name), true);
                r.score = m.score;
                (r.detail, r.detail_zh) = (m.reason.clone(), m.reason_zh.clone());
                rows.push(r);
            }
        }
    }
    for f in &items.fixes {
        let key = review::fix_decision(&f.org_id, &f.code, &f.proposed_parent_id, &f.inputs_hash).key();
        if !decided.contains(&key) {
            let mut r = row(
                "fix",
                f.inputs_hash.clone(),
                (&f.org_id, &f.name),
                (&f.proposed_parent_id, &f.proposed_parent_name),
                false,
            );
            r.code = f.code.clone();
            r.confidence = f.confidence.clone();
            r.detail = if f.reason.is_empty() {
                f.detail.clone()
            } else {
                format!("{}; fix: {}", f.detail, f.reason)
            };
            // Empty for a span stored before the database kept the Chinese text: then English.
            r.detail_zh = match (f.detail_zh.as_str(), f.reason_zh.as_str()) {
                ("", _) => String::new(),
                (d, "") => d.to_string(),
                (d, why) => format!("{d}；修正：{why}"),
            };
            rows.push(r);
        }
    }
    if let Some(p) = province {
        rows.retain(|r| r.provinces.iter().any(|x| p.matches(x)));
    }
    let mut counts = [0; 3];
    for r in &rows {
        counts[match r.kind {
            "pair" => 0,
            "cluster_member" => 1,
            _ => 2,
        }] += 1;
    }
    (rows, counts)
}

/// The row's cells in column order (`sheet::COLUMNS`), words in `lang`; decision, comment and
/// reviewer empty.
fn cells(r: &ReviewRow, lang: Lang) -> [String; 14] {
    let score = match r.score {
        Some(s) => format!("{s:.2}"),
        None => super::labels::confidence_word(&r.confidence, lang).to_string(),
    };
    let detail = match (FindingCode::parse(&r.code), lang) {
        (Some(c), Lang::Zh) if !r.detail_zh.is_empty() => {
            format!("{}：{}", super::labels::code(c, lang), r.detail_zh)
        }
        (Some(c), Lang::Zh) => format!("{}：{}", super::labels::code(c, lang), r.detail),
        (None, Lang::Zh) if !r.detail_zh.is_empty() => r.detail_zh.clone(),
        _ => r.detail.clone(),
    };
    [
        r.province.clone(),
        r.city.clone(),
        sheet::kind_word(r.kind, lang).to_string(),
        r.org_id.clone(),
        r.org_name.clone(),
        r.other_id.clone(),
        r.other_name.clone(),
        r.code.clone(),
        score,
        detail,
        String::new(),
        String::new(),
        String::new(),
        r.key.clone(),
    ]
}

/// The sheet as a CSV (UTF-8 with BOM; formula-looking cells escaped).
pub fn write_csv(rows: &[ReviewRow], path: &Path, lang: Lang) -> Result<()> {
    let all: Vec<[String; 14]> = rows.iter().map(|r| cells(r, lang)).collect();
    output::write_csv(path, &sheet::headers(lang), all.iter())
}

/// Width of the detail column, in characters; longer text wraps.
const DETAIL_WIDTH: f64 = 50.0;

/// The sheet as a workbook (see the module comment).
pub fn render_xlsx(rows: &[ReviewRow], lang: Lang) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name(lang.pick("待审核", "review"))?;
    let header = Format::new().set_bold().set_text_wrap().set_background_color(Color::RGB(0xDDEBF7));
    let to_fill = Format::new()
        .set_background_color(Color::RGB(0xFFF2CC))
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let number = Format::new().set_num_format("0.00").set_align(FormatAlign::Top);
    let top = Format::new().set_align(FormatAlign::Top);
    let heads = sheet::headers(lang);
    // Widths in characters; CJK characters count double, which is how they render.
    let width = |s: &str| s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>();
    let mut widths: Vec<usize> = heads.iter().map(|h| width(h)).collect();
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header)?;
    }
    let (c_score, c_detail, c_dec) = (sheet::col("score"), sheet::col("detail"), sheet::col("decision"));
    for (i, r) in rows.iter().enumerate() {
        let rr = i as u32 + 1;
        for (c, text) in cells(r, lang).iter().enumerate() {
            let col = c as u16;
            match (c, r.score) {
                (c, Some(s)) if c == c_score => {
                    ws.write_number_with_format(rr, col, (s as f64 * 100.0).round() / 100.0, &number)?;
                }
                (c, _) if c == c_dec || c == sheet::col("comment") || c == sheet::col("reviewer") => {
                    ws.write_blank(rr, col, &to_fill)?;
                }
                (c, _) if c == c_detail => {
                    ws.write_string_with_format(rr, col, xlsx_cell(text), &wrap)?;
                    // Viewers do not grow a row to its wrapped text by themselves: up to four
                    // lines shown, the rest on a click.
                    let lines = width(text).div_ceil(DETAIL_WIDTH as usize).clamp(1, 4);
                    ws.set_row_height(rr, 15.0 * lines as f64)?;
                }
                _ if text.is_empty() => {}
                _ => {
                    ws.write_string_with_format(rr, col, xlsx_cell(text), &top)?;
                }
            }
            widths[c] = widths[c].max(width(text));
        }
    }
    for (c, w) in widths.iter().enumerate() {
        let max = if c == c_detail { DETAIL_WIDTH } else { 36.0 };
        ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(8.0, max))?;
    }
    ws.set_column_width(c_dec as u16, 14.0)?;
    // One drop-down per run of rows of a kind (rows come grouped by kind).
    let mut start = 0;
    while start < rows.len() {
        let kind = rows[start].kind;
        let end = rows[start..].iter().position(|r| r.kind != kind).map_or(rows.len(), |n| start + n);
        let words = sheet::choices(kind, lang);
        let hint = match lang {
            Lang::Zh if kind == "fix" => {
                "接受修正：按“对方ID”改上级；拒绝修正：不改，以后不再询问".to_string()
            }
            Lang::Zh => "同一单位：两条记录是同一单位（合并）；不同单位：不是同一单位（不合并）".to_string(),
            Lang::En => format!("{} or {}", words[0], words[1]),
        };
        let dv = DataValidation::new()
            .allow_list_strings(&words)?
            .set_input_title(lang.pick("请选择", "choose"))?
            .set_input_message(hint)?
            .set_error_style(DataValidationErrorStyle::Stop)
            .set_error_title(lang.pick("无效的决定", "invalid decision"))?
            .set_error_message(format!(
                "{}: {}",
                lang.pick("请从下拉列表中选择", "choose from the list"),
                words.join(" / ")
            ))?;
        ws.add_data_validation(start as u32 + 1, c_dec as u16, end as u32, c_dec as u16, &dv)?;
        start = end;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows.len().max(1) as u32, (heads.len() - 1) as u16)?;
    // Print: landscape A4, every column on one page width, the header on every page.
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    wb.save_to_buffer()
}

/// What `review export` wrote.
#[derive(Debug)]
pub struct Exported {
    pub run_id: i64,
    pub rows: usize,
    /// Pairs, cluster members, fixes.
    pub counts: [usize; 3],
}

/// Whether `out` names an existing file among `files` (the same file by another path too).
fn same_file(out: &Path, files: &[std::path::PathBuf]) -> bool {
    let Ok(out) = std::fs::canonicalize(out) else { return false };
    files.iter().any(|f| std::fs::canonicalize(f).is_ok_and(|f| f == out))
}

/// `review export`: the open items of the database's last run (of one province when asked) as a
/// workbook, or a CSV when `out` ends in `.csv`. Refuses to replace the database or an input of
/// the run: a slip in `--out` must not destroy them.
pub fn export(db_path: &Path, out: &Path, province: Option<&ProvinceFilter>, lang: Lang) -> Result<Exported> {
    let adb = db::AuditDb::open(db_path, false, Duration::from_secs(60))?;
    let items = db::last_run_items(&adb.conn, db_path)?.ok_or_else(|| Error::Database {
        path: db_path.to_path_buf(),
        message: "no run recorded yet; run `orgclean audit` first".into(),
    })?;
    let mut guarded: Vec<std::path::PathBuf> =
        ["", "-wal", "-shm", "-journal"].iter().map(|s| format!("{}{s}", db_path.display()).into()).collect();
    guarded.extend(db::last_run_inputs(&adb.conn, db_path)?.into_iter().map(Into::into));
    if same_file(out, &guarded) {
        return Err(Error::Usage(format!(
            "--out {}: that is the audit database or an input of the last run, which the sheet would \
             replace; give another file name (e.g. review.xlsx)",
            out.display()
        )));
    }
    if province.is_some() && items.places.is_empty() {
        // A database recorded before v4 does not know where its items are: an empty sheet would
        // say "nothing to review" when the truth is "unknown".
        return Err(Error::Usage(
            "--province: the last run was recorded by an older orgclean, which did not store the \
             items' provinces; run `orgclean audit` once, then export again"
                .into(),
        ));
    }
    let decided = db::decided_keys(&adb.conn, db_path)?;
    let (rows, counts) = open_rows(&items, &decided, province);
    if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        write_csv(&rows, out, lang)?;
    } else {
        let bytes = render_xlsx(&rows, lang)
            .map_err(|e| Error::Internal(format!("building {}: {e}", out.display())))?;
        output::write_bytes(out, &bytes)?;
    }
    Ok(Exported { run_id: items.run_id, rows: rows.len(), counts })
}

/// `review export`'s line on stderr.
pub fn export_summary(x: &Exported, out: &Path, lang: Lang) -> String {
    let ([p, m, f], n, run, out) = (x.counts, x.rows, x.run_id, out.display());
    match lang {
        Lang::Zh => format!(
            "审核表：第 {run} 次审计的 {n} 项待审核（疑似重复 {p}，已合并 {m}，上级修正 {f}），已写入 {out}\n"
        ),
        Lang::En => format!(
            "review: {n} open items from run #{run} ({p} pairs, {m} cluster members, {f} fixes) written to {out}\n"
        ),
    }
}

/// `review import`'s line on stderr.
pub fn import_summary(x: &crate::audit::review::Imported, lang: Lang) -> String {
    let counts: Vec<String> = x.by_decision.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let counts = if counts.is_empty() { lang.pick("无", "none").to_string() } else { counts.join(", ") };
    let (stored, open) = (x.stored, x.undecided);
    match lang {
        Lang::Zh => format!("审核表：已保存 {stored} 项决定（{counts}）；{open} 行未填决定，仍待审核\n"),
        Lang::En => {
            format!("review: stored {stored} decision(s) ({counts}); {open} row(s) without a decision left open\n")
        }
    }
}
