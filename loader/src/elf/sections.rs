//! Functions of executable sections: each `STT_FUNC` symbol is decoded and relocated on
//! its own; those outside `.text` are programs, those in `.text` subprograms that
//! [`link`] copies into every program that calls them (directly or through another).

use std::collections::VecDeque;

use ebpf_asm_core::{Label, Program};
use object::{Object, ObjectSection, ObjectSymbol, SectionFlags, SectionIndex, SymbolKind};

use super::data::DataSection;
use super::maps::ElfMap;
use super::relocations::{self, Site};
use super::{elf_err, Elf};
use crate::error::Result;

/// `SHF_EXECINSTR`.
const SHF_EXECINSTR: u64 = 0x4;

/// One decoded and relocated function.
pub(crate) struct Function {
    /// The symbol name.
    pub name: String,
    /// Its section's name.
    pub section: String,
    /// The instructions, map references and `.text` calls symbolic.
    pub program: Program,
    /// The `.text` functions it calls (or loads the address of).
    pub calls: Vec<String>,
}

/// The programs: the functions of every executable section but `.text`, in file order.
pub(crate) fn programs(
    file: &Elf<'_>,
    maps: &[ElfMap],
    data: &[DataSection],
) -> Result<Vec<Function>> {
    let mut out = Vec::new();
    for sec in file.sections() {
        let name = sec.name().unwrap_or("");
        if is_exec(&sec) && name != ".text" && sec.size() > 0 {
            let funcs = functions(file, sec.index(), name, maps, data)?;
            if funcs.is_empty() {
                return Err(elf_err(format!(
                    "section `{name}` has code but no function symbol (STT_FUNC) to name \
                     a program"
                )));
            }
            out.extend(funcs);
        }
    }
    Ok(out)
}

/// The subprograms: the functions of `.text`, in address order.
pub(crate) fn text_functions(
    file: &Elf<'_>,
    maps: &[ElfMap],
    data: &[DataSection],
) -> Result<Vec<Function>> {
    match file.section_by_name(".text") {
        Some(sec) => functions(file, sec.index(), ".text", maps, data),
        None => Ok(Vec::new()),
    }
}

fn is_exec(sec: &object::read::elf::ElfSection64<'_, '_, object::LittleEndian>) -> bool {
    matches!(sec.flags(), SectionFlags::Elf { sh_flags } if sh_flags & SHF_EXECINSTR != 0)
}

/// The functions of section `index`, in address order.
fn functions(
    file: &Elf<'_>,
    index: SectionIndex,
    section: &str,
    maps: &[ElfMap],
    globals: &[DataSection],
) -> Result<Vec<Function>> {
    let sec = file
        .section_by_index(index)
        .map_err(|e| elf_err(format!("section `{section}`: {e}")))?;
    let data = sec
        .data()
        .map_err(|e| elf_err(format!("section `{section}`: {e}")))?;
    let mut syms: Vec<_> = file
        .symbols()
        .filter(|s| s.section_index() == Some(index) && s.kind() == SymbolKind::Text)
        .filter(|s| s.size() > 0)
        .collect();
    syms.sort_by_key(|s| s.address());
    let mut out = Vec::new();
    for sym in syms {
        let name = sym.name().unwrap_or("");
        let at = |msg: String| elf_err(format!("section `{section}`, function `{name}`: {msg}"));
        let bytes = usize::try_from(sym.address())
            .ok()
            .zip(usize::try_from(sym.size()).ok())
            .and_then(|(a, n)| data.get(a..a.checked_add(n)?))
            .ok_or_else(|| at("the symbol runs past the end of its section".into()))?;
        let decoded = Program::from_bytes(bytes).map_err(|e| at(e.to_string()))?;
        let site = Site {
            name,
            section,
            index,
            address: sym.address(),
            size: sym.size(),
        };
        let (insns, calls) = relocations::apply(file, &site, &decoded, maps, globals)?;
        let program = Program::new(insns, []).map_err(|e| at(format!("{e:?}")))?;
        out.push(Function {
            name: name.to_owned(),
            section: section.to_owned(),
            program,
            calls,
        });
    }
    Ok(out)
}

/// `prog` with every `.text` function it reaches appended (each labelled with its name),
/// in `.text` order, as libbpf links subprograms into each program.
pub(crate) fn link(prog: &Function, text: &[Function]) -> Result<Program> {
    let mut needed: Vec<&str> = Vec::new();
    let mut queue: VecDeque<&str> = prog.calls.iter().map(String::as_str).collect();
    while let Some(name) = queue.pop_front() {
        if needed.contains(&name) {
            continue;
        }
        let f = text.iter().find(|f| f.name == name).ok_or_else(|| {
            elf_err(format!(
                "function `{}` calls `{name}`, which is not a `.text` function",
                prog.name
            ))
        })?;
        needed.push(name);
        queue.extend(f.calls.iter().map(String::as_str));
    }
    let mut fragments = Vec::with_capacity(needed.len());
    for f in text.iter().filter(|f| needed.contains(&f.name.as_str())) {
        let name = &f.name;
        // Locations and CO-RE relocations travel with the copy.
        let labelled = Program::with_locations(
            f.program.insns().to_vec(),
            [(Label::from(name.as_str()), 0)],
            f.program.source_map().clone(),
        )
        .map_err(|e| elf_err(format!("`.text` function `{name}`: {e:?}")))?
        .with_core_relos(f.program.core_relos().iter().cloned());
        let labelled = match f.program.local_btf() {
            Some(btf) => labelled.with_local_btf(btf.clone()),
            None => labelled,
        };
        fragments.push(labelled);
    }
    let refs: Vec<&Program> = fragments.iter().collect();
    prog.program
        .link(&refs)
        .map_err(|e| elf_err(format!("linking `.text` into `{}`: {e}", prog.name)))
}
