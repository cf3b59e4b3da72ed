//! Instruction forms of the grammar: what may follow `if`, `call`, `*`, `rN =`, ...

mod core;
mod jump;
mod memory;

use crate::model::insn::*;
use crate::model::reg::{Reg, Width};
use crate::model::target::*;
use crate::syntax::code::Code;
use crate::syntax::number::{is_local_label_ref, Field};
use crate::syntax::parse::{Cursor, FixField, PResult, ParseError, Spot, Value};

/// `atomic_fetch_add`, `_or`, `_and`, `_xor`, by [`Code::fetch`].
const ATOMIC_FETCH: [AtomicOp; 4] = [
    AtomicOp::FetchAdd,
    AtomicOp::FetchOr,
    AtomicOp::FetchAnd,
    AtomicOp::FetchXor,
];

/// A register operand and how it was spelled.
#[derive(Clone, Copy)]
pub(super) struct R {
    pub(super) reg: Reg,
    pub(super) width: Width,
    /// Its token (an index into the statement).
    tok: u32,
}

impl R {
    /// The register's token (an index into the statement).
    pub(super) fn at(&self) -> usize {
        self.tok as usize
    }

    pub(super) fn name(&self) -> String {
        self.reg.at(self.width).to_string()
    }
}

/// A memory type in `*(u32 *)`: unsigned size or sign-extending size.
#[derive(Clone, Copy)]
pub(super) enum MemType {
    U(Size),
    S(SxSize),
}

/// Registers by [`Code::reg_number`] (11..=15 never occur).
const REGS: [Reg; 16] = [
    Reg::R0,
    Reg::R1,
    Reg::R2,
    Reg::R3,
    Reg::R4,
    Reg::R5,
    Reg::R6,
    Reg::R7,
    Reg::R8,
    Reg::R9,
    Reg::R10,
    Reg::R0,
    Reg::R0,
    Reg::R0,
    Reg::R0,
    Reg::R0,
];

/// True for the code of a word that reads as a register: `r0`..`r10`, `w0`..`w10`, and
/// look-alikes such as `r11` (refused with their own message).
#[inline(always)]
fn reg_like(c: Code) -> bool {
    c.is_reg() || c == Code::BadReg
}

#[cold]
#[inline(never)]
fn mixed(a: &R, b: &R) -> String {
    format!(
        "`{}` and `{}` mix 64-bit (rN) and 32-bit (wN) registers: write both as r (64-bit) or both as w (32-bit)",
        a.name(),
        b.name()
    )
}

impl<'a> Cursor<'_, 'a> {
    #[inline(always)]
    pub(super) fn reg(&mut self) -> PResult<R> {
        self.reg_coded(self.code())
    }

    /// The register at the cursor, whose code is `c` (its own, or the code of its lowercase
    /// spelling for a capitalised first word).
    #[inline(always)]
    fn reg_coded(&mut self, c: Code) -> PResult<R> {
        if c.is_reg() {
            let at = self.i;
            self.i += 1;
            let width = if c.is_reg32() { Width::W32 } else { Width::W64 };
            return Ok(R {
                reg: REGS[c.reg_number()],
                width,
                tok: at as u32,
            });
        }
        Err(not_a_reg(self.spot(), c == Code::BadReg, self.text()))
    }

    #[inline(always)]
    pub(super) fn reg64(&mut self, role: &str) -> PResult<R> {
        let r = self.reg()?;
        if r.width == Width::W32 {
            return self.err_at(
                r.at(),
                format!("{role} must be a 64-bit register: write `{}`", r.reg),
            );
        }
        Ok(r)
    }

    #[inline(always)]
    pub(super) fn peek_reg(&self) -> bool {
        reg_like(self.code())
    }

    #[inline(always)]
    pub(super) fn imm32(&mut self) -> PResult<i32> {
        Ok(self.number(Field::Imm32, FixField::Imm)? as i64 as i32)
    }

    /// A register or a 32-bit immediate; a register must match `like`'s width.
    #[inline(always)]
    fn src(&mut self, like: &R) -> PResult<Src> {
        match self.code() {
            c if reg_like(c) => {
                let r = self.reg()?;
                if r.width != like.width {
                    return self.err_at(r.at(), mixed(like, &r));
                }
                Ok(Src::Reg(r.reg))
            }
            Code::Number | Code::Interp | Code::Minus | Code::Plus | Code::LParen | Code::Tilde => {
                Ok(Src::Imm(self.imm32()?))
            }
            // `offsetof(...)`, or a misspelt one: the CO-RE parser explains.
            Code::Ident if self.code_at(1) == Code::LParen => Ok(Src::Imm(self.imm32()?)),
            _ => self.expected("a register or an immediate"),
        }
    }

    #[inline(always)]
    pub(crate) fn instruction(&mut self) -> PResult<Insn> {
        let c = self.code();
        if !c.is_word() {
            if c == Code::Star {
                return self.store();
            }
            return self.expected("an instruction");
        }
        self.statement(c)
    }

    /// The statement whose first word, at the cursor, has code `c`.
    #[inline(always)]
    fn statement(&mut self, c: Code) -> PResult<Insn> {
        let first = self.i;
        if reg_like(c) {
            return self.reg_statement(c);
        }
        self.i += 1;
        match c {
            Code::If => self.cond_jump(),
            Code::Goto => Ok(Insn::Ja {
                target: self.target16("; use `gotol` for a longer jump")?,
            }),
            Code::Gotol => Ok(Insn::JaLong {
                target: self.target(Field::Signed32)?,
            }),
            Code::MayGoto => Ok(Insn::MayGoto {
                target: self.target16("")?,
            }),
            Code::Call => self.call(),
            Code::Callx => Ok(Insn::CallX {
                dst: self.reg64("callx's operand")?.reg,
            }),
            Code::Exit => Ok(Insn::Exit),
            Code::Lock => self.out_of_line(|c| c.lock()),
            Code::StoreRelease => self.out_of_line(|c| c.store_release()),
            Code::LdPseudo => self.out_of_line(|c| c.ld_pseudo()),
            Code::Ident => self.out_of_line(|c| c.capitalized(first)),
            _ => self.err_at(first, unknown_instruction(self.text_of(first))),
        }
    }

    /// A statement whose first word (token `first`) is no keyword as written: in capitals
    /// (`EXIT`, `R1 = 1`), llvm-mc reads a first word in any case; other words keep theirs.
    #[inline(never)]
    fn capitalized(&mut self, first: usize) -> PResult<Insn> {
        let word = self.text_of(first);
        let lower = word.to_ascii_lowercase();
        let c = crate::syntax::code::word_code(lower.as_bytes());
        if lower == word || c == Code::Ident {
            return self.err_at(first, unknown_instruction(word));
        }
        self.i = first;
        self.statement_slow(c)
    }

    /// [`Cursor::statement`], out of line (for [`Cursor::capitalized`]).
    #[inline(never)]
    fn statement_slow(&mut self, c: Code) -> PResult<Insn> {
        self.statement(c)
    }

    /// `ld_pseudo r1, SRC, IMM [, IMM2]`
    #[inline(never)]
    fn ld_pseudo(&mut self) -> PResult<Insn> {
        let dst = self.reg64("ld_pseudo's destination")?;
        self.punct(Code::Comma)?;
        let src_at = self.i;
        let src = self.imm32()?;
        self.punct(Code::Comma)?;
        let imm = self.imm32()?;
        let next = if self.eat(Code::Comma) {
            self.imm32()?
        } else {
            0
        };
        let no_next = |what: &str| -> PResult<()> {
            if next != 0 {
                self.err_at(
                    src_at,
                    format!("{what} has no second immediate: drop the last operand"),
                )
            } else {
                Ok(())
            }
        };
        let imm = match src {
            0 => Imm64::Const(((next as u32 as u64) << 32 | imm as u32 as u64) as i64),
            1 => {
                no_next("a map fd load (1)")?;
                Imm64::MapFd(imm)
            }
            2 => Imm64::MapValue {
                fd: imm,
                offset: next,
            },
            3 => Imm64::BtfId {
                id: imm,
                module: next,
            },
            4 => {
                no_next("a function address load (4)")?;
                Imm64::Func(Target::Offset(imm))
            }
            5 => {
                no_next("a map index load (5)")?;
                Imm64::MapIdx(imm)
            }
            6 => Imm64::MapIdxValue {
                index: imm,
                offset: next,
            },
            _ => {
                return self.err_at(
                    src_at,
                    format!("ld_pseudo source {src} is not one of 0..=6 (BPF_PSEUDO_*)"),
                )
            }
        };
        Ok(Insn::LdImm64 { dst: dst.reg, imm })
    }

    /// Everything that starts with a register, whose code is `c`: `rN OP= src`, `rN = ...`.
    #[inline(always)]
    fn reg_statement(&mut self, c: Code) -> PResult<Insn> {
        let dst = self.reg_coded(c)?;
        let op_at = self.i;
        let signed = self.eat(Code::S);
        let mut ops = [Code::Other; 2];
        let mut n = 0;
        while let c @ (Code::Plus
        | Code::Minus
        | Code::Star
        | Code::Slash
        | Code::Percent
        | Code::Pipe
        | Code::Amp
        | Code::Caret
        | Code::Lt
        | Code::Gt) = self.code()
        {
            if n == 2 {
                break;
            }
            ops[n] = c;
            n += 1;
            self.i += 1;
        }
        if !self.eat(Code::Eq) {
            return self.err_at(op_at, "expected an assignment: =, +=, -=, *=, /=, s/=, %=, s%=, |=, &=, ^=, <<=, >>= or s>>=");
        }
        let op = match (signed, &ops[..n]) {
            (false, []) => return self.assignment(dst),
            (false, [Code::Plus]) => AluOp::Add,
            (false, [Code::Minus]) => AluOp::Sub,
            (false, [Code::Star]) => AluOp::Mul,
            (false, [Code::Slash]) => AluOp::Div,
            (false, [Code::Percent]) => AluOp::Mod,
            (false, [Code::Pipe]) => AluOp::Or,
            (false, [Code::Amp]) => AluOp::And,
            (false, [Code::Caret]) => AluOp::Xor,
            (false, [Code::Lt, Code::Lt]) => AluOp::Lsh,
            (false, [Code::Gt, Code::Gt]) => AluOp::Rsh,
            (true, [Code::Gt, Code::Gt]) => AluOp::Arsh,
            (true, [Code::Slash]) => AluOp::SDiv,
            (true, [Code::Percent]) => AluOp::SMod,
            _ => return self.err_at(op_at, "unknown assignment operator: use =, +=, -=, *=, /=, s/=, %=, s%=, |=, &=, ^=, <<=, >>= or s>>="),
        };
        let src = self.src(&dst)?;
        Ok(Insn::Alu {
            width: dst.width,
            op,
            dst: dst.reg,
            src,
        })
    }

    /// After `rN =`.
    #[inline(always)]
    fn assignment(&mut self, dst: R) -> PResult<Insn> {
        let at = self.i;
        match self.code() {
            c if reg_like(c) => {
                let src = self.reg()?;
                if src.width != dst.width {
                    return self.err_at(src.at(), mixed(&dst, &src));
                }
                Ok(Insn::Alu {
                    width: dst.width,
                    op: AluOp::Mov,
                    dst: dst.reg,
                    src: Src::Reg(src.reg),
                })
            }
            _ if self.at_core() => self.out_of_line(|p| p.core_immediate(dst)),
            c if c.is_word() => {
                self.i += 1;
                if let Some(kind) = c.swap() {
                    return self.out_of_line(|p| p.endian(dst, kind, at));
                }
                if let Some(op) = c.fetch() {
                    return self.out_of_line(|p| p.atomic_fetch(dst, ATOMIC_FETCH[op]));
                }
                match c {
                    Code::AddrSpaceCast => self.out_of_line(|p| p.addr_space_cast(dst)),
                    Code::Xchg64 | Code::Xchg32_32 => {
                        self.out_of_line(|p| p.xchg(dst, c == Code::Xchg64))
                    }
                    Code::Cmpxchg64 | Code::Cmpxchg32_32 => {
                        self.out_of_line(|p| p.cmpxchg(dst, c == Code::Cmpxchg64))
                    }
                    Code::LoadAcquire => self.out_of_line(|p| p.load_acquire(dst)),
                    _ => self.out_of_line(|p| p.symbol_load(dst, at)),
                }
            }
            Code::Minus if self.code_at(1).is_word() => {
                self.i += 1;
                let src = self.reg()?;
                if src.reg != dst.reg || src.width != dst.width {
                    return self.err_at(
                        src.at(),
                        format!("negation works in place: write `{0} = -{0}`", dst.name()),
                    );
                }
                Ok(Insn::Neg {
                    width: dst.width,
                    dst: dst.reg,
                })
            }
            Code::LParen if self.code_at(1).is_word() => self.out_of_line(|p| p.movsx(dst)),
            Code::Star => {
                self.i += 1;
                self.load(dst)
            }
            // A quoted symbol: a map whose name is not a word (`".rodata.str1.1" ll`).
            Code::Str if self.code_at(1) == Code::Ll => {
                self.i += 1;
                self.out_of_line(|p| p.quoted_symbol_load(dst, at))
            }
            Code::Number
                if self.code_at(1) == Code::Ll
                    && is_local_label_ref(self.b.number_bytes(self.i)) =>
            {
                self.i += 1;
                self.out_of_line(|p| p.symbol_load(dst, at))
            }
            Code::Number | Code::Interp | Code::Minus | Code::Plus | Code::LParen | Code::Tilde => {
                self.immediate(dst)
            }
            _ => self.expected("a register, a number or a memory operand"),
        }
    }

    /// After `rN = name` (`at` is the name's token): `name ll`, or an error.
    #[inline(never)]
    fn symbol_load(&mut self, dst: R, at: usize) -> PResult<Insn> {
        let word = self.text_of(at);
        if ["le", "be", "bswap"].iter().any(|p| {
            word.strip_prefix(p)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
        }) {
            return self.err_at(
                at,
                format!(
                    "`{word}`: byte swaps work on 16, 32 or 64 bits \
                     (le16, le32, le64, be16, be32, be64, bswap16, bswap32, bswap64)"
                ),
            );
        }
        if self.eat(Code::Ll) {
            self.label_at = Some(at);
            self.dst64(&dst, "a 64-bit load")?;
            // Without names, 0 until the consumer resolves `label_at` (see `label_target`).
            let imm = match self.names {
                true => Imm64::Symbol(Label::from(word)),
                false => Imm64::Const(0),
            };
            return Ok(Insn::LdImm64 { dst: dst.reg, imm });
        }
        let hint = crate::syntax::parse::case_hint(&self.tok(at));
        if !hint.is_empty() {
            return self.err_at(at, format!("unknown operand `{word}`{hint}"));
        }
        self.err_at(
            at,
            format!(
                "unknown operand `{word}`: for a map or symbol reference write `{} = {word} ll`",
                dst.reg
            ),
        )
    }

    /// After `rN = "name"` (`at` is the string's token), `ll` next: the symbol `name`,
    /// which must be non-empty and hold no `\\` or `"`.
    #[inline(never)]
    fn quoted_symbol_load(&mut self, dst: R, at: usize) -> PResult<Insn> {
        let word = self.text_of(at);
        if word.is_empty() || word.contains('\\') {
            return self.err_at(
                at,
                "a quoted symbol must be a non-empty name without `\\`, e.g. \
                 `r1 = \".rodata.str1.1\" ll`",
            );
        }
        self.eat(Code::Ll);
        self.label_at = Some(at);
        self.dst64(&dst, "a 64-bit load")?;
        Ok(Insn::LdImm64 {
            dst: dst.reg,
            imm: Imm64::Symbol(Label::from(word)),
        })
    }

    #[inline(always)]
    pub(super) fn dst64(&self, dst: &R, what: &str) -> PResult<()> {
        if dst.width == Width::W32 {
            return self.err_at(
                dst.at(),
                format!("{what} needs a 64-bit destination: write `{}`", dst.reg),
            );
        }
        Ok(())
    }

    /// `rN = offsetof(T, f)` or `rN = sizeof(T) ll`
    #[inline(never)]
    fn core_immediate(&mut self, dst: R) -> PResult<Insn> {
        self.core_field(Field::Imm32, FixField::Imm)?;
        if self.eat(Code::Ll) {
            self.dst64(&dst, "`ll` (a 64-bit immediate load)")?;
            if let Some(last) = self.core.last_mut() {
                last.field = FixField::Imm64;
            }
            return Ok(Insn::LdImm64 {
                dst: dst.reg,
                imm: Imm64::Const(0),
            });
        }
        Ok(Insn::Alu {
            width: dst.width,
            op: AluOp::Mov,
            dst: dst.reg,
            src: Src::Imm(0),
        })
    }

    /// `rN = 5` or `rN = 5 ll`
    #[inline(always)]
    fn immediate(&mut self, dst: R) -> PResult<Insn> {
        let start = self.i;
        let v = self.literal(Field::Imm64)?;
        let wide = self.eat(Code::Ll);
        if wide {
            self.dst64(&dst, "`ll` (a 64-bit immediate load)")?;
        }
        let (field, fix) = if wide {
            (Field::Imm64, FixField::Imm64)
        } else {
            (Field::Imm32, FixField::Imm)
        };
        let value = match v {
            Value::Const(v) => match field.check(v) {
                Ok(v) => v,
                Err(m) => {
                    let hint = if wide {
                        String::new()
                    } else {
                        format!("; for a 64-bit value write `{} = {v} ll`", dst.reg)
                    };
                    return self.err_at(start, format!("{m}{hint}"));
                }
            },
            Value::Interp(interp, at, negate) => {
                self.fixups.push(crate::syntax::parse::Fixup {
                    field: fix,
                    range: field,
                    interp,
                    at,
                    negate,
                });
                0
            }
        };
        Ok(if wide {
            Insn::LdImm64 {
                dst: dst.reg,
                imm: Imm64::Const(value as i64),
            }
        } else {
            Insn::Alu {
                width: dst.width,
                op: AluOp::Mov,
                dst: dst.reg,
                src: Src::Imm(value as i64 as i32),
            }
        })
    }

    /// `rN = le16 rN`, ...: `kind` is the word's [`Code::swap`], its token `at`.
    #[inline(never)]
    fn endian(&mut self, dst: R, kind: u8, at: usize) -> PResult<Insn> {
        let order = match kind / 3 {
            0 => ByteOrder::Le,
            1 => ByteOrder::Be,
            _ => ByteOrder::Swap,
        };
        let bits = match kind % 3 {
            0 => SwapBits::B16,
            1 => SwapBits::B32,
            _ => SwapBits::B64,
        };
        self.dst64(&dst, "a byte swap")?;
        let src = self.reg()?;
        if src.reg != dst.reg || src.width != Width::W64 {
            return self.err_at(
                src.at(),
                format!(
                    "byte swaps work in place: write `{0} = {1} {0}`",
                    dst.reg,
                    self.text_of(at)
                ),
            );
        }
        Ok(Insn::Endian {
            order,
            bits,
            dst: dst.reg,
        })
    }

    #[inline(never)]
    fn addr_space_cast(&mut self, dst: R) -> PResult<Insn> {
        self.dst64(&dst, "addr_space_cast")?;
        self.punct(Code::LParen)?;
        let src = self.reg64("addr_space_cast's source")?;
        self.punct(Code::Comma)?;
        let dst_as = self.u16_literal()?;
        self.punct(Code::Comma)?;
        let src_as = self.u16_literal()?;
        self.punct(Code::RParen)?;
        Ok(Insn::AddrSpaceCast {
            dst: dst.reg,
            src: src.reg,
            dst_as,
            src_as,
        })
    }

    #[inline(never)]
    fn u16_literal(&mut self) -> PResult<u16> {
        match self.literal(Field::U16)? {
            Value::Const(v) => Ok(v as u16),
            Value::Interp(..) => self.err("address spaces are literal numbers"),
        }
    }

    /// `rN = (s8)rM`
    #[inline(never)]
    fn movsx(&mut self, dst: R) -> PResult<Insn> {
        self.punct(Code::LParen)?;
        let t_at = self.i;
        let from = match self.mem_type()? {
            MemType::S(s) => s,
            MemType::U(_) => return self.err_at(
                t_at,
                "a cast move sign-extends: write (s8), (s16) or (s32); a plain move is `rN = rM`",
            ),
        };
        self.punct(Code::RParen)?;
        let src = self.reg()?;
        if src.width != dst.width {
            return self.err_at(src.at(), mixed(&dst, &src));
        }
        if from == SxSize::S32 && dst.width == Width::W32 {
            return self.err_at(
                t_at,
                format!(
                    "32-bit registers sign-extend from s8 or s16 only; to copy 32 bits write `{} = {}`",
                    dst.name(),
                    src.name()
                ),
            );
        }
        Ok(Insn::MovSx {
            width: dst.width,
            dst: dst.reg,
            src: src.reg,
            from,
        })
    }
}

#[cold]
#[inline(never)]
fn not_a_reg(at: Spot<'_, '_>, bad: bool, text: &str) -> Box<ParseError> {
    if bad {
        return at.err(
            at.i,
            format!(
                "register `{text}` does not exist: registers are r0..r10 (w0..w10 for 32 bits)"
            ),
        );
    }
    at.expected("a register (r0..r10 or w0..w10)")
}

/// The message for a word that is no instruction; mnemonics of other eBPF assembly
/// dialects get the LLVM spelling.
fn unknown_instruction(word: &str) -> String {
    let llvm = match word.to_ascii_lowercase().as_str() {
        "mov" | "mov64" | "mov32" => "`r1 = r2`, `r1 = 5` (`w1 = ...` for 32 bits)",
        "add" | "add64" | "add32" | "sub" | "sub64" | "sub32" | "mul" | "mul64" | "div" | "or"
        | "and" | "xor" | "lsh" | "rsh" | "arsh" | "mod" => {
            "`r1 += r2`, `r1 -= 5`, `r1 *= r2`, ... (`w1 += ...` for 32 bits)"
        }
        "neg" | "neg64" | "neg32" => "`r1 = -r1`",
        "ldxb" | "ldxh" | "ldxw" | "ldxdw" => "`r1 = *(u32 *)(r2 + 8)`",
        "stxb" | "stxh" | "stxw" | "stxdw" => "`*(u32 *)(r1 + 8) = r2`",
        "stb" | "sth" | "stw" | "stdw" => "`*(u32 *)(r1 + 8) = 5`",
        "lddw" => "`r1 = 0x123456789 ll`",
        "ja" | "jmp" => "`goto +3` or `goto label`",
        "jeq" | "jne" | "jgt" | "jge" | "jlt" | "jle" | "jset" | "jsgt" | "jsge" | "jslt"
        | "jsle" => "`if r1 == r2 goto +3` (== != > >= < <= & s> s>= s< s<=)",
        "ldabsb" | "ldabsh" | "ldabsw" | "ldindb" | "ldindh" | "ldindw" => {
            "`r0 = *(u8 *)skb[12]` or `r0 = *(u16 *)skb[r1]`"
        }
        "ret" | "return" => "`exit` (it returns r0)",
        _ => return format!("unknown instruction `{word}`"),
    };
    format!("unknown instruction `{word}`: this assembler reads LLVM's syntax, where it is written {llvm}")
}
