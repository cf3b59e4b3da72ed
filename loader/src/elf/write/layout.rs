//! Where each function of each program goes in the object: a program's entry function
//! into its own section (its `.section` name), its subprograms into `.text` (libbpf
//! finds subprograms only there and links them into each caller), and the relocations
//! that let a loader put them back together: `R_BPF_64_32` on every bpf-to-bpf call,
//! `R_BPF_64_64` on every map reference and function address (against `.text`, the
//! function's offset in the immediate, src 0: what clang writes for `&func`).

use std::collections::HashSet;

use ebpf_asm_core::{section_def, RawInsn, SECTIONS};
use ebpf_btf::{Builder, TypeId};

use super::ProgramIn;
use super::{write_err, TEXT};
use crate::elf::data::parse_value_symbol;
use crate::error::Result;
use crate::programs::{add_program_btf, slot_source_map};

/// `BPF_JMP | BPF_CALL`.
const CALL: u8 = 0x85;
/// `BPF_LD | BPF_IMM | BPF_DW`.
const LD_IMM64: u8 = 0x18;
/// `BPF_PSEUDO_CALL`: a call's src for a bpf-to-bpf call.
const PSEUDO_CALL: u8 = 1;
/// `BPF_PSEUDO_FUNC`: an ld_imm64's src for a function's address.
const PSEUDO_FUNC: u8 = 4;

/// A code section being filled.
pub(crate) struct CodeSection {
    /// Its name: a program's section, or `.text`.
    pub name: String,
    /// The instruction bytes.
    pub bytes: Vec<u8>,
    /// `bpf_func_info` records: byte offset, FUNC type id.
    pub func_info: Vec<(u32, TypeId)>,
    /// `bpf_line_info` records: byte offset, file, line text, line << 10 | column.
    pub line_info: Vec<[u32; 4]>,
}

/// One function's symbol.
pub(crate) struct PlacedFunc {
    /// The symbol name (unique in the object).
    pub name: String,
    /// Index into [`Layout::sections`].
    pub section: usize,
    /// Byte offset in that section.
    pub offset: u64,
    /// Size in bytes.
    pub size: u64,
    /// `STB_GLOBAL` (a program's entry, or a `.globl` subprogram) or `STB_LOCAL`.
    pub global: bool,
}

/// What a relocation names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RelocTarget {
    /// A function of [`Layout::funcs`] (calls).
    Func(usize),
    /// The `.text` section symbol (function addresses, as libbpf wants them: the
    /// offset in the instruction's immediate).
    Text,
    /// A map of the collection, by name.
    Map(String),
    /// The section symbol of global data section `.0` of the input (the offset in the
    /// instruction's immediate).
    Data(usize),
}

/// One relocation.
pub(crate) struct Reloc {
    /// Index into [`Layout::sections`].
    pub section: usize,
    /// Byte offset of the instruction.
    pub offset: u64,
    /// `R_BPF_64_64` or `R_BPF_64_32`.
    pub r_type: u32,
    /// What it names.
    pub target: RelocTarget,
}

/// All code of an object.
#[derive(Default)]
pub(crate) struct Layout {
    /// Code sections, in the order they were first used.
    pub sections: Vec<CodeSection>,
    /// Function symbols.
    pub funcs: Vec<PlacedFunc>,
    /// Relocations of the code sections.
    pub relocs: Vec<Reloc>,
    /// Symbol names taken so far (programs, maps, functions).
    names: HashSet<String>,
}

/// `R_BPF_64_64`: a 64-bit immediate (ld_imm64).
pub(crate) const R_BPF_64_64: u32 = 1;
/// `R_BPF_64_32`: a call's 32-bit immediate.
pub(crate) const R_BPF_64_32: u32 = 10;

impl Layout {
    /// A layout whose symbol names must not clash with `taken` (map and program names).
    pub fn new(taken: impl IntoIterator<Item = String>) -> Layout {
        Layout {
            names: taken.into_iter().collect(),
            ..Layout::default()
        }
    }

    fn section(&mut self, name: &str) -> usize {
        if let Some(i) = self.sections.iter().position(|s| s.name == name) {
            return i;
        }
        self.sections.push(CodeSection {
            name: name.to_owned(),
            bytes: Vec::new(),
            func_info: Vec::new(),
            line_info: Vec::new(),
        });
        self.sections.len() - 1
    }

    /// A symbol name for subprogram `name` of program `prog` not used yet.
    fn unique(&mut self, prog: &str, name: &str) -> String {
        let mut candidate = name.to_owned();
        let mut n = 1;
        while self.names.contains(&candidate) {
            n += 1;
            candidate = match n {
                2 => format!("{prog}_{name}"),
                _ => format!("{prog}_{name}_{n}"),
            };
        }
        self.names.insert(candidate.clone());
        candidate
    }

    /// Places program `p`: its functions, their BTF (added to `b`), relocations.
    pub fn add(
        &mut self,
        b: &mut Builder,
        p: &ProgramIn<'_>,
        symbol: &str,
        refs: &Refs<'_>,
    ) -> Result<()> {
        let section = section_name(p)?;
        let program = &p.program;
        let mut slots = program.to_raw();
        check_writable(p, &slots)?;
        let slot_map = slot_source_map(program);
        let btf = add_program_btf(b, p.name, p.prog_type, program, &slots, &slot_map)?;
        // Each function: [start, end) slots, where it goes.
        let starts: Vec<usize> = btf.funcs.iter().map(|f| f.slot as usize).collect();
        let first_func = self.funcs.len();
        let mut place = vec![(0usize, 0u64); slots.len()];
        for (k, f) in btf.funcs.iter().enumerate() {
            let (start, end) = (starts[k], starts.get(k + 1).copied().unwrap_or(slots.len()));
            let (sec, name) = match k {
                0 => (self.section(&section), symbol.to_owned()),
                _ => (self.section(TEXT), self.unique(symbol, &f.name)),
            };
            let offset = self.sections[sec].bytes.len() as u64 + self.reserved(sec, first_func, k);
            for (i, at) in place[start..end].iter_mut().enumerate() {
                *at = (sec, offset + i as u64 * 8);
            }
            self.funcs.push(PlacedFunc {
                name,
                section: sec,
                offset,
                size: (end - start) as u64 * 8,
                global: k == 0 || f.global,
            });
            self.sections[sec]
                .func_info
                .push((offset as u32, btf.func_ids[k]));
        }
        self.relocate(p, &mut slots, &starts, first_func, &place, refs)?;
        for (k, &start) in starts.iter().enumerate() {
            let end = starts.get(k + 1).copied().unwrap_or(slots.len());
            let sec = self.funcs[first_func + k].section;
            for s in &slots[start..end] {
                self.sections[sec].bytes.extend_from_slice(&s.to_bytes());
            }
        }
        for rec in btf.line_info.chunks_exact(16) {
            let word = |i: usize| u32::from_ne_bytes([rec[i], rec[i + 1], rec[i + 2], rec[i + 3]]);
            let (sec, off) = place[word(0) as usize];
            self.sections[sec]
                .line_info
                .push([off as u32, word(4), word(8), word(12)]);
        }
        Ok(())
    }

    /// Bytes that functions `first..first + k` of the program being placed will add to
    /// section `sec` before function `k` (their bytes are written after relocation).
    fn reserved(&self, sec: usize, first: usize, k: usize) -> u64 {
        self.funcs[first..first + k]
            .iter()
            .filter(|f| f.section == sec)
            .map(|f| f.size)
            .sum()
    }

    /// Rewrites calls, function addresses and map loads of `slots` (the program placed at
    /// `place`) for relocation, and records the relocations.
    fn relocate(
        &mut self,
        p: &ProgramIn<'_>,
        slots: &mut [RawInsn],
        starts: &[usize],
        first_func: usize,
        place: &[(usize, u64)],
        refs: &Refs<'_>,
    ) -> Result<()> {
        let func_at = |slot: i64| {
            usize::try_from(slot)
                .ok()
                .and_then(|s| starts.iter().position(|&x| x == s))
                .map(|k| first_func + k)
        };
        for i in 0..slots.len() {
            let s = slots[i];
            let (sec, offset) = place[i];
            let target = i as i64 + i64::from(s.imm) + 1;
            if s.code == CALL && s.src == PSEUDO_CALL {
                let f = func_at(target).ok_or_else(|| {
                    write_err(
                        p.name,
                        format!("the call at slot {i} lands inside a function"),
                    )
                })?;
                slots[i].imm = -1;
                self.relocs.push(Reloc {
                    section: sec,
                    offset,
                    r_type: R_BPF_64_32,
                    target: RelocTarget::Func(f),
                });
            } else if s.code == LD_IMM64 && s.src == PSEUDO_FUNC {
                let f = func_at(target)
                    .filter(|&f| f != first_func)
                    .ok_or_else(|| {
                        write_err(
                            p.name,
                            format!("the function address at slot {i} is not that of a subprogram"),
                        )
                    })?;
                // As clang writes it: a plain `rN = OFFSET ll`; the loader sets src.
                slots[i].src = 0;
                slots[i].imm = self.funcs[f].offset as i32;
                self.relocs.push(Reloc {
                    section: sec,
                    offset,
                    r_type: R_BPF_64_64,
                    target: RelocTarget::Text,
                });
            }
        }
        for (idx, name) in p.program.references() {
            let slot = p.program.slot_of(idx).unwrap_or(0);
            let target = refs.target(p.name, idx, name.as_str(), &mut slots[slot])?;
            let (sec, offset) = place[slot];
            self.relocs.push(Reloc {
                section: sec,
                offset,
                r_type: R_BPF_64_64,
                target,
            });
        }
        Ok(())
    }
}

/// The names programs may load: the maps of `.maps` and the global data sections.
pub(crate) struct Refs<'a> {
    /// Map names.
    pub maps: &'a [&'a str],
    /// Data section (map) names, in the input's order.
    pub data: &'a [&'a str],
}

impl Refs<'_> {
    /// What the load of `name` at instruction `idx` (slot `insn`) of program `prog` is
    /// relocated against: a map, or a data section (`SECTION_value_OFF`: the offset is
    /// put in `insn`'s immediate, as clang writes it).
    fn target(
        &self,
        prog: &str,
        idx: usize,
        name: &str,
        insn: &mut RawInsn,
    ) -> Result<RelocTarget> {
        if self.maps.contains(&name) {
            return Ok(RelocTarget::Map(name.to_owned()));
        }
        let data = parse_value_symbol(name)
            .and_then(|(sec, off)| Some((self.data.iter().position(|d| *d == sec)?, off)));
        if let Some((i, off)) = data {
            insn.imm = i32::try_from(off).map_err(|_| {
                write_err(
                    prog,
                    format!("`{name}`: offset {off} does not fit an immediate"),
                )
            })?;
            return Ok(RelocTarget::Data(i));
        }
        let known: Vec<&str> = self.maps.iter().chain(self.data).copied().collect();
        Err(write_err(
            prog,
            format!(
                "`{name}` (instruction {idx}) is not a map or global data of the \
                 collection; an object can only reference its own maps and data (known: {})",
                known.join(", ")
            ),
        ))
    }
}

/// The section a program is written to: the one it was read from, else libbpf's name
/// for its type and expected attach type (one without `/` and with the program's
/// flags first), or, with no attach type set, the plain name of its type.
fn section_name(p: &ProgramIn<'_>) -> Result<String> {
    if let Some(s) = p.section {
        section_def(s).map_err(|why| write_err(p.name, format!("section `{s}`: {why}")))?;
        return Ok(s.to_owned());
    }
    let of_type = || {
        SECTIONS.iter().filter(|d| {
            d.prog_type == p.prog_type && d.target != ebpf_asm_core::SectionTarget::Required
        })
    };
    let plain = |d: &&ebpf_asm_core::SectionDef| d.prog_flags == p.flags && !d.name.contains('/');
    of_type()
        .filter(plain)
        .find(|d| d.attach_type == p.expected_attach_type)
        .or_else(|| of_type().find(|d| d.attach_type == p.expected_attach_type))
        // No attach type given: the type's plain section (`xdp` means attach type xdp,
        // which the kernel assumes for an XDP program without one).
        .or_else(|| {
            of_type()
                .filter(plain)
                .find(|_| p.expected_attach_type.is_none())
        })
        .map(|d| d.name.to_owned())
        .ok_or_else(|| {
            write_err(
                p.name,
                format!(
                    "no libbpf section name means program type {:?} with attach type {:?}; \
                     set the program's `section`",
                    p.prog_type, p.expected_attach_type
                ),
            )
        })
}

/// Rejects what an object cannot say (yet): resolved fds, kfunc calls by name, CO-RE
/// relocations, calls of functions the program does not define.
fn check_writable(p: &ProgramIn<'_>, slots: &[RawInsn]) -> Result<()> {
    let program = &p.program;
    if slots.is_empty() {
        return Err(write_err(p.name, "the program has no instructions"));
    }
    if let Some((idx, name)) = program.external_calls().next() {
        return Err(write_err(
            p.name,
            format!("instruction {idx} calls `{name}`, which the program does not define (link its subprograms first: Program::link)"),
        ));
    }
    if let Some((idx, name)) = program.kfunc_calls().next() {
        return Err(write_err(
            p.name,
            format!("instruction {idx} calls kernel function `{name}`: kfunc calls (`.ksyms` externs) are not written to objects yet"),
        ));
    }
    if !program.core_relos().is_empty() {
        return Err(write_err(
            p.name,
            "CO-RE relocations are not written to objects yet",
        ));
    }
    for (i, s) in slots.iter().enumerate() {
        if s.code == LD_IMM64 && s.src != 0 && s.src != PSEUDO_FUNC {
            return Err(write_err(
                p.name,
                format!(
                    "slot {i} loads a resolved kernel object (ld_imm64 src {}): write the \
                     object before the Editor points references at fds; keep them symbolic \
                     (`rN = NAME ll`)",
                    s.src
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programs::{AttachType, ProgramType};

    fn section_of(prog_type: ProgramType, attach: Option<AttachType>, flags: u32) -> String {
        let program = ebpf_asm_core::assemble("r0 = 0\nexit").expect("asm");
        let p = ProgramIn {
            name: "p",
            prog_type,
            expected_attach_type: attach,
            flags,
            section: None,
            program: &program,
        };
        section_name(&p).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn programs_without_a_section_get_libbpfs_name_for_their_type() {
        use ProgramType as P;
        assert_eq!(section_of(P::SocketFilter, None, 0), "socket");
        assert_eq!(section_of(P::Xdp, None, 0), "xdp");
        assert_eq!(
            section_of(P::Xdp, Some(AttachType::Xdp), 1 << 5),
            "xdp.frags"
        );
        assert_eq!(section_of(P::SchedCls, None, 0), "tc");
        let ingress = Some(AttachType::CgroupInetIngress);
        assert_eq!(section_of(P::CgroupSkb, ingress, 0), "cgroup_skb/ingress");
        assert!(section_of(P::Tracing, None, 0).contains("set the program's `section`"));
    }
}
