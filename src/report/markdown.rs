//! report.md: the summary as text for e-mail or chat.

use std::fmt::Write;

use super::{top_provinces, RunReport};

/// Markdown table cells cannot hold `|` or line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// A heading and a two-column table of counts.
fn count_table<'a, N: std::fmt::Display + 'a>(
    s: &mut String,
    heading: &str,
    what: &str,
    rows: impl Iterator<Item = (&'a str, &'a N)>,
) {
    let _ = writeln!(s, "{heading}\n");
    let _ = writeln!(s, "| {what} | count |\n| --- | ---: |");
    for (k, n) in rows {
        let _ = writeln!(s, "| {k} | {n} |");
    }
}

pub fn render(r: &RunReport, extra_sections: &[String]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# orgclean report — {}\n", r.as_of);
    let i = &r.import;
    let _ = writeln!(
        s,
        "Input: {} file(s), {} rows read = {} accepted + {} rejected + {} exact repeats.\n",
        r.inputs.len(),
        i.rows_read,
        i.accepted,
        i.rejected,
        i.exact_repeats
    );
    let d = &r.dedupe;
    let c = &r.check;
    let summary = [
        ("records", d.records),
        ("duplicate clusters", d.clusters),
        ("records in clusters", d.records_in_clusters),
        ("records merged away (see id_remap.csv)", d.records_merged_away),
        ("pairs for review", d.pairs_needs_review),
        ("hierarchy and credit-code findings", c.findings),
        ("parent fixes to apply (parent_fixes.csv)", r.parent_fixes),
        ("findings needing review", c.needs_review),
        ("units invisible to their provincial admin", c.invisible_to_province),
    ];
    count_table(&mut s, "## Summary", "what", summary.iter().map(|(k, v)| (*k, v)));
    count_table(&mut s, "\n## Findings by code", "code", c.by_code.iter().map(|(k, v)| (k.as_str(), v)));
    count_table(
        &mut s,
        "\n## Certification queue (待认证)",
        "recommendation",
        r.pending.iter().map(|(k, v)| (k.as_str(), v)),
    );
    let _ = writeln!(s, "\n## Top provinces\n");
    let _ = writeln!(
        s,
        "| province | records | clusters | merged away | findings | invisible | pending |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (p, st) in top_provinces(r, 10) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(p),
            st.records,
            st.clusters,
            st.records_merged_away,
            st.findings,
            st.invisible,
            st.pending
        );
    }
    let _ = writeln!(s, "\n## Largest duplicate clusters\n");
    let _ = writeln!(s, "| cluster | size | survivor | name | province |\n| --- | ---: | --- | --- | --- |");
    for w in &r.worst_clusters {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            cell(&w.cluster_id),
            w.size,
            cell(&w.survivor_id),
            cell(&w.survivor_name),
            cell(&w.province)
        );
    }
    for extra in extra_sections {
        s.push('\n');
        s.push_str(extra);
    }
    s
}
