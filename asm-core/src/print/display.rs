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

use crate::model::insn::*;
use crate::model::kernel::helpers::helper_name;
use crate::model::reg::{Reg, Width};
use crate::model::target::*;
use crate::print::sink::{Sink, Text};

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

/// `lock` adds, fetch-and-ops, xchg and cmpxchg.
fn render_atomic<S: Sink>(t: &mut S, width: Width, op: AtomicOp, dst: Reg, off: i16, src: Reg) {
    let size = match width {
        Width::W32 => Size::U32,
        Width::W64 => Size::U64,
    };
    let suffix = match width {
        Width::W32 => "32_32(",
        Width::W64 => "_64(",
    };
    match op {
        AtomicOp::Add | AtomicOp::Or | AtomicOp::And | AtomicOp::Xor => {
            t.str("lock *(");
            t.size(size);
            t.str(" *)");
            t.mem(dst, off);
            t.byte(b' ');
            t.str(atomic_name(op));
            t.byte(b' ');
            t.reg(src, width);
        }
        AtomicOp::FetchAdd | AtomicOp::FetchOr | AtomicOp::FetchAnd | AtomicOp::FetchXor => {
            t.reg(src, width);
            t.str(" = ");
            t.str(atomic_name(op));
            t.str("((");
            t.size(size);
            t.str(" *)");
            t.mem(dst, off);
            t.str(", ");
            t.reg(src, width);
            t.byte(b')');
        }
        AtomicOp::Xchg => {
            t.reg(src, width);
            t.str(" = xchg");
            t.str(suffix);
            t.addr(dst, off);
            t.str(", ");
            t.reg(src, width);
            t.byte(b')');
        }
        AtomicOp::CmpXchg => {
            t.reg(Reg::R0, width);
            t.str(" = cmpxchg");
            t.str(suffix);
            t.addr(dst, off);
            t.str(", ");
            t.reg(Reg::R0, width);
            t.str(", ");
            t.reg(src, width);
            t.byte(b')');
        }
    }
}

impl Insn {
    /// Appends the instruction's text (what `Display` prints) to `out`, without going
    /// through `core::fmt`: the fast path for printing many instructions.
    pub fn write_to(&self, out: &mut String) {
        self.render(out, PrintOptions::LLVM);
    }

    /// The instruction's text printed with `options`: `insn.display_with(options)`
    /// formats as `Display` does, with helper calls named when asked for.
    ///
    /// ```
    /// use ebpf_asm_core::{Call, Insn, PrintOptions};
    /// let call = Insn::Call(Call::Helper(1));
    /// assert_eq!(call.to_string(), "call 1");
    /// let named = PrintOptions::LLVM.helper_names(true);
    /// assert_eq!(call.display_with(named).to_string(), "call bpf_map_lookup_elem");
    /// ```
    pub fn display_with(&self, options: PrintOptions) -> impl fmt::Display + '_ {
        WithOptions(self, options)
    }

    fn render<S: Sink>(&self, t: &mut S, options: PrintOptions) {
        match self {
            Insn::Alu { .. }
            | Insn::Neg { .. }
            | Insn::MovSx { .. }
            | Insn::Endian { .. }
            | Insn::AddrSpaceCast { .. } => self.render_alu(t),
            Insn::Jump { .. }
            | Insn::Ja { .. }
            | Insn::JaLong { .. }
            | Insn::MayGoto { .. }
            | Insn::Call(_)
            | Insn::CallX { .. }
            | Insn::Exit => self.render_flow(t, options),
            Insn::Load { .. }
            | Insn::LoadSx { .. }
            | Insn::Store { .. }
            | Insn::LoadAcquire { .. }
            | Insn::StoreRelease { .. }
            | Insn::LdAbs { .. }
            | Insn::LdInd { .. } => self.render_memory(t),
            Insn::LdImm64 { .. } | Insn::Atomic { .. } | Insn::Raw(_) => self.render_special(t),
        }
    }

    /// Arithmetic, moves, byte swaps and address-space casts.
    fn render_alu<S: Sink>(&self, t: &mut S) {
        match self {
            Insn::Alu {
                width,
                op,
                dst,
                src,
            } => {
                t.reg(*dst, *width);
                t.byte(b' ');
                t.str(op.operator());
                t.byte(b' ');
                t.src(src, *width);
            }
            Insn::Neg { width, dst } => {
                t.reg(*dst, *width);
                t.str(" = -");
                t.reg(*dst, *width);
            }
            Insn::MovSx {
                width,
                dst,
                src,
                from,
            } => {
                t.reg(*dst, *width);
                t.str(match from {
                    SxSize::S8 => " = (s8)",
                    SxSize::S16 => " = (s16)",
                    SxSize::S32 => " = (s32)",
                });
                t.reg(*src, *width);
            }
            Insn::Endian { order, bits, dst } => {
                t.reg(*dst, Width::W64);
                t.str(" = ");
                t.str(order.mnemonic());
                t.int(bits.bits() as i64);
                t.byte(b' ');
                t.reg(*dst, Width::W64);
            }
            Insn::AddrSpaceCast {
                dst,
                src,
                dst_as,
                src_as,
            } => {
                t.reg(*dst, Width::W64);
                t.str(" = addr_space_cast(");
                t.reg(*src, Width::W64);
                t.str(", ");
                t.int(*dst_as as i64);
                t.str(", ");
                t.int(*src_as as i64);
                t.byte(b')');
            }
            // Every other kind has its own `render_*`.
            _ => {}
        }
    }

    /// Jumps, calls and exit.
    fn render_flow<S: Sink>(&self, t: &mut S, options: PrintOptions) {
        match self {
            Insn::Jump {
                width,
                cond,
                dst,
                src,
                target,
            } => {
                t.str("if ");
                t.reg(*dst, *width);
                t.byte(b' ');
                t.str(cond.operator());
                t.byte(b' ');
                t.src(src, *width);
                t.str(" goto ");
                t.target(target);
            }
            Insn::Ja { target } => {
                t.str("goto ");
                t.target(target);
            }
            Insn::JaLong { target } => {
                t.str("gotol ");
                t.target(target);
            }
            Insn::MayGoto { target } => {
                t.str("may_goto ");
                t.target(target);
            }
            Insn::Call(Call::Helper(id)) => {
                t.str("call ");
                match helper_name(*id).filter(|_| options.helper_names) {
                    Some(name) => t.str(name),
                    None => t.int(*id as i64),
                }
            }
            Insn::Call(Call::Local(Target::Offset(o))) => {
                t.str("call pc");
                t.rel(*o as i64);
            }
            Insn::Call(Call::Local(Target::Label(l))) => {
                t.str("call ");
                t.str(l.as_str());
            }
            Insn::Call(Call::KfuncName(l)) => {
                t.str("call ");
                t.str(l.as_str());
            }
            Insn::Call(Call::Kfunc { btf_id, module }) => {
                t.str("call kfunc(");
                t.int(*btf_id as i64);
                if *module != 0 {
                    t.str(", ");
                    t.int(*module as i64);
                }
                t.byte(b')');
            }
            Insn::CallX { dst } => {
                t.str("callx ");
                t.reg(*dst, Width::W64);
            }
            Insn::Exit => t.str("exit"),
            // Every other kind has its own `render_*`.
            _ => {}
        }
    }

    /// Loads and stores, plain, sign-extending, ordered and legacy packet loads.
    fn render_memory<S: Sink>(&self, t: &mut S) {
        match self {
            Insn::Load {
                size,
                dst,
                src,
                off,
            } => {
                t.reg(*dst, value_width(*size));
                t.str(" = *(");
                t.size(*size);
                t.str(" *)");
                t.mem(*src, *off);
            }
            Insn::LoadSx {
                size,
                dst,
                src,
                off,
            } => {
                t.reg(*dst, Width::W64);
                t.str(match size {
                    SxSize::S8 => " = *(s8 *)",
                    SxSize::S16 => " = *(s16 *)",
                    SxSize::S32 => " = *(s32 *)",
                });
                t.mem(*src, *off);
            }
            Insn::Store {
                size,
                dst,
                off,
                src,
            } => {
                t.str("*(");
                t.size(*size);
                t.str(" *)");
                t.mem(*dst, *off);
                t.str(" = ");
                t.src(src, value_width(*size));
            }
            Insn::LoadAcquire {
                size,
                dst,
                src,
                off,
            } => {
                t.reg(*dst, value_width(*size));
                t.str(" = load_acquire((");
                t.size(*size);
                t.str(" *)");
                t.mem(*src, *off);
                t.byte(b')');
            }
            Insn::StoreRelease {
                size,
                dst,
                off,
                src,
            } => {
                t.str("store_release((");
                t.size(*size);
                t.str(" *)");
                t.mem(*dst, *off);
                t.str(", ");
                t.reg(*src, value_width(*size));
                t.byte(b')');
            }
            Insn::LdAbs { size, imm } => {
                t.str("r0 = *(");
                t.size(*size);
                t.str(" *)skb[");
                t.int(*imm as i64);
                t.byte(b']');
            }
            Insn::LdInd { size, src, imm } => {
                t.str("r0 = *(");
                t.size(*size);
                t.str(" *)skb[");
                t.reg(*src, Width::W64);
                if *imm < 0 {
                    t.str(" - ");
                    t.int(-(*imm as i64));
                } else if *imm > 0 {
                    t.str(" + ");
                    t.int(*imm as i64);
                }
                t.byte(b']');
            }
            // Every other kind has its own `render_*`.
            _ => {}
        }
    }

    /// ld_imm64, atomics and raw words.
    fn render_special<S: Sink>(&self, t: &mut S) {
        match self {
            Insn::LdImm64 { dst, imm } => match imm {
                Imm64::Const(v) => {
                    t.reg(*dst, Width::W64);
                    t.str(" = ");
                    t.int(*v);
                    t.str(" ll");
                }
                Imm64::Symbol(l) | Imm64::Func(Target::Label(l)) => {
                    t.reg(*dst, Width::W64);
                    t.str(" = ");
                    // A name the lexer would split (`.rodata.str1.1`) is quoted.
                    match is_word(l.as_str()) {
                        true => t.str(l.as_str()),
                        false => {
                            t.str("\"");
                            t.str(l.as_str());
                            t.str("\"");
                        }
                    }
                    t.str(" ll");
                }
                Imm64::MapFd(fd) => t.pseudo(*dst, 1, *fd, 0),
                Imm64::MapValue { fd, offset } => t.pseudo(*dst, 2, *fd, *offset),
                Imm64::BtfId { id, module } => t.pseudo(*dst, 3, *id, *module),
                Imm64::Func(Target::Offset(o)) => t.pseudo(*dst, 4, *o, 0),
                Imm64::MapIdx(i) => t.pseudo(*dst, 5, *i, 0),
                Imm64::MapIdxValue { index, offset } => t.pseudo(*dst, 6, *index, *offset),
            },
            Insn::Atomic {
                width,
                op,
                dst,
                off,
                src,
            } => render_atomic(t, *width, *op, *dst, *off, *src),
            Insn::Raw(w) => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let mut digits = [0u8; 16];
                for (i, d) in digits.iter_mut().enumerate() {
                    *d = HEX[(w >> (60 - 4 * i)) as usize & 0xf];
                }
                t.str(".8byte 0x");
                t.ascii(&digits);
            }
            // Every other kind has its own `render_*`.
            _ => {}
        }
    }
}

impl fmt::Display for Insn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = Text::new(f);
        self.render(&mut t, PrintOptions::LLVM);
        t.finish()
    }
}

/// How instructions are printed. The default, [`PrintOptions::LLVM`], is `Display`'s text
/// (`llvm-objdump-19`'s, see the module docs); each option changes one thing.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[non_exhaustive]
pub struct PrintOptions {
    /// Name helper calls as the kernel's helper table does (`call bpf_map_lookup_elem`
    /// instead of `call 1`); the assembler reads both. Numbers the kernel does not name
    /// stay numbers.
    pub helper_names: bool,
}

impl PrintOptions {
    /// `Display`'s text: what `llvm-objdump-19` prints.
    pub const LLVM: PrintOptions = PrintOptions {
        helper_names: false,
    };

    /// These options with helper calls named (`true`) or numbered (`false`).
    pub const fn helper_names(mut self, on: bool) -> PrintOptions {
        self.helper_names = on;
        self
    }
}

/// An instruction with its print options, for `Display`.
struct WithOptions<'a>(&'a Insn, PrintOptions);

impl fmt::Display for WithOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = Text::new(f);
        self.0.render(&mut t, self.1);
        t.finish()
    }
}

/// Whether `name` reads back as a name when written bare in `rN = NAME ll`: one word (an
/// optional `.`, a letter or `_`, then letters, digits and `_`) that the grammar does not
/// read as a register or an operation there (`r1`, `le16`, `xchg_64`). The unit test
/// `syntax::code::tests::keywords_print_as_symbols_that_read_back` checks every keyword.
pub(crate) fn is_word(name: &str) -> bool {
    let rest = name.strip_prefix('.').unwrap_or(name);
    let mut chars = rest.chars();
    let one_word = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    let digits_after = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let operation = ["r", "w", "le", "be", "bswap"]
        .into_iter()
        .any(digits_after)
        || OPERATIONS.contains(&name);
    one_word && !operation
}

/// Words that start an operation after `rN =` (see [`is_word`]).
const OPERATIONS: [&str; 10] = [
    "addr_space_cast",
    "xchg_64",
    "xchg32_32",
    "cmpxchg_64",
    "cmpxchg32_32",
    "load_acquire",
    "atomic_fetch_add",
    "atomic_fetch_or",
    "atomic_fetch_and",
    "atomic_fetch_xor",
];
