//! Decoding kernel slots into instructions.
//!
//! Decoding is total and strict: every byte sequence gives instructions or a
//! [`DecodeError`] naming the slot and the reason. Fields the ISA reserves must be zero,
//! so that everything that decodes encodes back to the same bytes.

mod alu;
mod jump;
mod memory;
mod rules;
mod xlated;

use std::fmt;

use crate::model::insn::Insn;
use crate::model::opcode::{class, OpCode};
use crate::model::raw::RawInsn;
use crate::model::reg::Width;

use alu::decode_alu;
use jump::decode_jmp;
use memory::{decode_ld, decode_mem};
use rules::{Invalid, Reason};
pub use xlated::{decode_xlated, decode_xlated_iter, decode_xlated_one};

/// Why a slot did not decode.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DecodeError {
    /// Index of the offending 8-byte slot.
    pub slot: usize,
    /// What is wrong, in words.
    pub reason: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "slot {} (byte offset {}): {}",
            self.slot,
            self.slot * 8,
            self.reason
        )
    }
}

impl std::error::Error for DecodeError {}

/// Decodes the instruction starting at `slots[0]`; returns it and the number of slots used.
///
/// `index` is used only in the error.
pub fn decode_one(slots: &[RawInsn], index: usize) -> Result<(Insn, usize), DecodeError> {
    match decode_slot::<Invalid>(slots) {
        Ok(insn) => {
            let n = insn.slots();
            Ok((insn, n))
        }
        Err(Invalid) => Err(explain(slots, index)),
    }
}

/// The instruction starting at `slots[0]`, or why there is none.
#[inline]
fn decode_slot<E: Reason>(slots: &[RawInsn]) -> Result<Insn, E> {
    let s = *slots
        .first()
        .ok_or_else(|| E::new(|| "no instruction: the input ends here".into()))?;
    match OpCode(s.code).class() {
        class::ALU => decode_alu(s, Width::W32),
        class::ALU64 => decode_alu(s, Width::W64),
        class::JMP => decode_jmp(s, Width::W64),
        class::JMP32 => decode_jmp(s, Width::W32),
        class::LD => decode_ld(s, slots.get(1).copied()),
        _ => decode_mem(s),
    }
}

/// The error of a slot that does not decode: decodes it again, this time with messages.
#[cold]
#[inline(never)]
fn explain(slots: &[RawInsn], index: usize) -> DecodeError {
    DecodeError {
        slot: index,
        // Both passes run the same rules, so this one fails too.
        reason: decode_slot::<String>(slots)
            .err()
            .unwrap_or_else(|| "does not decode".into()),
    }
}

/// Splits bytes into slots; the length must be a multiple of 8.
pub fn slots_of(bytes: &[u8]) -> Result<Vec<RawInsn>, DecodeError> {
    if !bytes.len().is_multiple_of(8) {
        return Err(DecodeError {
            slot: bytes.len() / 8,
            reason: format!(
                "the input is {} bytes, not a multiple of 8: {} bytes are left over",
                bytes.len(),
                bytes.len() % 8
            ),
        });
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| RawInsn::from_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect())
}

/// Iterates the instructions of a slot sequence: `(slot index, instruction)` or the error of
/// the slot that did not decode (iteration then goes on with the next slot).
pub fn decode_iter(
    slots: &[RawInsn],
) -> impl Iterator<Item = Result<(usize, Insn), DecodeError>> + '_ {
    iter_with(slots, decode_one)
}

/// Iterates `slots` with `one`, a decoder of the instruction at the start of its slice (the
/// strict one or the kernel's translated form): `(slot index, instruction)`, or the error
/// of a slot that did not decode, after which iteration goes on with the next slot.
pub(super) fn iter_with<'s, T>(
    slots: &'s [RawInsn],
    one: impl Fn(&[RawInsn], usize) -> Result<(T, usize), DecodeError> + 's,
) -> impl Iterator<Item = Result<(usize, T), DecodeError>> + 's {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= slots.len() {
            return None;
        }
        let at = i;
        Some(match one(&slots[i..], i) {
            Ok((insn, n)) => {
                i += n;
                Ok((at, insn))
            }
            Err(e) => {
                i += 1;
                Err(e)
            }
        })
    })
}

/// Decodes a whole byte sequence, stopping at the first error.
pub fn decode(bytes: &[u8]) -> Result<Vec<Insn>, DecodeError> {
    let slots = slots_of(bytes)?;
    decode_iter(&slots).map(|r| r.map(|(_, i)| i)).collect()
}
