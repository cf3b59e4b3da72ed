//! `const fn` constructors for code that generates programs.
//!
//! ```
//! use ebpf_asm_core::{Insn, JmpCond, Size, R0, R1, R10};
//! const PROG: [Insn; 4] = [
//!     Insn::load(Size::U32, R1, R10, -4),
//!     Insn::jmp_imm(JmpCond::Eq, R1, 0, 1),
//!     Insn::mov64_imm(R0, 2),
//!     Insn::exit(),
//! ];
//! assert_eq!(PROG[2].to_string(), "r0 = 2");
//! ```

use crate::model::insn::*;
use crate::model::reg::{Reg, Width};
use crate::model::target::*;

impl Insn {
    /// `dst OP= imm` at 64 bits.
    pub const fn alu64_imm(op: AluOp, dst: Reg, imm: i32) -> Insn {
        Insn::Alu {
            width: Width::W64,
            op,
            dst,
            src: Src::Imm(imm),
        }
    }
    /// `dst OP= src` at 64 bits.
    pub const fn alu64_reg(op: AluOp, dst: Reg, src: Reg) -> Insn {
        Insn::Alu {
            width: Width::W64,
            op,
            dst,
            src: Src::Reg(src),
        }
    }
    /// `wdst OP= imm` at 32 bits.
    pub const fn alu32_imm(op: AluOp, dst: Reg, imm: i32) -> Insn {
        Insn::Alu {
            width: Width::W32,
            op,
            dst,
            src: Src::Imm(imm),
        }
    }
    /// `wdst OP= wsrc` at 32 bits.
    pub const fn alu32_reg(op: AluOp, dst: Reg, src: Reg) -> Insn {
        Insn::Alu {
            width: Width::W32,
            op,
            dst,
            src: Src::Reg(src),
        }
    }
    /// `dst = imm` (64-bit, sign-extended).
    pub const fn mov64_imm(dst: Reg, imm: i32) -> Insn {
        Insn::alu64_imm(AluOp::Mov, dst, imm)
    }
    /// `dst = src`.
    pub const fn mov64_reg(dst: Reg, src: Reg) -> Insn {
        Insn::alu64_reg(AluOp::Mov, dst, src)
    }
    /// `wdst = imm` (upper 32 bits cleared).
    pub const fn mov32_imm(dst: Reg, imm: i32) -> Insn {
        Insn::alu32_imm(AluOp::Mov, dst, imm)
    }
    /// `wdst = wsrc`.
    pub const fn mov32_reg(dst: Reg, src: Reg) -> Insn {
        Insn::alu32_reg(AluOp::Mov, dst, src)
    }
    /// `dst += imm`.
    pub const fn add64_imm(dst: Reg, imm: i32) -> Insn {
        Insn::alu64_imm(AluOp::Add, dst, imm)
    }
    /// `dst += src`.
    pub const fn add64_reg(dst: Reg, src: Reg) -> Insn {
        Insn::alu64_reg(AluOp::Add, dst, src)
    }
    /// `dst = -dst` at `width`.
    pub const fn neg(width: Width, dst: Reg) -> Insn {
        Insn::Neg { width, dst }
    }
    /// `dst = (sN)src` at `width`.
    pub const fn movsx(width: Width, dst: Reg, src: Reg, from: SxSize) -> Insn {
        Insn::MovSx {
            width,
            dst,
            src,
            from,
        }
    }
    /// `dst = le16 dst` and friends.
    pub const fn endian(order: ByteOrder, bits: SwapBits, dst: Reg) -> Insn {
        Insn::Endian { order, bits, dst }
    }
    /// `if dst COND imm goto +off` (64-bit compare).
    pub const fn jmp_imm(cond: JmpCond, dst: Reg, imm: i32, off: i16) -> Insn {
        Insn::Jump {
            width: Width::W64,
            cond,
            dst,
            src: Src::Imm(imm),
            target: Target::Offset(off),
        }
    }
    /// `if dst COND src goto +off` (64-bit compare).
    pub const fn jmp_reg(cond: JmpCond, dst: Reg, src: Reg, off: i16) -> Insn {
        Insn::Jump {
            width: Width::W64,
            cond,
            dst,
            src: Src::Reg(src),
            target: Target::Offset(off),
        }
    }
    /// `if wdst COND imm goto +off` (32-bit compare).
    pub const fn jmp32_imm(cond: JmpCond, dst: Reg, imm: i32, off: i16) -> Insn {
        Insn::Jump {
            width: Width::W32,
            cond,
            dst,
            src: Src::Imm(imm),
            target: Target::Offset(off),
        }
    }
    /// `if wdst COND wsrc goto +off` (32-bit compare).
    pub const fn jmp32_reg(cond: JmpCond, dst: Reg, src: Reg, off: i16) -> Insn {
        Insn::Jump {
            width: Width::W32,
            cond,
            dst,
            src: Src::Reg(src),
            target: Target::Offset(off),
        }
    }
    /// `if dst COND src goto label` at `width`.
    pub const fn jmp_label(
        width: Width,
        cond: JmpCond,
        dst: Reg,
        src: Src,
        label: &'static str,
    ) -> Insn {
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            target: Target::Label(Label::new(label)),
        }
    }
    /// `goto +off`.
    pub const fn ja(off: i16) -> Insn {
        Insn::Ja {
            target: Target::Offset(off),
        }
    }
    /// `goto label`.
    pub const fn ja_label(label: &'static str) -> Insn {
        Insn::Ja {
            target: Target::Label(Label::new(label)),
        }
    }
    /// `gotol +off`.
    pub const fn gotol(off: i32) -> Insn {
        Insn::JaLong {
            target: Target::Offset(off),
        }
    }
    /// `may_goto +off`.
    pub const fn may_goto(off: i16) -> Insn {
        Insn::MayGoto {
            target: Target::Offset(off),
        }
    }
    /// `call id` (a kernel helper).
    pub const fn call_helper(id: i32) -> Insn {
        Insn::Call(Call::Helper(id))
    }
    /// `call label` (a subprogram).
    pub const fn call_label(label: &'static str) -> Insn {
        Insn::Call(Call::Local(Target::Label(Label::new(label))))
    }
    /// `call pc+off` (a subprogram by offset).
    pub const fn call_local(off: i32) -> Insn {
        Insn::Call(Call::Local(Target::Offset(off)))
    }
    /// A kfunc call by BTF id (vmlinux).
    pub const fn call_kfunc(btf_id: i32) -> Insn {
        Insn::Call(Call::Kfunc { btf_id, module: 0 })
    }
    /// `callx dst`.
    pub const fn callx(dst: Reg) -> Insn {
        Insn::CallX { dst }
    }
    /// `exit`.
    pub const fn exit() -> Insn {
        Insn::Exit
    }
    /// `dst = v ll`.
    pub const fn ld_imm64(dst: Reg, v: i64) -> Insn {
        Insn::LdImm64 {
            dst,
            imm: Imm64::Const(v),
        }
    }
    /// Loads a map by fd (`BPF_PSEUDO_MAP_FD`).
    pub const fn ld_map_fd(dst: Reg, fd: i32) -> Insn {
        Insn::LdImm64 {
            dst,
            imm: Imm64::MapFd(fd),
        }
    }
    /// Loads the address of a map value plus `offset` (`BPF_PSEUDO_MAP_VALUE`).
    pub const fn ld_map_value(dst: Reg, fd: i32, offset: i32) -> Insn {
        Insn::LdImm64 {
            dst,
            imm: Imm64::MapValue { fd, offset },
        }
    }
    /// `dst = name ll`: a symbol (map) reference an Editor resolves later.
    pub const fn ld_symbol(dst: Reg, name: &'static str) -> Insn {
        Insn::LdImm64 {
            dst,
            imm: Imm64::Symbol(Label::new(name)),
        }
    }
    /// `dst = *(uN *)(src + off)`.
    pub const fn load(size: Size, dst: Reg, src: Reg, off: i16) -> Insn {
        Insn::Load {
            size,
            dst,
            src,
            off,
        }
    }
    /// `dst = *(sN *)(src + off)`.
    pub const fn load_sx(size: SxSize, dst: Reg, src: Reg, off: i16) -> Insn {
        Insn::LoadSx {
            size,
            dst,
            src,
            off,
        }
    }
    /// `*(uN *)(dst + off) = imm`.
    pub const fn store_imm(size: Size, dst: Reg, off: i16, imm: i32) -> Insn {
        Insn::Store {
            size,
            dst,
            off,
            src: Src::Imm(imm),
        }
    }
    /// `*(uN *)(dst + off) = src`.
    pub const fn store_reg(size: Size, dst: Reg, off: i16, src: Reg) -> Insn {
        Insn::Store {
            size,
            dst,
            off,
            src: Src::Reg(src),
        }
    }
    /// An atomic read-modify-write on `*(dst + off)` with `src`.
    pub const fn atomic(width: Width, op: AtomicOp, dst: Reg, off: i16, src: Reg) -> Insn {
        Insn::Atomic {
            width,
            op,
            dst,
            off,
            src,
        }
    }
    /// `dst = load_acquire((uN *)(src + off))`.
    pub const fn load_acquire(size: Size, dst: Reg, src: Reg, off: i16) -> Insn {
        Insn::LoadAcquire {
            size,
            dst,
            src,
            off,
        }
    }
    /// `store_release((uN *)(dst + off), src)`.
    pub const fn store_release(size: Size, dst: Reg, off: i16, src: Reg) -> Insn {
        Insn::StoreRelease {
            size,
            dst,
            off,
            src,
        }
    }
    /// `r0 = *(uN *)skb[imm]`.
    pub const fn ld_abs(size: Size, imm: i32) -> Insn {
        Insn::LdAbs { size, imm }
    }
    /// `r0 = *(uN *)skb[src + imm]`.
    pub const fn ld_ind(size: Size, src: Reg, imm: i32) -> Insn {
        Insn::LdInd { size, src, imm }
    }
}
