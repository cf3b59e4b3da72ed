//! Jumps and calls: `goto`, `gotol`, `may_goto`, `if ... goto`, `call`, and their targets
//! (labels, `+N`, the verifier's `pc+N`).

use super::reg_like;
use crate::model::insn::*;
use crate::model::kernel::helpers::helper_id;
use crate::model::target::*;
use crate::syntax::code::Code;
use crate::syntax::number::{is_local_label_ref, Field};
use crate::syntax::parse::{Cursor, FixField, PResult, Value};

impl<'a> Cursor<'_, 'a> {
    /// A 16-bit jump target; `hint` is added to an offset that does not fit.
    #[inline(always)]
    pub(super) fn target16(&mut self, hint: &str) -> PResult<Target<i16>> {
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

    /// The target naming the label `name`: the label itself, or, when this cursor copies
    /// no names (see [`Cursor::names`]), an offset of 0 the consumer sets from `label_at`.
    #[inline(always)]
    pub(super) fn label_target<O: Default>(&self, name: &str) -> Target<O> {
        match self.names {
            true => Target::Label(Label::from(name)),
            false => Target::Offset(O::default()),
        }
    }

    /// A label, a numeric label reference (`1b`, `1f`), `+N`/`-N`/`N` (or a constant
    /// expression), or the verifier's `pc+N`.
    #[inline(always)]
    pub(super) fn target(&mut self, field: Field) -> PResult<Target<i32>> {
        match self.code() {
            Code::Number if is_local_label_ref(self.b.number_bytes(self.i)) => {
                return Ok(self.local_label_target());
            }
            Code::Pc if matches!(self.code_at(1), Code::Plus | Code::Minus) => {
                self.i += 1;
            }
            c if c.is_word() => {
                if reg_like(c) {
                    return self.expected("a label or an offset");
                }
                let name = self.text();
                self.label_at = Some(self.i);
                self.i += 1;
                return Ok(self.label_target(name));
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

    /// The numeric label reference at the cursor (`1b`, `1f`) as a target: the builder
    /// finds the definition it means.
    #[inline(never)]
    fn local_label_target<O: Default>(&mut self) -> Target<O> {
        let name = self.text();
        self.label_at = Some(self.i);
        self.i += 1;
        self.label_target(name)
    }

    #[inline(always)]
    pub(super) fn cond_jump(&mut self) -> PResult<Insn> {
        let dst = self.reg()?;
        let op_at = self.i;
        let signed = self.eat(Code::S);
        let cond = match (signed, self.code()) {
            (false, Code::Eq) => {
                self.i += 1;
                if self.eat(Code::Eq) {
                    JmpCond::Eq
                } else {
                    return self.err_at(op_at, "a comparison for equality is written `==`");
                }
            }
            (false, Code::Bang) => {
                self.i += 1;
                self.punct(Code::Eq)?;
                JmpCond::Ne
            }
            (false, Code::Amp) => {
                self.i += 1;
                JmpCond::Set
            }
            (_, c @ (Code::Lt | Code::Gt)) => {
                self.i += 1;
                let eq = self.eat(Code::Eq);
                match (signed, c, eq) {
                    (false, Code::Gt, false) => JmpCond::Gt,
                    (false, Code::Gt, true) => JmpCond::Ge,
                    (false, _, false) => JmpCond::Lt,
                    (false, _, true) => JmpCond::Le,
                    (true, Code::Gt, false) => JmpCond::SGt,
                    (true, Code::Gt, true) => JmpCond::SGe,
                    (true, _, false) => JmpCond::SLt,
                    (true, _, true) => JmpCond::SLe,
                }
            }
            _ => {
                return self.err_at(
                    op_at,
                    "expected a condition: ==, !=, >, >=, <, <=, s>, s>=, s<, s<= or &",
                )
            }
        };
        let src = self.src(&dst)?;
        self.keyword(Code::Goto, "goto")?;
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

    #[inline(always)]
    pub(super) fn call(&mut self) -> PResult<Insn> {
        match self.code() {
            Code::Pc => {
                self.i += 1;
                match self.literal(Field::Signed32)? {
                    Value::Const(v) => Ok(Insn::Call(Call::Local(Target::Offset(v as i32)))),
                    Value::Interp(..) => self.err("`call pc+N` takes a literal offset"),
                }
            }
            Code::Kfunc if self.code_at(1) == Code::LParen => {
                self.i += 2;
                let btf_id = self.imm32()?;
                let module = if self.eat(Code::Comma) {
                    self.number(Field::Off16, FixField::Off)? as i16
                } else {
                    0
                };
                self.punct(Code::RParen)?;
                Ok(Insn::Call(Call::Kfunc { btf_id, module }))
            }
            Code::Number if is_local_label_ref(self.b.number_bytes(self.i)) => {
                Ok(Insn::Call(Call::Local(self.local_label_target())))
            }
            c if c.is_word() => {
                let at = self.i;
                let name = self.text();
                self.i += 1;
                Ok(Insn::Call(match helper_id(name) {
                    Some(id) => Call::Helper(id),
                    None => {
                        self.label_at = Some(at);
                        Call::Local(self.label_target(name))
                    }
                }))
            }
            _ => Ok(Insn::Call(Call::Helper(self.imm32()?))),
        }
    }
}
