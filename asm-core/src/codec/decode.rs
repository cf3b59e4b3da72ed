//! Decoding kernel slots into instructions.
//!
//! Decoding is total and strict: every byte sequence gives instructions or a
//! [`DecodeError`] naming the slot and the reason. Fields the ISA reserves must be zero,
//! so that everything that decodes encodes back to the same bytes.

use std::fmt;

use crate::model::insn::*;
use crate::model::opcode::{alu, atomic, class, jmp, mode, pseudo, size, source, OpCode};
use crate::model::raw::RawInsn;
use crate::model::reg::{Reg, Width};
use crate::model::target::*;

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

/// What a decoder makes of the reason a slot does not decode: the message, or nothing.
///
/// Decoding runs first without messages ([`Invalid`], the fast path: no `String` is moved
/// through the decoders); a slot that fails is decoded again with them (`String`), so the
/// rules and their messages are written once.
trait Reason: Sized {
    /// The reason, with its message made by `message` if this kind keeps one.
    fn new(message: impl FnOnce() -> String) -> Self;
}

impl Reason for String {
    fn new(message: impl FnOnce() -> String) -> String {
        message()
    }
}

/// The slot does not decode; the message is made by decoding it again.
struct Invalid;

impl Reason for Invalid {
    #[inline]
    fn new(_: impl FnOnce() -> String) -> Invalid {
        Invalid
    }
}

fn reg<E: Reason>(n: u8, field: &str) -> Result<Reg, E> {
    Reg::from_index(n)
        .ok_or_else(|| E::new(|| format!("{field} register r{n} does not exist (r0..r10)")))
}

/// Names an opcode in errors, formatted only when an error is made.
#[derive(Clone, Copy)]
struct Op(u8);

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "opcode {:#04x}", self.0)
    }
}

fn zero<E: Reason>(value: i64, field: &str, what: impl fmt::Display) -> Result<(), E> {
    if value == 0 {
        Ok(())
    } else {
        Err(E::new(|| {
            format!("{field} must be 0 for {what}, is {value}")
        }))
    }
}

fn sx_size(off: i16) -> Option<SxSize> {
    match off {
        8 => Some(SxSize::S8),
        16 => Some(SxSize::S16),
        32 => Some(SxSize::S32),
        _ => None,
    }
}

fn mem_size(code: u8) -> Size {
    match OpCode(code).size() {
        size::W => Size::U32,
        size::H => Size::U16,
        size::B => Size::U8,
        _ => Size::U64,
    }
}

fn decode_alu<E: Reason>(s: RawInsn, width: Width) -> Result<Insn, E> {
    let what = Op(s.code);
    let op = OpCode(s.code).op();
    let is_x = OpCode(s.code).source() == source::X;
    let dst = reg::<E>(s.dst, "destination")?;
    let src = |s: RawInsn| -> Result<Src, E> {
        if is_x {
            zero::<E>(s.imm as i64, "imm", what)?;
            Ok(Src::Reg(reg::<E>(s.src, "source")?))
        } else {
            zero::<E>(s.src as i64, "src_reg", what)?;
            Ok(Src::Imm(s.imm))
        }
    };
    let plain = |aop: AluOp| -> Result<Insn, E> {
        Ok(Insn::Alu {
            width,
            op: aop,
            dst,
            src: src(s)?,
        })
    };
    let signed = |unsigned: AluOp, signed: AluOp| -> Result<Insn, E> {
        let aop = match s.off {
            0 => unsigned,
            1 => signed,
            o => {
                return Err(E::new(|| {
                    format!("off must be 0 or 1 (signed) for {what}, is {o}")
                }))
            }
        };
        plain(aop)
    };
    let no_off = || zero::<E>(s.off as i64, "off", what);
    match op {
        alu::ADD => no_off().and_then(|_| plain(AluOp::Add)),
        alu::SUB => no_off().and_then(|_| plain(AluOp::Sub)),
        alu::MUL => no_off().and_then(|_| plain(AluOp::Mul)),
        alu::OR => no_off().and_then(|_| plain(AluOp::Or)),
        alu::AND => no_off().and_then(|_| plain(AluOp::And)),
        alu::LSH => no_off().and_then(|_| plain(AluOp::Lsh)),
        alu::RSH => no_off().and_then(|_| plain(AluOp::Rsh)),
        alu::XOR => no_off().and_then(|_| plain(AluOp::Xor)),
        alu::ARSH => no_off().and_then(|_| plain(AluOp::Arsh)),
        alu::DIV => signed(AluOp::Div, AluOp::SDiv),
        alu::MOD => signed(AluOp::Mod, AluOp::SMod),
        alu::NEG => {
            if is_x {
                return Err(E::new(|| {
                    format!("{what}: neg takes no source register (BPF_X is reserved)")
                }));
            }
            no_off()?;
            zero::<E>(s.src as i64, "src_reg", what)?;
            zero::<E>(s.imm as i64, "imm", what)?;
            Ok(Insn::Neg { width, dst })
        }
        alu::MOV => decode_mov(s, width, dst, is_x),
        alu::END => decode_end(s, width, dst, is_x),
        _ => Err(E::new(|| {
            format!("{what}: unknown ALU operation {op:#04x}")
        })),
    }
}

/// `mov`'s forms: a plain move, a sign-extending move (off 8/16/32), addr_space_cast (off 1).
fn decode_mov<E: Reason>(s: RawInsn, width: Width, dst: Reg, is_x: bool) -> Result<Insn, E> {
    let what = Op(s.code);
    if !is_x || s.off == 0 {
        zero::<E>(s.off as i64, "off", what)?;
        let src = if is_x {
            zero::<E>(s.imm as i64, "imm", what)?;
            Src::Reg(reg::<E>(s.src, "source")?)
        } else {
            zero::<E>(s.src as i64, "src_reg", what)?;
            Src::Imm(s.imm)
        };
        return Ok(Insn::Alu {
            width,
            op: AluOp::Mov,
            dst,
            src,
        });
    }
    let srcr = reg::<E>(s.src, "source")?;
    if s.off == 1 && width == Width::W64 {
        let imm = s.imm as u32;
        return Ok(Insn::AddrSpaceCast {
            dst,
            src: srcr,
            dst_as: (imm >> 16) as u16,
            src_as: imm as u16,
        });
    }
    zero::<E>(s.imm as i64, "imm", what)?;
    match sx_size(s.off) {
        Some(SxSize::S32) if width == Width::W32 => Err(E::new(|| {
            format!("{what}: a 32-bit move sign-extends from 8 or 16 bits, not 32")
        })),
        Some(from) => Ok(Insn::MovSx {
            width,
            dst,
            src: srcr,
            from,
        }),
        None => Err(E::new(|| {
            format!(
                "{what}: off must be 0, 8, 16 or 32 for a move{}, is {}",
                if width == Width::W64 {
                    " (1: addr_space_cast)"
                } else {
                    ""
                },
                s.off
            )
        })),
    }
}

/// Byte swaps: to little or big endian (ALU), unconditional (ALU64).
fn decode_end<E: Reason>(s: RawInsn, width: Width, dst: Reg, is_x: bool) -> Result<Insn, E> {
    let what = Op(s.code);
    let order = match (width, is_x) {
        (Width::W32, false) => ByteOrder::Le,
        (Width::W32, true) => ByteOrder::Be,
        (Width::W64, false) => ByteOrder::Swap,
        (Width::W64, true) => {
            return Err(E::new(|| {
                format!("{what}: 64-bit byte swap takes no source bit")
            }))
        }
    };
    zero::<E>(s.off as i64, "off", what)?;
    zero::<E>(s.src as i64, "src_reg", what)?;
    let bits = match s.imm {
        16 => SwapBits::B16,
        32 => SwapBits::B32,
        64 => SwapBits::B64,
        i => {
            return Err(E::new(|| {
                format!("{what}: byte swap width must be 16, 32 or 64, is {i}")
            }))
        }
    };
    Ok(Insn::Endian { order, bits, dst })
}

fn cond(op: u8) -> Option<JmpCond> {
    Some(match op {
        jmp::JEQ => JmpCond::Eq,
        jmp::JNE => JmpCond::Ne,
        jmp::JGT => JmpCond::Gt,
        jmp::JGE => JmpCond::Ge,
        jmp::JLT => JmpCond::Lt,
        jmp::JLE => JmpCond::Le,
        jmp::JSGT => JmpCond::SGt,
        jmp::JSGE => JmpCond::SGe,
        jmp::JSLT => JmpCond::SLt,
        jmp::JSLE => JmpCond::SLe,
        jmp::JSET => JmpCond::Set,
        _ => return None,
    })
}

fn decode_jmp<E: Reason>(s: RawInsn, width: Width) -> Result<Insn, E> {
    let what = Op(s.code);
    let op = OpCode(s.code).op();
    let is_x = OpCode(s.code).source() == source::X;
    if let Some(c) = cond(op) {
        let src = if is_x {
            zero::<E>(s.imm as i64, "imm", what)?;
            Src::Reg(reg::<E>(s.src, "source")?)
        } else {
            zero::<E>(s.src as i64, "src_reg", what)?;
            Src::Imm(s.imm)
        };
        return Ok(Insn::Jump {
            width,
            cond: c,
            dst: reg::<E>(s.dst, "destination")?,
            src,
            target: Target::Offset(s.off),
        });
    }
    let only_64 = |name: &str| -> Result<(), E> {
        if width == Width::W32 {
            Err(E::new(|| {
                format!("{what}: {name} exists only in the 64-bit jump class")
            }))
        } else {
            Ok(())
        }
    };
    match (op, is_x) {
        (jmp::JA, false) => {
            zero::<E>(s.dst as i64, "dst_reg", what)?;
            zero::<E>(s.src as i64, "src_reg", what)?;
            match width {
                Width::W64 => {
                    zero::<E>(s.imm as i64, "imm", what)?;
                    Ok(Insn::Ja {
                        target: Target::Offset(s.off),
                    })
                }
                Width::W32 => {
                    zero::<E>(s.off as i64, "off", what)?;
                    Ok(Insn::JaLong {
                        target: Target::Offset(s.imm),
                    })
                }
            }
        }
        (jmp::CALL, false) => {
            only_64("call")?;
            zero::<E>(s.dst as i64, "dst_reg", what)?;
            match s.src {
                0 => {
                    zero::<E>(s.off as i64, "off", what)?;
                    Ok(Insn::Call(Call::Helper(s.imm)))
                }
                pseudo::CALL => {
                    zero::<E>(s.off as i64, "off", what)?;
                    Ok(Insn::Call(Call::Local(Target::Offset(s.imm))))
                }
                pseudo::KFUNC_CALL => Ok(Insn::Call(Call::Kfunc {
                    btf_id: s.imm,
                    module: s.off,
                })),
                n => Err(E::new(|| {
                    format!(
                    "{what}: call src_reg must be 0 (helper), 1 (subprogram) or 2 (kfunc), is {n}"
                )
                })),
            }
        }
        (jmp::CALL, true) => {
            only_64("callx")?;
            zero::<E>(s.src as i64, "src_reg", what)?;
            zero::<E>(s.off as i64, "off", what)?;
            zero::<E>(s.imm as i64, "imm", what)?;
            Ok(Insn::CallX {
                dst: reg::<E>(s.dst, "destination")?,
            })
        }
        (jmp::EXIT, false) => {
            only_64("exit")?;
            zero::<E>(s.dst as i64, "dst_reg", what)?;
            zero::<E>(s.src as i64, "src_reg", what)?;
            zero::<E>(s.off as i64, "off", what)?;
            zero::<E>(s.imm as i64, "imm", what)?;
            Ok(Insn::Exit)
        }
        (jmp::JCOND, false) => {
            only_64("may_goto")?;
            zero::<E>(s.dst as i64, "dst_reg", what)?;
            zero::<E>(
                s.src as i64,
                "src_reg (may_goto is the only condition)",
                what,
            )?;
            zero::<E>(s.imm as i64, "imm", what)?;
            Ok(Insn::MayGoto {
                target: Target::Offset(s.off),
            })
        }
        _ => Err(E::new(|| format!("{what}: unknown jump operation"))),
    }
}

fn decode_ld<E: Reason>(s: RawInsn, next: Option<RawInsn>) -> Result<Insn, E> {
    let what = Op(s.code);
    let m = OpCode(s.code).mode();
    let sz = mem_size(s.code);
    match m {
        mode::IMM => {
            if sz != Size::U64 {
                return Err(E::new(|| {
                    format!("{what}: 64-bit immediate loads must use size DW (0x18)")
                }));
            }
            let dst = reg::<E>(s.dst, "destination")?;
            zero::<E>(s.off as i64, "off", what)?;
            let n = next.ok_or_else(|| {
                E::new(|| "ld_imm64 needs a second slot, but the input ends here".into())
            })?;
            if n.code != 0 || n.dst != 0 || n.src != 0 || n.off != 0 {
                return Err(E::new(|| {
                    format!(
                    "the second slot of ld_imm64 must have code, registers and off 0, has {n:?}"
                )
                }));
            }
            let hi_zero = |name: &str| {
                if n.imm == 0 {
                    Ok(())
                } else {
                    Err(E::new(|| {
                        format!(
                            "the second slot's imm must be 0 for {name} loads, is {}",
                            n.imm
                        )
                    }))
                }
            };
            let imm = match s.src {
                0 => Imm64::Const(((n.imm as u32 as u64) << 32 | s.imm as u32 as u64) as i64),
                pseudo::MAP_FD => {
                    hi_zero("map fd")?;
                    Imm64::MapFd(s.imm)
                }
                pseudo::MAP_VALUE => Imm64::MapValue {
                    fd: s.imm,
                    offset: n.imm,
                },
                pseudo::BTF_ID => Imm64::BtfId {
                    id: s.imm,
                    module: n.imm,
                },
                pseudo::FUNC => {
                    hi_zero("function address")?;
                    Imm64::Func(Target::Offset(s.imm))
                }
                pseudo::MAP_IDX => {
                    hi_zero("map index")?;
                    Imm64::MapIdx(s.imm)
                }
                pseudo::MAP_IDX_VALUE => Imm64::MapIdxValue {
                    index: s.imm,
                    offset: n.imm,
                },
                p => {
                    return Err(E::new(|| {
                        format!("{what}: unknown ld_imm64 pseudo source {p} (0..=6)")
                    }))
                }
            };
            Ok(Insn::LdImm64 { dst, imm })
        }
        mode::ABS | mode::IND => {
            if sz == Size::U64 {
                return Err(E::new(|| {
                    format!("{what}: legacy packet loads exist for u8, u16 and u32 only")
                }));
            }
            zero::<E>(s.dst as i64, "dst_reg (the result goes to r0)", what)?;
            zero::<E>(s.off as i64, "off", what)?;
            if m == mode::ABS {
                zero::<E>(s.src as i64, "src_reg", what)?;
                Ok(Insn::LdAbs {
                    size: sz,
                    imm: s.imm,
                })
            } else {
                Ok(Insn::LdInd {
                    size: sz,
                    src: reg::<E>(s.src, "source")?,
                    imm: s.imm,
                })
            }
        }
        _ => Err(E::new(|| {
            format!("{what}: unknown mode {m:#04x} for the LD class")
        })),
    }
}

fn decode_mem<E: Reason>(s: RawInsn) -> Result<Insn, E> {
    let what = Op(s.code);
    let m = OpCode(s.code).mode();
    let sz = mem_size(s.code);
    let cls = OpCode(s.code).class();
    let dst = reg::<E>(s.dst, "destination")?;
    match (cls, m) {
        (class::LDX, mode::MEM) => {
            zero::<E>(s.imm as i64, "imm", what)?;
            Ok(Insn::Load {
                size: sz,
                dst,
                src: reg::<E>(s.src, "source")?,
                off: s.off,
            })
        }
        (class::LDX, mode::MEMSX) => {
            zero::<E>(s.imm as i64, "imm", what)?;
            let size = match sz {
                Size::U8 => SxSize::S8,
                Size::U16 => SxSize::S16,
                Size::U32 => SxSize::S32,
                Size::U64 => {
                    return Err(E::new(|| {
                        format!("{what}: sign-extending loads exist for 8, 16 and 32 bits")
                    }))
                }
            };
            Ok(Insn::LoadSx {
                size,
                dst,
                src: reg::<E>(s.src, "source")?,
                off: s.off,
            })
        }
        (class::ST, mode::MEM) => {
            zero::<E>(s.src as i64, "src_reg", what)?;
            Ok(Insn::Store {
                size: sz,
                dst,
                off: s.off,
                src: Src::Imm(s.imm),
            })
        }
        (class::STX, mode::MEM) => {
            zero::<E>(s.imm as i64, "imm", what)?;
            Ok(Insn::Store {
                size: sz,
                dst,
                off: s.off,
                src: Src::Reg(reg::<E>(s.src, "source")?),
            })
        }
        (class::STX, mode::ATOMIC) => {
            let src = reg::<E>(s.src, "source")?;
            match s.imm {
                atomic::LOAD_ACQ => {
                    return Ok(Insn::LoadAcquire {
                        size: sz,
                        dst,
                        src,
                        off: s.off,
                    })
                }
                atomic::STORE_REL => {
                    return Ok(Insn::StoreRelease {
                        size: sz,
                        dst,
                        off: s.off,
                        src,
                    })
                }
                _ => {}
            }
            let op = AtomicOp::ALL
                .into_iter()
                .find(|op| crate::codec::encode::atomic_imm(*op) == s.imm)
                .ok_or_else(|| {
                    E::new(|| format!("{what}: unknown atomic operation imm {:#x}", s.imm))
                })?;
            let width = match sz {
                Size::U32 => Width::W32,
                Size::U64 => Width::W64,
                _ => {
                    return Err(E::new(|| {
                        format!("{what}: atomic read-modify-write exists for u32 and u64 only")
                    }))
                }
            };
            Ok(Insn::Atomic {
                width,
                op,
                dst,
                off: s.off,
                src,
            })
        }
        _ => Err(E::new(|| {
            format!("{what}: unknown mode {m:#04x} for this class")
        })),
    }
}

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
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= slots.len() {
            return None;
        }
        let at = i;
        Some(match decode_one(&slots[i..], i) {
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
