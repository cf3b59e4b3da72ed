//! Map definitions: legacy `maps` sections and gobpf's `maps/NAME` sections (a
//! `struct bpf_map_def` per symbol, as cilium/ebpf reads every section whose name starts
//! with `maps`), and BTF-defined `.maps` (see [`super::btf_maps`]).
//!
//! Of a legacy definition the first five u32 are read: type, key_size, value_size,
//! max_entries, map_flags (the last may be missing, as in a 16-byte definition). Fields
//! after them are not interpreted, as cilium/ebpf leaves them to its caller: iproute2's
//! and cilium's `struct bpf_elf_map` (id, pinning, inner_id, inner_idx), libbpf's old
//! `inner_map_idx`/`numa_node`, gobpf's `pinning` and `namespace[256]`. Their pinning
//! schemes (`PIN_GLOBAL_NS` under `/sys/fs/bpf/tc/globals`, gobpf's namespaces) are
//! not libbpf's; write a BTF map with `LIBBPF_PIN_BY_NAME` to pin.

use ebpf_asm_core::MapType;
use object::{Object, ObjectSection, ObjectSymbol, SectionIndex, SymbolKind};

use super::{elf_err, Elf};
use crate::error::Result;
use crate::maps::{MapSlot, MapSpec, Pinning};

/// A map read from the object, and where its definition is (for relocations that name
/// the section symbol and an offset).
#[derive(Clone, Debug)]
pub(crate) struct ElfMap {
    /// The symbol's name: what programs reference.
    pub name: String,
    /// What to create.
    pub spec: MapSpec,
    /// The section holding the definition.
    pub section: SectionIndex,
    /// Its offset in that section.
    pub offset: u64,
    /// Its size (the symbol's), to find the `.maps` relocations inside it.
    pub size: u64,
    /// `__uint(pinning, LIBBPF_PIN_BY_NAME)`.
    pub pinning: Pinning,
    /// `__array(values, struct { ... })` of a map of maps: the inner definition.
    pub inner: Option<MapSpec>,
    /// Where `__array(values, ...)` starts in the definition, in bytes.
    pub values_offset: Option<u64>,
    /// `.values = { [i] = &prog_or_map }`, from the relocations of `.maps`.
    pub slots: Vec<(u32, MapSlot)>,
}

impl ElfMap {
    /// A map defined by the symbol at `offset` (`size` bytes) of section `section`.
    pub fn new(name: String, spec: MapSpec, section: SectionIndex, offset: u64, size: u64) -> Self {
        ElfMap {
            name,
            spec,
            section,
            offset,
            size,
            pinning: Pinning::None,
            inner: None,
            values_offset: None,
            slots: Vec::new(),
        }
    }
}

/// `struct bpf_map_def`'s fields we read: type, key_size, value_size, max_entries,
/// map_flags (u32 each). Later fields (libbpf's `inner_map_idx`, ...) are ignored.
const DEF_FIELDS: usize = 5;

/// The legacy maps: sections `maps` and `maps/NAME` (gobpf), one definition per data
/// symbol, named after the symbol.
pub(crate) fn read(file: &Elf<'_>) -> Result<Vec<ElfMap>> {
    let mut out = Vec::new();
    for sec in file.sections() {
        let sec_name = sec.name().unwrap_or("");
        if sec_name != "maps" && !sec_name.starts_with("maps/") {
            continue;
        }
        let data = sec
            .data()
            .map_err(|e| elf_err(format!("section `{sec_name}`: {e}")))?;
        let syms = map_symbols(file, sec.index());
        if syms.is_empty() && !data.is_empty() {
            return Err(elf_err(format!(
                "section `{sec_name}` holds {} bytes but no symbol names a map in it",
                data.len()
            )));
        }
        for sym in syms {
            let name = sym.name().unwrap_or("").to_owned();
            let spec = legacy_def(data, sym.address(), sym.size())
                .map_err(|why| elf_err(format!("map `{name}` in section `{sec_name}`: {why}")))?;
            out.push(ElfMap::new(
                name,
                spec,
                sec.index(),
                sym.address(),
                sym.size(),
            ));
        }
    }
    Ok(out)
}

/// The data symbols of section `index`, in address order.
pub(crate) fn map_symbols<'d, 'f>(
    file: &'f Elf<'d>,
    index: SectionIndex,
) -> Vec<object::read::elf::ElfSymbol64<'d, 'f, object::LittleEndian>> {
    let mut syms: Vec<_> = file
        .symbols()
        .filter(|s| s.section_index() == Some(index) && s.kind() == SymbolKind::Data)
        .collect();
    syms.sort_by_key(|s| s.address());
    syms
}

/// Decodes one `struct bpf_map_def` at `offset` (`size` bytes, from the symbol).
fn legacy_def(data: &[u8], offset: u64, size: u64) -> std::result::Result<MapSpec, String> {
    let field = |i: usize| -> Option<u32> {
        let at = usize::try_from(offset).ok()?.checked_add(i * 4)?;
        let b = data.get(at..at.checked_add(4)?)?;
        Some(u32::from_le_bytes(b.try_into().ok()?))
    };
    if size < 16 {
        return Err(format!(
            "definition is {size} bytes; struct bpf_map_def needs at least 16 (type, \
             key_size, value_size, max_entries)"
        ));
    }
    let mut f = [0u32; DEF_FIELDS];
    for (i, v) in f.iter_mut().enumerate() {
        if i < 4 || size >= 20 {
            *v = field(i).ok_or("definition runs past the end of the section")?;
        }
    }
    let map_type = MapType::from_u32(f[0]).ok_or_else(|| format!("unknown map type {}", f[0]))?;
    Ok(MapSpec::new(map_type, f[1], f[2], f[3]).flags(f[4]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(words: &[u32]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn legacy_definitions() {
        let data = def(&[2, 4, 8, 16, 1]);
        assert_eq!(
            legacy_def(&data, 0, 20),
            Ok(MapSpec::new(MapType::Array, 4, 8, 16).flags(1))
        );
        assert_eq!(
            legacy_def(&data, 0, 16),
            Ok(MapSpec::new(MapType::Array, 4, 8, 16))
        );
        assert!(legacy_def(&data, 0, 12)
            .unwrap_err()
            .contains("at least 16"));
        assert!(legacy_def(&data, 8, 20)
            .unwrap_err()
            .contains("past the end"));
        assert!(legacy_def(&data, u64::MAX, 20)
            .unwrap_err()
            .contains("past the end"));
        let bad = def(&[9999, 4, 8, 16]);
        assert!(legacy_def(&bad, 0, 16)
            .unwrap_err()
            .contains("unknown map type 9999"));
    }
}
