//! The trend of the recorded runs: the `history` table on the console, and the trend sheet with a
//! line chart of findings per code per night (report.xlsx of `audit`, `history --out`).
//!
//! The counts per run and code are read as stored (`audit::history`, the `run_counts` table written
//! when each night was recorded): one row per run and code, instead of every stored finding.

use crate::audit::history::HistoryRow;
use crate::lang::Lang;
use crate::model::FindingCode;

use super::labels;
use super::table::Cell;
use super::xlsx::{ChartKind, ChartSpec, Sheet};

/// `orgclean history` as a table for a terminal.
pub fn table(rows: &[HistoryRow], lang: Lang) -> String {
    let mut s = String::new();
    if rows.is_empty() {
        s.push_str(lang.pick("尚未记录任何运行\n", "no runs recorded yet\n"));
        return s;
    }
    let header = match lang {
        Lang::Zh => [
            "次",
            "完成时间 (UTC)",
            "数据日期",
            "记录",
            "重复组",
            "问题",
            "新增",
            "已解决",
            "仍存在",
            "各代码问题数",
        ],
        Lang::En => [
            "run",
            "finished (UTC)",
            "as of",
            "records",
            "clusters",
            "findings",
            "new",
            "resolved",
            "persisting",
            "findings by code",
        ],
    };
    line(&mut s, header.map(String::from));
    for r in rows {
        let codes: Vec<String> = r.by_code.iter().map(|(c, n)| format!("{c}={n}")).collect();
        let n = |x: i64| x.to_string();
        line(
            &mut s,
            [
                r.run_id.to_string(),
                r.finished_at.clone(),
                r.as_of.clone(),
                n(r.records),
                n(r.clusters),
                n(r.findings),
                n(r.new),
                n(r.resolved),
                n(r.persisting),
                codes.join(" "),
            ],
        );
    }
    s
}

/// One line of the history table: columns padded by how wide they show (a CJK character takes
/// two columns of a terminal), dates left-aligned, numbers right-aligned.
fn line(s: &mut String, cells: [String; 10]) {
    const WIDTH: [usize; 9] = [4, 20, 10, 8, 8, 8, 5, 8, 10];
    for (k, cell) in cells.iter().enumerate() {
        let Some(&w) = WIDTH.get(k) else {
            s.push_str(cell);
            break;
        };
        let pad = " ".repeat(w.saturating_sub(cell.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()));
        match k {
            1 | 2 => s.push_str(&format!("{cell}{pad}  ")),
            _ => s.push_str(&format!("{pad}{cell}  ")),
        }
    }
    s.push('\n');
}

/// `history --out`: the trend as a workbook. Its date is the last night's as-of date: the same
/// database gives the same bytes.
pub fn write_workbook(rows: &[HistoryRow], lang: Lang, out: &std::path::Path) -> crate::Result<()> {
    let as_of = rows
        .last()
        .and_then(|r| chrono::NaiveDate::parse_from_str(&r.as_of, "%Y-%m-%d").ok())
        .unwrap_or_default();
    let title = lang.pick("orgclean 审计趋势", "orgclean audit trend");
    super::outputs::write_workbook(&[trend_sheet(rows, lang)], as_of, title, out)
}

/// What `history` prints: JSON (one object per run) or the table.
pub fn text(rows: &[HistoryRow], json: bool, lang: Lang) -> crate::Result<String> {
    if !json {
        return Ok(table(rows, lang));
    }
    serde_json::to_string_pretty(rows)
        .map(|s| s + "\n")
        .map_err(|e| crate::Error::Internal(format!("history: {e}")))
}

/// The codes that occur in some run, in `FindingCode::ALL` order.
fn codes_seen(rows: &[HistoryRow]) -> Vec<FindingCode> {
    FindingCode::ALL.into_iter().filter(|c| rows.iter().any(|r| r.by_code.contains_key(c.as_str()))).collect()
}

/// One row per run, one column per finding code, and a line chart of the codes over the nights.
pub fn trend_sheet(rows: &[HistoryRow], lang: Lang) -> Sheet<'_> {
    let codes = codes_seen(rows);
    let mut header: Vec<String> = [
        lang.pick("运行", "run"),
        lang.pick("数据日期", "as of"),
        lang.pick("记录数", "records"),
        lang.pick("重复组", "clusters"),
        lang.pick("问题合计", "findings"),
        lang.pick("新增", "new"),
        lang.pick("已解决", "resolved"),
    ]
    .map(String::from)
    .to_vec();
    header.extend(codes.iter().map(|c| labels::code(*c, lang).to_string()));
    let data: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let mut v = vec![
                Cell::Int(r.run_id as u64),
                Cell::text(r.as_of.as_str()),
                Cell::Int(r.records as u64),
                Cell::Int(r.clusters as u64),
                Cell::Int(r.findings as u64),
                Cell::Int(r.new as u64),
                Cell::Int(r.resolved as u64),
            ];
            v.extend(codes.iter().map(|c| Cell::Int(r.by_code.get(c.as_str()).copied().unwrap_or(0) as u64)));
            v
        })
        .collect();
    let n = data.len() as u32;
    let name = lang.pick("趋势", "Trend");
    let mut sheet = Sheet::new(name, header, data);
    if n > 0 && !codes.is_empty() {
        sheet.charts.push(ChartSpec {
            kind: ChartKind::Line,
            title: lang.pick("每晚各类问题数量", "Findings per code per night").to_string(),
            data_sheet: name.to_string(),
            first_row: 1,
            last_row: n,
            category_col: 1,
            value_cols: (7..7 + codes.len() as u16).collect(),
            name_row: 0,
            value_axis: lang.pick("问题数", "findings").to_string(),
            at: (n + 3, 0),
        });
    }
    sheet
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, cycle: i64) -> HistoryRow {
        HistoryRow {
            run_id: id,
            finished_at: String::new(),
            as_of: format!("2025-01-0{id}"),
            records: 10,
            clusters: 1,
            findings: cycle + 1,
            new: 0,
            resolved: 0,
            persisting: 0,
            by_code: [("cycle".to_string(), cycle), ("invalid_uscc".to_string(), 1)].into_iter().collect(),
        }
    }

    #[test]
    fn trend_has_a_column_and_a_series_per_code_seen() {
        let rows = [row(1, 2), row(2, 0)];
        let s = trend_sheet(&rows, Lang::Zh);
        assert_eq!(s.header[7..], ["上级链成环", "统一社会信用代码无效"]);
        assert_eq!(s.rows[1][7], Cell::Int(0));
        let c = &s.charts[0];
        assert_eq!(
            (c.kind, c.first_row, c.last_row, c.value_cols.clone()),
            (ChartKind::Line, 1, 2, vec![7, 8])
        );
    }
}
