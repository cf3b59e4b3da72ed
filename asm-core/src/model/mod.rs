//! The instruction model: what an eBPF instruction means ([`insn`]), its registers, the
//! kernel's 8-byte slot ([`raw`]), the opcode bits, the kernel's tables ([`kernel`]: helper
//! numbers, map, program and attach types, generated from BTF) and `const fn`
//! constructors. Everything else in the crate is a function of these types.

pub(crate) mod constructors;
pub(crate) mod core_relo;
pub(crate) mod insn;
pub mod kernel;
pub(crate) mod kernel_enum;
pub mod opcode;
pub(crate) mod patch;
pub(crate) mod raw;
pub(crate) mod reg;
pub(crate) mod target;
pub(crate) mod xlated;
