//! The divisions a region mention can mean, held without an allocation per mention.

use std::sync::{Mutex, OnceLock};

use super::DivCode;

/// The divisions a text can mean: one in almost every name, held inline; several (鼓楼区 is in
/// four cities) as a list interned once per distinct list. A million names each held a vector
/// of their own before: an allocation per mention, and memory to zero.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum DivCodes {
    One(DivCode),
    Several(&'static [DivCode]),
}

impl DivCodes {
    /// The codes in the order given.
    pub fn of(codes: impl IntoIterator<Item = DivCode>) -> DivCodes {
        let mut it = codes.into_iter();
        let Some(first) = it.next() else { return DivCodes::Several(&[]) };
        let Some(second) = it.next() else { return DivCodes::One(first) };
        let all: Vec<DivCode> = [first, second].into_iter().chain(it).collect();
        DivCodes::Several(intern(all))
    }
}

/// The one shared copy of `codes`. The distinct lists are few (subsets of the gazetteer's
/// same-name divisions), so the leaked copies stay bounded by the gazetteer, not the input.
fn intern(codes: Vec<DivCode>) -> &'static [DivCode] {
    static LISTS: OnceLock<Mutex<ahash::AHashSet<&'static [DivCode]>>> = OnceLock::new();
    let mut lists = LISTS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = lists.get(codes.as_slice()) {
        return known;
    }
    let leaked: &'static [DivCode] = Box::leak(codes.into_boxed_slice());
    lists.insert(leaked);
    leaked
}

impl Default for DivCodes {
    fn default() -> Self {
        DivCodes::Several(&[])
    }
}

impl std::ops::Deref for DivCodes {
    type Target = [DivCode];
    fn deref(&self) -> &[DivCode] {
        match self {
            DivCodes::One(c) => std::slice::from_ref(c),
            DivCodes::Several(codes) => codes,
        }
    }
}

impl<'a> IntoIterator for &'a DivCodes {
    type Item = &'a DivCode;
    type IntoIter = std::slice::Iter<'a, DivCode>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Printed as the list it stands for, as the vector it replaced was.
impl std::fmt::Debug for DivCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq<Vec<DivCode>> for DivCodes {
    fn eq(&self, other: &Vec<DivCode>) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_the_codes_given_in_their_order() {
        assert!(DivCodes::of([]).is_empty());
        assert_eq!(DivCodes::of([340123]), vec![340123]);
        assert!(matches!(DivCodes::of([340123]), DivCodes::One(340123)));
        let several = DivCodes::of([350102, 320106, 410204]);
        assert_eq!(several, vec![350102, 320106, 410204]);
        assert_eq!(format!("{several:?}"), "[350102, 320106, 410204]");
        assert_ne!(several, DivCodes::of([320106, 350102, 410204]));
    }

    #[test]
    fn equal_lists_share_one_copy() {
        let (a, b) = (DivCodes::of([110105, 220104]), DivCodes::of(vec![110105, 220104]));
        let (DivCodes::Several(x), DivCodes::Several(y)) = (a, b) else { panic!("{a:?} {b:?}") };
        assert!(std::ptr::eq(x, y));
        assert_eq!(std::mem::size_of::<DivCodes>(), 16);
    }
}
