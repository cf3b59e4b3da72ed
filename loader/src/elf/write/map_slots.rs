//! Initial values of prog arrays and maps of maps (`.values = { [1] = &x }`): as clang
//! writes them, `R_BPF_64_ABS64` relocations of `.maps` at slot `i` of the map's
//! `values` (8 bytes each, after the definition's members) against the program's entry
//! symbol or the map's symbol; libbpf fills the slots once everything is loaded.

use super::btf_maps::MapPlace;
use super::{write_err, Input};
use crate::error::Result;
use crate::maps::{MapSlot, MapType};

/// `R_BPF_64_ABS64`: a 64-bit data word (a pointer in `.values`).
pub(crate) const R_BPF_64_ABS64: u32 = 2;

/// What a slot holds: an index into the input's programs or maps.
pub(crate) enum SlotTarget {
    Program(usize),
    Map(usize),
}

/// One relocation of `.maps`.
pub(crate) struct SlotReloc {
    /// Byte offset in `.maps`.
    pub offset: u64,
    /// What it names.
    pub target: SlotTarget,
}

/// The relocations for every map's slots; a slot past `max_entries`, naming something
/// the collection lacks or the map cannot hold is an error naming the map.
pub(crate) fn relocations(spec: &Input<'_>, places: &[MapPlace]) -> Result<Vec<SlotReloc>> {
    let mut out = Vec::new();
    for (m, place) in spec.maps.iter().zip(places) {
        for (index, slot) in m.slots {
            let err =
                |why: String| write_err(m.name, format!("initial value `values[{index}]`: {why}"));
            if *index >= m.spec.max_entries {
                return Err(err(format!("past max_entries ({})", m.spec.max_entries)));
            }
            let target = match (m.spec.map_type, slot) {
                (MapType::ProgArray, MapSlot::Program(p)) => spec
                    .programs
                    .iter()
                    .position(|x| x.name == p)
                    .map(SlotTarget::Program)
                    .ok_or_else(|| err(format!("`{p}` is not a program of the collection")))?,
                (MapType::ArrayOfMaps | MapType::HashOfMaps, MapSlot::Map(n)) => spec
                    .maps
                    .iter()
                    .position(|x| x.name == n)
                    .map(SlotTarget::Map)
                    .ok_or_else(|| {
                        err(format!(
                            "`{n}` is not a map of `.maps` (global data cannot be an inner map)"
                        ))
                    })?,
                (t, s) => {
                    let what = match s {
                        MapSlot::Program(p) => format!("program `{p}`"),
                        MapSlot::Map(m) => format!("map `{m}`"),
                    };
                    return Err(err(format!(
                        "{what} cannot go in a map of type {}: a prog_array holds programs, a map \
                         of maps holds maps",
                        t.name()
                    )));
                }
            };
            out.push(SlotReloc {
                offset: place.offset + place.values + 8 * u64::from(*index),
                target,
            });
        }
    }
    Ok(out)
}
