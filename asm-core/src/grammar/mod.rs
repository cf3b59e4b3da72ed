//! Instruction forms of the grammar: what may follow `if`, `call`, `*`, `rN =`, ...

mod memory;

use crate::helpers::helper_id;
use crate::insn::*;
use crate::number::Field;
use crate::parse::{Cursor, FixField, PResult, Value};
use crate::reg::{Reg, Width};
use crate::token::{Token, TokenKind};

/// A register operand and how it was spelled.
#[derive(Clone, Copy)]
pub(super) struct R<'a> {
    pub(super) reg: Reg,
    pub(super) width: Width,
    pub(super) at: Token<'a>,
}

impl R<'_> {
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

/// Parses `r0`..`r10` / `w0`..`w10`.
fn reg_name(s: &str) -> Option<(Reg, Width)> {
    let b = s.as_bytes();
    let width = match b.first()? {
        b'r' => Width::W64,
        b'w' => Width::W32,
        _ => return None,
    };
    let n = match &b[1..] {
        [d @ b'0'..=b'9'] => d - b'0',
        [b'1', b'0'] => 10,
        _ => return None,
    };
    Some((Reg::from_index(n)?, width))
}

/// `r11`, `w15`, `r99`: looks like a register but is not one.
fn bad_reg_name(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && (b[0] == b'r' || b[0] == b'w') && b[1..].iter().all(u8::is_ascii_digit)
}

fn mixed(a: &R<'_>, b: &R<'_>) -> String {
    format!(
        "`{}` and `{}` mix 64-bit (rN) and 32-bit (wN) registers: write both as r (64-bit) or both as w (32-bit)",
        a.name(),
        b.name()
    )
}

const ATOMIC_FETCH: [(&str, AtomicOp); 4] = [
    ("atomic_fetch_add", AtomicOp::FetchAdd),
    ("atomic_fetch_or", AtomicOp::FetchOr),
    ("atomic_fetch_and", AtomicOp::FetchAnd),
    ("atomic_fetch_xor", AtomicOp::FetchXor),
];

impl<'a> Cursor<'_, 'a> {
    pub(super) fn reg(&mut self) -> PResult<R<'a>> {
        let at = self.here();
        if let TokenKind::Ident(s) = at.kind {
            if let Some((reg, width)) = reg_name(s) {
                self.i += 1;
                return Ok(R { reg, width, at });
            }
            if bad_reg_name(s) {
                return self.err(format!(
                    "register `{s}` does not exist: registers are r0..r10 (w0..w10 for 32 bits)"
                ));
            }
        }
        self.expected("a register (r0..r10 or w0..w10)")
    }

    pub(super) fn reg64(&mut self, role: &str) -> PResult<R<'a>> {
        let r = self.reg()?;
        if r.width == Width::W32 {
            return self.err_at(
                r.at,
                format!("{role} must be a 64-bit register: write `{}`", r.reg),
            );
        }
        Ok(r)
    }

    pub(super) fn peek_reg(&self) -> bool {
        matches!(self.peek(), Some(TokenKind::Ident(s)) if reg_name(s).is_some() || bad_reg_name(s))
    }

    pub(super) fn imm32(&mut self) -> PResult<i32> {
        Ok(self.number(Field::Imm32, FixField::Imm)? as i64 as i32)
    }

    /// A register or a 32-bit immediate; a register must match `like`'s width.
    fn src(&mut self, like: &R<'a>) -> PResult<Src> {
        if self.peek_reg() {
            let r = self.reg()?;
            if r.width != like.width {
                return self.err_at(r.at, mixed(like, &r));
            }
            Ok(Src::Reg(r.reg))
        } else if matches!(
            self.peek(),
            Some(TokenKind::Number(_) | TokenKind::Interp(_) | TokenKind::Punct('-' | '+'))
        ) {
            Ok(Src::Imm(self.imm32()?))
        } else {
            self.expected("a register or an immediate")
        }
    }

    /// A 16-bit jump target; `hint` is added to an offset that does not fit.
    fn target16(&mut self, hint: &str) -> PResult<Target<i16>> {
        let t = self.target(Field::Off16).map_err(|mut e| {
            if e.message.contains("does not fit") {
                e.message.push_str(hint);
            }
            e
        })?;
        Ok(match t {
            Target::Offset(o) => Target::Offset(o as i16),
            Target::Label(l) => Target::Label(l),
        })
    }

    /// A label, `+N`/`-N`/`N`, or the verifier's `pc+N`.
    fn target(&mut self, field: Field) -> PResult<Target<i32>> {
        match self.peek() {
            Some(TokenKind::Ident("pc"))
                if matches!(self.peek_at(1), Some(TokenKind::Punct('+' | '-'))) =>
            {
                self.i += 1;
            }
            Some(TokenKind::Ident(name)) => {
                if self.peek_reg() {
                    return self.expected("a label or an offset");
                }
                self.label_at = Some(self.here());
                self.i += 1;
                return Ok(Target::Label(Label::from(name)));
            }
            _ => {}
        }
        match self.literal(field)? {
            Value::Const(v) => Ok(Target::Offset(v as i32)),
            Value::Interp(..) => {
                self.err("jump targets are labels or literal offsets, not interpolations")
            }
        }
    }

    pub(crate) fn instruction(&mut self) -> PResult<Insn> {
        let first = self.here();
        let TokenKind::Ident(word) = first.kind else {
            if first.kind == TokenKind::Punct('*') {
                return self.store();
            }
            return self.expected("an instruction");
        };
        if self.peek_reg() {
            return self.reg_statement();
        }
        self.i += 1;
        match word {
            "if" => self.cond_jump(),
            "goto" => Ok(Insn::Ja {
                target: self.target16("; use `gotol` for a longer jump")?,
            }),
            "gotol" => Ok(Insn::JaLong {
                target: self.target(Field::Signed32)?,
            }),
            "may_goto" => Ok(Insn::MayGoto {
                target: self.target16("")?,
            }),
            "call" => self.call(),
            "callx" => Ok(Insn::CallX {
                dst: self.reg64("callx's operand")?.reg,
            }),
            "exit" => Ok(Insn::Exit),
            "lock" => self.lock(),
            "store_release" => self.store_release(),
            "ld_pseudo" => self.ld_pseudo(),
            _ => self.err_at(first, unknown_instruction(word)),
        }
    }

    fn cond_jump(&mut self) -> PResult<Insn> {
        let dst = self.reg()?;
        let op_at = self.here();
        let signed = self.eat_ident("s");
        let cond = match (signed, self.peek()) {
            (false, Some(TokenKind::Punct('='))) => {
                self.i += 1;
                if self.eat_punct('=') {
                    Ok(JmpCond::Eq)
                } else {
                    self.err_at(op_at, "a comparison for equality is written `==`")
                }
            }
            (false, Some(TokenKind::Punct('!'))) => {
                self.i += 1;
                self.punct('=').map(|_| JmpCond::Ne)
            }
            (false, Some(TokenKind::Punct('&'))) => {
                self.i += 1;
                Ok(JmpCond::Set)
            }
            (_, Some(TokenKind::Punct(c @ ('<' | '>')))) => {
                self.i += 1;
                let eq = self.eat_punct('=');
                Ok(match (signed, c, eq) {
                    (false, '>', false) => JmpCond::Gt,
                    (false, '>', true) => JmpCond::Ge,
                    (false, _, false) => JmpCond::Lt,
                    (false, _, true) => JmpCond::Le,
                    (true, '>', false) => JmpCond::SGt,
                    (true, '>', true) => JmpCond::SGe,
                    (true, _, false) => JmpCond::SLt,
                    (true, _, true) => JmpCond::SLe,
                })
            }
            _ => self.err_at(
                op_at,
                "expected a condition: ==, !=, >, >=, <, <=, s>, s>=, s<, s<= or &",
            ),
        }?;
        let src = self.src(&dst)?;
        self.keyword("goto")?;
        let target = self.target16(
            "; for a longer conditional jump, invert the condition and jump over a `gotol`",
        )?;
        Ok(Insn::Jump {
            width: dst.width,
            cond,
            dst: dst.reg,
            src,
            target,
        })
    }

    fn call(&mut self) -> PResult<Insn> {
        match self.peek() {
            Some(TokenKind::Ident("pc")) => {
                self.i += 1;
                match self.literal(Field::Signed32)? {
                    Value::Const(v) => Ok(Insn::Call(Call::Local(Target::Offset(v as i32)))),
                    Value::Interp(..) => self.err("`call pc+N` takes a literal offset"),
                }
            }
            Some(TokenKind::Ident("kfunc")) if self.peek_at(1) == Some(TokenKind::Punct('(')) => {
                self.i += 2;
                let btf_id = self.imm32()?;
                let module = if self.eat_punct(',') {
                    self.number(Field::Off16, FixField::Off)? as i16
                } else {
                    0
                };
                self.punct(')')?;
                Ok(Insn::Call(Call::Kfunc { btf_id, module }))
            }
            Some(TokenKind::Ident(name)) => {
                let at = self.here();
                self.i += 1;
                Ok(Insn::Call(match helper_id(name) {
                    Some(id) => Call::Helper(id),
                    None => {
                        self.label_at = Some(at);
                        Call::Local(Target::Label(Label::from(name)))
                    }
                }))
            }
            _ => Ok(Insn::Call(Call::Helper(self.imm32()?))),
        }
    }

    /// `ld_pseudo r1, SRC, IMM [, IMM2]`
    fn ld_pseudo(&mut self) -> PResult<Insn> {
        let dst = self.reg64("ld_pseudo's destination")?;
        self.punct(',')?;
        let src_at = self.here();
        let src = self.imm32()?;
        self.punct(',')?;
        let imm = self.imm32()?;
        let next = if self.eat_punct(',') {
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

    /// Everything that starts with a register: `rN OP= src`, `rN = ...`.
    fn reg_statement(&mut self) -> PResult<Insn> {
        let dst = self.reg()?;
        let op_at = self.here();
        let signed = self.eat_ident("s");
        let mut ops = [' '; 3];
        let mut n = 0;
        while let Some(TokenKind::Punct(
            c @ ('+' | '-' | '*' | '/' | '%' | '|' | '&' | '^' | '<' | '>'),
        )) = self.peek()
        {
            if n == 2 {
                break;
            }
            ops[n] = c;
            n += 1;
            self.i += 1;
        }
        if !self.eat_punct('=') {
            return self.err_at(op_at, "expected an assignment: =, +=, -=, *=, /=, s/=, %=, s%=, |=, &=, ^=, <<=, >>= or s>>=");
        }
        let op = match (signed, &ops[..n]) {
            (false, []) => return self.assignment(dst),
            (false, ['+']) => AluOp::Add,
            (false, ['-']) => AluOp::Sub,
            (false, ['*']) => AluOp::Mul,
            (false, ['/']) => AluOp::Div,
            (false, ['%']) => AluOp::Mod,
            (false, ['|']) => AluOp::Or,
            (false, ['&']) => AluOp::And,
            (false, ['^']) => AluOp::Xor,
            (false, ['<', '<']) => AluOp::Lsh,
            (false, ['>', '>']) => AluOp::Rsh,
            (true, ['>', '>']) => AluOp::Arsh,
            (true, ['/']) => AluOp::SDiv,
            (true, ['%']) => AluOp::SMod,
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
    fn assignment(&mut self, dst: R<'a>) -> PResult<Insn> {
        let at = self.here();
        match at.kind {
            TokenKind::Ident(word) if !self.peek_reg() => {
                self.i += 1;
                match word {
                    "le16" | "le32" | "le64" | "be16" | "be32" | "be64" | "bswap16" | "bswap32"
                    | "bswap64" => self.endian(dst, word),
                    "addr_space_cast" => self.addr_space_cast(dst),
                    w if ["le", "be", "bswap"].iter().any(|p| {
                        w.strip_prefix(p)
                            .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
                    }) =>
                    {
                        self.err_at(
                            at,
                            format!(
                                "`{w}`: byte swaps work on 16, 32 or 64 bits \
                                 (le16, le32, le64, be16, be32, be64, bswap16, bswap32, bswap64)"
                            ),
                        )
                    }
                    "xchg_64" | "xchg32_32" => self.xchg(dst, word == "xchg_64"),
                    "cmpxchg_64" | "cmpxchg32_32" => self.cmpxchg(dst, word == "cmpxchg_64"),
                    "load_acquire" => self.load_acquire(dst),
                    _ => {
                        if let Some((_, op)) = ATOMIC_FETCH.iter().find(|(n, _)| *n == word) {
                            return self.atomic_fetch(dst, *op);
                        }
                        if self.eat_ident("ll") {
                            self.label_at = Some(at);
                            self.dst64(&dst, "a 64-bit load")?;
                            return Ok(Insn::LdImm64 {
                                dst: dst.reg,
                                imm: Imm64::Symbol(Label::from(word)),
                            });
                        }
                        self.err_at(
                            at,
                            format!(
                                "unknown operand `{word}`: for a map or symbol reference write `{} = {word} ll`",
                                dst.reg
                            ),
                        )
                    }
                }
            }
            TokenKind::Ident(_) => {
                let src = self.reg()?;
                if src.width != dst.width {
                    return self.err_at(src.at, mixed(&dst, &src));
                }
                Ok(Insn::Alu {
                    width: dst.width,
                    op: AluOp::Mov,
                    dst: dst.reg,
                    src: Src::Reg(src.reg),
                })
            }
            TokenKind::Punct('-') if matches!(self.peek_at(1), Some(TokenKind::Ident(_))) => {
                self.i += 1;
                let src = self.reg()?;
                if src.reg != dst.reg || src.width != dst.width {
                    return self.err_at(
                        src.at,
                        format!("negation works in place: write `{0} = -{0}`", dst.name()),
                    );
                }
                Ok(Insn::Neg {
                    width: dst.width,
                    dst: dst.reg,
                })
            }
            TokenKind::Punct('(') => self.movsx(dst),
            TokenKind::Punct('*') => {
                self.i += 1;
                self.load(dst)
            }
            TokenKind::Number(_) | TokenKind::Interp(_) | TokenKind::Punct('-' | '+') => {
                self.immediate(dst)
            }
            _ => self.expected("a register, a number or a memory operand"),
        }
    }

    pub(super) fn dst64(&self, dst: &R<'a>, what: &str) -> PResult<()> {
        if dst.width == Width::W32 {
            return self.err_at(
                dst.at,
                format!("{what} needs a 64-bit destination: write `{}`", dst.reg),
            );
        }
        Ok(())
    }

    /// `rN = 5` or `rN = 5 ll`
    fn immediate(&mut self, dst: R<'a>) -> PResult<Insn> {
        let start = self.here();
        let v = self.literal(Field::Imm64)?;
        let wide = self.eat_ident("ll");
        if wide {
            self.dst64(&dst, "`ll` (a 64-bit immediate load)")?;
        }
        let (field, fix) = if wide {
            (Field::Imm64, FixField::Imm64)
        } else {
            (Field::Imm32, FixField::Imm)
        };
        let value = match v {
            Value::Const(v) => field.check(v).map_err(|m| {
                let hint = if wide {
                    String::new()
                } else {
                    format!("; for a 64-bit value write `{} = {v} ll`", dst.reg)
                };
                crate::parse::ParseError {
                    line: start.line,
                    column: start.column,
                    index: start.index,
                    message: format!("{m}{hint}"),
                }
            })?,
            Value::Interp(interp, at, negate) => {
                self.fixups.push(crate::parse::Fixup {
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

    fn endian(&mut self, dst: R<'a>, word: &str) -> PResult<Insn> {
        let (order, bits) = word.split_at(word.len() - 2);
        let order = match order {
            "le" => ByteOrder::Le,
            "be" => ByteOrder::Be,
            _ => ByteOrder::Swap,
        };
        let bits = match bits {
            "16" => SwapBits::B16,
            "32" => SwapBits::B32,
            _ => SwapBits::B64,
        };
        self.dst64(&dst, "a byte swap")?;
        let src = self.reg()?;
        if src.reg != dst.reg || src.width != Width::W64 {
            return self.err_at(
                src.at,
                format!(
                    "byte swaps work in place: write `{0} = {word} {0}`",
                    dst.reg
                ),
            );
        }
        Ok(Insn::Endian {
            order,
            bits,
            dst: dst.reg,
        })
    }

    fn addr_space_cast(&mut self, dst: R<'a>) -> PResult<Insn> {
        self.dst64(&dst, "addr_space_cast")?;
        self.punct('(')?;
        let src = self.reg64("addr_space_cast's source")?;
        self.punct(',')?;
        let dst_as = self.u16_literal()?;
        self.punct(',')?;
        let src_as = self.u16_literal()?;
        self.punct(')')?;
        Ok(Insn::AddrSpaceCast {
            dst: dst.reg,
            src: src.reg,
            dst_as,
            src_as,
        })
    }

    fn u16_literal(&mut self) -> PResult<u16> {
        match self.literal(Field::U16)? {
            Value::Const(v) => Ok(v as u16),
            Value::Interp(..) => self.err("address spaces are literal numbers"),
        }
    }

    /// `rN = (s8)rM`
    fn movsx(&mut self, dst: R<'a>) -> PResult<Insn> {
        self.punct('(')?;
        let t_at = self.here();
        let from = match self.mem_type()? {
            MemType::S(s) => s,
            MemType::U(_) => return self.err_at(
                t_at,
                "a cast move sign-extends: write (s8), (s16) or (s32); a plain move is `rN = rM`",
            ),
        };
        self.punct(')')?;
        let src = self.reg()?;
        if src.width != dst.width {
            return self.err_at(src.at, mixed(&dst, &src));
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

/// The message for a word that is no instruction; mnemonics of other eBPF assembly
/// dialects get the LLVM spelling.
fn unknown_instruction(word: &str) -> String {
    let llvm = match word {
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
