//! Id → record index for the accepted records.
//!
//! A map from `Box<str>` keys held each id twice (in the record and as the key, an allocation per
//! row) in a table of 24-byte slots. This table holds only record indexes, hashed by the record's
//! own id: a third of the memory, and no copy of any id.

use hashbrown::hash_table::{Entry, HashTable};

use super::{Directory, RecIdx, Record};

impl Directory {
    /// Point every record at the accepted record its parent id names, if any (a million lookups:
    /// on every core).
    pub fn resolve_parents(&mut self) {
        use rayon::prelude::*;
        let parents: Vec<Option<RecIdx>> = self
            .records
            .par_iter()
            .map(|r| if r.parent_id.is_empty() { None } else { self.lookup(&r.parent_id) })
            .collect();
        for (r, p) in self.records.iter_mut().zip(parents) {
            r.parent = p;
        }
    }
}

#[derive(Default, Clone)]
pub struct IdIndex {
    table: HashTable<RecIdx>,
    /// aHash: SipHash made the id map a tenth of a large import. The table is never iterated,
    /// so its order cannot reach an output.
    hasher: ahash::RandomState,
}

impl std::fmt::Debug for IdIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdIndex({} ids)", self.table.len())
    }
}

fn id_of(records: &[Record], i: RecIdx) -> &str {
    records.get(i as usize).map_or("", |r| r.id.as_str())
}

impl IdIndex {
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The record holding `id`.
    pub fn get(&self, records: &[Record], id: &str) -> Option<RecIdx> {
        let hash = self.hasher.hash_one(id);
        self.table.find(hash, |&i| id_of(records, i) == id).copied()
    }

    /// The hasher ids are indexed by: `hash` given to `insert_first` is `hasher().hash_one(id)`.
    pub fn hasher(&self) -> &ahash::RandomState {
        &self.hasher
    }

    /// Index record `idx` under its id, unless a record already holds that id: then that record,
    /// and nothing changes (the first occurrence is kept). `hash`: the id's, if known already
    /// (an import hashes ids on its parsing threads).
    pub fn insert_first(&mut self, records: &[Record], idx: RecIdx, hash: Option<u64>) -> Option<RecIdx> {
        match self.entry(records, idx, hash) {
            Entry::Occupied(o) => Some(*o.get()),
            Entry::Vacant(v) => {
                v.insert(idx);
                None
            }
        }
    }

    /// Index record `idx` under its id, replacing the record that held it (returned).
    pub fn insert(&mut self, records: &[Record], idx: RecIdx) -> Option<RecIdx> {
        match self.entry(records, idx, None) {
            Entry::Occupied(mut o) => Some(std::mem::replace(o.get_mut(), idx)),
            Entry::Vacant(v) => {
                v.insert(idx);
                None
            }
        }
    }

    fn entry(&mut self, records: &[Record], idx: RecIdx, hash: Option<u64>) -> Entry<'_, RecIdx> {
        let id = id_of(records, idx);
        let hasher = &self.hasher;
        debug_assert!(hash.is_none_or(|h| h == hasher.hash_one(id)), "hash given for another id");
        self.table.entry(
            hash.unwrap_or_else(|| hasher.hash_one(id)),
            |&i| id_of(records, i) == id,
            |&i| hasher.hash_one(id_of(records, i)),
        )
    }

    /// Room for `more` ids.
    pub fn reserve(&mut self, records: &[Record], more: usize) {
        let hasher = &self.hasher;
        self.table.reserve(more, |&i| hasher.hash_one(id_of(records, i)));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Directory;

    #[test]
    fn first_occurrence_kept_or_replaced_as_asked() {
        let mut dir = Directory::default();
        for id in ["A", "B", "A"] {
            dir.push_record(0, 1, [id], crate::model::OrgId(id.into()), "".into());
        }
        dir.by_id.reserve(&dir.records, 1);
        assert_eq!(dir.by_id.insert_first(&dir.records, 0, None), None);
        assert_eq!(dir.by_id.insert_first(&dir.records, 1, None), None);
        // A hash given (as the import's parsing threads give it) finds the same record.
        let hash = dir.by_id.hasher().hash_one("A");
        assert_eq!(dir.by_id.insert_first(&dir.records, 2, Some(hash)), Some(0));
        assert_eq!((dir.lookup("A"), dir.lookup("B"), dir.lookup("C")), (Some(0), Some(1), None));
        assert_eq!(dir.by_id.insert(&dir.records, 2), Some(0));
        assert_eq!(dir.lookup("A"), Some(2));
        assert_eq!(dir.by_id.len(), 2);
    }
}
