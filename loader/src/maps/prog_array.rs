//! A program array: the slots `bpf_tail_call` jumps through.

use std::os::fd::{AsFd, AsRawFd};

use super::{Map, MapType};
use crate::error::{Error, Result};
use crate::flags::BPF_ANY;
use crate::programs::LoadedProgram;

/// A `BPF_MAP_TYPE_PROG_ARRAY`: slot `i` holds a program that `bpf_tail_call(ctx, map, i)`
/// jumps to; an empty slot makes the tail call fall through.
#[derive(Debug)]
pub struct ProgArray {
    map: Map,
}

impl ProgArray {
    /// Wraps `map`, checking that it is a program array with 4-byte keys and values.
    pub fn new(map: Map) -> Result<Self> {
        if map.map_type() != MapType::ProgArray {
            return Err(Error::InvalidArgument(format!(
                "map `{}` is a {}; ProgArray needs prog_array",
                map.name(),
                map.map_type()
            )));
        }
        map.check("key size for ProgArray", map.key_size() as usize, 4)?;
        map.check("value size for ProgArray", map.value_size() as usize, 4)?;
        Ok(ProgArray { map })
    }

    /// Puts `program` in slot `index` (the kernel keeps its own reference to it).
    pub fn set(&self, index: u32, program: &LoadedProgram) -> Result<()> {
        let fd = program.as_fd().as_raw_fd() as u32;
        self.map
            .update(&index.to_ne_bytes(), &fd.to_ne_bytes(), BPF_ANY)
    }

    /// Empties slot `index`; returns false if it was empty already.
    pub fn clear(&self, index: u32) -> Result<bool> {
        self.map.delete(&index.to_ne_bytes())
    }

    /// The id of the program in slot `index`, or `None` for an empty slot.
    pub fn program_id(&self, index: u32) -> Result<Option<u32>> {
        Ok(self.map.lookup(&index.to_ne_bytes())?.and_then(|b| {
            b.get(..4)
                .map(|v| u32::from_ne_bytes([v[0], v[1], v[2], v[3]]))
        }))
    }

    /// The untyped map (for its fd, to rewrite a program's map reference).
    pub fn map(&self) -> &Map {
        &self.map
    }

    /// Unwraps the untyped map.
    pub fn into_inner(self) -> Map {
        self.map
    }
}
