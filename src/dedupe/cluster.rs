//! Clusters from merge edges without chaining incompatible records, and the survivor of each.
//!
//! Edges are taken best first (score, then record order) into a union-find; a union is refused
//! when any record of one side vetoes any record of the other, so no cluster ever holds two
//! records that veto each other, whatever order the edges came in.

use std::cmp::Ordering;

use crate::model::{CertStatus, Cluster, Clusters, Directory, RecIdx};

/// A merge edge: (a, b, score), a < b.
pub type Edge = (RecIdx, RecIdx, f32);

/// Union-find whose roots keep their member lists (clusters stay small, so checking every cross
/// pair on union is cheap).
struct Components {
    parent: Vec<RecIdx>,
    members: Vec<Vec<RecIdx>>,
}

impl Components {
    fn new(n: usize) -> Self {
        Components { parent: (0..n as RecIdx).collect(), members: vec![Vec::new(); n] }
    }

    fn find(&mut self, mut x: RecIdx) -> RecIdx {
        while self.parent[x as usize] != x {
            let up = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = up;
            x = up;
        }
        x
    }

    fn members(&self, root: RecIdx) -> Vec<RecIdx> {
        let m = &self.members[root as usize];
        if m.is_empty() {
            vec![root]
        } else {
            m.clone()
        }
    }
}

/// Build clusters; `vetoes(x, y)` says whether two records must never share a cluster.
/// Returns the groups of 2+ records (each sorted) and the edges refused.
pub fn cluster(
    n: usize,
    mut edges: Vec<Edge>,
    vetoes: impl Fn(RecIdx, RecIdx) -> bool,
) -> (Vec<Vec<RecIdx>>, Vec<Edge>) {
    edges.sort_by(best_first);
    let mut c = Components::new(n);
    let mut refused = Vec::new();
    for e in edges {
        let (ra, rb) = (c.find(e.0), c.find(e.1));
        if ra == rb {
            continue;
        }
        let (ma, mb) = (c.members(ra), c.members(rb));
        if ma.iter().any(|&x| mb.iter().any(|&y| vetoes(x, y))) {
            refused.push(e);
            continue;
        }
        // Smaller index becomes the root: deterministic and independent of edge order ties.
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        c.parent[child as usize] = root;
        let mut merged = ma;
        merged.extend(mb);
        merged.sort_unstable();
        c.members[root as usize] = merged;
        c.members[child as usize] = Vec::new();
    }
    let Components { parent, members } = c;
    let groups: Vec<Vec<RecIdx>> = members
        .into_iter()
        .enumerate()
        .filter(|(i, m)| parent[*i] == *i as RecIdx && m.len() > 1)
        .map(|(_, m)| m)
        .collect();
    (groups, refused)
}

/// `cluster`, with each connected component of the merge graph clustered on its own, on every
/// thread. A union only ever joins records of one component, and the vetoes checked are between
/// members of the two sides, so a component's groups and refused edges depend on its own edges
/// alone, taken in the same best-first order: the result is `cluster`'s (a proptest compares
/// them). On a million records the sequential union-find, most of it in the vetoes, left one
/// core idle for a third of a second, twice per run.
pub fn cluster_by_component(
    n: usize,
    edges: Vec<Edge>,
    vetoes: impl Fn(RecIdx, RecIdx) -> bool + Sync,
) -> (Vec<Vec<RecIdx>>, Vec<Edge>) {
    use rayon::prelude::*;
    // Components of the graph with every edge taken (no vetoes): cheap next to the vetoes.
    let mut c = Components { parent: (0..n as RecIdx).collect(), members: Vec::new() };
    for e in &edges {
        let (ra, rb) = (c.find(e.0), c.find(e.1));
        if ra != rb {
            c.parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    let mut by_component: Vec<(RecIdx, Edge)> = edges.into_iter().map(|e| (c.find(e.0), e)).collect();
    drop(c);
    // Stable: each component's edges stay in the order given, and `cluster` sorts them as it
    // would have sorted all of them.
    by_component.par_sort_by_key(|x| x.0);
    let runs: Vec<&[(RecIdx, Edge)]> = by_component.chunk_by(|x, y| x.0 == y.0).collect();
    let parts: Vec<(Vec<Vec<RecIdx>>, Vec<Edge>)> = runs
        .par_iter()
        .map(|run| {
            // The component's records, numbered in their order: local edges keep a < b and the
            // order they sort in, and a local group maps back to a sorted group.
            let mut local: Vec<RecIdx> = run.iter().flat_map(|(_, e)| [e.0, e.1]).collect();
            local.sort_unstable();
            local.dedup();
            let at = |x: RecIdx| local.partition_point(|&y| y < x) as RecIdx;
            let edges: Vec<Edge> = run.iter().map(|&(_, e)| (at(e.0), at(e.1), e.2)).collect();
            let (groups, refused) =
                cluster(local.len(), edges, |x, y| vetoes(local[x as usize], local[y as usize]));
            let global = |x: RecIdx| local[x as usize];
            let groups = groups.into_iter().map(|g| g.into_iter().map(global).collect()).collect();
            let refused = refused.into_iter().map(|(a, b, s)| (global(a), global(b), s)).collect();
            (groups, refused)
        })
        .collect();
    let (mut groups, mut refused): (Vec<Vec<RecIdx>>, Vec<Edge>) = (Vec::new(), Vec::new());
    for (g, r) in parts {
        groups.extend(g);
        refused.extend(r);
    }
    // `cluster` lists groups by their root, the smallest member, and refused edges in the order
    // they were taken.
    groups.par_sort_unstable_by_key(|g| g[0]);
    refused.par_sort_by(best_first);
    (groups, refused)
}

/// The order edges are taken in: best score first, then record order.
fn best_first(x: &Edge, y: &Edge) -> Ordering {
    y.2.partial_cmp(&x.2).unwrap_or(Ordering::Equal).then((x.0, x.1).cmp(&(y.0, y.1)))
}

/// Sort key of a creation time: its numbers in order (2019-04-25, 2019/4/25 8:00, 20190425
/// compare right); a missing time sorts last.
fn created_key(s: &str) -> (bool, Vec<u32>) {
    let nums = created_numbers(s);
    (nums.is_empty(), nums)
}

/// The numbers of a creation time, in order: year, month, day, then the time of day if given. A
/// compact 20190425 or 20190425083000 is read as its parts.
fn created_numbers(s: &str) -> Vec<u32> {
    let mut nums = Vec::new();
    for token in s.split(|c: char| !c.is_ascii_digit()).filter(|t| !t.is_empty()) {
        if let Some(parts) = compact_date(token) {
            nums.extend(parts);
        } else if let Ok(n) = token.parse() {
            nums.push(n);
        }
    }
    nums
}

/// YYYYMMDD, YYYYMMDDhhmm or YYYYMMDDhhmmss as its parts.
fn compact_date(token: &str) -> Option<Vec<u32>> {
    if !matches!(token.len(), 8 | 12 | 14) {
        return None;
    }
    let mut parts = vec![token.get(0..4)?.parse().ok()?];
    for i in (4..token.len()).step_by(2) {
        parts.push(token.get(i..i + 2)?.parse().ok()?);
    }
    Some(parts)
}

/// `a` is a creation time strictly before `b`, on the precision both give (2019-04-25 is not
/// before 2019-04-25 08:00); false when either has no readable time.
fn created_before(a: &str, b: &str) -> bool {
    let (x, y) = (created_numbers(a), created_numbers(b));
    let n = x.len().min(y.len());
    n > 0 && x[..n] < y[..n]
}

fn status_rank(s: CertStatus) -> u8 {
    match s {
        CertStatus::Certified => 0,
        CertStatus::Pending => 1,
        CertStatus::Other => 2,
        CertStatus::Failed => 3,
    }
}

/// The record that stays: certified > pending > others (failed last), valid credit code over
/// none, most children, earliest created, smallest id. See docs/dedupe.md.
pub fn survivor(
    dir: &Directory,
    members: &[RecIdx],
    children: &[u32],
    has_uscc: impl Fn(RecIdx) -> bool,
) -> RecIdx {
    let key = |i: RecIdx| {
        (
            status_rank(dir.status(i)),
            !has_uscc(i),
            std::cmp::Reverse(children[i as usize]),
            created_key(&dir.created_at(i)),
            dir.id(i).as_str().to_string(),
        )
    };
    members.iter().copied().min_by_key(|&i| key(i)).unwrap_or(members[0])
}

/// Children per record, for the survivor rule. A child created before its parent record existed
/// was re-pointed there later, and a re-pointed link is exactly what `parent_is_duplicate`
/// questions: letting it count would let the suspect edge vote for its own parent. Such children
/// are left out; a missing or unreadable date on either side leaves the child in.
pub(super) fn settled_children(dir: &Directory, groups: &[Vec<RecIdx>]) -> Vec<u32> {
    let mut children = vec![0u32; dir.len()];
    let mut clustered = vec![false; dir.len()];
    for &m in groups.iter().flatten() {
        clustered[m as usize] = true;
    }
    // Reading two creation times is a look-up in the raw rows per child: on every core.
    use rayon::prelude::*;
    let counted: Vec<RecIdx> = (0..dir.len() as RecIdx)
        .into_par_iter()
        .filter_map(|i| {
            let p = dir.parent(i)?;
            let settled =
                p != i && clustered[p as usize] && !created_before(&dir.created_at(i), &dir.created_at(p));
            settled.then_some(p)
        })
        .collect();
    for p in counted {
        children[p as usize] += 1;
    }
    children
}

/// Clusters with survivors and stable ids ("C-" + survivor id), sorted by id.
/// The survivor rule reads each member's raw row (status, creation time): on every core, each
/// cluster on its own.
pub fn finish(
    dir: &Directory,
    groups: Vec<Vec<RecIdx>>,
    has_uscc: impl Fn(RecIdx) -> bool + Sync,
) -> Clusters {
    use rayon::prelude::*;
    let children = settled_children(dir, &groups);
    let mut clusters: Vec<Cluster> = groups
        .into_par_iter()
        .map(|members| {
            let s = survivor(dir, &members, &children, &has_uscc);
            Cluster { id: format!("C-{}", dir.id(s)), survivor: s, members }
        })
        .collect();
    // Ids are distinct (one survivor per cluster): any sort gives the one order.
    clusters.par_sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let mut cluster_of = vec![None; dir.len()];
    for (k, c) in clusters.iter().enumerate() {
        for &m in &c.members {
            cluster_of[m as usize] = Some(k as u32);
        }
    }
    Clusters { clusters, cluster_of }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_through_a_veto_is_cut() {
        // 0~1 and 1~2 are strong, but 0 and 2 veto each other: 2 stays out.
        let edges = vec![(0, 1, 0.99), (1, 2, 0.95)];
        let (groups, refused) = cluster(3, edges, |x, y| (x, y) == (0, 2) || (x, y) == (2, 0));
        assert_eq!(groups, vec![vec![0, 1]]);
        assert_eq!(refused, vec![(1, 2, 0.95)]);
    }

    #[test]
    fn order_of_edges_does_not_matter() {
        let e = vec![(3, 4, 0.9), (0, 1, 0.9), (1, 3, 0.95), (2, 4, 0.85)];
        let mut r = e.clone();
        r.reverse();
        assert_eq!(cluster(5, e, |_, _| false).0, cluster(5, r, |_, _| false).0);
    }

    proptest::proptest! {
        /// Clustering each component on its own gives `cluster`'s groups and refused edges, in
        /// the same order: random graphs with ties in score, repeated edges and vetoes that
        /// depend on the order of the two records.
        #[test]
        fn by_component_is_cluster(
            n in 1usize..40,
            raw in proptest::collection::vec((0u32..40, 0u32..40, 0u8..4), 0..80),
            veto_seed in 0u32..1000,
        ) {
            let edges: Vec<Edge> = raw
                .iter()
                .map(|&(a, b, s)| (a % n as u32, b % n as u32, 0.85 + f32::from(s) * 0.05))
                .filter(|e| e.0 < e.1)
                .collect();
            let vetoes = |x: RecIdx, y: RecIdx| (x * 7 + y * 13 + veto_seed).is_multiple_of(11);
            proptest::prop_assert_eq!(
                cluster_by_component(n, edges.clone(), vetoes),
                cluster(n, edges, vetoes)
            );
        }
    }

    #[test]
    fn created_times_compare_as_numbers() {
        assert!(created_key("2019/4/5") < created_key("2019-04-25"));
        assert!(created_key("2019-04-25") < created_key(""));
        assert!(created_before("2019/4/5", "2019-04-25"));
        assert_eq!(created_key("20190425"), created_key("2019-04-25"));
        assert_eq!(created_key("20190425083000"), created_key("2019-04-25 08:30:00"));
        // Compared on the precision both give: the same day is not earlier.
        assert!(!created_before("2019-04-25", "2019-04-25 00:00:00"));
        assert!(!created_before("2019-04-25", "2019-04-25 08:00"));
        assert!(!created_before("2019-04-25", "20190301"));
        assert!(created_before("20190301", "2019-04-25 08:00"));
        assert!(!created_before("2019-04-25", "2019-04-25"));
        assert!(!created_before("", "2019-04-25") && !created_before("2019-04-25", "n/a"));
    }
}
