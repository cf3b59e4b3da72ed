//! Reading clang's BPF objects (`clang -target bpf -O2 -g -c`): ELF bytes to a
//! [`CollectionSpec`](crate::CollectionSpec), with map references left symbolic so the
//! collection loader creates the maps and patches their fds, as for the text format.
//!
//! What is read: programs from every executable section the section table knows (one
//! program per `STT_FUNC` symbol), subprograms in `.text` (copied into each caller, as
//! libbpf does), `license`, `version`, legacy `maps` and gobpf's `maps/NAME` sections
//! (`struct bpf_map_def`) and BTF-defined maps in `.maps` (with `LIBBPF_PIN_BY_NAME`
//! pinning and `__array(values, ...)` initial values, read from the relocations of
//! `.maps`), global data (`.data`, `.rodata`, `.bss`: see [`data`]), and the relocations
//! `R_BPF_64_64` (ld_imm64 of a map, a variable or a `.text` function) and `R_BPF_64_32`
//! (call of a `.text` function). Anything else that a program needs is an
//! [`Error::Elf`](crate::Error::Elf) naming the section or symbol, never a panic.

mod btf_maps;
pub(crate) mod data;
mod map_slots;
mod maps;
mod relocations;
mod sections;
mod var_types;
pub(crate) mod write;

use object::{Object, ObjectSection};

use crate::error::{Error, Result};
pub(crate) use maps::ElfMap;

/// The ELF files we read: 64-bit little-endian (what `clang -target bpf` writes on x86
/// and arm64).
pub(crate) type Elf<'a> = object::read::elf::ElfFile64<'a, object::LittleEndian>;

/// `EM_BPF`.
const EM_BPF: u16 = 247;

/// An [`Error::Elf`] with `msg`.
pub(crate) fn elf_err(msg: impl Into<String>) -> Error {
    Error::Elf(msg.into())
}

/// What an ELF object holds, ready for a collection: map references still symbolic.
pub(crate) struct ElfObject {
    /// The `license` section ("GPL" when absent).
    pub license: String,
    /// Maps by name, in file order.
    pub maps: Vec<ElfMap>,
    /// Programs: name, section, linked instructions.
    pub programs: Vec<(String, String, ebpf_asm_core::Program)>,
    /// Global data sections (their maps are not in `maps`).
    pub data: Vec<data::DataSection>,
    /// The `version` section (`kern_version`), when there is one.
    pub kern_version: Option<u32>,
}

/// Reads an ELF object.
pub(crate) fn read(bytes: &[u8]) -> Result<ElfObject> {
    let file = parse(bytes)?;
    let mut maps = maps::read(&file)?;
    if let Some(sec) = file.section_by_name(".maps") {
        maps.extend(btf_maps::read(&file, sec.index())?);
    }
    map_slots::read(&file, &mut maps)?;
    let data = data::read(&file)?;
    let text = sections::text_functions(&file, &maps, &data)?;
    let mut programs = Vec::new();
    for prog in sections::programs(&file, &maps, &data)? {
        let program = sections::link(&prog, &text)?;
        programs.push((prog.name, prog.section, program));
    }
    Ok(ElfObject {
        license: license(&file)?,
        maps,
        programs,
        data,
        kern_version: data::kern_version(&file)?,
    })
}

/// Whether `bytes` start with the ELF magic.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
}

fn parse(bytes: &[u8]) -> Result<Elf<'_>> {
    if !is_elf(bytes) {
        return Err(elf_err(
            "not an ELF file (no \\x7fELF magic); compile with `clang -target bpf -c`",
        ));
    }
    let file = Elf::parse(bytes).map_err(|e| {
        elf_err(format!(
            "cannot parse the ELF headers: {e} (a 64-bit little-endian object is needed)"
        ))
    })?;
    let machine = file.elf_header().e_machine.get(object::LittleEndian);
    if machine != EM_BPF {
        return Err(elf_err(format!(
            "e_machine is {machine}, not EM_BPF ({EM_BPF}): this is not a BPF object \
             (compile with `clang -target bpf`)"
        )));
    }
    Ok(file)
}

/// The `license` section's string ("GPL" when there is none, as in the text format).
fn license(file: &Elf<'_>) -> Result<String> {
    let Some(sec) = file.section_by_name("license") else {
        return Ok("GPL".into());
    };
    let data = sec
        .data()
        .map_err(|e| elf_err(format!("section `license`: {e}")))?;
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    std::str::from_utf8(&data[..end])
        .map(str::to_owned)
        .map_err(|_| elf_err("section `license` is not UTF-8"))
}
