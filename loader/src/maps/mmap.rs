//! Memory-mapped `BPF_F_MMAPABLE` arrays.

use std::os::fd::AsFd;

use super::{percpu::slot_size, Map, MapType};
use crate::error::{Error, Result};
use crate::flags::BPF_F_MMAPABLE;
use bytemuck::Pod;

use super::typed::read_pod;
use crate::sys::{self, Mmap};

/// A shared mapping of a `BPF_F_MMAPABLE` array: element `i` lives at
/// `i × round_up(value_size, 8)`. Reads and writes are coherent with syscalls and programs.
/// The mapping stays valid after the [`Map`] is dropped.
#[derive(Debug)]
pub struct MapMmap {
    mem: Mmap,
    stride: usize,
    value_size: usize,
    entries: usize,
}

impl Map {
    /// Maps the array into memory (writable or read-only). A frozen map can only be mapped
    /// read-only; a writable mapping makes `freeze` fail with EBUSY.
    pub fn mmap(&self, writable: bool) -> Result<MapMmap> {
        if self.map_type != MapType::Array || self.flags & BPF_F_MMAPABLE == 0 {
            return Err(Error::InvalidArgument(format!(
                "map `{}` is not an array created with BPF_F_MMAPABLE",
                self.name
            )));
        }
        let stride = slot_size(self.value_size);
        let entries = self.max_entries as usize;
        let bytes = stride.saturating_mul(entries).max(1);
        let len = bytes.div_ceil(sys::page_size()) * sys::page_size();
        let mem = Mmap::new(self.as_fd(), len, 0, writable).map_err(|source| Error::Io {
            what: format!("mmap of map `{}`", self.name),
            source,
        })?;
        Ok(MapMmap {
            mem,
            stride,
            value_size: self.value_size as usize,
            entries,
        })
    }
}

impl MapMmap {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Size of the mapping in bytes (whole pages).
    pub fn mapped_len(&self) -> usize {
        self.mem.len()
    }

    /// A copy of element `index`'s bytes; `None` if out of range.
    pub fn get_bytes(&self, index: usize) -> Option<Vec<u8>> {
        if index >= self.entries {
            return None;
        }
        let mut v = vec![0; self.value_size];
        self.mem.read(index * self.stride, &mut v).then_some(v)
    }

    /// Overwrites element `index`; errors if out of range, of the wrong size, or read-only.
    pub fn set_bytes(&mut self, index: usize, value: &[u8]) -> Result<()> {
        if index >= self.entries || value.len() != self.value_size {
            return Err(Error::InvalidArgument(format!(
                "mmap write of {} bytes at index {index}: array has {} elements of {} bytes",
                value.len(),
                self.entries,
                self.value_size
            )));
        }
        if self.mem.write(index * self.stride, value) {
            Ok(())
        } else {
            Err(Error::InvalidArgument("the mapping is read-only".into()))
        }
    }

    /// Element `index` as a `V` (whose size must equal the value size).
    pub fn get<V: Pod>(&self, index: usize) -> Option<V> {
        if size_of::<V>() != self.value_size {
            return None;
        }
        self.get_bytes(index).and_then(|b| read_pod(&b))
    }

    /// Sets element `index` to `value`.
    pub fn set<V: Pod>(&mut self, index: usize, value: &V) -> Result<()> {
        self.set_bytes(index, bytemuck::bytes_of(value))
    }
}
