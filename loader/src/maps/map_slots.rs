//! Initial values of a collection map that name other objects of the collection: the
//! programs of a prog array (`.values = { [0] = &prog }` in a `.maps` definition, a
//! tail-call table) and the maps of an array/hash of maps (`[0] = &inner`).

use std::os::fd::{AsRawFd, BorrowedFd};

use super::{Map, MapType};
use crate::error::{Error, Result};

/// What slot `index` of a collection map initially holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapSlot {
    /// The program of the collection called so (prog arrays), set after the programs
    /// load.
    Program(String),
    /// The map of the collection called so (array/hash of maps), set once the maps are
    /// created.
    Map(String),
}

impl MapSlot {
    /// The name of the program or map.
    pub fn name(&self) -> &str {
        match self {
            MapSlot::Program(n) | MapSlot::Map(n) => n,
        }
    }
}

/// Stores `fd` (a program's or a map's) at `index` of `map` (a prog array or map of maps,
/// whose keys and values are u32). `name` and `slot` name the map and the value in errors.
pub fn set_slot(
    map: &Map,
    name: &str,
    index: u32,
    slot: &MapSlot,
    fd: BorrowedFd<'_>,
) -> Result<()> {
    let fits = match slot {
        MapSlot::Program(_) => map.map_type() == MapType::ProgArray,
        MapSlot::Map(_) => matches!(map.map_type(), MapType::ArrayOfMaps | MapType::HashOfMaps),
    };
    let what = match slot {
        MapSlot::Program(n) => format!("program `{n}`"),
        MapSlot::Map(n) => format!("map `{n}`"),
    };
    if !fits || map.key_size() != 4 {
        return Err(Error::InvalidArgument(format!(
            "map `{name}` ({}, key size {}) cannot hold {what} at index {index}: programs \
             go in a prog_array, maps in an array_of_maps/hash_of_maps, with 4-byte keys",
            map.map_type().name(),
            map.key_size()
        )));
    }
    let value = (fd.as_raw_fd() as u32).to_ne_bytes();
    map.update(&index.to_ne_bytes(), &value, 0)
        .map_err(|e| Error::Context {
            what: format!("map `{name}`, index {index} ({what})"),
            source: Box::new(e),
        })
}
