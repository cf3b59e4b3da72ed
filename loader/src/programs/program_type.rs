//! [`ProgramType`] and [`AttachType`]: the kernel's enums, generated from its BTF in
//! `ebpf-asm-core` (which the object-file parser shares) and re-exported here.

pub use ebpf_asm_core::{AttachType, ProgramType};
