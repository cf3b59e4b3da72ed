//! What the parser reports: an [`Event`] per statement, [`ParseError`]s, and the
//! [`Fixup`]s a macro fills in with interpolated Rust expressions.

use crate::model::core_relo::CoreExpr;
use crate::model::insn::Insn;
pub use crate::model::patch::FixField;
use crate::syntax::number::Field;
use crate::syntax::token::Token;

/// An error at a token.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ParseError {
    /// 1-based line of the offending token.
    pub line: u32,
    /// 1-based column of the offending token.
    pub column: u32,
    /// The front end's index of the offending token.
    pub index: u32,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// A field left at 0 by the parser, to be filled with a macro-interpolated Rust expression.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fixup {
    /// The field.
    pub field: FixField,
    /// The range the value must fit.
    pub range: Field,
    /// The interpolation's number ([`crate::syntax::token::TokenKind::Interp`]).
    pub interp: u32,
    /// The interpolation token.
    pub at: u32,
    /// True when the written expression is negated (`-{x}`).
    pub negate: bool,
}

/// A field left at 0 by the parser, to be filled at load time with a CO-RE value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CoreFixup {
    /// The field.
    pub field: FixField,
    /// What goes into it.
    pub expr: CoreExpr,
    /// The front end's index of the expression's first token.
    pub at: u32,
}

/// One statement, as the parser reports it.
pub enum Event<'t, 'a> {
    /// `name:`
    Label {
        /// The label.
        name: &'a str,
        /// Its token.
        at: Token<'a>,
    },
    /// An instruction.
    Insn {
        /// The instruction (interpolated fields are 0).
        insn: Insn,
        /// Its first token.
        at: Token<'a>,
        /// Fields to fill from macro interpolations.
        fixups: &'t [Fixup],
        /// Fields to fill with CO-RE values at load time.
        core: &'t [CoreFixup],
        /// The token naming the instruction's label target or symbol, if it has one
        /// (an [`crate::syntax::TokenKind::Ident`] borrowed from the input).
        label_at: Option<Token<'a>>,
    },
    /// A directive the grammar does not handle itself (`.section`, `.map`, ...).
    Directive {
        /// Name without the dot.
        name: &'a str,
        /// The `.` token.
        at: Token<'a>,
        /// The tokens after the name, up to the end of the statement.
        args: &'t [Token<'a>],
    },
}
