//! The instruction model: one enum whose variants say what an instruction means.
//!
//! Encoding ([`Insn::encode`]) and decoding ([`crate::decode`]) are functions of this model;
//! printing ([`core::fmt::Display`]) gives LLVM 19's assembly syntax.

use crate::model::reg::{Reg, Width};
use crate::model::target::{Label, Target, TargetMut, TargetRef};

/// The second operand of ALU, jump and store instructions.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Src {
    /// A register (`BPF_X`).
    Reg(Reg),
    /// A 32-bit immediate (`BPF_K`), sign-extended to 64 bits by 64-bit operations.
    Imm(i32),
}

/// Binary ALU operations (with `Mov`), as in `dst OP= src`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum AluOp {
    /// `+=`
    Add,
    /// `-=`
    Sub,
    /// `*=`
    Mul,
    /// `/=` unsigned
    Div,
    /// `s/=` signed (cpu v4)
    SDiv,
    /// `|=`
    Or,
    /// `&=`
    And,
    /// `<<=`
    Lsh,
    /// `>>=` logical
    Rsh,
    /// `%=` unsigned
    Mod,
    /// `s%=` signed (cpu v4)
    SMod,
    /// `^=`
    Xor,
    /// `=`
    Mov,
    /// `s>>=` arithmetic
    Arsh,
}

impl AluOp {
    /// Every ALU operation.
    pub const ALL: [AluOp; 14] = [
        AluOp::Add,
        AluOp::Sub,
        AluOp::Mul,
        AluOp::Div,
        AluOp::SDiv,
        AluOp::Or,
        AluOp::And,
        AluOp::Lsh,
        AluOp::Rsh,
        AluOp::Mod,
        AluOp::SMod,
        AluOp::Xor,
        AluOp::Mov,
        AluOp::Arsh,
    ];

    /// The assignment operator as LLVM spells it (`+=`, `s/=`, `=`, ...).
    pub const fn operator(self) -> &'static str {
        match self {
            AluOp::Add => "+=",
            AluOp::Sub => "-=",
            AluOp::Mul => "*=",
            AluOp::Div => "/=",
            AluOp::SDiv => "s/=",
            AluOp::Or => "|=",
            AluOp::And => "&=",
            AluOp::Lsh => "<<=",
            AluOp::Rsh => ">>=",
            AluOp::Mod => "%=",
            AluOp::SMod => "s%=",
            AluOp::Xor => "^=",
            AluOp::Mov => "=",
            AluOp::Arsh => "s>>=",
        }
    }
}

/// Conditions of conditional jumps, as in `if dst COND src goto target`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum JmpCond {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>` unsigned
    Gt,
    /// `>=` unsigned
    Ge,
    /// `<` unsigned
    Lt,
    /// `<=` unsigned
    Le,
    /// `s>` signed
    SGt,
    /// `s>=` signed
    SGe,
    /// `s<` signed
    SLt,
    /// `s<=` signed
    SLe,
    /// `&` (jump if `dst & src != 0`)
    Set,
}

impl JmpCond {
    /// Every condition.
    pub const ALL: [JmpCond; 11] = [
        JmpCond::Eq,
        JmpCond::Ne,
        JmpCond::Gt,
        JmpCond::Ge,
        JmpCond::Lt,
        JmpCond::Le,
        JmpCond::SGt,
        JmpCond::SGe,
        JmpCond::SLt,
        JmpCond::SLe,
        JmpCond::Set,
    ];

    /// The comparison operator as LLVM spells it.
    pub const fn operator(self) -> &'static str {
        match self {
            JmpCond::Eq => "==",
            JmpCond::Ne => "!=",
            JmpCond::Gt => ">",
            JmpCond::Ge => ">=",
            JmpCond::Lt => "<",
            JmpCond::Le => "<=",
            JmpCond::SGt => "s>",
            JmpCond::SGe => "s>=",
            JmpCond::SLt => "s<",
            JmpCond::SLe => "s<=",
            JmpCond::Set => "&",
        }
    }
}

/// Memory access sizes, spelled `u8`..`u64` in `*(u32 *)(r1 + 0)`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Size {
    /// 1 byte (`BPF_B`).
    U8,
    /// 2 bytes (`BPF_H`).
    U16,
    /// 4 bytes (`BPF_W`).
    U32,
    /// 8 bytes (`BPF_DW`).
    U64,
}

impl Size {
    /// Every size.
    pub const ALL: [Size; 4] = [Size::U8, Size::U16, Size::U32, Size::U64];

    /// Width in bytes.
    pub const fn bytes(self) -> u32 {
        match self {
            Size::U8 => 1,
            Size::U16 => 2,
            Size::U32 => 4,
            Size::U64 => 8,
        }
    }
    /// Width in bits.
    pub const fn bits(self) -> u32 {
        self.bytes() * 8
    }
}

/// Sizes a sign extension starts from: `(s8)`, `(s16)`, `(s32)`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum SxSize {
    /// From 8 bits.
    S8,
    /// From 16 bits.
    S16,
    /// From 32 bits (only for 64-bit moves and loads).
    S32,
}

impl SxSize {
    /// Every sign-extension size.
    pub const ALL: [SxSize; 3] = [SxSize::S8, SxSize::S16, SxSize::S32];

    /// Width in bits.
    pub const fn bits(self) -> u32 {
        match self {
            SxSize::S8 => 8,
            SxSize::S16 => 16,
            SxSize::S32 => 32,
        }
    }
    /// The same width as an unsigned memory size.
    pub const fn size(self) -> Size {
        match self {
            SxSize::S8 => Size::U8,
            SxSize::S16 => Size::U16,
            SxSize::S32 => Size::U32,
        }
    }
}

/// Byte-order operations: `le16 r1`, `be32 r1`, `bswap64 r1`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ByteOrder {
    /// Convert to little endian (`BPF_ALU | BPF_END | BPF_TO_LE`).
    Le,
    /// Convert to big endian (`BPF_ALU | BPF_END | BPF_TO_BE`).
    Be,
    /// Unconditional swap (`BPF_ALU64 | BPF_END`, cpu v4).
    Swap,
}

impl ByteOrder {
    /// Every byte-order operation.
    pub const ALL: [ByteOrder; 3] = [ByteOrder::Le, ByteOrder::Be, ByteOrder::Swap];

    /// The mnemonic prefix (`le`, `be`, `bswap`).
    pub const fn mnemonic(self) -> &'static str {
        match self {
            ByteOrder::Le => "le",
            ByteOrder::Be => "be",
            ByteOrder::Swap => "bswap",
        }
    }
}

/// Widths a byte-order operation works on.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum SwapBits {
    /// 16 bits.
    B16,
    /// 32 bits.
    B32,
    /// 64 bits.
    B64,
}

impl SwapBits {
    /// Every width.
    pub const ALL: [SwapBits; 3] = [SwapBits::B16, SwapBits::B32, SwapBits::B64];

    /// Width in bits (also the encoded immediate).
    pub const fn bits(self) -> i32 {
        match self {
            SwapBits::B16 => 16,
            SwapBits::B32 => 32,
            SwapBits::B64 => 64,
        }
    }
}

/// Read-modify-write atomic operations on memory.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum AtomicOp {
    /// `lock *(u64 *)(r1 + 0) += r2`
    Add,
    /// `lock *(u64 *)(r1 + 0) |= r2`
    Or,
    /// `lock *(u64 *)(r1 + 0) &= r2`
    And,
    /// `lock *(u64 *)(r1 + 0) ^= r2`
    Xor,
    /// `r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)`
    FetchAdd,
    /// `r2 = atomic_fetch_or((u64 *)(r1 + 0), r2)`
    FetchOr,
    /// `r2 = atomic_fetch_and((u64 *)(r1 + 0), r2)`
    FetchAnd,
    /// `r2 = atomic_fetch_xor((u64 *)(r1 + 0), r2)`
    FetchXor,
    /// `r2 = xchg_64(r1 + 0, r2)`
    Xchg,
    /// `r0 = cmpxchg_64(r1 + 0, r0, r2)`: compares with r0, old value into r0.
    CmpXchg,
}

impl AtomicOp {
    /// Every atomic read-modify-write operation.
    pub const ALL: [AtomicOp; 10] = [
        AtomicOp::Add,
        AtomicOp::Or,
        AtomicOp::And,
        AtomicOp::Xor,
        AtomicOp::FetchAdd,
        AtomicOp::FetchOr,
        AtomicOp::FetchAnd,
        AtomicOp::FetchXor,
        AtomicOp::Xchg,
        AtomicOp::CmpXchg,
    ];
}

/// What a `call` instruction calls.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Call {
    /// A kernel helper by number (`call 1`, `call bpf_map_lookup_elem`).
    Helper(i32),
    /// A bpf-to-bpf call to a subprogram (`BPF_PSEUDO_CALL`): `call label` or `call pc+3`.
    Local(Target<i32>),
    /// A kernel function by BTF id (`BPF_PSEUDO_KFUNC_CALL`); `module` is the fd_array index
    /// of the module's BTF (0: vmlinux).
    Kfunc {
        /// BTF id of the function.
        btf_id: i32,
        /// fd_array index of the module BTF, 0 for vmlinux.
        module: i16,
    },
    /// A kernel function by name (`call bpf_iter_num_new`), resolved at load time to
    /// [`Call::Kfunc`] from the kernel's BTF. Encodes as `call -1`, as LLVM leaves a call
    /// to an external function before relocation.
    KfuncName(Label),
}

/// What a 64-bit immediate load (`BPF_LD | BPF_IMM | BPF_DW`, two slots) loads.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Imm64 {
    /// A plain constant: `r1 = 42 ll`.
    Const(i64),
    /// A map by file descriptor (`BPF_PSEUDO_MAP_FD`).
    MapFd(i32),
    /// The address of a map's value plus an offset (`BPF_PSEUDO_MAP_VALUE`).
    MapValue {
        /// Map file descriptor.
        fd: i32,
        /// Byte offset into the value.
        offset: i32,
    },
    /// A kernel variable by BTF id (`BPF_PSEUDO_BTF_ID`).
    BtfId {
        /// BTF type id.
        id: i32,
        /// Module BTF fd (0: vmlinux).
        module: i32,
    },
    /// The address of a subprogram (`BPF_PSEUDO_FUNC`), for callbacks.
    Func(Target<i32>),
    /// A map by fd_array index (`BPF_PSEUDO_MAP_IDX`).
    MapIdx(i32),
    /// A map value address by fd_array index (`BPF_PSEUDO_MAP_IDX_VALUE`).
    MapIdxValue {
        /// fd_array index.
        index: i32,
        /// Byte offset into the value.
        offset: i32,
    },
    /// An unresolved reference to a named symbol (usually a map): `r1 = counters ll`.
    /// Encodes as a zero constant, as in an object file before relocation; an
    /// Editor rewrites it to `MapFd` or `MapValue`.
    Symbol(Label),
}

/// One eBPF instruction.
///
/// Each variant says what the instruction does; encoding chooses the opcode bits.
/// [`Imm64`] loads take two 8-byte slots, everything else one.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Insn {
    /// `dst OP= src` at 32 or 64 bits (`BPF_ALU`/`BPF_ALU64`), including `dst = src`.
    Alu {
        /// 32 or 64 bits.
        width: Width,
        /// The operation.
        op: AluOp,
        /// Destination register.
        dst: Reg,
        /// Register or immediate operand.
        src: Src,
    },
    /// `dst = -dst`.
    Neg {
        /// 32 or 64 bits.
        width: Width,
        /// Register negated in place.
        dst: Reg,
    },
    /// Sign-extending move `dst = (s8)src` (cpu v4). 32-bit moves extend from 8 or 16 bits.
    MovSx {
        /// 32 or 64 bits.
        width: Width,
        /// Destination register.
        dst: Reg,
        /// Source register.
        src: Reg,
        /// Width the value is extended from.
        from: SxSize,
    },
    /// Byte swap in place: `dst = le16 dst`, `dst = be32 dst`, `dst = bswap64 dst`.
    Endian {
        /// Which conversion.
        order: ByteOrder,
        /// How many low bits take part.
        bits: SwapBits,
        /// Register converted in place.
        dst: Reg,
    },
    /// `dst = addr_space_cast(src, dst_as, src_as)` (arena pointers).
    AddrSpaceCast {
        /// Destination register.
        dst: Reg,
        /// Source register.
        src: Reg,
        /// Address space converted to.
        dst_as: u16,
        /// Address space converted from.
        src_as: u16,
    },
    /// `if dst COND src goto target` (`BPF_JMP`, or `BPF_JMP32` at 32 bits).
    Jump {
        /// 32 or 64-bit comparison.
        width: Width,
        /// The condition.
        cond: JmpCond,
        /// Left operand.
        dst: Reg,
        /// Right operand.
        src: Src,
        /// Where to go when the condition holds.
        target: Target<i16>,
    },
    /// `goto target`, 16-bit offset.
    Ja {
        /// Where to go.
        target: Target<i16>,
    },
    /// `gotol target`, 32-bit offset (cpu v4).
    JaLong {
        /// Where to go.
        target: Target<i32>,
    },
    /// `may_goto target`: a loop guard the verifier bounds (`BPF_JCOND`).
    MayGoto {
        /// Where to go once the budget is spent.
        target: Target<i16>,
    },
    /// `call ...`: helper, subprogram or kernel function.
    Call(Call),
    /// `callx dst`: indirect call through a register.
    CallX {
        /// Register holding the target.
        dst: Reg,
    },
    /// `exit`: return r0.
    Exit,
    /// `dst = imm64 ll` and its pseudo forms (two slots).
    LdImm64 {
        /// Destination register.
        dst: Reg,
        /// What is loaded.
        imm: Imm64,
    },
    /// `dst = *(uN *)(src + off)` (`BPF_LDX | BPF_MEM`).
    Load {
        /// Access size.
        size: Size,
        /// Destination register.
        dst: Reg,
        /// Base address register.
        src: Reg,
        /// Byte offset from the base.
        off: i16,
    },
    /// `dst = *(sN *)(src + off)`: sign-extending load (`BPF_LDX | BPF_MEMSX`, cpu v4).
    LoadSx {
        /// Access size, sign-extended to 64 bits.
        size: SxSize,
        /// Destination register.
        dst: Reg,
        /// Base address register.
        src: Reg,
        /// Byte offset from the base.
        off: i16,
    },
    /// `*(uN *)(dst + off) = src` (`BPF_ST` for an immediate, `BPF_STX` for a register).
    Store {
        /// Access size.
        size: Size,
        /// Base address register.
        dst: Reg,
        /// Byte offset from the base.
        off: i16,
        /// Stored value.
        src: Src,
    },
    /// An atomic read-modify-write at 32 or 64 bits (`BPF_STX | BPF_ATOMIC`).
    Atomic {
        /// 32 (`u32`, `wN`) or 64 bits.
        width: Width,
        /// The operation.
        op: AtomicOp,
        /// Base address register.
        dst: Reg,
        /// Byte offset from the base.
        off: i16,
        /// Operand register (receives the old value for fetch, xchg).
        src: Reg,
    },
    /// `dst = load_acquire((uN *)(src + off))` (`BPF_LOAD_ACQ`).
    LoadAcquire {
        /// Access size.
        size: Size,
        /// Destination register.
        dst: Reg,
        /// Base address register.
        src: Reg,
        /// Byte offset from the base.
        off: i16,
    },
    /// `store_release((uN *)(dst + off), src)` (`BPF_STORE_REL`).
    StoreRelease {
        /// Access size.
        size: Size,
        /// Base address register.
        dst: Reg,
        /// Byte offset from the base.
        off: i16,
        /// Stored register.
        src: Reg,
    },
    /// Legacy `r0 = *(uN *)skb[imm]` (`BPF_LD | BPF_ABS`), socket filters only.
    LdAbs {
        /// Access size (u8, u16 or u32).
        size: Size,
        /// Packet offset.
        imm: i32,
    },
    /// Legacy `r0 = *(uN *)skb[src + imm]` (`BPF_LD | BPF_IND`).
    LdInd {
        /// Access size (u8, u16 or u32).
        size: Size,
        /// Register holding the packet offset.
        src: Reg,
        /// Added to the register.
        imm: i32,
    },
    /// A raw instruction word from `.8byte`, kept verbatim (for words the model does not
    /// describe on purpose, such as deliberately invalid instructions in verifier tests).
    Raw(u64),
}

impl Insn {
    /// How many 8-byte slots the instruction occupies (2 for ld_imm64, else 1).
    pub const fn slots(&self) -> usize {
        match self {
            Insn::LdImm64 { .. } => 2,
            _ => 1,
        }
    }
}

impl Insn {
    /// The target of a jump, a bpf-to-bpf call or a function address (`rN = func ll`);
    /// `None` for every other instruction.
    pub fn target(&self) -> Option<TargetRef<'_>> {
        match self {
            Insn::Jump { target, .. } | Insn::Ja { target } | Insn::MayGoto { target } => {
                Some(TargetRef::Short(target))
            }
            Insn::JaLong { target }
            | Insn::Call(Call::Local(target))
            | Insn::LdImm64 {
                imm: Imm64::Func(target),
                ..
            } => Some(TargetRef::Long(target)),
            _ => None,
        }
    }

    /// [`Insn::target`], to change it.
    pub fn target_mut(&mut self) -> Option<TargetMut<'_>> {
        match self {
            Insn::Jump { target, .. } | Insn::Ja { target } | Insn::MayGoto { target } => {
                Some(TargetMut::Short(target))
            }
            Insn::JaLong { target }
            | Insn::Call(Call::Local(target))
            | Insn::LdImm64 {
                imm: Imm64::Func(target),
                ..
            } => Some(TargetMut::Long(target)),
            _ => None,
        }
    }

    /// The label the instruction names, if any: a jump or call target, a function address,
    /// or a symbol (`rN = name ll`).
    pub(crate) fn label(&self) -> Option<&Label> {
        match self {
            Insn::LdImm64 {
                imm: Imm64::Symbol(l),
                ..
            } => Some(l),
            _ => self.target()?.label(),
        }
    }
}
