//! ALU and ALU64: arithmetic, moves, byte swaps, address-space casts.

use crate::model::insn::*;
use crate::model::opcode::{alu, source, OpCode};
use crate::model::raw::RawInsn;
use crate::model::reg::{Reg, Width};

use super::rules::*;

pub(super) fn decode_alu<E: Reason>(s: RawInsn, width: Width) -> Result<Insn, E> {
    let what = Op(s.code);
    let op = OpCode(s.code).op();
    let is_x = OpCode(s.code).source() == source::X;
    let dst = reg::<E>(s.dst, "destination")?;
    let plain = |aop: AluOp| -> Result<Insn, E> {
        Ok(Insn::Alu {
            width,
            op: aop,
            dst,
            src: src_operand(s, is_x)?,
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
        let src = src_operand(s, is_x)?;
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
