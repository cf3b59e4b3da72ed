//! Writing BPF objects: a collection (`CollectionSpec::to_elf` hands over its parts as
//! an [`Input`]) to the bytes of a relocatable EM_BPF ELF64
//! little-endian file that libbpf (`bpftool prog loadall`), aya and our own reader load.
//!
//! What is written, as clang lays it out:
//! - each program's entry function in its section (the `.section` name it was read
//!   from, else libbpf's name for its type), an `STT_FUNC` `STB_GLOBAL` symbol with its
//!   size; its subprograms in `.text` (libbpf looks for subprograms only there, and links
//!   them into each caller), `STB_LOCAL` unless `.globl`;
//! - `R_BPF_64_32` on every bpf-to-bpf call (against the callee's symbol, imm -1),
//!   `R_BPF_64_64` on every map load (against the map's symbol) and function address
//!   (against `.text`, the offset in the immediate);
//! - `license`, `version`; BTF-defined maps in `.maps` (see [`btf_maps`]) with the
//!   initial slots of prog arrays and maps of maps as relocations (see [`map_slots`]);
//! - global data: `.data*`, `.rodata*`, `.bss*` with their bytes, variable symbols, a
//!   DATASEC each, loads relocated against the section symbol (see [`data`]);
//! - `.BTF` (the maps' types, one FUNC per function, the source lines' text) and
//!   `.BTF.ext` (func_info and line_info per section), so the kernel shows the source
//!   lines of the object, as for a program loaded directly.
//!
//! The writer lives in the loader, beside the reader, because it needs what only the
//! loader has: [`MapSpec`](crate::MapSpec) and its BTF, and the program BTF that
//! [`ProgramSpec::from_program`](crate::ProgramSpec::from_program) builds for loads.

use std::collections::HashSet;

mod btf_copy;
mod btf_ext;
mod btf_maps;
mod data;
mod layout;
mod map_slots;
mod names;

use ebpf_btf::{Builder, Endian};
use object::write::{Object, Relocation, SectionId, Symbol, SymbolId, SymbolSection};
use object::{
    Architecture, BinaryFormat, Endianness, RelocationFlags, SectionKind, SymbolFlags, SymbolKind,
    SymbolScope,
};

use ebpf_asm_core::Program;

use crate::elf::data::DataSection;
use crate::error::{Error, Result};
use crate::maps::{MapSlot, MapSpec};
use crate::programs::{AttachType, ProgramType};
use btf_maps::MapPlace;
use data::VarSymbol;
use layout::{Layout, Refs, RelocTarget};
use map_slots::{SlotReloc, SlotTarget};
use names::SymbolNames;

/// The section subprograms go to.
pub(crate) const TEXT: &str = ".text";
/// The section of BTF-defined maps.
pub(crate) const MAPS: &str = ".maps";

/// An [`Error::Elf`] about writing program or map `what`.
pub(crate) fn write_err(what: &str, msg: impl Into<String>) -> Error {
    Error::Elf(format!("writing `{what}`: {}", msg.into()))
}

/// What the writer needs of a collection (the ELF stage does not use the collection
/// layer above it: `CollectionSpec::to_elf` builds this).
pub(crate) struct Input<'a> {
    /// The license string.
    pub license: &'a str,
    /// The `version` section's value; 0: none.
    pub kern_version: u32,
    /// The maps of `.maps`, in order.
    pub maps: Vec<MapIn<'a>>,
    /// The global data sections, in order.
    pub data: Vec<&'a DataSection>,
    /// A `.BTF` to copy the global variables' types from (the object's the collection
    /// was read from), when there is one.
    pub types: Option<&'a [u8]>,
    /// The programs, in order.
    pub programs: Vec<ProgramIn<'a>>,
}

/// A map to write.
pub(crate) struct MapIn<'a> {
    /// The name programs load it by.
    pub name: &'a str,
    /// What to create.
    pub spec: &'a MapSpec,
    /// For maps of maps: the definition of the values (`__array(values, struct {...})`).
    pub inner: Option<&'a MapSpec>,
    /// `__uint(pinning, LIBBPF_PIN_BY_NAME)`.
    pub pin_by_name: bool,
    /// Initial values (`.values = { [i] = &x }`).
    pub slots: &'a [(u32, MapSlot)],
}

/// A program to write.
pub(crate) struct ProgramIn<'a> {
    /// Its name: the entry symbol.
    pub name: &'a str,
    /// Its type, for the section name when `section` is `None`, and its BTF.
    pub prog_type: ProgramType,
    /// Its expected attach type, for the section name.
    pub expected_attach_type: Option<AttachType>,
    /// Its flags, for the section name.
    pub flags: u32,
    /// The section it was read from.
    pub section: Option<&'a str>,
    /// The instructions, map references symbolic.
    pub program: &'a Program,
}

/// The object file for `spec`.
pub(crate) fn write(spec: &Input<'_>) -> Result<Vec<u8>> {
    let names = SymbolNames::of(spec)?;
    let mut b = Builder::new().with_endian(Endian::Little);
    let places = btf_maps::add(&mut b, &spec.maps, &names.maps)?;
    let slots = map_slots::relocations(spec, &places)?;
    let mut taken: HashSet<String> = names.maps.iter().chain(&names.programs).cloned().collect();
    taken.extend(["_license".to_owned(), "_version".to_owned()]);
    let vars = data::symbols(&spec.data, &mut taken)?;
    let types = match spec.types.map(ebpf_btf::Btf::parse) {
        Some(Ok(btf)) => Some(btf),
        // Types are a nicety: bytes do without them.
        _ => None,
    };
    data::add_btf(
        &mut b,
        &spec.data,
        &vars,
        types.as_ref().map(btf_copy::Closure::new),
    )?;
    let map_names: Vec<&str> = spec.maps.iter().map(|m| m.name).collect();
    let data_names: Vec<&str> = spec.data.iter().map(|d| d.map.as_str()).collect();
    let refs = Refs {
        maps: &map_names,
        data: &data_names,
    };
    let mut layout = Layout::new(taken);
    for (p, symbol) in spec.programs.iter().zip(&names.programs) {
        layout.add(&mut b, p, symbol, &refs)?;
    }
    let ext = btf_ext::encode(&mut b, &layout.sections)?;
    let parts = Parts {
        names: &names,
        layout: &layout,
        places: &places,
        slots: &slots,
        vars: &vars,
    };
    emit(spec, &parts, &b.encode(), &ext)
}

/// What [`emit`] writes besides the input.
struct Parts<'a> {
    names: &'a SymbolNames,
    layout: &'a Layout,
    places: &'a [MapPlace],
    slots: &'a [SlotReloc],
    vars: &'a [Vec<VarSymbol>],
}

/// Writes the ELF file.
fn emit(spec: &Input<'_>, parts: &Parts<'_>, btf: &[u8], ext: &[u8]) -> Result<Vec<u8>> {
    let layout = parts.layout;
    let mut obj = Object::new(BinaryFormat::Elf, Architecture::Bpf, Endianness::Little);
    let code: Vec<SectionId> = layout
        .sections
        .iter()
        .map(|s| {
            let id = obj.add_section(Vec::new(), s.name.as_bytes().to_vec(), SectionKind::Text);
            obj.append_section_data(id, &s.bytes, 8);
            id
        })
        .collect();
    let funcs: Vec<SymbolId> = layout
        .funcs
        .iter()
        .map(|f| {
            let scope = match f.global {
                true => SymbolScope::Dynamic,
                false => SymbolScope::Compilation,
            };
            symbol(
                &mut obj,
                &f.name,
                code[f.section],
                (f.offset, f.size),
                SymbolKind::Text,
                scope,
            )
        })
        .collect();
    let data = emit_data(&mut obj, spec, parts.vars);
    let maps = emit_maps(&mut obj, parts)?;
    let mut license = spec.license.as_bytes().to_vec();
    license.push(0);
    let sec = data_section(&mut obj, "license", SectionKind::Data, &license);
    let at = (0, license.len() as u64);
    symbol(
        &mut obj,
        "_license",
        sec,
        at,
        SymbolKind::Data,
        SymbolScope::Dynamic,
    );
    if spec.kern_version != 0 {
        let sec = data_section(
            &mut obj,
            "version",
            SectionKind::Data,
            &spec.kern_version.to_le_bytes(),
        );
        symbol(
            &mut obj,
            "_version",
            sec,
            (0, 4),
            SymbolKind::Data,
            SymbolScope::Dynamic,
        );
    }
    data_section(&mut obj, ".BTF", SectionKind::Other, btf);
    data_section(&mut obj, ".BTF.ext", SectionKind::Other, ext);
    for r in &layout.relocs {
        let symbol = match &r.target {
            RelocTarget::Func(f) => funcs[*f],
            RelocTarget::Text => {
                let text = layout.sections.iter().position(|s| s.name == TEXT);
                obj.section_symbol(code[text.unwrap_or(0)])
            }
            RelocTarget::Map(name) => {
                let i = spec.maps.iter().position(|m| m.name == *name).unwrap_or(0);
                maps.symbols[i]
            }
            RelocTarget::Data(i) => obj.section_symbol(data[*i]),
        };
        relocate(&mut obj, code[r.section], r.offset, symbol, r.r_type)?;
    }
    for r in parts.slots {
        let symbol = match r.target {
            SlotTarget::Program(p) => {
                let name = &parts.names.programs[p];
                let f = layout
                    .funcs
                    .iter()
                    .position(|f| f.global && f.name == *name);
                funcs[f.unwrap_or(0)]
            }
            SlotTarget::Map(m) => maps.symbols[m],
        };
        if let Some(sec) = maps.section {
            relocate(&mut obj, sec, r.offset, symbol, map_slots::R_BPF_64_ABS64)?;
        }
    }
    obj.write()
        .map_err(|e| Error::Elf(format!("writing the ELF file: {e}")))
}

/// The `.maps` section and its symbols.
struct MapsSection {
    section: Option<SectionId>,
    symbols: Vec<SymbolId>,
}

fn emit_maps(obj: &mut Object<'_>, parts: &Parts<'_>) -> Result<MapsSection> {
    let mut out = MapsSection {
        section: None,
        symbols: Vec::with_capacity(parts.places.len()),
    };
    if parts.places.is_empty() {
        return Ok(out);
    }
    let sec = data_section(obj, MAPS, SectionKind::Data, &vec![0; total(parts.places)]);
    for (name, p) in parts.names.maps.iter().zip(parts.places) {
        let at = (p.offset, p.size);
        let s = symbol(obj, name, sec, at, SymbolKind::Data, SymbolScope::Dynamic);
        out.symbols.push(s);
    }
    out.section = Some(sec);
    Ok(out)
}

/// The global data sections (`.bss*` without bytes) and their variables' symbols.
fn emit_data(obj: &mut Object<'_>, spec: &Input<'_>, vars: &[Vec<VarSymbol>]) -> Vec<SectionId> {
    let mut out = Vec::with_capacity(spec.data.len());
    for (d, vars) in spec.data.iter().zip(vars) {
        let name = d.map.as_bytes().to_vec();
        let id = if data::is_bss(&d.map) {
            let id = obj.add_section(Vec::new(), name, SectionKind::UninitializedData);
            obj.append_section_bss(id, u64::from(d.size), 8);
            id
        } else {
            // By name, as libbpf and our reader tell `.rodata` (read-only, frozen).
            let kind = match d.map.starts_with(".rodata") {
                true if d.map.starts_with(".rodata.str") => SectionKind::ReadOnlyString,
                true => SectionKind::ReadOnlyData,
                false => SectionKind::Data,
            };
            let id = obj.add_section(Vec::new(), name, kind);
            obj.append_section_data(id, &d.value(), 8);
            id
        };
        for v in vars {
            let scope = match v.global {
                true => SymbolScope::Dynamic,
                false => SymbolScope::Compilation,
            };
            symbol(
                obj,
                &v.name,
                id,
                (v.offset, v.size),
                SymbolKind::Data,
                scope,
            );
        }
        out.push(id);
    }
    out
}

fn relocate(
    obj: &mut Object<'_>,
    section: SectionId,
    offset: u64,
    symbol: SymbolId,
    r_type: u32,
) -> Result<()> {
    let rel = Relocation {
        offset,
        symbol,
        addend: 0,
        flags: RelocationFlags::Elf { r_type },
    };
    obj.add_relocation(section, rel)
        .map_err(|e| Error::Elf(format!("writing a relocation: {e}")))
}

fn total(places: &[MapPlace]) -> usize {
    places.last().map_or(0, |p| (p.offset + p.size) as usize)
}

fn data_section(obj: &mut Object<'_>, name: &str, kind: SectionKind, data: &[u8]) -> SectionId {
    let id = obj.add_section(Vec::new(), name.as_bytes().to_vec(), kind);
    obj.append_section_data(id, data, if kind == SectionKind::Other { 4 } else { 8 });
    id
}

fn symbol(
    obj: &mut Object<'_>,
    name: &str,
    section: SectionId,
    (value, size): (u64, u64),
    kind: SymbolKind,
    scope: SymbolScope,
) -> SymbolId {
    obj.add_symbol(Symbol {
        name: name.as_bytes().to_vec(),
        value,
        size,
        kind,
        scope,
        weak: false,
        section: SymbolSection::Section(section),
        flags: SymbolFlags::None,
    })
}
