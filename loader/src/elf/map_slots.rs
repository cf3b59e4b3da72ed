//! Initial values of `.maps` definitions: `.values = { [i] = &x }` of an
//! `__array(values, ...)` is an `R_BPF_64_ABS64` relocation of `.maps` at the slot's
//! offset, against the program (prog arrays) or map (maps of maps) it names.

use ebpf_asm_core::MapType;
use object::{Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget, SymbolKind};

use super::maps::ElfMap;
use super::{elf_err, Elf};
use crate::error::Result;
use crate::maps::MapSlot;

/// `R_BPF_64_ABS64`: a 64-bit data word (a pointer in `.values`).
const R_BPF_64_ABS64: u32 = 2;

/// Reads the relocations of `.maps` into the `slots` of `maps`.
pub(crate) fn read(file: &Elf<'_>, maps: &mut [ElfMap]) -> Result<()> {
    let Some(sec) = file.section_by_name(".maps") else {
        return Ok(());
    };
    for (offset, rel) in sec.relocations() {
        let Some(map) = maps.iter_mut().find(|m| {
            m.section == sec.index()
                && (m.offset..m.offset.saturating_add(m.size)).contains(&offset)
        }) else {
            return Err(elf_err(format!(
                "section `.maps`: relocation at offset {offset:#x} is inside no map definition"
            )));
        };
        let (index, slot) = slot(file, map, offset, &rel)
            .map_err(|why| elf_err(format!("map `{}` in section `.maps`: {why}", map.name)))?;
        map.slots.push((index, slot));
    }
    Ok(())
}

/// The slot a relocation at `offset` of `.maps` fills in `map`.
fn slot(
    file: &Elf<'_>,
    map: &ElfMap,
    offset: u64,
    rel: &object::Relocation,
) -> std::result::Result<(u32, MapSlot), String> {
    let Some(values) = map.values_offset else {
        return Err(format!(
            "a relocation at offset {offset:#x}, but the definition has no \
             `__array(values, ...)` to initialise"
        ));
    };
    let at = offset - map.offset;
    let index = at
        .checked_sub(values)
        .filter(|o| o % 8 == 0)
        .and_then(|o| u32::try_from(o / 8).ok())
        .ok_or_else(|| {
            format!("a relocation at byte {at} of the definition is not a slot of `values`")
        })?;
    let RelocationFlags::Elf { r_type } = rel.flags() else {
        return Err("not an ELF relocation".into());
    };
    if r_type != R_BPF_64_ABS64 {
        return Err(format!(
            "`values[{index}]`: relocation type {r_type}, expected R_BPF_64_ABS64 (2)"
        ));
    }
    if index >= map.spec.max_entries {
        return Err(format!(
            "`values[{index}]` is past max_entries ({})",
            map.spec.max_entries
        ));
    }
    let RelocationTarget::Symbol(si) = rel.target() else {
        return Err(format!("`values[{index}]`: relocation without a symbol"));
    };
    let sym = file
        .symbol_by_index(si)
        .map_err(|e| format!("`values[{index}]`: relocation symbol: {e}"))?;
    let name = sym.name().unwrap_or("?").to_owned();
    let section = sym
        .section_index()
        .and_then(|i| file.section_by_index(i).ok())
        .and_then(|s| s.name().ok().map(str::to_owned))
        .unwrap_or_default();
    match map.spec.map_type {
        MapType::ProgArray if sym.kind() == SymbolKind::Text && section != ".text" => {
            Ok((index, MapSlot::Program(name)))
        }
        MapType::ArrayOfMaps | MapType::HashOfMaps
            if sym.kind() == SymbolKind::Data && section == ".maps" =>
        {
            Ok((index, MapSlot::Map(name)))
        }
        t => Err(format!(
            "`values[{index}]` is `{name}` (section `{section}`), which a {} cannot hold: a \
             prog_array holds programs (functions of a program section, not `.text`), a \
             map of maps holds maps of `.maps`",
            t.name()
        )),
    }
}
