//! [`NameIndex`]: finds a name in a list its owner keeps, storing 4 bytes per slot instead
//! of a copy of each name.
//!
//! A `HashMap<Label, usize>` beside the list of labels held every label twice, and its
//! buckets (33 bytes each, up to twice as many as entries) were the largest part of a
//! million-label program (issue 15). Here the owner keeps the names, in a vector, and the
//! index holds only their positions in it: open addressing with linear probing, at most
//! half full, keyed by the same randomly keyed SipHash as [`crate::util::hash`], so no
//! set of names piles into a few slots.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

/// An empty slot.
const EMPTY: u32 = u32::MAX;

/// Positions of names in a list the owner keeps, found by name. Every method that needs
/// the names takes `name_of`, which gives the name at a position.
#[derive(Clone, Default)]
pub(crate) struct NameIndex {
    /// A power of two of slots (or none), each a position or [`EMPTY`].
    slots: Vec<u32>,
    /// The number of positions held.
    len: usize,
    hasher: RandomState,
}

impl NameIndex {
    /// An index with room for `n` names before it grows.
    pub(crate) fn with_capacity(n: usize) -> NameIndex {
        let mut index = NameIndex::default();
        if n > 0 {
            index.slots = vec![EMPTY; (2 * n).next_power_of_two()];
        }
        index
    }

    /// The number of names held.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The first slot to look at for `name`.
    fn home(&self, name: &str) -> usize {
        self.hasher.hash_one(name) as usize & (self.slots.len() - 1)
    }

    /// The position of `name`, when held.
    pub(crate) fn get<'n>(&self, name: &str, name_of: impl Fn(u32) -> &'n str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(name);
        loop {
            match self.slots[at] {
                EMPTY => return None,
                p if name_of(p) == name => return Some(p),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Adds `position`, whose name is `name_of(position)` and not yet held. Positions
    /// must be below `u32::MAX` (inputs are under 4 GiB, so are their label lists).
    pub(crate) fn insert<'n>(&mut self, position: u32, name_of: impl Fn(u32) -> &'n str) {
        debug_assert!(position != EMPTY);
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow(&name_of);
        }
        self.place(position, name_of(position));
        self.len += 1;
    }

    /// Puts `position` in the first free slot from `name`'s home.
    fn place(&mut self, position: u32, name: &str) {
        let mask = self.slots.len() - 1;
        let mut at = self.home(name);
        while self.slots[at] != EMPTY {
            at = (at + 1) & mask;
        }
        self.slots[at] = position;
    }

    /// Doubles the slots (at least 8) and places every position again.
    fn grow<'n>(&mut self, name_of: &impl Fn(u32) -> &'n str) {
        let size = (2 * self.slots.len()).max(8);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        for p in old.into_iter().filter(|&p| p != EMPTY) {
            self.place(p, name_of(p));
        }
    }

    /// Bytes held on the heap, for the tests.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<u32>()
    }
}

/// Only the count: the slots say nothing a reader of a program's `Debug` wants.
impl std::fmt::Debug for NameIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NameIndex({} names)", self.len)
    }
}

/// The index is a function of the names it indexes: two owners with equal lists are
/// equal whatever their indexes' hash keys.
impl PartialEq for NameIndex {
    fn eq(&self, other: &NameIndex) -> bool {
        self.len == other.len
    }
}

impl Eq for NameIndex {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_name_and_no_other() {
        let names: Vec<String> = (0..10_000).map(|i| format!("L{i}")).collect();
        let name_of = |p: u32| names[p as usize].as_str();
        let mut index = NameIndex::default();
        for p in 0..names.len() as u32 {
            assert_eq!(index.get(&names[p as usize], name_of), None);
            index.insert(p, name_of);
        }
        assert_eq!(index.len(), names.len());
        for (p, n) in names.iter().enumerate() {
            assert_eq!(index.get(n, name_of), Some(p as u32));
        }
        assert_eq!(index.get("L10000", name_of), None);
        assert_eq!(index.get("", name_of), None);
        // At most half full: 4 bytes a slot, so 8 to 16 bytes a name.
        assert!(
            index.heap_bytes() <= 16 * names.len(),
            "{}",
            index.heap_bytes()
        );
    }

    #[test]
    fn an_index_with_room_does_not_grow() {
        let names: Vec<String> = (0..1000).map(|i| format!("f{i}")).collect();
        let name_of = |p: u32| names[p as usize].as_str();
        let mut index = NameIndex::with_capacity(names.len());
        let room = index.heap_bytes();
        for p in 0..names.len() as u32 {
            index.insert(p, name_of);
        }
        assert_eq!(index.heap_bytes(), room);
        assert_eq!(index.get("f999", name_of), Some(999));
        assert_eq!(format!("{index:?}"), "NameIndex(1000 names)");
    }
}
