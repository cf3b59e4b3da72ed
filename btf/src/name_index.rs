//! The index behind lookups by name: an open-addressing table of type ids keyed by a hash
//! of the name's bytes, built once on the first lookup. It stores only ids (4 bytes a
//! slot, no copied strings); a probe compares the candidate's name in the string section.
//! `tests/vmlinux.rs` checks its answers against a linear scan over every type.

use crate::btf::Btf;
use crate::error::Result;
use crate::model::TypeId;

/// Ids of named own types, by name hash. Slot value 0 is empty (id 0, void, has no name).
#[derive(Debug)]
pub(crate) struct NameIndex {
    slots: Vec<TypeId>,
    mask: usize,
}

impl NameIndex {
    /// Indexes every named own type of `btf`; fails on the first name that does not read.
    pub(crate) fn build(btf: &Btf) -> Result<NameIndex> {
        let cap = (btf.len() * 2).next_power_of_two().max(16);
        let mut index = NameIndex {
            slots: vec![0; cap],
            mask: cap - 1,
        };
        for id in btf.ids() {
            let (_, rec, _) = btf.record(id)?;
            let name_off = btf.word(rec, 0);
            if name_off == 0 {
                continue;
            }
            let mut i = hash(btf.str_bytes(name_off, id)?) as usize & index.mask;
            while index.slots[i] != 0 {
                i = (i + 1) & index.mask;
            }
            index.slots[i] = id;
        }
        Ok(index)
    }

    /// Own ids whose name is `name`, in id order.
    pub(crate) fn lookup(&self, btf: &Btf, name: &str) -> Vec<TypeId> {
        let mut found = Vec::new();
        if name.is_empty() {
            return found;
        }
        let mut i = hash(name.as_bytes()) as usize & self.mask;
        while self.slots[i] != 0 {
            let id = self.slots[i];
            if btf.name_of(id).is_ok_and(|n| n == name) {
                found.push(id);
            }
            i = (i + 1) & self.mask;
        }
        found.sort_unstable();
        found
    }
}

/// FNV-1a over the bytes, then a final mix so low bits depend on all of them.
fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^ (h >> 29)
}
