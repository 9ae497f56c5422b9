//! The detail of each finding: the facts are gathered during the check (`Detail`), the words are
//! chosen when a file is written — English in machine files (`Display`), the report's language
//! for people (`Detail::text`). Chinese names are kept as they are in the directory.

use std::fmt;

use crate::geo::{DivCode, Gazetteer};
use crate::lang::Lang;
use crate::model::{Detail, Fact, FindingCode, Level, RecIdx};
use crate::uscc::{UsccCheck, UsccError};

use super::graph::{cycle_members, Edge};
use super::rules::Ctx;

fn who(ctx: &Ctx, i: RecIdx) -> String {
    format!("{} ({})", ctx.dir.id(i), ctx.dir.name(i))
}

/// The id that an all-digit parent id names once the leading zeros Excel drops are put back.
fn zero_padded(ctx: &Ctx, parent_id: &str) -> Option<String> {
    if parent_id.is_empty() || !parent_id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (parent_id.len() + 1..=20).map(|w| format!("{parent_id:0>w$}")).find(|id| ctx.dir.lookup(id).is_some())
}

/// The facts of a structural finding on record `i`.
pub fn structural(
    ctx: &Ctx,
    i: RecIdx,
    code: FindingCode,
    edges: &[Edge],
    cycle_of: &[Option<RecIdx>],
) -> Detail {
    let me = &ctx.profiles[i as usize];
    let parent = edges[i as usize].target();
    let parent_who = parent.map(|p| who(ctx, p)).unwrap_or_default();
    let raw_parent = &ctx.dir.records[i as usize].parent_id;
    let fact = match code {
        FindingCode::MissingParent => Fact::MissingParent,
        FindingCode::SelfParent => Fact::SelfParent,
        FindingCode::DanglingParent => Fact::DanglingParent {
            parent_id: raw_parent.to_string(),
            zero_padded: zero_padded(ctx, raw_parent),
        },
        FindingCode::Cycle => {
            let id = cycle_of[i as usize].unwrap_or(i);
            let members = cycle_members(edges, cycle_of, id);
            const SHOWN: usize = 8;
            let mut path: Vec<String> =
                members.iter().take(SHOWN).map(|&m| ctx.dir.id(m).to_string()).collect();
            if members.len() > SHOWN {
                path.push("…".into());
            }
            path.push(ctx.dir.id(id).to_string());
            Fact::Cycle { size: members.len(), path }
        }
        FindingCode::SkipsProvince => Fact::SkipsProvince { parent: parent_who, level: me.level },
        FindingCode::CrossProvince => Fact::CrossProvince {
            parent: parent_who,
            parent_province: parent.and_then(|p| ctx.profiles[p as usize].region.province),
        },
        FindingCode::LevelInversion => Fact::LevelInversion {
            parent: parent_who,
            parent_level: parent.map(|p| ctx.profiles[p as usize].level),
            level: me.level,
        },
        FindingCode::ParentIsDuplicate => Fact::ParentIsDuplicate {
            parent: parent_who,
            survivor: parent
                .and_then(|p| ctx.clusters.survivor_of(p))
                .map(|s| who(ctx, s))
                .unwrap_or_default(),
        },
        // Credit-code findings come from `uscc` below; the structural rules never give them.
        FindingCode::InvalidUscc | FindingCode::UsccProvinceMismatch | FindingCode::UsccExcelMangled => {
            debug_assert!(false, "{code:?} is not structural");
            Fact::MissingParent
        }
    };
    Detail::new(fact, me.region.province)
}

/// The facts of a credit-code finding, if the record has one.
pub fn uscc(ctx: &Ctx, i: RecIdx) -> Option<(FindingCode, Detail)> {
    let p = &ctx.profiles[i as usize];
    // Read from the raw row only for a finding: most records have a valid code or none.
    let code = || ctx.dir.get(i, crate::model::Field::Uscc).to_string();
    let (finding, fact) = match &p.uscc {
        UsccCheck::Invalid(e @ UsccError::ExcelMangled) => {
            (FindingCode::UsccExcelMangled, Fact::Uscc { code: code(), error: e.clone() })
        }
        UsccCheck::Invalid(e) => (FindingCode::InvalidUscc, Fact::Uscc { code: code(), error: e.clone() }),
        UsccCheck::Valid { division } => {
            let (Some(code_province), Some(rec_prov)) = (p.uscc_province, p.region.province) else {
                return None;
            };
            if code_province == rec_prov {
                return None;
            }
            (
                FindingCode::UsccProvinceMismatch,
                Fact::UsccProvince { code: code(), division: *division, code_province },
            )
        }
        UsccCheck::Absent => return None,
    };
    Some((finding, Detail::new(fact, p.region.province)))
}

fn level(l: Level, lang: Lang) -> &'static str {
    match (l, lang) {
        (Level::National, Lang::Zh) => "全国",
        (Level::Province, Lang::Zh) => "省级",
        (Level::City, Lang::Zh) => "市级",
        (Level::County, Lang::Zh) => "县级",
        (Level::Grassroots, Lang::Zh) => "基层",
        (l, Lang::En) => l.as_str(),
    }
}

fn place(p: Option<DivCode>, lang: Lang) -> &'static str {
    p.map(|p| Gazetteer::global().name_of(p))
        .filter(|s| !s.is_empty())
        .unwrap_or(lang.pick("未知省份", "an unknown province"))
}

/// A credit-code fault in Chinese (`UsccError`'s `Display` is the English of machine files).
fn uscc_error_zh(e: &UsccError) -> String {
    match e {
        UsccError::Length(n) => format!("有 {n} 位，应为 18 位"),
        UsccError::Charset { position, ch } => {
            format!("第 {position} 位“{ch}”不允许出现（代码中不会有 I、O、S、V、Z 和字母数字以外的字符）")
        }
        UsccError::DivisionNotDigits => "第 3–8 位（行政区划码）不全是数字".into(),
        UsccError::OrgCodeCheck { expected, found } => {
            format!("第 17 位（组织机构代码校验码）是“{found}”，按 GB 11714 应为“{expected}”")
        }
        UsccError::CheckChar { expected, found } => {
            format!("第 18 位（校验码）是“{found}”，按 GB 32100 应为“{expected}”")
        }
        UsccError::ExcelMangled => {
            "被 Excel 或 WPS 当成数字保存（全数字的代码只留下了前几位），丢失的数字无法恢复：\
             请从平台重新导出，并在表格中先把该列设为“文本”再粘贴或导入"
                .into()
        }
    }
}

impl Detail {
    /// The detail as a sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let mut s = match lang {
            Lang::En => fact_en(&self.fact, self.province),
            Lang::Zh => fact_zh(&self.fact, self.province),
        };
        if self.hidden_below > 0 {
            let n = self.hidden_below;
            let prov = self.province.map(|p| Gazetteer::global().name_of(p)).filter(|s| !s.is_empty());
            match lang {
                Lang::En => s.push_str(&match prov {
                    Some(p) => format!("; {n} units below it are invisible to the {p} administrator"),
                    None => format!("; {n} units below it are invisible to their province's administrator"),
                }),
                Lang::Zh => {
                    s.push_str(&format!("；因此它下面的 {n} 个单位{}管理员看不到", prov.unwrap_or("本省")))
                }
            }
        }
        s
    }
}

/// English: the `detail` column of findings.csv and the audit database.
impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

fn fact_en(fact: &Fact, province: Option<DivCode>) -> String {
    let en = Lang::En;
    match fact {
        Fact::MissingParent => "no parent: the parent id is empty".into(),
        Fact::SelfParent => "the parent id is the record's own id".into(),
        Fact::DanglingParent { parent_id, zero_padded: Some(id) } => format!(
            "parent id {parent_id} is not in the directory, but {id} is: Excel dropped the id's leading zeros"
        ),
        Fact::DanglingParent { parent_id, zero_padded: None } => {
            format!("parent id {parent_id} is not in the directory")
        }
        Fact::Cycle { size, path } => format!("on a parent cycle of {size}: {}", path.join(" → ")),
        Fact::SkipsProvince { parent, level: l } => format!(
            "parent is the national association {parent}, but this {} unit is in {}: the chain skips the province association",
            level(*l, en),
            place(province, en)
        ),
        Fact::CrossProvince { parent, parent_province } => format!(
            "parent {parent} is in {}, this unit is in {}",
            place(*parent_province, en),
            place(province, en)
        ),
        Fact::LevelInversion { parent, parent_level, level: l } => format!(
            "parent {parent} is a {} unit, not above this {} unit",
            parent_level.map(|p| level(p, en)).unwrap_or(""),
            level(*l, en)
        ),
        Fact::ParentIsDuplicate { parent, survivor } => {
            format!("parent {parent} is a duplicate of {survivor}, which survives the merge")
        }
        Fact::Uscc { code, error } => format!("credit code {code} {error}"),
        Fact::UsccProvince { code, division, code_province } => format!(
            "credit code {code}: its division {division:06} is in {}, the record is in {}",
            Gazetteer::global().name_of(*code_province),
            place(province, en)
        ),
    }
}

fn fact_zh(fact: &Fact, province: Option<DivCode>) -> String {
    let zh = Lang::Zh;
    match fact {
        Fact::MissingParent => "没有上级组织：上级组织ID为空".into(),
        Fact::SelfParent => "上级组织ID就是它自己的ID".into(),
        Fact::DanglingParent { parent_id, zero_padded: Some(id) } => {
            format!("上级组织ID {parent_id} 不在组织库中，但 {id} 在：Excel 去掉了ID开头的 0")
        }
        Fact::DanglingParent { parent_id, zero_padded: None } => {
            format!("上级组织ID {parent_id} 不在组织库中")
        }
        Fact::Cycle { size, path } => format!("处在 {size} 个单位组成的上级链环中：{}", path.join(" → ")),
        Fact::SkipsProvince { parent, level: l } => format!(
            "上级组织是全国性的 {parent}，但这个{}单位在{}：上级链越过了省级科协",
            level(*l, zh),
            place(province, zh)
        ),
        Fact::CrossProvince { parent, parent_province } => {
            format!("上级组织 {parent} 在{}，本单位在{}", place(*parent_province, zh), place(province, zh))
        }
        Fact::LevelInversion { parent, parent_level, level: l } => format!(
            "上级组织 {parent} 是{}单位，不比这个{}单位高",
            parent_level.map(|p| level(p, zh)).unwrap_or(""),
            level(*l, zh)
        ),
        Fact::ParentIsDuplicate { parent, survivor } => {
            format!("上级组织 {parent} 与 {survivor} 是重复条目，合并后保留后者")
        }
        Fact::Uscc { code, error } => format!("信用代码 {code} {}", uscc_error_zh(error)),
        Fact::UsccProvince { code, division, code_province } => format!(
            "信用代码 {code} 的登记地区 {division:06} 在{}，而记录填的是{}",
            Gazetteer::global().name_of(*code_province),
            place(province, zh)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_for_machines_and_chinese_for_people() {
        let mut d =
            Detail::new(Fact::Cycle { size: 2, path: vec!["S5".into(), "S6".into(), "S5".into()] }, None);
        assert_eq!(d.to_string(), "on a parent cycle of 2: S5 → S6 → S5");
        assert_eq!(d.text(Lang::Zh), "处在 2 个单位组成的上级链环中：S5 → S6 → S5");
        d.hidden_below = 3;
        assert!(d
            .to_string()
            .ends_with("; 3 units below it are invisible to their province's administrator"));
        assert!(d.text(Lang::Zh).ends_with("；因此它下面的 3 个单位本省管理员看不到"));
        let u = Detail::new(Fact::Uscc { code: "123".into(), error: UsccError::Length(3) }, None);
        assert_eq!(u.to_string(), "credit code 123 has 3 characters, expected 18");
        assert_eq!(u.text(Lang::Zh), "信用代码 123 有 3 位，应为 18 位");
    }
}
