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
//! - `license`; BTF-defined maps in `.maps` (see [`btf_maps`]);
//! - `.BTF` (the maps' types, one FUNC per function, the source lines' text) and
//!   `.BTF.ext` (func_info and line_info per section), so the kernel shows the source
//!   lines of the object, as for a program loaded directly.
//!
//! The writer lives in the loader, beside the reader, because it needs what only the
//! loader has: [`MapSpec`](crate::MapSpec) and its BTF, and the program BTF that
//! [`ProgramSpec::from_program`](crate::ProgramSpec::from_program) builds for loads.

mod btf_ext;
mod btf_maps;
mod layout;
mod names;

use ebpf_btf::{Builder, Endian};
use object::write::{Object, Relocation, SectionId, Symbol, SymbolId, SymbolSection};
use object::{
    Architecture, BinaryFormat, Endianness, RelocationFlags, SectionKind, SymbolFlags, SymbolKind,
    SymbolScope,
};

use ebpf_asm_core::Program;

use crate::error::{Error, Result};
use crate::maps::MapSpec;
use crate::programs::{AttachType, ProgramType};
use btf_maps::MapPlace;
use layout::{Layout, RelocTarget};
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
    /// The maps, in order.
    pub maps: Vec<MapIn<'a>>,
    /// The programs, in order.
    pub programs: Vec<ProgramIn<'a>>,
}

/// A map to write.
pub(crate) struct MapIn<'a> {
    /// The name programs load it by.
    pub name: &'a str,
    /// What to create.
    pub spec: &'a MapSpec,
    /// For maps of maps: the inner map's name (not written yet: an error).
    pub inner: Option<&'a str>,
    /// `__uint(pinning, LIBBPF_PIN_BY_NAME)`.
    pub pin_by_name: bool,
    /// What else the map has that is not written yet (an error naming it).
    pub unsupported: Option<&'static str>,
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
    let map_names: Vec<&str> = spec.maps.iter().map(|m| m.name).collect();
    let mut layout = Layout::new(names.maps.iter().chain(&names.programs).cloned());
    for (p, symbol) in spec.programs.iter().zip(&names.programs) {
        layout.add(&mut b, p, symbol, &map_names)?;
    }
    let ext = btf_ext::encode(&mut b, &layout.sections)?;
    emit(spec, &names, &layout, &places, &b.encode(), &ext)
}

/// Writes the ELF file.
fn emit(
    spec: &Input<'_>,
    names: &SymbolNames,
    layout: &Layout,
    places: &[MapPlace],
    btf: &[u8],
    ext: &[u8],
) -> Result<Vec<u8>> {
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
    let mut maps = Vec::with_capacity(places.len());
    if !places.is_empty() {
        let sec = data_section(&mut obj, MAPS, SectionKind::Data, &vec![0; total(places)]);
        for (name, p) in names.maps.iter().zip(places) {
            let at = (p.offset, p.size);
            maps.push(symbol(
                &mut obj,
                name,
                sec,
                at,
                SymbolKind::Data,
                SymbolScope::Dynamic,
            ));
        }
    }
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
                maps[i]
            }
        };
        let rel = Relocation {
            offset: r.offset,
            symbol,
            addend: 0,
            flags: RelocationFlags::Elf { r_type: r.r_type },
        };
        obj.add_relocation(code[r.section], rel)
            .map_err(|e| Error::Elf(format!("writing a relocation: {e}")))?;
    }
    obj.write()
        .map_err(|e| Error::Elf(format!("writing the ELF file: {e}")))
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
