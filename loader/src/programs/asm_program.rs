//! The bridge to the assembler's [`ebpf_asm_core::Program`]: load one (with a per-slot
//! source map, so a verifier error names the line it was written on) and read a loaded
//! program's translated instructions back as one.

use ebpf_asm_core::Program;

use crate::error::Result;
use crate::programs::ProgramType;
use crate::programs::{LoadedProgram, ProgramSpec};

impl ProgramSpec {
    /// A spec for an assembled program: its bytes, and the source location of every slot
    /// (`FILE:LINE:COL`) for verifier errors. Symbol references must have been rewritten
    /// (see [`ebpf_asm_core::Editor`]); unresolved ones encode as 0.
    ///
    /// ```
    /// use ebpf_loader::{ProgramSpec, ProgramType};
    /// let prog = ebpf_asm_core::assemble_named("ret.s", "r0 = 2\nexit").unwrap();
    /// let spec = ProgramSpec::from_program("ret", ProgramType::Xdp, &prog);
    /// assert_eq!(spec.insns.len(), 16);
    /// assert_eq!(spec.source_map.unwrap()[1].as_deref(), Some("ret.s:2:1"));
    /// ```
    pub fn from_program(
        name: impl Into<String>,
        prog_type: ProgramType,
        program: &Program,
    ) -> Self {
        ProgramSpec::new(name, prog_type, program.to_bytes()).source_map(slot_source_map(program))
    }
}

/// `map[slot]`: where the instruction occupying `slot` was written (both slots of an
/// ld_imm64 name it).
pub fn slot_source_map(program: &Program) -> Vec<Option<String>> {
    let mut map = vec![None; program.slot_count()];
    for i in 0..program.len() {
        let (Some(from), Some(to)) = (program.slot_of(i), program.slot_of(i + 1)) else {
            continue;
        };
        let loc = program.location(i).map(|l| l.to_string());
        for slot in map.iter_mut().take(to).skip(from) {
            slot.clone_from(&loc);
        }
    }
    map
}

impl LoadedProgram {
    /// The translated (post-verifier) instructions decoded with the disassembler, jump
    /// targets given `L<slot>` labels so it prints like source.
    pub fn xlated_program(&self) -> Result<Program> {
        let bytes = self.xlated_insns()?;
        Ok(Program::from_bytes(&bytes)?.with_synthesized_labels())
    }
}
