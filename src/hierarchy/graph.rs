//! The parent graph: one outgoing edge per record, so every walk is a walk up a chain. Cycle
//! detection and chain folds are iterative with colouring and memoization: each record is visited a
//! constant number of times, and a 100,000-long chain needs no stack.

use crate::model::{Directory, RecIdx};

/// What a record's parent field points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// Empty parent field.
    Empty,
    /// The parent id is the record's own id.
    Itself,
    /// A parent id that names no accepted record.
    Dangling,
    To(RecIdx),
}

impl Edge {
    pub fn target(self) -> Option<RecIdx> {
        match self {
            Edge::To(p) => Some(p),
            _ => None,
        }
    }
}

/// The edges of a directory as imported.
pub fn edges_from(dir: &Directory) -> Vec<Edge> {
    dir.records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if r.parent_id.is_empty() {
                Edge::Empty
            } else if r.parent == Some(i as RecIdx) || *r.parent_id == *r.id.as_str() {
                Edge::Itself
            } else {
                r.parent.map_or(Edge::Dangling, Edge::To)
            }
        })
        .collect()
}

/// For every record on a parent cycle of length ≥ 2, the cycle's id (its smallest member);
/// `None` for everything else, including records whose chain runs into a cycle.
pub fn cycles(edges: &[Edge]) -> Vec<Option<RecIdx>> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let n = edges.len();
    let mut state = vec![NEW; n];
    let mut cycle_of = vec![None; n];
    let mut path: Vec<RecIdx> = Vec::new();
    for start in 0..n as RecIdx {
        if state[start as usize] != NEW {
            continue;
        }
        path.clear();
        let mut x = start;
        loop {
            state[x as usize] = ON_PATH;
            path.push(x);
            let Some(p) = edges[x as usize].target().filter(|&p| p != x && (p as usize) < n) else {
                break;
            };
            match state[p as usize] {
                NEW => x = p,
                ON_PATH => {
                    // The walk came back to a record of this same walk: the path from there on is
                    // the cycle. Scanning back costs the cycle's length, once per cycle.
                    let pos = path.iter().rposition(|&y| y == p).unwrap_or(path.len() - 1);
                    let members = &path[pos..];
                    let id = members.iter().copied().min().unwrap_or(p);
                    for &m in members {
                        cycle_of[m as usize] = Some(id);
                    }
                    break;
                }
                _ => break,
            }
        }
        for &y in &path {
            state[y as usize] = DONE;
        }
    }
    cycle_of
}

/// Compute a value for every record from its parent's value, top-down along each chain:
/// `f(record, value of parent)` with `None` for a chain's top (no parent, dangling, self), and
/// `on_cycle(record)` for records on a cycle (whose chains have no top).
pub fn fold_up<T: Copy>(
    edges: &[Edge],
    cycle_of: &[Option<RecIdx>],
    on_cycle: impl Fn(RecIdx) -> T,
    f: impl Fn(RecIdx, Option<T>) -> T,
) -> Vec<T> {
    let n = edges.len();
    let mut memo: Vec<Option<T>> = vec![None; n];
    let mut path: Vec<RecIdx> = Vec::new();
    for start in 0..n as RecIdx {
        if memo[start as usize].is_some() {
            continue;
        }
        path.clear();
        let mut x = start;
        let mut above = loop {
            if let Some(v) = memo[x as usize] {
                break Some(v);
            }
            if cycle_of[x as usize].is_some() {
                let v = on_cycle(x);
                memo[x as usize] = Some(v);
                break Some(v);
            }
            path.push(x);
            match edges[x as usize].target().filter(|&p| p != x && (p as usize) < n) {
                Some(p) => x = p,
                None => break None,
            }
        };
        for &y in path.iter().rev() {
            let v = f(y, above);
            memo[y as usize] = Some(v);
            above = Some(v);
        }
    }
    // Every record was given a value: either on a path or as a cycle member.
    memo.into_iter().map(|v| v.unwrap_or_else(|| on_cycle(0))).collect()
}

/// Members of each cycle, by cycle id, in walk order starting from the id.
pub fn cycle_members(edges: &[Edge], cycle_of: &[Option<RecIdx>], id: RecIdx) -> Vec<RecIdx> {
    let mut out = vec![id];
    let mut x = id;
    while let Some(p) = edges[x as usize].target() {
        if p == id || cycle_of[p as usize] != Some(id) || out.len() > edges.len() {
            break;
        }
        out.push(p);
        x = p;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(ps: &[Option<u32>]) -> Vec<Edge> {
        ps.iter().map(|p| p.map_or(Edge::Empty, Edge::To)).collect()
    }

    #[test]
    fn finds_cycles_and_not_their_tails() {
        // 0 root; 1→2→3→1 cycle; 4→1 tail into the cycle; 5→5 is a self edge, not a cycle here.
        let mut e = to(&[None, Some(2), Some(3), Some(1), Some(1)]);
        e.push(Edge::Itself);
        let c = cycles(&e);
        assert_eq!(c, vec![None, Some(1), Some(1), Some(1), None, None]);
        assert_eq!(cycle_members(&e, &c, 1), vec![1, 2, 3]);
    }

    #[test]
    fn two_cycles_share_no_id() {
        let e = to(&[Some(1), Some(0), Some(3), Some(2)]);
        assert_eq!(cycles(&e), vec![Some(0), Some(0), Some(2), Some(2)]);
    }

    #[test]
    fn fold_counts_depth() {
        let e = to(&[None, Some(0), Some(1), Some(2), Some(3)]);
        let c = cycles(&e);
        let depth = fold_up(&e, &c, |_| 0u32, |_, above| above.map_or(0, |d| d + 1));
        assert_eq!(depth, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn hundred_thousand_long_chain_needs_no_stack() {
        const N: u32 = 100_000;
        // Record i's parent is i+1, the top is N-1: the first walk goes the whole way up.
        let mut e: Vec<Edge> = (0..N).map(|i| Edge::To(i + 1)).collect();
        e[(N - 1) as usize] = Edge::Empty;
        let c = cycles(&e);
        assert!(c.iter().all(Option::is_none));
        let depth = fold_up(&e, &c, |_| 0u32, |_, above| above.map_or(0, |d| d + 1));
        assert_eq!(depth[0], N - 1);
        // Close it into one 100,000-long cycle.
        e[(N - 1) as usize] = Edge::To(0);
        let c = cycles(&e);
        assert!(c.iter().all(|&x| x == Some(0)));
        assert_eq!(cycle_members(&e, &c, 0).len(), N as usize);
    }
}
