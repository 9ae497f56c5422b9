//! Plain-words details for each finding (Chinese names kept as they are in the directory).

use crate::geo::DivCode;
use crate::model::{FindingCode, RecIdx};
use crate::uscc::UsccCheck;

use super::graph::{cycle_members, Edge};
use super::rules::Ctx;

fn who(ctx: &Ctx, i: RecIdx) -> String {
    format!("{} ({})", ctx.dir.id(i), ctx.dir.name(i))
}

fn province_name<'a>(ctx: &Ctx<'a>, p: Option<DivCode>) -> &'a str {
    p.map(|p| ctx.g.name_of(p)).filter(|s| !s.is_empty()).unwrap_or("an unknown province")
}

/// The id that an all-digit parent id names once the leading zeros Excel drops are put back.
fn zero_padded(ctx: &Ctx, parent_id: &str) -> Option<String> {
    if parent_id.is_empty() || !parent_id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (parent_id.len() + 1..=20).map(|w| format!("{parent_id:0>w$}")).find(|id| ctx.dir.lookup(id).is_some())
}

/// The detail of a structural finding on record `i`.
pub fn structural(
    ctx: &Ctx,
    i: RecIdx,
    code: FindingCode,
    edges: &[Edge],
    cycle_of: &[Option<RecIdx>],
) -> String {
    let me = &ctx.profiles[i as usize];
    let parent = edges[i as usize].target();
    let parent_who = parent.map(|p| who(ctx, p)).unwrap_or_default();
    let raw_parent = &ctx.dir.records[i as usize].parent_id;
    match code {
        FindingCode::MissingParent => "no parent: the parent id is empty".into(),
        FindingCode::SelfParent => "the parent id is the record's own id".into(),
        FindingCode::DanglingParent => match zero_padded(ctx, raw_parent) {
            Some(id) => format!(
                "parent id {raw_parent} is not in the directory, but {id} is: Excel dropped the id's leading zeros"
            ),
            None => format!("parent id {raw_parent} is not in the directory"),
        },
        FindingCode::Cycle => {
            let id = cycle_of[i as usize].unwrap_or(i);
            let members = cycle_members(edges, cycle_of, id);
            const SHOWN: usize = 8;
            let mut path: Vec<&str> = members.iter().take(SHOWN).map(|&m| ctx.dir.id(m).as_str()).collect();
            if members.len() > SHOWN {
                path.push("…");
            }
            path.push(ctx.dir.id(id).as_str());
            format!("on a parent cycle of {}: {}", members.len(), path.join(" → "))
        }
        FindingCode::SkipsProvince => format!(
            "parent is the national association {parent_who}, but this {} unit is in {}: the chain skips the province association",
            me.level.as_str(),
            province_name(ctx, me.region.province)
        ),
        FindingCode::CrossProvince => {
            let pp = parent.and_then(|p| ctx.profiles[p as usize].region.province);
            format!(
                "parent {parent_who} is in {}, this unit is in {}",
                province_name(ctx, pp),
                province_name(ctx, me.region.province)
            )
        }
        FindingCode::LevelInversion => {
            let pl = parent.map(|p| ctx.profiles[p as usize].level.as_str()).unwrap_or("");
            format!("parent {parent_who} is a {pl} unit, not above this {} unit", me.level.as_str())
        }
        FindingCode::ParentIsDuplicate => {
            let s = parent.and_then(|p| ctx.clusters.survivor_of(p)).map(|s| who(ctx, s)).unwrap_or_default();
            format!("parent {parent_who} is a duplicate of {s}, which survives the merge")
        }
        FindingCode::InvalidUscc | FindingCode::UsccProvinceMismatch | FindingCode::UsccExcelMangled => {
            String::new()
        }
    }
}

/// The detail of a credit-code finding, if the record has one.
pub fn uscc(ctx: &Ctx, i: RecIdx) -> Option<(FindingCode, String)> {
    let p = &ctx.profiles[i as usize];
    let raw = ctx.dir.get(i, crate::model::Field::Uscc);
    match &p.uscc {
        UsccCheck::Invalid(e @ crate::uscc::UsccError::ExcelMangled) => {
            Some((FindingCode::UsccExcelMangled, format!("credit code {raw} {e}")))
        }
        UsccCheck::Invalid(e) => Some((FindingCode::InvalidUscc, format!("credit code {raw} {e}"))),
        UsccCheck::Valid { division } => {
            let (Some(code_prov), Some(rec_prov)) = (p.uscc_province, p.region.province) else {
                return None;
            };
            (code_prov != rec_prov).then(|| {
                (
                    FindingCode::UsccProvinceMismatch,
                    format!(
                        "credit code {raw}: its division {division:06} is in {}, the record is in {}",
                        ctx.g.name_of(code_prov),
                        ctx.g.name_of(rec_prov)
                    ),
                )
            })
        }
        UsccCheck::Absent => None,
    }
}
