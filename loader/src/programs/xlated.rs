//! A loaded program's translated instructions, decoded as the kernel's translated form
//! and named as bpftool names them.

use std::os::fd::AsFd;

use ebpf_asm_core::XlatedProgram;

use super::info::program_jited_ksyms;
use super::loaded::LoadedProgram;
use crate::error::Result;

/// Where bpftool, and we, find the names of kernel functions and JIT-ed programs.
const KALLSYMS: &str = "/proc/kallsyms";

impl LoadedProgram {
    /// The translated (post-verifier) instructions as the kernel keeps them, with the
    /// kernel symbols that name their calls (from `/proc/kallsyms` and the program's
    /// `jited_ksyms`): its `Display` prints the instruction lines of
    /// `bpftool prog dump xlated id N` (`   9: (85) call __htab_map_lookup_elem#343280`),
    /// without the function signatures and `; source` lines bpftool adds from BTF.
    /// [`LoadedProgram::xlated_program`] reads the same instructions as a `Program`.
    pub fn xlated(&self) -> Result<XlatedProgram> {
        let bytes = self.xlated_insns()?;
        let program = XlatedProgram::from_bytes(&bytes)?;
        let jited = program_jited_ksyms(self.as_fd())?;
        // As bpftool: unreadable, or addresses hidden, and calls print as addresses.
        let kallsyms = std::fs::read(KALLSYMS).unwrap_or_default();
        let symbols = program.symbols_from_kallsyms(&String::from_utf8_lossy(&kallsyms), jited);
        Ok(program.with_symbols(symbols))
    }
}
