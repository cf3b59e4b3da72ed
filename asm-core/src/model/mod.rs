//! The instruction model: what an eBPF instruction means ([`insn`]), its registers, the
//! kernel's 8-byte slot ([`raw`]), the opcode bits, helper numbers and `const fn`
//! constructors. Everything else in the crate is a function of these types.

pub(crate) mod constructors;
pub mod helpers;
pub(crate) mod insn;
pub mod opcode;
pub(crate) mod patch;
pub(crate) mod raw;
pub(crate) mod reg;
pub(crate) mod target;
