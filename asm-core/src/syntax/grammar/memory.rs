//! Memory operands and the instructions that use them: loads, stores, atomics,
//! load-acquire/store-release and legacy packet loads.

use super::{MemType, R};
use crate::model::insn::*;
use crate::model::reg::{Reg, Width};
use crate::syntax::code::Code;
use crate::syntax::number::Field;
use crate::syntax::parse::{Cursor, FixField, PResult, Value};

impl<'a> Cursor<'_, 'a> {
    /// `u8`..`u64`, `s8`..`s32` inside `*(T *)`.
    #[inline(always)]
    pub(super) fn mem_type(&mut self) -> PResult<MemType> {
        let t = match self.code() {
            Code::U8 => MemType::U(Size::U8),
            Code::U16 => MemType::U(Size::U16),
            Code::U32 => MemType::U(Size::U32),
            Code::U64 => MemType::U(Size::U64),
            Code::S8 => MemType::S(SxSize::S8),
            Code::S16 => MemType::S(SxSize::S16),
            Code::S32 => MemType::S(SxSize::S32),
            Code::S64 => {
                return self
                    .err("there is no sign-extending 64-bit load: write `u64` (nothing to extend)")
            }
            _ => return self.expected("a memory type (u8, u16, u32, u64, s8, s16, s32)"),
        };
        self.i += 1;
        Ok(t)
    }

    #[inline(always)]
    pub(super) fn unsigned_type(&mut self) -> PResult<Size> {
        let at = self.i;
        match self.mem_type()? {
            MemType::U(s) => Ok(s),
            MemType::S(s) => self.err_at(
                at,
                format!("only loads sign-extend: write `u{}` here", s.bits()),
            ),
        }
    }

    /// `(T *)`
    #[inline(always)]
    pub(super) fn cast(&mut self) -> PResult<MemType> {
        self.punct(Code::LParen)?;
        let t = self.mem_type()?;
        self.punct(Code::Star)?;
        self.punct(Code::RParen)?;
        Ok(t)
    }

    /// `rN + off` / `rN - off`, the inside of a memory operand.
    #[inline(always)]
    pub(super) fn addr(&mut self) -> PResult<(Reg, i16)> {
        let base = self.reg64("the base address register")?;
        let negative = match self.code() {
            Code::Plus => false,
            Code::Minus => true,
            _ => {
                return self.expected(&format!(
                    "`+` or `-` and an offset (write `{} + 0` for no offset)",
                    base.reg
                ))
            }
        };
        self.i += 1;
        let start = self.i;
        match self.code() {
            Code::Minus | Code::Plus => {
                return self.err(format!(
                    "write a signed offset with one sign: `{} - 8`, not `{} + -8`",
                    base.reg, base.reg
                ))
            }
            Code::Interp => return self.interp_offset(base.reg, negative),
            Code::Number | Code::LParen | Code::Tilde => {}
            _ if self.at_core() && !negative => {
                self.out_of_line(|c| c.core_field(Field::Off16, FixField::Off))?;
                return Ok((base.reg, 0));
            }
            _ if self.at_core() => {
                return self.err(format!(
                    "a CO-RE offset is added: write `{} + {}(...)`",
                    base.reg,
                    self.text()
                ))
            }
            _ => return self.expected("an offset (a number)"),
        }
        // The sign belongs to the first operand, as llvm-mc reads it: `r1 - 8 + 2` is r1 - 6.
        let small = match self.code_at(1) {
            c if c.continues_expr() || self.code() != Code::Number => None,
            _ => crate::syntax::number::parse_small(self.b.number_bytes(start)),
        };
        let v = match small {
            Some(m) => {
                self.i += 1;
                // The 64-bit two's complement reading, as LLVM's.
                i128::from(if negative {
                    (m as i64).wrapping_neg()
                } else {
                    m as i64
                })
            }
            None => {
                self.i = start - 1;
                i128::from(self.out_of_line(|c| c.const_expr())?)
            }
        };
        let v = match Field::Off16.check(v) {
            Ok(v) => v,
            Err(m) => return self.err_at(start, format!("offset {m}")),
        };
        Ok((base.reg, v as i16))
    }

    /// An interpolated offset after `rN +` or `rN -` (`negative`).
    #[inline(never)]
    fn interp_offset(&mut self, base: Reg, negative: bool) -> PResult<(Reg, i16)> {
        match self.literal(Field::Imm64)? {
            Value::Interp(interp, at, neg) => {
                self.fixups.push(crate::syntax::parse::Fixup {
                    field: FixField::Off,
                    range: Field::Off16,
                    interp,
                    at,
                    negate: neg != negative,
                });
                Ok((base, 0))
            }
            Value::Const(_) => unreachable!("an interpolation's value is no constant"),
        }
    }

    /// `(rN + off)`
    #[inline(always)]
    pub(super) fn mem(&mut self) -> PResult<(Reg, i16)> {
        self.punct(Code::LParen)?;
        let a = self.addr()?;
        self.punct(Code::RParen)?;
        Ok(a)
    }

    /// `(u32 *)` or `(u64 *)`, the only widths of atomic read-modify-write.
    #[inline(never)]
    fn atomic_cast(&mut self) -> PResult<Width> {
        let t_at = self.i;
        match self.cast()? {
            MemType::U(Size::U32) => Ok(Width::W32),
            MemType::U(Size::U64) => Ok(Width::W64),
            _ => self.err_at(t_at, "atomic operations work on u32 or u64"),
        }
    }

    /// `lock *(u64 *)(r1 + 0) += r2`
    #[inline(never)]
    pub(super) fn lock(&mut self) -> PResult<Insn> {
        self.punct(Code::Star)?;
        let size = self.atomic_cast()?;
        let (dst, off) = self.mem()?;
        let op_at = self.i;
        let op = match self.code() {
            Code::Plus => AtomicOp::Add,
            Code::Pipe => AtomicOp::Or,
            Code::Amp => AtomicOp::And,
            Code::Caret => AtomicOp::Xor,
            _ => {
                return self.err_at(
                    op_at,
                    format!(
                        "expected an atomic operation: +=, |=, &= or ^= (found {})",
                        crate::syntax::parse::describe(&self.tok(op_at))
                    ),
                )
            }
        };
        self.i += 1;
        self.punct(Code::Eq)?;
        let v = self.reg()?;
        if size == Width::W64 && v.width == Width::W32 {
            return self.err_at(
                v.at(),
                format!("a u64 atomic takes a 64-bit register: write `{}`", v.reg),
            );
        }
        // llvm-mc tolerates an rN value in a u32 atomic add only (the same bytes as wN).
        if size == Width::W32 && v.width == Width::W64 && op != AtomicOp::Add {
            return self.err_at(
                v.at(),
                format!(
                    "a u32 atomic takes a 32-bit register: write `{}` (llvm-mc accepts `{}` \
                     with += only)",
                    v.reg.at(Width::W32),
                    v.reg
                ),
            );
        }
        Ok(Insn::Atomic {
            width: size,
            op,
            dst,
            off,
            src: v.reg,
        })
    }

    /// `store_release((u64 *)(r1 + 0), r2)`
    #[inline(never)]
    pub(super) fn store_release(&mut self) -> PResult<Insn> {
        self.punct(Code::LParen)?;
        let size = match self.cast()? {
            MemType::U(s) => s,
            MemType::S(_) => return self.err("store_release takes an unsigned type"),
        };
        let (dst, off) = self.mem()?;
        self.punct(Code::Comma)?;
        let v = self.reg()?;
        self.check_value_width(size, &v)?;
        self.punct(Code::RParen)?;
        Ok(Insn::StoreRelease {
            size,
            dst,
            off,
            src: v.reg,
        })
    }

    #[inline(always)]
    pub(super) fn check_value_width(&self, size: Size, v: &R) -> PResult<()> {
        if size == Size::U64 && v.width == Width::W32 {
            return self.err_at(
                v.at(),
                format!("a u64 value needs a 64-bit register: write `{}`", v.reg),
            );
        }
        Ok(())
    }

    /// `*(u32 *)(r1 + 4) = r2` / `= 5`
    #[inline(always)]
    pub(super) fn store(&mut self) -> PResult<Insn> {
        self.punct(Code::Star)?;
        self.punct(Code::LParen)?;
        let size = self.unsigned_type()?;
        self.punct(Code::Star)?;
        self.punct(Code::RParen)?;
        let (dst, off) = self.mem()?;
        self.punct(Code::Eq)?;
        let src = if self.peek_reg() {
            let v = self.reg()?;
            self.check_value_width(size, &v)?;
            Src::Reg(v.reg)
        } else {
            Src::Imm(self.imm32()?)
        };
        Ok(Insn::Store {
            size,
            dst,
            off,
            src,
        })
    }

    /// After `rN = *`: `(u32 *)(r1 + 4)` or `(u8 *)skb[...]`.
    #[inline(always)]
    pub(super) fn load(&mut self, dst: R) -> PResult<Insn> {
        let t_at = self.i;
        let t = self.cast()?;
        if self.eat(Code::Skb) {
            return self.out_of_line(|p| p.packet_load(dst, t, t_at));
        }
        let (src, off) = self.mem()?;
        match t {
            MemType::U(size) => {
                if size == Size::U64 {
                    self.dst64(&dst, "a u64 load")?;
                }
                Ok(Insn::Load {
                    size,
                    dst: dst.reg,
                    src,
                    off,
                })
            }
            MemType::S(size) => {
                self.dst64(&dst, "a sign-extending load")?;
                Ok(Insn::LoadSx {
                    size,
                    dst: dst.reg,
                    src,
                    off,
                })
            }
        }
    }

    /// `r0 = *(u8 *)skb[5]`, `skb[r1]`, `skb[r1 + 5]`
    #[inline(never)]
    pub(super) fn packet_load(&mut self, dst: R, t: MemType, t_at: usize) -> PResult<Insn> {
        let size = match t {
            MemType::U(s @ (Size::U8 | Size::U16 | Size::U32)) => s,
            _ => return self.err_at(t_at, "legacy packet loads (skb[...]) read u8, u16 or u32"),
        };
        if dst.reg != Reg::R0 || dst.width != Width::W64 {
            return self.err_at(
                dst.at(),
                "legacy packet loads always load into r0: write `r0 = ...`",
            );
        }
        self.punct(Code::LBracket)?;
        let insn = if self.peek_reg() {
            let src = self.reg64("the packet offset register")?;
            let imm = if self.eat(Code::Plus) {
                self.imm32()?
            } else if self.eat(Code::Minus) {
                self.imm32()?.wrapping_neg()
            } else {
                0
            };
            Insn::LdInd {
                size,
                src: src.reg,
                imm,
            }
        } else {
            Insn::LdAbs {
                size,
                imm: self.imm32()?,
            }
        };
        self.punct(Code::RBracket)?;
        Ok(insn)
    }

    /// `r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)`
    #[inline(never)]
    pub(super) fn atomic_fetch(&mut self, dst: R, op: AtomicOp) -> PResult<Insn> {
        self.punct(Code::LParen)?;
        let width = self.atomic_cast()?;
        let (base, off) = self.mem()?;
        self.punct(Code::Comma)?;
        let v = self.reg()?;
        self.punct(Code::RParen)?;
        self.check_fetch_regs(&dst, &v, width)?;
        Ok(Insn::Atomic {
            width,
            op,
            dst: base,
            off,
            src: v.reg,
        })
    }

    #[inline(never)]
    pub(super) fn check_fetch_regs(&self, dst: &R, v: &R, width: Width) -> PResult<()> {
        if v.width != width {
            return self.err_at(
                v.at(),
                format!(
                    "the value register must be {} for a {} operation: write `{}`",
                    if width == Width::W64 {
                        "64-bit"
                    } else {
                        "32-bit"
                    },
                    if width == Width::W64 { "u64" } else { "u32" },
                    v.reg.at(width)
                ),
            );
        }
        if dst.reg != v.reg || dst.width != v.width {
            return self.err_at(
                dst.at(),
                format!(
                    "the old value is written back into the value register: write `{} = ...` with the same register as the value (`{}`)",
                    v.name(),
                    v.name()
                ),
            );
        }
        Ok(())
    }

    /// `r2 = xchg_64(r1 + 0, r2)`
    #[inline(never)]
    pub(super) fn xchg(&mut self, dst: R, wide: bool) -> PResult<Insn> {
        let width = if wide { Width::W64 } else { Width::W32 };
        self.punct(Code::LParen)?;
        let (base, off) = self.addr()?;
        self.punct(Code::Comma)?;
        let v = self.reg()?;
        self.punct(Code::RParen)?;
        self.check_fetch_regs(&dst, &v, width)?;
        Ok(Insn::Atomic {
            width,
            op: AtomicOp::Xchg,
            dst: base,
            off,
            src: v.reg,
        })
    }

    /// `r0 = cmpxchg_64(r1 + 0, r0, r2)`
    #[inline(never)]
    pub(super) fn cmpxchg(&mut self, dst: R, wide: bool) -> PResult<Insn> {
        let width = if wide { Width::W64 } else { Width::W32 };
        let r0 = Reg::R0.at(width);
        let name = if wide { "cmpxchg_64" } else { "cmpxchg32_32" };
        self.punct(Code::LParen)?;
        let (base, off) = self.addr()?;
        self.punct(Code::Comma)?;
        let cmp = self.reg()?;
        self.punct(Code::Comma)?;
        let v = self.reg()?;
        self.punct(Code::RParen)?;
        for r in [&dst, &cmp] {
            if r.reg != Reg::R0 || r.width != width {
                return self.err_at(
                    r.at(),
                    format!(
                        "{name} compares with and returns in {r0}: write `{r0} = {name}({}, {r0}, {})`",
                        crate::print::display::addr_text(base, off),
                        v.reg.at(width)
                    ),
                );
            }
        }
        if v.width != width {
            return self.err_at(
                v.at(),
                format!(
                    "{name} takes a {} value register: write `{}`",
                    if wide { "64-bit" } else { "32-bit" },
                    v.reg.at(width)
                ),
            );
        }
        Ok(Insn::Atomic {
            width,
            op: AtomicOp::CmpXchg,
            dst: base,
            off,
            src: v.reg,
        })
    }

    /// `r0 = load_acquire((u64 *)(r1 + 0))`
    #[inline(never)]
    pub(super) fn load_acquire(&mut self, dst: R) -> PResult<Insn> {
        self.punct(Code::LParen)?;
        let size = match self.cast()? {
            MemType::U(s) => s,
            MemType::S(_) => return self.err("load_acquire takes an unsigned type"),
        };
        let (src, off) = self.mem()?;
        self.punct(Code::RParen)?;
        self.check_value_width(size, &dst)?;
        Ok(Insn::LoadAcquire {
            size,
            dst: dst.reg,
            src,
            off,
        })
    }
}
