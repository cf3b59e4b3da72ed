//! A kernel-translated program as a whole: its slots, decoded with the translated-form
//! decoder, printed as `bpftool prog dump xlated` prints it, or read as a [`Program`].

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::codec::decode::{decode_xlated_iter, slots_of, DecodeError};
use crate::model::insn::{Call, Insn};
use crate::model::raw::RawInsn;
use crate::model::xlated::XlatedInsn;
use crate::print::kernel::KernelSymbols;
use crate::program::program::Program;

/// The instructions of a loaded program as the kernel keeps them after verification
/// (`xlated_prog_insns`), with the kernel symbols that name its calls.
///
/// `Display` prints the instruction lines of `bpftool prog dump xlated` (not those it
/// adds from BTF: function signatures, `; source`): one `% 4d: (code) text` line per
/// instruction (see [`XlatedInsn::kernel_text`]).
///
/// ```
/// use ebpf_asm_core::XlatedProgram;
/// // call pc+1 (subprogram 1), exit, r0 = 0, exit; then `map[id:7]` in r1.
/// let hex = "8510010001000000 9500000000000000 b700000000000000 9500000000000000 \
///            18110000070000000000000000000000";
/// let bytes: Vec<u8> = hex.split_whitespace()
///     .flat_map(|w| (0..w.len()).step_by(2).map(move |i| u8::from_str_radix(&w[i..i + 2], 16).unwrap()))
///     .collect();
/// let x = XlatedProgram::from_bytes(&bytes).unwrap();
/// assert_eq!(x.to_string(), "   0: (85) call pc+1\n   1: (95) exit\n   2: (b7) r0 = 0\n   3: (95) exit\n   4: (18) r1 = map[id:7]\n");
/// assert_eq!(x.to_program().with_synthesized_labels().to_string(),
///            "\tcall L2\n\texit\nL2:\n\tr0 = 0\n\texit\n\tld_pseudo r1, 1, 7\n");
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct XlatedProgram {
    slots: Vec<RawInsn>,
    /// `(first slot, instruction)` in order.
    insns: Vec<(usize, XlatedInsn)>,
    symbols: KernelSymbols,
}

impl XlatedProgram {
    /// Decodes translated bytes; the first slot that does not decode is the error.
    pub fn from_bytes(bytes: &[u8]) -> Result<XlatedProgram, DecodeError> {
        let (program, errors) = XlatedProgram::from_bytes_lossy(bytes);
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(program),
        }
    }

    /// Decodes translated bytes, keeping a slot that does not decode as an
    /// [`Insn::Raw`] word (printed `.8byte 0x...`) and returning its error beside the
    /// program. Bytes after the last whole slot are an error and are dropped.
    pub fn from_bytes_lossy(bytes: &[u8]) -> (XlatedProgram, Vec<DecodeError>) {
        let whole = bytes.len() / 8 * 8;
        let slots = slots_of(&bytes[..whole]).unwrap_or_default();
        let mut errors = Vec::new();
        let mut insns = Vec::with_capacity(slots.len());
        for r in decode_xlated_iter(&slots) {
            match r {
                Ok(at_insn) => insns.push(at_insn),
                Err(e) => {
                    insns.push((e.slot, XlatedInsn::Insn(Insn::Raw(slots[e.slot].to_u64()))));
                    errors.push(e);
                }
            }
        }
        if let Err(e) = slots_of(bytes) {
            errors.push(e);
        }
        let program = XlatedProgram {
            slots,
            insns,
            symbols: KernelSymbols::default(),
        };
        (program, errors)
    }

    /// The same program with `symbols` naming its calls when printed.
    pub fn with_symbols(mut self, symbols: KernelSymbols) -> XlatedProgram {
        self.symbols = symbols;
        self
    }

    /// The symbols that name the program's calls.
    pub fn symbols(&self) -> &KernelSymbols {
        &self.symbols
    }

    /// `(first slot, instruction)` for every instruction, in order.
    pub fn insns(&self) -> &[(usize, XlatedInsn)] {
        &self.insns
    }

    /// The raw slots.
    pub fn slots(&self) -> &[RawInsn] {
        &self.slots
    }

    /// The program as the model reads it (see [`XlatedInsn::to_insn`]): jumps and calls
    /// keep their targets, so `with_synthesized_labels()` names them; kernel-only words
    /// become `.8byte`.
    pub fn to_program(&self) -> Program {
        let insns = self
            .insns
            .iter()
            .map(|(at, insn)| insn.to_insn(self.slots[*at].to_u64()))
            .collect();
        // No labels: forming the program cannot fail.
        Program::new(insns, []).unwrap_or_default()
    }

    /// The symbols that name this program's calls, found in the text of a kallsyms file
    /// (`/proc/kallsyms`: `ADDRESS TYPE NAME [MODULE]` lines) as bpftool finds them:
    /// kernel calls at `__bpf_call_base + imm`, bpf-to-bpf calls at their subprogram's
    /// address in `jited_ksyms` (the program's `bpf_prog_info`; empty if unknown). When
    /// kallsyms hides addresses (all zero, `kptr_restrict`), nothing is named.
    /// Aliases share an address: the first name in the file wins.
    pub fn symbols_from_kallsyms(&self, kallsyms: &str, jited_ksyms: Vec<u64>) -> KernelSymbols {
        let mut symbols = KernelSymbols {
            jited_ksyms,
            ..KernelSymbols::default()
        };
        symbols.call_base = kallsyms_lines(kallsyms)
            .find(|(_, name)| *name == "__bpf_call_base")
            .map(|(address, _)| address)
            .filter(|&a| a != 0);
        if symbols.call_base.is_none() {
            return symbols;
        }
        let mut wanted: HashSet<u64> = symbols.jited_ksyms.iter().copied().collect();
        for (_, insn) in &self.insns {
            let imm = match insn {
                XlatedInsn::KernelCall { imm }
                | XlatedInsn::KfuncCall { imm, .. }
                | XlatedInsn::SubprogCall { imm, .. }
                | XlatedInsn::Insn(Insn::Call(Call::Helper(imm))) => *imm,
                _ => continue,
            };
            wanted.insert(symbols.call_address(imm));
        }
        let mut names = HashMap::new();
        for (address, name) in kallsyms_lines(kallsyms) {
            if wanted.contains(&address) {
                names.entry(address).or_insert_with(|| name.to_string());
            }
        }
        symbols.names = names;
        symbols
    }

    /// bpftool's dump with `opcodes`: each instruction's line followed by its bytes.
    pub fn dump_with_opcodes(&self) -> String {
        let mut out = String::new();
        let _ = self.write_dump(&mut out, true);
        out
    }

    fn write_dump(&self, out: &mut dyn fmt::Write, opcodes: bool) -> fmt::Result {
        for (at, insn) in &self.insns {
            let code = self.slots[*at].code;
            // C's `% 4d`: a space for the sign, then at least 3 digits' width.
            writeln!(
                out,
                " {at:3}: ({code:02x}) {}",
                insn.kernel_text(&self.symbols)
            )?;
            if opcodes {
                let bytes: Vec<String> = self.slots[*at..*at + insn.slots()]
                    .iter()
                    .flat_map(|s| s.to_bytes())
                    .map(|b| format!("{b:02x}"))
                    .collect();
                writeln!(out, "       {}", bytes.join(" "))?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for XlatedProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_dump(f, false)
    }
}

/// `(address, name)` of each well-formed kallsyms line: `ADDRESS TYPE NAME [MODULE]`.
fn kallsyms_lines(kallsyms: &str) -> impl Iterator<Item = (u64, &str)> {
    kallsyms.lines().filter_map(|line| {
        let mut fields = line.split_ascii_whitespace();
        let address = u64::from_str_radix(fields.next()?, 16).ok()?;
        let _kind = fields.next()?;
        Some((address, fields.next()?))
    })
}
