//! Printing instructions in LLVM 19's assembly syntax.
//!
//! The text is what `llvm-objdump-19 -d --mcpu=v4 --no-print-imm-hex` prints, except where
//! objdump loses information; there we print a form our parser reads back to the same bytes:
//! - bpf-to-bpf calls: `call pc+3` (objdump: `call 3`, the same as a helper call);
//! - kfunc calls: `call kfunc(1234)` (objdump: `call 1234`);
//! - pseudo 64-bit loads with a second immediate: `ld_pseudo r1, 2, 3, 8` (objdump drops the 8);
//! - `ld_ind` with an immediate: `r0 = *(u32 *)skb[r1 + 5]` (objdump drops the 5);
//! - load-acquire and store-release, which LLVM 19 does not know, use LLVM 21's spelling.

use std::fmt;

use crate::insn::*;
use crate::reg::{Reg, Width};

/// A signed jump offset: `+3`, `-3`, `+0`.
struct Rel(i64);

impl fmt::Display for Rel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 >= 0 {
            write!(f, "+{}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// An address `r1 + 4` / `r1 - 4`.
struct Addr(Reg, i16);

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.1 < 0 {
            write!(f, "{} - {}", self.0, -(self.1 as i32))
        } else {
            write!(f, "{} + {}", self.0, self.1)
        }
    }
}

/// `r1 + 4` / `r1 - 4` as text (for messages).
pub(crate) fn addr_text(reg: Reg, off: i16) -> String {
    Addr(reg, off).to_string()
}

/// A memory operand `(r1 + 4)` / `(r1 - 4)`.
struct Mem(Reg, i16);

impl fmt::Display for Mem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({})", Addr(self.0, self.1))
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "u{}", self.bits())
    }
}

impl fmt::Display for SxSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.bits())
    }
}

impl<O: Into<i64> + Copy> fmt::Display for Target<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Offset(o) => Rel((*o).into()).fmt(f),
            Target::Label(l) => l.fmt(f),
        }
    }
}

/// Width of the register that a load or store of `size` is printed with.
fn value_width(size: Size) -> Width {
    if size == Size::U64 {
        Width::W64
    } else {
        Width::W32
    }
}

fn src(f: &mut fmt::Formatter<'_>, s: &Src, width: Width) -> fmt::Result {
    match s {
        Src::Reg(r) => write!(f, "{}", r.at(width)),
        Src::Imm(i) => write!(f, "{i}"),
    }
}

fn atomic_name(op: AtomicOp) -> &'static str {
    match op {
        AtomicOp::FetchAdd => "atomic_fetch_add",
        AtomicOp::FetchOr => "atomic_fetch_or",
        AtomicOp::FetchAnd => "atomic_fetch_and",
        AtomicOp::FetchXor => "atomic_fetch_xor",
        AtomicOp::Add => "+=",
        AtomicOp::Or => "|=",
        AtomicOp::And => "&=",
        AtomicOp::Xor => "^=",
        AtomicOp::Xchg => "xchg",
        AtomicOp::CmpXchg => "cmpxchg",
    }
}

fn pseudo(f: &mut fmt::Formatter<'_>, dst: Reg, src: u8, imm: i32, next: i32) -> fmt::Result {
    write!(f, "ld_pseudo {dst}, {src}, {imm}")?;
    if next != 0 {
        write!(f, ", {next}")?;
    }
    Ok(())
}

impl fmt::Display for Insn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Insn::Alu {
                width,
                op,
                dst,
                src: s,
            } => {
                write!(f, "{} {} ", dst.at(*width), op.operator())?;
                src(f, s, *width)
            }
            Insn::Neg { width, dst } => write!(f, "{0} = -{0}", dst.at(*width)),
            Insn::MovSx {
                width,
                dst,
                src,
                from,
            } => write!(f, "{} = ({from}){}", dst.at(*width), src.at(*width)),
            Insn::Endian { order, bits, dst } => {
                write!(f, "{dst} = {}{} {dst}", order.mnemonic(), bits.bits())
            }
            Insn::AddrSpaceCast {
                dst,
                src,
                dst_as,
                src_as,
            } => write!(f, "{dst} = addr_space_cast({src}, {dst_as}, {src_as})"),
            Insn::Jump {
                width,
                cond,
                dst,
                src: s,
                target,
            } => {
                write!(f, "if {} {} ", dst.at(*width), cond.operator())?;
                src(f, s, *width)?;
                write!(f, " goto {target}")
            }
            Insn::Ja { target } => write!(f, "goto {target}"),
            Insn::JaLong { target } => write!(f, "gotol {target}"),
            Insn::MayGoto { target } => write!(f, "may_goto {target}"),
            Insn::Call(Call::Helper(id)) => write!(f, "call {id}"),
            Insn::Call(Call::Local(Target::Offset(o))) => write!(f, "call pc{}", Rel(*o as i64)),
            Insn::Call(Call::Local(Target::Label(l))) => write!(f, "call {l}"),
            Insn::Call(Call::Kfunc { btf_id, module: 0 }) => write!(f, "call kfunc({btf_id})"),
            Insn::Call(Call::Kfunc { btf_id, module }) => {
                write!(f, "call kfunc({btf_id}, {module})")
            }
            Insn::CallX { dst } => write!(f, "callx {dst}"),
            Insn::Exit => f.write_str("exit"),
            Insn::LdImm64 { dst, imm } => match imm {
                Imm64::Const(v) => write!(f, "{dst} = {v} ll"),
                Imm64::Symbol(l) | Imm64::Func(Target::Label(l)) => write!(f, "{dst} = {l} ll"),
                Imm64::MapFd(fd) => pseudo(f, *dst, 1, *fd, 0),
                Imm64::MapValue { fd, offset } => pseudo(f, *dst, 2, *fd, *offset),
                Imm64::BtfId { id, module } => pseudo(f, *dst, 3, *id, *module),
                Imm64::Func(Target::Offset(o)) => pseudo(f, *dst, 4, *o, 0),
                Imm64::MapIdx(i) => pseudo(f, *dst, 5, *i, 0),
                Imm64::MapIdxValue { index, offset } => pseudo(f, *dst, 6, *index, *offset),
            },
            Insn::Load {
                size,
                dst,
                src,
                off,
            } => write!(
                f,
                "{} = *({size} *){}",
                dst.at(value_width(*size)),
                Mem(*src, *off)
            ),
            Insn::LoadSx {
                size,
                dst,
                src,
                off,
            } => write!(f, "{dst} = *({size} *){}", Mem(*src, *off)),
            Insn::Store {
                size,
                dst,
                off,
                src: s,
            } => {
                write!(f, "*({size} *){} = ", Mem(*dst, *off))?;
                src(f, s, value_width(*size))
            }
            Insn::Atomic {
                width,
                op,
                dst,
                off,
                src,
            } => {
                let size = match width {
                    Width::W32 => Size::U32,
                    Width::W64 => Size::U64,
                };
                let v = src.at(*width);
                let m = Mem(*dst, *off);
                let suffix = match width {
                    Width::W32 => "32_32",
                    Width::W64 => "_64",
                };
                match op {
                    AtomicOp::Add | AtomicOp::Or | AtomicOp::And | AtomicOp::Xor => {
                        write!(f, "lock *({size} *){m} {} {v}", atomic_name(*op))
                    }
                    AtomicOp::FetchAdd
                    | AtomicOp::FetchOr
                    | AtomicOp::FetchAnd
                    | AtomicOp::FetchXor => {
                        write!(f, "{v} = {}(({size} *){m}, {v})", atomic_name(*op))
                    }
                    AtomicOp::Xchg => {
                        write!(f, "{v} = xchg{suffix}({}, {v})", Addr(*dst, *off))
                    }
                    AtomicOp::CmpXchg => {
                        let r0 = Reg::R0.at(*width);
                        write!(f, "{r0} = cmpxchg{suffix}({}, {r0}, {v})", Addr(*dst, *off))
                    }
                }
            }
            Insn::LoadAcquire {
                size,
                dst,
                src,
                off,
            } => write!(
                f,
                "{} = load_acquire(({size} *){})",
                dst.at(value_width(*size)),
                Mem(*src, *off)
            ),
            Insn::StoreRelease {
                size,
                dst,
                off,
                src,
            } => write!(
                f,
                "store_release(({size} *){}, {})",
                Mem(*dst, *off),
                src.at(value_width(*size))
            ),
            Insn::LdAbs { size, imm } => write!(f, "r0 = *({size} *)skb[{imm}]"),
            Insn::LdInd { size, src, imm: 0 } => write!(f, "r0 = *({size} *)skb[{src}]"),
            Insn::LdInd { size, src, imm } => {
                if *imm < 0 {
                    write!(f, "r0 = *({size} *)skb[{src} - {}]", -(*imm as i64))
                } else {
                    write!(f, "r0 = *({size} *)skb[{src} + {imm}]")
                }
            }
            Insn::Raw(w) => write!(f, ".8byte {w:#018x}"),
        }
    }
}
