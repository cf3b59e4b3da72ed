//! What every decoder shares: how a reason is kept (or not), register and zero-field
//! checks, the size fields.

use crate::model::insn::*;
use crate::model::opcode::{size, OpCode};
use crate::model::raw::RawInsn;
use crate::model::reg::Reg;

use std::fmt;

/// What a decoder makes of the reason a slot does not decode: the message, or nothing.
///
/// Decoding runs first without messages ([`Invalid`], the fast path: no `String` is moved
/// through the decoders); a slot that fails is decoded again with them (`String`), so the
/// rules and their messages are written once.
pub(super) trait Reason: Sized {
    /// The reason, with its message made by `message` if this kind keeps one.
    fn new(message: impl FnOnce() -> String) -> Self;
}

impl Reason for String {
    fn new(message: impl FnOnce() -> String) -> String {
        message()
    }
}

/// The slot does not decode; the message is made by decoding it again.
pub(super) struct Invalid;

impl Reason for Invalid {
    #[inline]
    fn new(_: impl FnOnce() -> String) -> Invalid {
        Invalid
    }
}

pub(super) fn reg<E: Reason>(n: u8, field: &str) -> Result<Reg, E> {
    Reg::from_index(n)
        .ok_or_else(|| E::new(|| format!("{field} register r{n} does not exist (r0..r10)")))
}

/// Names an opcode in errors, formatted only when an error is made.
#[derive(Clone, Copy)]
pub(super) struct Op(pub(super) u8);

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "opcode {:#04x}", self.0)
    }
}

pub(super) fn zero<E: Reason>(value: i64, field: &str, what: impl fmt::Display) -> Result<(), E> {
    if value == 0 {
        Ok(())
    } else {
        Err(E::new(|| {
            format!("{field} must be 0 for {what}, is {value}")
        }))
    }
}

pub(super) fn sx_size(off: i16) -> Option<SxSize> {
    match off {
        8 => Some(SxSize::S8),
        16 => Some(SxSize::S16),
        32 => Some(SxSize::S32),
        _ => None,
    }
}

pub(super) fn mem_size(code: u8) -> Size {
    match OpCode(code).size() {
        size::W => Size::U32,
        size::H => Size::U16,
        size::B => Size::U8,
        _ => Size::U64,
    }
}

/// The second operand of an ALU or JMP instruction: the source register (`BPF_X`, the
/// immediate must be 0) or the immediate (`BPF_K`, the source register must be 0).
pub(super) fn src_operand<E: Reason>(s: RawInsn, is_x: bool) -> Result<Src, E> {
    let what = Op(s.code);
    if is_x {
        zero::<E>(s.imm as i64, "imm", what)?;
        Ok(Src::Reg(reg::<E>(s.src, "source")?))
    } else {
        zero::<E>(s.src as i64, "src_reg", what)?;
        Ok(Src::Imm(s.imm))
    }
}
