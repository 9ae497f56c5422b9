//! The "by province" sheet: every province's counts and its findings per code, with native
//! charts of findings by province and code and of duplicates by province.

use crate::lang::Lang;
use crate::model::FindingCode;

use super::counts::UNKNOWN;
use super::labels;
use super::table::Cell;
use super::xlsx::{ChartKind, ChartSpec, Sheet};
use super::RunReport;

/// How a province key of the counts reads.
pub fn province_name(key: &str, lang: Lang) -> &str {
    if key == UNKNOWN {
        labels::unknown_province(lang)
    } else {
        key
    }
}

/// Fixed columns before the per-code ones.
const FIXED: usize = 7;

/// A province's counts: the first columns of the 按省份 sheet and of report.md's top provinces.
pub fn province_cells<'a>(key: &'a str, st: &super::ProvinceStats, lang: Lang) -> Vec<Cell<'a>> {
    vec![
        Cell::text(province_name(key, lang)),
        Cell::Int(st.records),
        Cell::Int(st.clusters),
        Cell::Int(st.records_merged_away),
        Cell::Int(st.findings),
        Cell::Int(st.invisible),
        Cell::Int(st.pending),
    ]
}

pub fn by_province(r: &RunReport, lang: Lang) -> Sheet<'_> {
    let name = lang.pick("按省份", "By province");
    let codes: Vec<FindingCode> =
        FindingCode::ALL.into_iter().filter(|c| r.check.by_code.contains_key(c.as_str())).collect();
    let mut header: Vec<String> = [
        lang.pick("省份", "province"),
        lang.pick("记录数", "records"),
        lang.pick("重复组", "duplicate clusters"),
        lang.pick("合并掉的记录", "records merged away"),
        lang.pick("问题", "findings"),
        lang.pick("省级管理员看不到的单位", "invisible to the provincial admin"),
        lang.pick("待认证", "pending"),
    ]
    .map(String::from)
    .to_vec();
    header.extend(codes.iter().map(|c| labels::code(*c, lang).to_string()));
    // Every province, the most work first (the order of the charts' bars).
    let provinces = super::top_provinces(r, usize::MAX);
    let rows: Vec<Vec<Cell>> = provinces
        .iter()
        .map(|(p, st)| {
            let by_code = r.counts.by_province_code.get(p.as_str());
            let mut v = province_cells(p, st, lang);
            v.extend(
                codes
                    .iter()
                    .map(|c| Cell::Int(by_code.and_then(|m| m.get(c.as_str())).copied().unwrap_or(0))),
            );
            v
        })
        .collect();
    let n = rows.len() as u32;
    let mut sheet = Sheet::new(name, header, rows);
    if n > 0 {
        // Below the table, one under the other: printed one page wide, they keep their size.
        let mut row = n + 3;
        if !codes.is_empty() {
            sheet.charts.push(ChartSpec {
                kind: ChartKind::StackedBar,
                title: lang.pick("各省问题数（按类型）", "Findings by province and code").to_string(),
                data_sheet: name.to_string(),
                first_row: 1,
                last_row: n,
                category_col: 0,
                value_cols: (FIXED as u16..(FIXED + codes.len()) as u16).collect(),
                name_row: 0,
                value_axis: String::new(),
                at: (row, 0),
            });
            row += sheet.charts[0].rows();
        }
        sheet.charts.push(ChartSpec {
            kind: ChartKind::Bar,
            title: lang.pick("各省重复条目", "Duplicates by province").to_string(),
            data_sheet: name.to_string(),
            first_row: 1,
            last_row: n,
            category_col: 0,
            value_cols: vec![2, 3],
            name_row: 0,
            value_axis: String::new(),
            at: (row, 0),
        });
    }
    sheet
}
