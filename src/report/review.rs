//! The review sheet: the open items of the last audited run as a CSV a person fills in
//! (`audit::review` reads it back).

use std::collections::HashSet;
use std::path::Path;

use crate::audit::db::OpenItems;
use crate::audit::review;
use crate::error::Result;
use crate::output;

/// The sheet's rows for the undecided items; counts per kind alongside.
pub fn open_rows(items: &OpenItems, decided: &HashSet<String>) -> (Vec<[String; 12]>, [usize; 3]) {
    let mut rows = Vec::new();
    let mut counts = [0; 3];
    let blank = String::new;
    for p in &items.pairs {
        if decided.contains(&review::pair_decision(&p.a_id, &p.b_id).key()) {
            continue;
        }
        counts[0] += 1;
        rows.push([
            "pair".into(),
            format!("{}|{}", p.a_id, p.b_id),
            p.a_id.clone(),
            p.a_name.clone(),
            p.b_id.clone(),
            p.b_name.clone(),
            blank(),
            format!("{:.2}", p.score),
            p.reasons.clone(),
            blank(),
            blank(),
            blank(),
        ]);
    }
    for c in &items.clusters {
        let Some(s) = c.members.iter().find(|m| m.id == c.survivor_id) else { continue };
        for m in c.members.iter().filter(|m| m.id != c.survivor_id) {
            if decided.contains(&review::pair_decision(&s.id, &m.id).key()) {
                continue;
            }
            counts[1] += 1;
            rows.push([
                "cluster_member".into(),
                c.cluster_id.clone(),
                s.id.clone(),
                s.name.clone(),
                m.id.clone(),
                m.name.clone(),
                blank(),
                m.score.map(|x| format!("{x:.2}")).unwrap_or_default(),
                m.reason.clone(),
                blank(),
                blank(),
                blank(),
            ]);
        }
    }
    for f in &items.fixes {
        if decided
            .contains(&review::fix_decision(&f.org_id, &f.code, &f.proposed_parent_id, &f.inputs_hash).key())
        {
            continue;
        }
        counts[2] += 1;
        let detail =
            if f.reason.is_empty() { f.detail.clone() } else { format!("{}; fix: {}", f.detail, f.reason) };
        rows.push([
            "fix".into(),
            f.inputs_hash.clone(),
            f.org_id.clone(),
            f.name.clone(),
            f.proposed_parent_id.clone(),
            f.proposed_parent_name.clone(),
            f.code.clone(),
            f.confidence.clone(),
            detail,
            blank(),
            blank(),
            blank(),
        ]);
    }
    (rows, counts)
}

pub fn write_sheet(rows: &[[String; 12]], path: &Path) -> Result<()> {
    output::write_csv(path, &review::HEADER, rows.iter())
}
