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
//! (call of a `.text` function). The object's `.BTF` (fixed up and sanitized for the
//! kernel) goes to every program and BTF-defined map, `.BTF.ext` gives each program its
//! func_info, line_info and CO-RE relocations ([`object_btf`]). Anything else that a
//! program needs is an [`Error::Elf`](crate::Error::Elf) naming the section or symbol,
//! never a panic.

mod btf_ext;
mod btf_externs;
mod btf_maps;
mod btf_probe;
mod btf_sanitize;
mod core;
pub(crate) mod data;
mod kconfig;
mod map_slots;
mod maps;
mod object_btf;
mod relocations;
mod sections;
mod var_types;
pub(crate) mod write;

pub use btf_probe::kernel_btf_features;
pub use btf_sanitize::BtfFeatures;

use object::{Object, ObjectSection};

use crate::error::{Error, Result};
use crate::programs::ProgramBtf;
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
    /// Programs' BTF from `.BTF` and `.BTF.ext`, by program name.
    pub program_btfs: Vec<(String, ProgramBtf)>,
}

/// Reads an ELF object, its BTF sanitized for the running kernel.
pub(crate) fn read(bytes: &[u8]) -> Result<ElfObject> {
    read_with(bytes, kernel_btf_features)
}

/// Reads an ELF object, its BTF sanitized for a kernel with `features` (asked only when
/// the object has `.BTF`).
pub(crate) fn read_with(bytes: &[u8], features: impl FnOnce() -> BtfFeatures) -> Result<ElfObject> {
    let file = parse(bytes)?;
    // The object's types, parsed once for the variables' C types and `.kconfig`.
    let types = var_types::object_btf(&file);
    let kconfig = kconfig::read(&file, types.as_ref(), kconfig::KernelConfig::running)?;
    let obj_btf = object_btf::read(&file, kconfig.as_ref(), features)?;
    let mut maps = maps::read(&file)?;
    if let Some(sec) = file.section_by_name(".maps") {
        maps.extend(btf_maps::read(&file, sec.index())?);
    }
    map_slots::read(&file, &mut maps)?;
    let mut data = data::read(&file, types.as_ref())?;
    data.extend(kconfig);
    let mut text = sections::text_functions(&file, &maps, &data)?;
    let mut progs = sections::programs(&file, &maps, &data)?;
    if let Some(b) = &obj_btf {
        for m in maps.iter_mut().filter(|m| m.spec.btf.is_none()) {
            m.spec.btf = b.map_btf(&m.name, &m.spec);
        }
        for f in text.iter_mut().chain(progs.iter_mut()) {
            b.annotate(&file, f)?;
        }
    }
    let mut programs = Vec::new();
    let mut program_btfs = Vec::new();
    for prog in progs {
        let program = sections::link(&prog, &text)?;
        if let Some(b) = &obj_btf {
            if let Some(pb) = b.program_btf(&file, &prog, &program, &text)? {
                program_btfs.push((prog.name.clone(), pb));
            }
        }
        programs.push((prog.name, prog.section, program));
    }
    Ok(ElfObject {
        license: license(&file)?,
        maps,
        programs,
        data,
        kern_version: data::kern_version(&file)?,
        program_btfs,
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
