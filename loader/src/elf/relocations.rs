//! Relocations of program sections: `R_BPF_64_64` on an ld_imm64 of a map becomes the
//! symbolic reference `rN = NAME ll` (the collection loader patches the fd), of a global
//! variable `rN = SECTION_value_OFFSET ll` (the address of the data section map's value
//! plus the offset, see [`super::data`]), of a `.text` function `BPF_PSEUDO_FUNC` with a
//! label (a callback, copied into the program like a call); `R_BPF_64_32` on a bpf-to-bpf
//! call into `.text` becomes `call NAME` (linked by [`super::sections::link`]), on a call
//! of an extern (`__ksym`) function a kfunc call by name, resolved at load.

use ebpf_asm_core::{Call, Imm64, Insn, Label, Program, Target};
use object::{
    Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget, SectionIndex,
    SymbolKind,
};

use super::data::{self, DataSection};
use super::kconfig::KCONFIG;
use super::maps::ElfMap;
use super::{elf_err, Elf};
use crate::error::Result;

/// `R_BPF_64_64`: a 64-bit immediate (ld_imm64).
const R_BPF_64_64: u32 = 1;
/// `R_BPF_64_32`: a call's 32-bit immediate.
const R_BPF_64_32: u32 = 10;

/// One function's bytes in its section.
pub(crate) struct Site<'a> {
    /// The function's symbol name.
    pub name: &'a str,
    /// Its section's name.
    pub section: &'a str,
    /// Its section.
    pub index: SectionIndex,
    /// Its offset in the section.
    pub address: u64,
    /// Its length in bytes.
    pub size: u64,
}

/// Rewrites the relocated instructions of `program` (the function at `site`); returns
/// the instructions and the `.text` functions it calls.
pub(crate) fn apply(
    file: &Elf<'_>,
    site: &Site<'_>,
    program: &Program,
    maps: &[ElfMap],
    data: &[DataSection],
) -> Result<(Vec<Insn>, Vec<String>)> {
    let mut insns = program.insns().to_vec();
    let mut calls = Vec::new();
    let sec = file
        .section_by_index(site.index)
        .map_err(|e| elf_err(format!("section `{}`: {e}", site.section)))?;
    for (offset, rel) in sec.relocations() {
        let Some(rel_off) = offset.checked_sub(site.address).filter(|o| *o < site.size) else {
            continue;
        };
        let at = |msg: String| {
            elf_err(format!(
                "section `{}`, function `{}`, offset {offset:#x}: {msg}",
                site.section, site.name
            ))
        };
        let idx = (rel_off % 8 == 0)
            .then(|| program.index_of_slot((rel_off / 8) as usize))
            .flatten()
            .ok_or_else(|| at("relocation is not at the start of an instruction".into()))?;
        let RelocationFlags::Elf { r_type } = rel.flags() else {
            return Err(at("not an ELF relocation".into()));
        };
        let RelocationTarget::Symbol(si) = rel.target() else {
            return Err(at("relocation without a symbol".into()));
        };
        let sym = file
            .symbol_by_index(si)
            .map_err(|e| at(format!("relocation symbol: {e}")))?;
        let sym_name = sym.name().unwrap_or("?");
        let new = match (r_type, &insns[idx]) {
            (
                R_BPF_64_64,
                Insn::LdImm64 {
                    dst,
                    imm: Imm64::Const(c),
                },
            ) => {
                let imm = ld_imm64_target(file, &sym, *c, maps, data).map_err(at)?;
                if let Imm64::Func(Target::Label(f)) = &imm {
                    calls.push(f.to_string());
                }
                Insn::LdImm64 { dst: *dst, imm }
            }
            // A call of a function the object does not define: a `__ksym` kfunc, found
            // by name in the kernel's BTF when the program loads.
            (R_BPF_64_32, Insn::Call(Call::Local(Target::Offset(_)))) if sym.is_undefined() => {
                Insn::Call(Call::KfuncName(Label::from(sym_name.to_owned())))
            }
            (R_BPF_64_32, Insn::Call(Call::Local(Target::Offset(imm)))) => {
                let name = callee(file, &sym, *imm).map_err(at)?;
                calls.push(name.clone());
                Insn::Call(Call::Local(Target::Label(Label::from(name))))
            }
            (t, insn) => {
                return Err(at(format!(
                    "unsupported relocation (type {t}) against `{sym_name}` on `{insn:?}`: \
                     supported are R_BPF_64_64 on an ld_imm64 (of a map, a global variable \
                     or a `.text` function) and R_BPF_64_32 on a call of a `.text` function \
                     or of an extern (`__ksym`) kfunc"
                )))
            }
        };
        insns[idx] = new;
    }
    local_calls(file, site, program, &mut insns, &mut calls)?;
    Ok((insns, calls))
}

/// Calls clang resolved itself (no relocation: caller and callee in one section) that
/// leave the function: `call NAME` of the `.text` function they reach.
fn local_calls(
    file: &Elf<'_>,
    site: &Site<'_>,
    program: &Program,
    insns: &mut [Insn],
    calls: &mut Vec<String>,
) -> Result<()> {
    for (idx, insn) in insns.iter_mut().enumerate() {
        let Insn::Call(Call::Local(Target::Offset(imm))) = insn else {
            continue;
        };
        let slot = program.slot_of(idx).unwrap_or(0) as i64 + 1 + i64::from(*imm);
        if (0..(site.size / 8) as i64).contains(&slot) {
            continue; // Inside the function: the offset stays as it is.
        }
        let target = (site.address / 8) as i64 + slot;
        let name = u64::try_from(target)
            .ok()
            .and_then(|t| t.checked_mul(8))
            .and_then(|t| function_at(file, site.index, t));
        let at = |msg: String| {
            elf_err(format!(
                "section `{}`, function `{}`, instruction {idx}: {msg}",
                site.section, site.name
            ))
        };
        match name {
            Some(name) if site.section == ".text" => {
                calls.push(name.clone());
                *insn = Insn::Call(Call::Local(Target::Label(Label::from(name))));
            }
            Some(name) => {
                return Err(at(format!(
                    "calls `{name}` of its own section; only `.text` functions can be \
                     called (libbpf's rule)"
                )))
            }
            None => {
                return Err(at(format!(
                    "call to slot {target}, which is not a function"
                )))
            }
        }
    }
    Ok(())
}

/// The name of the function symbol at `address` of section `index`.
fn function_at(file: &Elf<'_>, index: SectionIndex, address: u64) -> Option<String> {
    file.symbols()
        .find(|s| {
            s.section_index() == Some(index)
                && s.kind() == SymbolKind::Text
                && s.address() == address
                && s.size() > 0
        })
        .and_then(|s| s.name().ok().map(str::to_owned))
}

type Sym<'d, 'f> = object::read::elf::ElfSymbol64<'d, 'f, object::LittleEndian>;

fn section_name(file: &Elf<'_>, sym: &Sym<'_, '_>) -> String {
    sym.section_index()
        .and_then(|i| file.section_by_index(i).ok())
        .and_then(|s| s.name().ok().map(str::to_owned))
        .unwrap_or_else(|| "(no section)".into())
}

/// What an ld_imm64 relocated against `sym` loads (`imm` is the instruction's
/// immediate: the byte offset clang adds to the symbol): a map, a global variable's
/// address or a `.text` function's.
fn ld_imm64_target(
    file: &Elf<'_>,
    sym: &Sym<'_, '_>,
    imm: i64,
    maps: &[ElfMap],
    data: &[DataSection],
) -> Result<Imm64, String> {
    let Some(index) = sym.section_index() else {
        return extern_value(sym, imm, data);
    };
    if let Some(name) = map_of(sym, index, imm, maps) {
        return Ok(Imm64::Symbol(Label::from(name)));
    }
    let sec = section_name(file, sym);
    let offset = sym.address().wrapping_add(imm as u32 as u64);
    if sec == ".text" {
        let name = (offset % 8 == 0)
            .then(|| function_at(file, index, offset))
            .flatten()
            .ok_or_else(|| {
                format!(
                    "ld_imm64 of `{}` + {imm} in `.text`: offset {offset:#x} is not the \
                     start of a function",
                    sym.name().unwrap_or("?")
                )
            })?;
        return Ok(Imm64::Func(Target::Label(Label::from(name))));
    }
    if let Some(d) = data.iter().find(|d| d.map == sec) {
        if offset >= u64::from(d.size) {
            return Err(format!(
                "ld_imm64 of `{}` + {imm}: offset {offset} is past the end of section \
                 `{sec}` ({} bytes)",
                sym.name().unwrap_or("?"),
                d.size
            ));
        }
        let symbol = data::value_symbol(&d.map, offset as u32);
        return Ok(Imm64::Symbol(Label::from(symbol)));
    }
    let what = if data::is_data_section(&sec) {
        "this data section is empty"
    } else {
        "only maps (`maps`, `.maps`), global variables (`.data*`, `.rodata*`, `.bss*`) and \
         `.text` functions can be loaded"
    };
    Err(format!(
        "ld_imm64 of `{}` in section `{sec}`: {what}",
        sym.name().unwrap_or("?")
    ))
}

/// An ld_imm64 of an extern: a `.kconfig` value (its place in the `.kconfig` map plus
/// the offset clang adds); other externs (`__ksym` variables) are not read yet.
fn extern_value(sym: &Sym<'_, '_>, imm: i64, data: &[DataSection]) -> Result<Imm64, String> {
    let name = sym.name().unwrap_or("?");
    let found = data.iter().filter(|d| d.map == KCONFIG).find_map(|d| {
        let v = d.variables.iter().find(|v| v.name == name)?;
        Some((d, v))
    });
    let Some((d, v)) = found else {
        return Err(format!(
            "ld_imm64 of `{name}`, which is not defined in this object: `.kconfig` externs \
             and `__ksym` functions are read; `__ksym` variables are not supported yet"
        ));
    };
    let offset = u64::from(v.offset).wrapping_add(imm as u32 as u64);
    if offset >= u64::from(v.offset + v.size) {
        return Err(format!(
            "ld_imm64 of `{name}` + {imm}: past the end of the {}-byte extern",
            v.size
        ));
    }
    Ok(Imm64::Symbol(Label::from(data::value_symbol(
        &d.map,
        offset as u32,
    ))))
}

/// The map of `maps` an ld_imm64 relocated against `sym` (in section `index`) loads.
fn map_of(sym: &Sym<'_, '_>, index: SectionIndex, imm: i64, maps: &[ElfMap]) -> Option<String> {
    let found = if sym.kind() == SymbolKind::Section {
        let off = sym.address().wrapping_add(imm as u32 as u64);
        maps.iter().find(|m| m.section == index && m.offset == off)
    } else {
        let name = sym.name().unwrap_or("");
        maps.iter().find(|m| m.section == index && m.name == name)
    };
    found.map(|m| m.name.clone())
}

/// The `.text` function a call relocated against `sym` goes to: instruction
/// `sym.address / 8 + imm + 1` of `.text` (as libbpf computes it), a function symbol.
fn callee(file: &Elf<'_>, sym: &Sym<'_, '_>, imm: i32) -> Result<String, String> {
    let sec = section_name(file, sym);
    if sec != ".text" {
        return Err(format!(
            "call of `{}` in section `{sec}`: only `.text` functions can be called",
            sym.name().unwrap_or("?")
        ));
    }
    let slot = (sym.address() / 8) as i64 + i64::from(imm) + 1;
    let target = u64::try_from(slot)
        .ok()
        .and_then(|s| s.checked_mul(8))
        .ok_or_else(|| format!("call target slot {slot} of `.text` is out of range"))?;
    sym.section_index()
        .and_then(|i| function_at(file, i, target))
        .ok_or_else(|| format!("call target {target:#x} of `.text` is not a function symbol"))
}
