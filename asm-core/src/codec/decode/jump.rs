//! JMP and JMP32: conditional jumps, goto, gotol, may_goto, calls, exit.

use crate::model::insn::*;
use crate::model::opcode::{jmp, pseudo, source, OpCode};
use crate::model::raw::RawInsn;
use crate::model::reg::Width;
use crate::model::target::*;

use super::rules::*;

pub(super) fn cond(op: u8) -> Option<JmpCond> {
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

pub(super) fn decode_jmp<E: Reason>(s: RawInsn, width: Width) -> Result<Insn, E> {
    let what = Op(s.code);
    let op = OpCode(s.code).op();
    let is_x = OpCode(s.code).source() == source::X;
    if let Some(c) = cond(op) {
        let src = src_operand(s, is_x)?;
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
            decode_call(s)
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

/// `call`: a helper by number, a subprogram by offset, a kfunc by BTF id.
fn decode_call<E: Reason>(s: RawInsn) -> Result<Insn, E> {
    let what = Op(s.code);
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
            format!("{what}: call src_reg must be 0 (helper), 1 (subprogram) or 2 (kfunc), is {n}")
        })),
    }
}
