//! Kernel symbol names from `/proc/kallsyms`, to name the calls of a translated program as
//! bpftool does: a kernel call reaches `__bpf_call_base + imm`, a bpf-to-bpf call the JIT
//! image of its subprogram (`jited_ksyms`, named `bpf_prog_<tag>_<name>`).

use std::collections::{HashMap, HashSet};

use ebpf_asm_core::{Call, Insn, KernelSymbols, XlatedInsn, XlatedProgram};

/// The file bpftool reads.
const KALLSYMS: &str = "/proc/kallsyms";

/// The symbols that name `program`'s calls, from `/proc/kallsyms` (when it is readable
/// and shows addresses; otherwise calls print as addresses, as bpftool prints them).
pub(crate) fn call_symbols(program: &XlatedProgram, jited_ksyms: Vec<u64>) -> KernelSymbols {
    let text = std::fs::read(KALLSYMS).unwrap_or_default();
    symbols_from(&String::from_utf8_lossy(&text), program, jited_ksyms)
}

/// [`call_symbols`] over the text of a kallsyms file.
pub(crate) fn symbols_from(
    kallsyms: &str,
    program: &XlatedProgram,
    jited_ksyms: Vec<u64>,
) -> KernelSymbols {
    let mut symbols = KernelSymbols {
        jited_ksyms,
        ..KernelSymbols::default()
    };
    // With kptr_restrict every address reads 0, and bpftool names nothing.
    symbols.call_base = lines(kallsyms)
        .find(|(_, name)| *name == "__bpf_call_base")
        .map(|(address, _)| address)
        .filter(|&a| a != 0);
    if symbols.call_base.is_none() {
        return symbols;
    }
    let mut wanted: HashSet<u64> = symbols.jited_ksyms.iter().copied().collect();
    for (_, insn) in program.insns() {
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
    for (address, name) in lines(kallsyms) {
        if wanted.contains(&address) {
            // The first name at an address wins (aliases share addresses).
            names.entry(address).or_insert_with(|| name.to_string());
        }
    }
    symbols.names = names;
    symbols
}

/// `(address, name)` of each well-formed line: `ADDRESS TYPE NAME [MODULE]`.
fn lines(kallsyms: &str) -> impl Iterator<Item = (u64, &str)> {
    kallsyms.lines().filter_map(|line| {
        let mut fields = line.split_ascii_whitespace();
        let address = u64::from_str_radix(fields.next()?, 16).ok()?;
        let _kind = fields.next()?;
        Some((address, fields.next()?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KALLSYMS: &str = "\
ffffffff814dd650 T __bpf_call_base
ffffffff81521840 T bpf_ktime_get_ns
ffffffff81531340 t __htab_map_lookup_elem
ffffffff81531340 t an_alias
ffffffffc0001000 t bpf_prog_0fd1e0bd09915235_sub\t[bpf]
not a line
";

    fn program() -> XlatedProgram {
        // call __htab_map_lookup_elem; call pc+1 (subprogram 1); exit; call bpf_ktime_get_ns; exit
        let hex =
            "85000000f03c0500 8510010001000000 9500000000000000 85000000f0410400 9500000000000000";
        let bytes: Vec<u8> = hex
            .split_ascii_whitespace()
            .flat_map(|w| {
                (0..w.len())
                    .step_by(2)
                    .map(move |i| u8::from_str_radix(&w[i..i + 2], 16).unwrap())
            })
            .collect();
        XlatedProgram::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn calls_are_named_from_kallsyms_and_jited_ksyms() {
        let p = program();
        let syms = symbols_from(KALLSYMS, &p, vec![0xffffffffc0000000, 0xffffffffc0001000]);
        assert_eq!(syms.call_base, Some(0xffffffff814dd650));
        assert_eq!(
            p.with_symbols(syms).to_string(),
            "   0: (85) call __htab_map_lookup_elem#343280\n\
             \x20  1: (85) call pc+1#bpf_prog_0fd1e0bd09915235_sub\n\
             \x20  2: (95) exit\n\
             \x20  3: (85) call bpf_ktime_get_ns#279024\n\
             \x20  4: (95) exit\n"
        );
    }

    /// With kptr_restrict, kallsyms shows zeros: bpftool prints addresses (the offsets)
    /// and, for a JIT-ed program, the subprogram's address from jited_ksyms.
    #[test]
    fn hidden_addresses_print_as_bpftool_prints_them() {
        let hidden = KALLSYMS
            .replace("ffffffff", "00000000")
            .replace("814dd650", "00000000");
        let p = program();
        let syms = symbols_from(&hidden, &p, vec![0, 0]);
        assert_eq!(syms.call_base, None);
        let text = p.with_symbols(syms).to_string();
        assert!(text.contains("call 0x53cf0#343280\n"), "{text}");
        assert!(text.contains("call pc+1#0x0\n"), "{text}");
    }
}
