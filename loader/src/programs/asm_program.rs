//! The bridge to the assembler's [`Program`]: load one (with a per-slot source map, so a
//! verifier error names the line it was written on) and read a loaded program's
//! translated instructions back as one.

use ebpf_asm_core::{Program, SourceMap, XlatedProgram};

use super::btf_info::ProgramBtf;
use super::kernel_refs::{has_kernel_refs, resolve_kernel_refs};
use super::loaded::LoadedProgram;
use super::program_type::ProgramType;
use super::spec::ProgramSpec;
use crate::error::Result;

impl ProgramSpec {
    /// A spec for an assembled program: its instruction slots, where each was written
    /// (`FILE:LINE:COL`) for verifier errors, and its BTF ([`ProgramBtf`]: function names
    /// and source lines the kernel shows). Every symbol reference must have been
    /// rewritten (see the [`Editor`](ebpf_asm_core::Editor)) and every call linked: an
    /// unresolved one is an error naming it and the line it was written on.
    ///
    /// Kernel functions called by name and CO-RE expressions (`offsetof(task_struct,
    /// tgid)`) are resolved here against the running kernel's BTF; one the kernel lacks is
    /// an error naming it and where it was written.
    ///
    /// ```
    /// use ebpf_loader::{ProgramSpec, ProgramType};
    /// let prog = ebpf_asm::assemble_named("ret.s", "r0 = 2\nexit").unwrap();
    /// let spec = ProgramSpec::from_program("ret", ProgramType::Xdp, &prog).unwrap();
    /// assert_eq!(spec.insns.len(), 2);
    /// assert_eq!(spec.source_map.get(1).unwrap().to_string(), "ret.s:2:1");
    ///
    /// let unresolved = ebpf_asm::assemble_named("map.s", "r1 = counts ll\nr0 = 0\nexit").unwrap();
    /// let err = ProgramSpec::from_program("map", ProgramType::Xdp, &unresolved).unwrap_err();
    /// assert!(err.to_string().starts_with("map.s:1:1: unresolved reference to `counts`"));
    /// ```
    pub fn from_program(
        name: impl Into<String>,
        prog_type: ProgramType,
        program: &Program,
    ) -> Result<Self> {
        if has_kernel_refs(program) {
            let (resolved, plan) = resolve_kernel_refs(program)?;
            return ProgramSpec::from_resolved(name, prog_type, &resolved)?.module_btfs(&plan);
        }
        ProgramSpec::from_resolved(name, prog_type, program)
    }

    fn from_resolved(
        name: impl Into<String>,
        prog_type: ProgramType,
        program: &Program,
    ) -> Result<Self> {
        program.check_resolved()?;
        let name = name.into();
        let (slots, map) = (program.to_raw(), slot_source_map(program));
        let btf = ProgramBtf::build(&name, prog_type, program, &slots, &map)?;
        Ok(ProgramSpec::new(name, prog_type, slots)
            .source_map(map)
            .btf(Some(btf)))
    }
}

/// Where the instruction occupying each slot was written (both slots of a 64-bit load
/// name it): `map.get(slot)`.
pub fn slot_source_map(program: &Program) -> SourceMap {
    let mut map = SourceMap::with_capacity(program.slot_count());
    for (i, insn) in program.insns().iter().enumerate() {
        let loc = program.location(i);
        for _ in 0..insn.slots() {
            map.push(loc.as_ref());
        }
    }
    map
}

impl LoadedProgram {
    /// The translated (post-verifier) instructions read as a [`Program`], jump and call
    /// targets given `L<slot>` labels so it prints like source. They are decoded as the
    /// kernel's translated form ([`XlatedProgram`]): a bpf-to-bpf call keeps its target,
    /// a call the verifier resolved to a kernel address prints `call IMM` (the address
    /// offset; [`LoadedProgram::xlated`] names it), a map load `ld_pseudo rN, 1, ID` (the
    /// map's id), and the kernel's own words (`nospec`, per-CPU address, r11) `.8byte`.
    pub fn xlated_program(&self) -> Result<Program> {
        let bytes = self.xlated_insns()?;
        Ok(XlatedProgram::from_bytes(&bytes)?
            .to_program()
            .with_synthesized_labels())
    }
}
