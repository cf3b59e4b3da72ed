//! Encoding instructions into kernel slots.

use std::fmt;

use crate::model::insn::*;
use crate::model::opcode::{alu, atomic, class, jmp, mode, pseudo, size, source};
use crate::model::raw::{Encoded, RawInsn};
use crate::model::reg::{Reg, Width};
use crate::model::target::*;

/// Why an instruction could not be encoded on its own.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum EncodeError {
    /// A jump or call still names a label; assemble it in a [`crate::Program`] to resolve it.
    UnresolvedLabel(Label),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::UnresolvedLabel(l) => write!(
                f,
                "label `{l}` is not resolved: encode the instruction as part of a Program"
            ),
        }
    }
}

impl std::error::Error for EncodeError {}

fn target<O: Copy>(t: &Target<O>) -> Result<O, EncodeError> {
    match t {
        Target::Offset(o) => Ok(*o),
        Target::Label(l) => Err(EncodeError::UnresolvedLabel(l.clone())),
    }
}

const fn alu_class(w: Width) -> u8 {
    match w {
        Width::W32 => class::ALU,
        Width::W64 => class::ALU64,
    }
}

const fn jmp_class(w: Width) -> u8 {
    match w {
        Width::W32 => class::JMP32,
        Width::W64 => class::JMP,
    }
}

/// The size field bits for a memory access size.
pub(crate) const fn size_bits(s: Size) -> u8 {
    match s {
        Size::U8 => size::B,
        Size::U16 => size::H,
        Size::U32 => size::W,
        Size::U64 => size::DW,
    }
}

/// The opcode bits and `off` field (1 for signed division) of an ALU operation.
pub(crate) const fn alu_bits(op: AluOp) -> (u8, i16) {
    match op {
        AluOp::Add => (alu::ADD, 0),
        AluOp::Sub => (alu::SUB, 0),
        AluOp::Mul => (alu::MUL, 0),
        AluOp::Div => (alu::DIV, 0),
        AluOp::SDiv => (alu::DIV, 1),
        AluOp::Or => (alu::OR, 0),
        AluOp::And => (alu::AND, 0),
        AluOp::Lsh => (alu::LSH, 0),
        AluOp::Rsh => (alu::RSH, 0),
        AluOp::Mod => (alu::MOD, 0),
        AluOp::SMod => (alu::MOD, 1),
        AluOp::Xor => (alu::XOR, 0),
        AluOp::Mov => (alu::MOV, 0),
        AluOp::Arsh => (alu::ARSH, 0),
    }
}

/// The opcode bits of a jump condition.
pub(crate) const fn cond_bits(c: JmpCond) -> u8 {
    match c {
        JmpCond::Eq => jmp::JEQ,
        JmpCond::Ne => jmp::JNE,
        JmpCond::Gt => jmp::JGT,
        JmpCond::Ge => jmp::JGE,
        JmpCond::Lt => jmp::JLT,
        JmpCond::Le => jmp::JLE,
        JmpCond::SGt => jmp::JSGT,
        JmpCond::SGe => jmp::JSGE,
        JmpCond::SLt => jmp::JSLT,
        JmpCond::SLe => jmp::JSLE,
        JmpCond::Set => jmp::JSET,
    }
}

/// The immediate selecting an atomic operation.
pub(crate) const fn atomic_imm(op: AtomicOp) -> i32 {
    match op {
        AtomicOp::Add => atomic::ADD,
        AtomicOp::Or => atomic::OR,
        AtomicOp::And => atomic::AND,
        AtomicOp::Xor => atomic::XOR,
        AtomicOp::FetchAdd => atomic::ADD | atomic::FETCH,
        AtomicOp::FetchOr => atomic::OR | atomic::FETCH,
        AtomicOp::FetchAnd => atomic::AND | atomic::FETCH,
        AtomicOp::FetchXor => atomic::XOR | atomic::FETCH,
        AtomicOp::Xchg => atomic::XCHG,
        AtomicOp::CmpXchg => atomic::CMPXCHG,
    }
}

fn src_parts(src: Src) -> (u8, u8, i32) {
    match src {
        Src::Reg(r) => (source::X, r.index(), 0),
        Src::Imm(i) => (source::K, 0, i),
    }
}

fn ld_imm64(dst: Reg, src: u8, lo: i32, hi: i32) -> Encoded {
    Encoded::two(
        RawInsn::new(class::LD | mode::IMM | size::DW, dst.index(), src, 0, lo),
        RawInsn::new(0, 0, 0, 0, hi),
    )
}

impl Insn {
    /// Encodes the instruction into one slot (two for ld_imm64).
    ///
    /// Fails only when a jump or call target is still a label: a [`crate::Program`]
    /// resolves labels before it encodes.
    pub fn encode(&self) -> Result<Encoded, EncodeError> {
        let r = RawInsn::new;
        Ok(Encoded::one(match self {
            Insn::Alu {
                width,
                op,
                dst,
                src,
            } => alu_slot(*width, *op, *dst, *src),
            Insn::Neg { width, dst } => r(alu_class(*width) | alu::NEG, dst.index(), 0, 0, 0),
            Insn::MovSx {
                width,
                dst,
                src,
                from,
            } => {
                let code = alu_class(*width) | alu::MOV | source::X;
                r(code, dst.index(), src.index(), from.bits() as i16, 0)
            }
            Insn::Endian { order, bits, dst } => endian_slot(*order, *bits, *dst),
            Insn::AddrSpaceCast {
                dst,
                src,
                dst_as,
                src_as,
            } => {
                let code = class::ALU64 | alu::MOV | source::X;
                let imm = ((*dst_as as u32) << 16 | *src_as as u32) as i32;
                r(code, dst.index(), src.index(), 1, imm)
            }
            Insn::Jump {
                width,
                cond,
                dst,
                src,
                target: t,
            } => jump_slot(*width, *cond, *dst, *src, target(t)?),
            Insn::Ja { target: t } => ja_slot(target(t)?),
            Insn::JaLong { target: t } => r(class::JMP32 | jmp::JA, 0, 0, 0, target(t)?),
            Insn::MayGoto { target: t } => r(class::JMP | jmp::JCOND, 0, 0, target(t)?, 0),
            Insn::Call(call) => call_slot(call)?,
            Insn::CallX { dst } => r(class::JMP | jmp::CALL | source::X, dst.index(), 0, 0, 0),
            Insn::Exit => EXIT_SLOT,
            Insn::LdImm64 { dst, imm } => return ld_imm64_of(*dst, imm),
            Insn::Load {
                size,
                dst,
                src,
                off,
            } => load_slot(*size, *dst, *src, *off),
            Insn::LoadSx {
                size,
                dst,
                src,
                off,
            } => {
                let code = class::LDX | mode::MEMSX | size_bits(size.size());
                r(code, dst.index(), src.index(), *off, 0)
            }
            Insn::Store {
                size,
                dst,
                off,
                src,
            } => store_slot(*size, *dst, *off, *src),
            Insn::Atomic {
                width,
                op,
                dst,
                off,
                src,
            } => atomic_slot(*width, atomic_imm(*op), *dst, *off, *src),
            Insn::LoadAcquire {
                size,
                dst,
                src,
                off,
            } => ordered_slot(*size, *dst, *src, *off, atomic::LOAD_ACQ),
            Insn::StoreRelease {
                size,
                dst,
                off,
                src,
            } => ordered_slot(*size, *dst, *src, *off, atomic::STORE_REL),
            Insn::LdAbs { size, imm } => r(class::LD | mode::ABS | size_bits(*size), 0, 0, 0, *imm),
            Insn::LdInd { size, src, imm } => r(
                class::LD | mode::IND | size_bits(*size),
                0,
                src.index(),
                0,
                *imm,
            ),
            Insn::Raw(w) => RawInsn::from_u64(*w),
        }))
    }
}

fn endian_slot(order: ByteOrder, bits: SwapBits, dst: Reg) -> RawInsn {
    let code = match order {
        ByteOrder::Le => class::ALU | alu::END | source::K,
        ByteOrder::Be => class::ALU | alu::END | source::X,
        ByteOrder::Swap => class::ALU64 | alu::END | source::K,
    };
    RawInsn::new(code, dst.index(), 0, 0, bits.bits())
}

fn call_slot(call: &Call) -> Result<RawInsn, EncodeError> {
    let code = class::JMP | jmp::CALL;
    Ok(match call {
        Call::Helper(id) => helper_slot(*id),
        Call::Local(t) => RawInsn::new(code, 0, pseudo::CALL, 0, target(t)?),
        Call::Kfunc { btf_id, module } => {
            RawInsn::new(code, 0, pseudo::KFUNC_CALL, *module, *btf_id)
        }
        Call::KfuncName(_) => RawInsn::new(code, 0, pseudo::CALL, 0, -1),
    })
}

fn ld_imm64_of(dst: Reg, imm: &Imm64) -> Result<Encoded, EncodeError> {
    Ok(match imm {
        Imm64::Const(v) => ld_imm64(dst, 0, *v as i32, (*v >> 32) as i32),
        Imm64::MapFd(fd) => ld_imm64(dst, pseudo::MAP_FD, *fd, 0),
        Imm64::MapValue { fd, offset } => ld_imm64(dst, pseudo::MAP_VALUE, *fd, *offset),
        Imm64::BtfId { id, module } => ld_imm64(dst, pseudo::BTF_ID, *id, *module),
        Imm64::Func(t) => ld_imm64(dst, pseudo::FUNC, target(t)?, 0),
        Imm64::MapIdx(i) => ld_imm64(dst, pseudo::MAP_IDX, *i, 0),
        Imm64::MapIdxValue { index, offset } => {
            ld_imm64(dst, pseudo::MAP_IDX_VALUE, *index, *offset)
        }
        Imm64::Symbol(_) => ld_imm64(dst, 0, 0, 0),
    })
}

/// `BPF_STX | BPF_ATOMIC` at 32 or 64 bits with the operation in `imm`.
fn atomic_slot(width: Width, imm: i32, dst: Reg, off: i16, src: Reg) -> RawInsn {
    let sz = match width {
        Width::W32 => size::W,
        Width::W64 => size::DW,
    };
    RawInsn::new(
        class::STX | mode::ATOMIC | sz,
        dst.index(),
        src.index(),
        off,
        imm,
    )
}

/// load_acquire and store_release: atomics of any size.
fn ordered_slot(size: Size, dst: Reg, src: Reg, off: i16, imm: i32) -> RawInsn {
    let code = class::STX | mode::ATOMIC | size_bits(size);
    RawInsn::new(code, dst.index(), src.index(), off, imm)
}

impl Insn {
    /// The slot of a common one-slot instruction that names no label, encoded as
    /// [`Insn::encode`] does (both use the same `*_slot` functions); `None` for every other
    /// instruction. An instruction this encodes owns no heap memory.
    #[inline(always)]
    pub(crate) fn encode_plain(&self) -> Option<RawInsn> {
        Some(match self {
            Insn::Alu {
                width,
                op,
                dst,
                src,
            } => alu_slot(*width, *op, *dst, *src),
            Insn::Jump {
                width,
                cond,
                dst,
                src,
                target: Target::Offset(o),
            } => jump_slot(*width, *cond, *dst, *src, *o),
            Insn::Ja {
                target: Target::Offset(o),
            } => ja_slot(*o),
            Insn::Call(Call::Helper(id)) => helper_slot(*id),
            Insn::Exit => EXIT_SLOT,
            Insn::Load {
                size,
                dst,
                src,
                off,
            } => load_slot(*size, *dst, *src, *off),
            Insn::Store {
                size,
                dst,
                off,
                src,
            } => store_slot(*size, *dst, *off, *src),
            _ => return None,
        })
    }
}

#[inline(always)]
fn alu_slot(width: Width, op: AluOp, dst: Reg, src: Src) -> RawInsn {
    let (opb, off) = alu_bits(op);
    let (s, sreg, imm) = src_parts(src);
    RawInsn::new(alu_class(width) | opb | s, dst.index(), sreg, off, imm)
}

#[inline(always)]
fn jump_slot(width: Width, cond: JmpCond, dst: Reg, src: Src, off: i16) -> RawInsn {
    let (s, sreg, imm) = src_parts(src);
    RawInsn::new(
        jmp_class(width) | cond_bits(cond) | s,
        dst.index(),
        sreg,
        off,
        imm,
    )
}

#[inline(always)]
fn ja_slot(off: i16) -> RawInsn {
    RawInsn::new(class::JMP | jmp::JA, 0, 0, off, 0)
}

#[inline(always)]
fn helper_slot(id: i32) -> RawInsn {
    RawInsn::new(class::JMP | jmp::CALL, 0, 0, 0, id)
}

const EXIT_SLOT: RawInsn = RawInsn::new(class::JMP | jmp::EXIT, 0, 0, 0, 0);

#[inline(always)]
fn load_slot(size: Size, dst: Reg, src: Reg, off: i16) -> RawInsn {
    RawInsn::new(
        class::LDX | mode::MEM | size_bits(size),
        dst.index(),
        src.index(),
        off,
        0,
    )
}

#[inline(always)]
fn store_slot(size: Size, dst: Reg, off: i16, src: Src) -> RawInsn {
    match src {
        Src::Imm(imm) => RawInsn::new(
            class::ST | mode::MEM | size_bits(size),
            dst.index(),
            0,
            off,
            imm,
        ),
        Src::Reg(s) => RawInsn::new(
            class::STX | mode::MEM | size_bits(size),
            dst.index(),
            s.index(),
            off,
            0,
        ),
    }
}

/// Encodes a sequence of instructions (with numeric targets) into bytes.
pub fn encode_all(insns: &[Insn]) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(insns.len() * 8);
    for i in insns {
        i.encode()?.write_to(&mut out);
    }
    Ok(out)
}
