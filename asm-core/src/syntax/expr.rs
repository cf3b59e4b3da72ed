//! Constant expressions where an immediate or an offset goes (`1 << 4`, `'a' + 1`,
//! `-(8 * 2)`), evaluated as llvm-mc-19 evaluates them: in 64-bit two's complement,
//! wrapping on overflow, with GNU as precedence.
//!
//! | Binds | Operators |
//! | --- | --- |
//! | tightest | unary `-`, `+`, `~` |
//! | | `*`, `/`, `%`, `<<`, `>>` |
//! | | `\|`, `^`, `&` |
//! | loosest | `+`, `-` |
//!
//! Unlike C, `|`, `^` and `&` bind tighter than `+` and `-` (`4 - 1 & 2` is 4). `/` and `%`
//! are signed and truncate as in C; `>>` is logical. Where llvm-mc-19 crashes or depends on
//! undefined behaviour (division by zero, `i64::MIN / -1`, a shift by a negative amount or
//! by 64 or more), this is an error at the operator.
//!
//! The leaves are read by [`Cursor::primary`]: numbers, character literals and
//! parenthesised expressions. It is the one place to add another kind of leaf (CO-RE's
//! `offsetof(type, field)`, say): everything above it only combines values.

use crate::syntax::code::Code;
use crate::syntax::number::{parse_literal, Field};
use crate::syntax::parse::{Cursor, PResult, Value};

/// How deeply parentheses and unary operators may nest: deeper input is an error, not a
/// stack overflow.
const MAX_DEPTH: u32 = 200;

/// A binary operator.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum BinOp {
    Add,
    Sub,
    Or,
    Xor,
    And,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
}

impl BinOp {
    /// Higher binds tighter (GNU as's order, as llvm-mc uses for ELF targets).
    fn precedence(self) -> u8 {
        match self {
            BinOp::Add | BinOp::Sub => 1,
            BinOp::Or | BinOp::Xor | BinOp::And => 2,
            BinOp::Mul | BinOp::Div | BinOp::Rem | BinOp::Shl | BinOp::Shr => 3,
        }
    }
}

impl<'a> Cursor<'_, 'a> {
    /// An operand that is more than a plain decimal number, from the current token (its
    /// sign, if any): a constant expression, checked against `field`. A range error is
    /// reported at the expression's first token.
    #[inline(never)]
    pub(crate) fn const_operand(&mut self, field: Field) -> PResult<Value> {
        let start = self.i;
        let v = self.const_expr()?;
        match field.check(i128::from(v)) {
            Ok(v) => Ok(Value::Const(v)),
            Err(m) => self.err_at(start, m),
        }
    }

    /// A constant expression from the current token, as llvm-mc evaluates it.
    pub(crate) fn const_expr(&mut self) -> PResult<i64> {
        self.binary(0, 0)
    }

    /// Operands joined by operators that bind tighter than `above`.
    fn binary(&mut self, above: u8, depth: u32) -> PResult<i64> {
        let mut lhs = self.unary(depth)?;
        loop {
            let at = self.i;
            let Some((op, len)) = self.binop()? else {
                return Ok(lhs);
            };
            if op.precedence() <= above {
                return Ok(lhs);
            }
            self.i += len;
            let rhs = self.binary(op.precedence(), depth)?;
            lhs = self.apply(op, lhs, rhs, at)?;
        }
    }

    /// The binary operator at the cursor and how many tokens it takes, or `None` when the
    /// expression ends here. Operators llvm-mc knows that this evaluator does not
    /// (comparisons, `&&`, `||`) are errors.
    fn binop(&self) -> PResult<Option<(BinOp, usize)>> {
        let next = self.code_at(1);
        let op =
            match self.code() {
                Code::Plus => BinOp::Add,
                Code::Minus => BinOp::Sub,
                Code::Star => BinOp::Mul,
                Code::Slash => BinOp::Div,
                Code::Percent => BinOp::Rem,
                Code::Caret => BinOp::Xor,
                Code::Pipe if next != Code::Pipe => BinOp::Or,
                Code::Amp if next != Code::Amp => BinOp::And,
                Code::Lt if next == Code::Lt => return Ok(Some((BinOp::Shl, 2))),
                Code::Gt if next == Code::Gt => return Ok(Some((BinOp::Shr, 2))),
                Code::Pipe | Code::Amp => return self.err(
                    "logical operators (`&&`, `||`) are not supported in constant expressions: \
                     write the computed value",
                ),
                Code::Lt | Code::Gt => return self.err(
                    "comparisons are not supported in constant expressions: write the computed \
                     value (`<<` and `>>` shift)",
                ),
                _ => return Ok(None),
            };
        Ok(Some((op, 1)))
    }

    /// A primary with any unary operators before it. Two signs in a row are refused, as
    /// llvm-mc refuses them (`--5`); `1 - -5` is a binary and a unary minus.
    fn unary(&mut self, depth: u32) -> PResult<i64> {
        let op = self.code();
        if !matches!(op, Code::Minus | Code::Plus | Code::Tilde) {
            return self.primary(depth);
        }
        if depth >= MAX_DEPTH {
            return self.err(format!(
                "the expression nests more than {MAX_DEPTH} levels deep: simplify it"
            ));
        }
        self.i += 1;
        if op != Code::Tilde && matches!(self.code(), Code::Minus | Code::Plus) {
            return self.err("one sign only: write the value with a single `-` or `+`");
        }
        let v = self.unary(depth + 1)?;
        Ok(match op {
            Code::Minus => v.wrapping_neg(),
            Code::Plus => v,
            _ => !v,
        })
    }

    /// The leaves of an expression: a number or character literal (read as a 64-bit two's
    /// complement value: `0xffffffffffffff00` is -256), or a parenthesised expression.
    ///
    /// Extension point: another kind of leaf (a CO-RE relocation such as
    /// `offsetof(task_struct, tgid)`) is one more arm here, starting at its first token.
    fn primary(&mut self, depth: u32) -> PResult<i64> {
        match self.code() {
            Code::Number => {
                let at = self.i;
                self.i += 1;
                match parse_literal(self.text_of(at)) {
                    // At most 64 bits: the two's complement reading.
                    Ok(m) => Ok(m as u64 as i64),
                    Err(m) => self.err_at(at, m),
                }
            }
            Code::LParen => {
                if depth >= MAX_DEPTH {
                    return self.err(format!(
                        "the expression nests more than {MAX_DEPTH} levels deep: simplify it"
                    ));
                }
                self.i += 1;
                let v = self.binary(0, depth + 1)?;
                self.punct(Code::RParen)?;
                Ok(v)
            }
            Code::Interp => self.err(
                "an interpolated `{...}` value cannot be part of an expression: compute the \
                 whole value in Rust, inside the braces",
            ),
            _ => self.expected("a number"),
        }
    }

    /// `lhs op rhs`, as llvm-mc computes it; `at` is the operator's token.
    fn apply(&self, op: BinOp, lhs: i64, rhs: i64, at: usize) -> PResult<i64> {
        Ok(match op {
            BinOp::Add => lhs.wrapping_add(rhs),
            BinOp::Sub => lhs.wrapping_sub(rhs),
            BinOp::Mul => lhs.wrapping_mul(rhs),
            BinOp::Or => lhs | rhs,
            BinOp::Xor => lhs ^ rhs,
            BinOp::And => lhs & rhs,
            BinOp::Div | BinOp::Rem if rhs == 0 => {
                return self.err_at(
                    at,
                    "division by zero in a constant expression (llvm-mc-19 crashes on it)",
                )
            }
            BinOp::Div | BinOp::Rem if lhs == i64::MIN && rhs == -1 => {
                return self.err_at(
                    at,
                    format!("`{lhs} / -1` overflows 64 bits (llvm-mc-19 crashes on it)"),
                )
            }
            BinOp::Div => lhs / rhs,
            BinOp::Rem => lhs % rhs,
            BinOp::Shl | BinOp::Shr if !(0..64).contains(&rhs) => {
                return self.err_at(
                    at,
                    format!(
                        "a shift by {rhs}: the amount must be 0..=63 (beyond that, llvm-mc's \
                         result is undefined)"
                    ),
                )
            }
            BinOp::Shl => ((lhs as u64) << rhs) as i64,
            BinOp::Shr => ((lhs as u64) >> rhs) as i64,
        })
    }
}

#[cfg(test)]
mod tests;
