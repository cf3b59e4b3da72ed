//! Decoding a kernel-translated program (`xlated_prog_insns`), kept apart from the strict
//! decoder: the kernel reuses fields of calls and 64-bit loads, and writes words no loaded
//! program may contain. See [`XlatedInsn`] for what each form holds.
//!
//! Every slot the strict decoder reads means the same here, except those forms; anything
//! else that does not decode is still an error naming the slot.

use crate::model::insn::{Imm64, Insn};
use crate::model::kernel::helpers::HELPER_NAMES;
use crate::model::opcode::{class, pseudo};
use crate::model::raw::RawInsn;
use crate::model::reg::Reg;
use crate::model::xlated::XlatedInsn;

use super::{decode_one, slots_of, DecodeError};

/// The kernel's auxiliary register (`BPF_REG_AX`), hidden from programs.
const AX: u8 = 11;
/// `BPF_JMP | BPF_CALL`.
const CALL: u8 = 0x85;
/// `BPF_LD | BPF_IMM | BPF_DW`.
const LD_IMM64: u8 = 0x18;
/// `BPF_ALU64 | BPF_MOV | BPF_X`.
const MOV64_X: u8 = 0xbf;
/// `BPF_ADDR_PERCPU`: the `off` of a per-CPU address move.
const ADDR_PERCPU: i16 = -1;
/// `BPF_ST | BPF_NOSPEC`.
const NOSPEC: u8 = class::ST | 0xc0;

/// Decodes the translated instruction starting at `slots[0]`; returns it and the number
/// of slots used. `index` is used only in the error.
pub fn decode_xlated_one(
    slots: &[RawInsn],
    index: usize,
) -> Result<(XlatedInsn, usize), DecodeError> {
    let s = *slots.first().ok_or_else(|| DecodeError {
        slot: index,
        reason: "no instruction: the input ends here".into(),
    })?;
    if s.code != LD_IMM64 && (s.dst == AX || s.src == AX) {
        return with_ax(slots, index);
    }
    let err = |reason: String| DecodeError {
        slot: index,
        reason,
    };
    let insn = match (s.code, s.src) {
        (CALL, pseudo::CALL) if s.dst == 0 => XlatedInsn::SubprogCall {
            offset: s.off,
            imm: s.imm,
        },
        (CALL, 0) if s.dst == 0 && s.off == 0 && !is_helper_number(s.imm) => {
            XlatedInsn::KernelCall { imm: s.imm }
        }
        (CALL, pseudo::KFUNC_CALL) if s.dst == 0 => XlatedInsn::KfuncCall {
            imm: s.imm,
            module: s.off,
        },
        (LD_IMM64, pseudo::MAP_FD | pseudo::MAP_VALUE | pseudo::FUNC) => {
            return pointer_load(slots, index)
        }
        (MOV64_X, _) if s.off == ADDR_PERCPU => {
            if s.imm != 0 {
                return Err(err(format!(
                    "per-CPU address move (opcode 0xbf, off -1): imm must be 0, is {}",
                    s.imm
                )));
            }
            XlatedInsn::PercpuAddr {
                dst: reg(s.dst, "destination", index)?,
                src: reg(s.src, "source", index)?,
            }
        }
        (NOSPEC, _) => {
            if s != RawInsn::new(NOSPEC, 0, 0, 0, 0) {
                return Err(err(
                    "nospec (opcode 0xc2): every other field must be 0".into()
                ));
            }
            XlatedInsn::Nospec
        }
        _ => {
            let (insn, n) = decode_one(slots, index)?;
            return Ok((XlatedInsn::Insn(insn), n));
        }
    };
    let n = insn.slots();
    Ok((insn, n))
}

/// Whether the kernel's printer names `imm` from its helper table (`call name#imm`)
/// rather than as an address: 0 up to the last helper number.
fn is_helper_number(imm: i32) -> bool {
    usize::try_from(imm).is_ok_and(|i| i < HELPER_NAMES.len())
}

fn reg(n: u8, field: &str, index: usize) -> Result<Reg, DecodeError> {
    Reg::from_index(n).ok_or_else(|| DecodeError {
        slot: index,
        reason: format!("{field} register r{n} does not exist (r0..r11)"),
    })
}

/// A map or function address: checked by the strict decoder with the second slot's
/// immediate (the kernel's value offset or subprogram index) cleared.
fn pointer_load(slots: &[RawInsn], index: usize) -> Result<(XlatedInsn, usize), DecodeError> {
    let (s, mut next) = match slots {
        [s, next, ..] => (*s, *next),
        _ => return decode_one(slots, index).map(|(i, n)| (XlatedInsn::Insn(i), n)),
    };
    let second = next.imm;
    next.imm = 0;
    let (insn, n) = decode_one(&[s, next], index)?;
    let Insn::LdImm64 { dst, imm } = insn else {
        return Ok((XlatedInsn::Insn(insn), n));
    };
    let insn = match imm {
        Imm64::MapFd(id) if second == 0 => XlatedInsn::Map { dst, id: id as u32 },
        Imm64::MapFd(_) => {
            return Err(DecodeError {
                slot: index,
                reason: format!(
                    "map load (src_reg 1) with {second} in the second slot's imm: \
                     the kernel writes a value offset only with src_reg 2"
                ),
            })
        }
        Imm64::MapValue { .. } => XlatedInsn::MapValue {
            dst,
            id: s.imm as u32,
            offset: second as u32,
        },
        Imm64::Func(_) => XlatedInsn::FuncAddr {
            dst,
            offset: s.imm,
            subprog: second,
        },
        imm => XlatedInsn::Insn(Insn::LdImm64 { dst, imm }),
    };
    Ok((insn, n))
}

/// An instruction naming r11: decoded with a register the slot does not use in its place.
fn with_ax(slots: &[RawInsn], index: usize) -> Result<(XlatedInsn, usize), DecodeError> {
    let s = slots[0];
    let used = |r: &Reg| r.index() == s.dst || r.index() == s.src;
    // Not r0 (implicit in cmpxchg and packet loads), not r10 (the frame pointer).
    let Some(ax) = Reg::ALL[1..10].iter().rev().copied().find(|r| !used(r)) else {
        return decode_one(slots, index).map(|(i, n)| (XlatedInsn::Insn(i), n));
    };
    let swap = |n: u8| if n == AX { ax.index() } else { n };
    let mut copy: Vec<RawInsn> = slots.iter().take(2).copied().collect();
    copy[0] = RawInsn::new(s.code, swap(s.dst), swap(s.src), s.off, s.imm);
    let (insn, n) = decode_one(&copy, index)?;
    Ok((XlatedInsn::WithAx { insn, ax }, n))
}

/// Iterates the instructions of a translated program: `(slot index, instruction)` or the
/// error of the slot that did not decode (iteration then goes on with the next slot).
pub fn decode_xlated_iter(
    slots: &[RawInsn],
) -> impl Iterator<Item = Result<(usize, XlatedInsn), DecodeError>> + '_ {
    super::iter_with(slots, decode_xlated_one)
}

/// Decodes a whole translated program (`xlated_prog_insns`), stopping at the first error.
///
/// ```
/// use ebpf_asm_core::{decode_xlated, XlatedInsn};
/// // A bpf-to-bpf call as the kernel keeps it: off = +5 slots, imm = subprogram 1.
/// let call = [0x85, 0x10, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00];
/// assert_eq!(decode_xlated(&call).unwrap(), [XlatedInsn::SubprogCall { offset: 5, imm: 1 }]);
/// assert!(ebpf_asm_core::decode(&call).is_err(), "the strict decoder refuses it");
/// ```
pub fn decode_xlated(bytes: &[u8]) -> Result<Vec<XlatedInsn>, DecodeError> {
    let slots = slots_of(bytes)?;
    decode_xlated_iter(&slots)
        .map(|r| r.map(|(_, i)| i))
        .collect()
}
