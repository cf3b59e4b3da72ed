//! The one grammar: statements of LLVM BPF assembly over [`Token`]s.
//!
//! The parser reads one statement at a time into a reused buffer, parses it with a cursor,
//! and reports each statement to a consumer as an [`Event`]. After an error it skips to the
//! next statement, so every error of an input is reported.

use crate::insn::Insn;
use crate::number::Field;
use crate::token::{Token, TokenKind, TokenSource};

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

/// Which field of an instruction a macro-interpolated expression fills.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FixField {
    /// The 32-bit immediate.
    Imm,
    /// The 16-bit offset.
    Off,
    /// The 64-bit constant of ld_imm64.
    Imm64,
}

/// A field left at 0 by the parser, to be filled with a macro-interpolated Rust expression.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fixup {
    /// The field.
    pub field: FixField,
    /// The range the value must fit.
    pub range: Field,
    /// The interpolation's number ([`TokenKind::Interp`]).
    pub interp: u32,
    /// The interpolation token.
    pub at: u32,
    /// True when the written expression is negated (`-{x}`).
    pub negate: bool,
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
        /// The token naming the instruction's label target, if it has one.
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

/// Parses every statement from `source`, calling `consumer` for each; returns the errors.
///
/// The consumer may itself return an error for a statement (e.g. an unknown directive);
/// it is reported at that statement's first token.
pub fn parse<'a, S: TokenSource<'a>>(
    mut source: S,
    consumer: impl FnMut(Event<'_, 'a>) -> Result<(), String>,
) -> Vec<ParseError> {
    parse_statements(
        |buf| loop {
            match source.next_token() {
                None => return false,
                Some(t) if t.kind == TokenKind::End => return true,
                Some(t) => buf.push(t),
            }
        },
        consumer,
    )
}

/// [`parse`] over a statement source: `fill` appends the tokens of the next statement (without
/// its end token) to the buffer and returns false when the input has ended.
pub(crate) fn parse_statements<'a>(
    mut fill: impl FnMut(&mut Vec<Token<'a>>) -> bool,
    mut consumer: impl FnMut(Event<'_, 'a>) -> Result<(), String>,
) -> Vec<ParseError> {
    let mut errors = Vec::new();
    let mut buf: Vec<Token<'a>> = Vec::with_capacity(16);
    let mut fixups: Vec<Fixup> = Vec::new();
    let mut done = false;
    while !done {
        buf.clear();
        done = !fill(&mut buf);
        let mut start = 0;
        while start < buf.len() {
            fixups.clear();
            let mut c = Cursor {
                t: &buf,
                i: start,
                fixups: &mut fixups,
                label_at: None,
            };
            match c.statement() {
                Ok(Stmt::Label(name, at)) => {
                    if let Err(m) = consumer(Event::Label { name, at }) {
                        errors.push(error_at(&at, m));
                    }
                    start = c.i;
                    continue;
                }
                Ok(Stmt::Insn(insn, at)) => {
                    let label_at = c.label_at;
                    if c.i < buf.len() {
                        let t = buf[c.i];
                        errors.push(error_at(
                            &t,
                            format!(
                                "unexpected {} after the instruction: write one instruction per \
                             line, or separate instructions with `;`",
                                describe(&t)
                            ),
                        ));
                    } else if let Err(m) = consumer(Event::Insn {
                        insn,
                        at,
                        fixups: &fixups,
                        label_at,
                    }) {
                        errors.push(error_at(&at, m));
                    }
                }
                Ok(Stmt::Directive(name, at, args_from)) => {
                    if let Err(m) = consumer(Event::Directive {
                        name,
                        at,
                        args: &buf[args_from..],
                    }) {
                        errors.push(error_at(&at, m));
                    }
                }
                Err(e) => errors.push(e),
            }
            break;
        }
    }
    errors
}

fn error_at(t: &Token<'_>, message: String) -> ParseError {
    ParseError {
        line: t.line,
        column: t.column,
        index: t.index,
        message,
    }
}

/// How a token is named in errors.
pub(crate) fn describe(t: &Token<'_>) -> String {
    match t.kind {
        TokenKind::Ident(s) | TokenKind::Number(s) => format!("`{s}`"),
        TokenKind::Str(s) => format!("\"{s}\""),
        TokenKind::Punct(c) => format!("`{c}`"),
        TokenKind::Interp(_) => "an interpolated expression".into(),
        TokenKind::End => "the end of the statement".into(),
    }
}

pub(crate) enum Stmt<'a> {
    Label(&'a str, Token<'a>),
    Insn(Insn, Token<'a>),
    /// Directive name, its `.` token, index of its first argument token.
    Directive(&'a str, Token<'a>, usize),
}

/// A cursor over one statement's tokens.
pub(crate) struct Cursor<'t, 'a> {
    pub(crate) t: &'t [Token<'a>],
    pub(crate) i: usize,
    pub(crate) fixups: &'t mut Vec<Fixup>,
    /// The token of a label used as a target, for error positions.
    pub(crate) label_at: Option<Token<'a>>,
}

pub(crate) type PResult<T> = Result<T, ParseError>;

impl<'a> Cursor<'_, 'a> {
    #[inline]
    pub(crate) fn peek(&self) -> Option<TokenKind<'a>> {
        self.t.get(self.i).map(|t| t.kind)
    }

    #[inline]
    pub(crate) fn peek_at(&self, k: usize) -> Option<TokenKind<'a>> {
        self.t.get(self.i + k).map(|t| t.kind)
    }

    /// The current token, or the last one when the statement has ended.
    #[inline]
    pub(crate) fn here(&self) -> Token<'a> {
        match self.t.get(self.i) {
            Some(t) => *t,
            None => self.end_token(),
        }
    }

    /// A token just after the statement's last one, for "found the end" errors.
    #[cold]
    #[inline(never)]
    fn end_token(&self) -> Token<'a> {
        let last = self.t.last().copied().expect("statements are never empty");
        Token {
            kind: TokenKind::End,
            column: last.column + token_width(&last),
            ..last
        }
    }

    #[cold]
    pub(crate) fn err<T>(&self, message: impl Into<String>) -> PResult<T> {
        Err(error_at(&self.here(), message.into()))
    }

    #[cold]
    pub(crate) fn err_at<T>(&self, t: Token<'a>, message: impl Into<String>) -> PResult<T> {
        Err(error_at(&t, message.into()))
    }

    /// An error that names what was expected and what was found.
    #[cold]
    pub(crate) fn expected<T>(&self, what: &str) -> PResult<T> {
        let found = describe(&self.here());
        self.err(format!("expected {what}, found {found}"))
    }

    #[inline]
    pub(crate) fn is_punct(&self, c: char) -> bool {
        self.peek() == Some(TokenKind::Punct(c))
    }

    #[inline]
    pub(crate) fn is_ident(&self, s: &str) -> bool {
        self.peek() == Some(TokenKind::Ident(s))
    }

    #[inline]
    pub(crate) fn eat_punct(&mut self, c: char) -> bool {
        if self.is_punct(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    #[inline]
    pub(crate) fn eat_ident(&mut self, s: &str) -> bool {
        if self.is_ident(s) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    #[inline]
    pub(crate) fn punct(&mut self, c: char) -> PResult<()> {
        if self.eat_punct(c) {
            Ok(())
        } else {
            self.expected_punct(c)
        }
    }

    #[cold]
    #[inline(never)]
    fn expected_punct(&self, c: char) -> PResult<()> {
        self.expected(&format!("`{c}`"))
    }

    #[inline]
    pub(crate) fn keyword(&mut self, s: &str) -> PResult<()> {
        if self.eat_ident(s) {
            Ok(())
        } else {
            self.expected_keyword(s)
        }
    }

    #[cold]
    #[inline(never)]
    fn expected_keyword(&self, s: &str) -> PResult<()> {
        self.expected(&format!("`{s}`"))
    }

    fn statement(&mut self) -> PResult<Stmt<'a>> {
        let first = self.here();
        match first.kind {
            TokenKind::Ident(name) if self.peek_at(1) == Some(TokenKind::Punct(':')) => {
                self.i += 2;
                Ok(Stmt::Label(name, first))
            }
            TokenKind::Ident(word) if word.starts_with('.') => {
                self.i += 1;
                let name = &word[1..];
                if name == "quad" {
                    let insn = self.raw_word()?;
                    return Ok(Stmt::Insn(insn, first));
                }
                let from = self.i;
                self.i = self.t.len();
                Ok(Stmt::Directive(name, first, from))
            }
            TokenKind::Punct('.') => {
                self.i += 1;
                let name = match self.peek() {
                    Some(TokenKind::Ident(n)) | Some(TokenKind::Number(n)) => n,
                    _ => return self.expected("a directive name after `.`"),
                };
                self.i += 1;
                if name == "8byte" || name == "quad" {
                    let insn = self.raw_word()?;
                    return Ok(Stmt::Insn(insn, first));
                }
                let from = self.i;
                self.i = self.t.len();
                Ok(Stmt::Directive(name, first, from))
            }
            _ => {
                let insn = self.instruction()?;
                Ok(Stmt::Insn(insn, first))
            }
        }
    }

    fn raw_word(&mut self) -> PResult<Insn> {
        let at = self.here();
        let v = self.literal(Field::Imm64)?;
        match v {
            Value::Const(v) => Ok(Insn::Raw(v as u64)),
            Value::Interp(..) => self.err_at(at, "`.8byte` takes a literal value"),
        }
    }

    /// A number operand: optional sign, then a literal or an interpolation.
    pub(crate) fn literal(&mut self, field: Field) -> PResult<Value> {
        let mut negative = false;
        if self.eat_punct('-') {
            negative = true;
        } else {
            self.eat_punct('+');
        }
        if self.is_punct('-') || self.is_punct('+') {
            return self.err("one sign only: write the value with a single `-` or `+`");
        }
        let t = self.here();
        match t.kind {
            TokenKind::Number(text) => {
                self.i += 1;
                let m = crate::number::parse_literal(text).map_err(|m| error_at(&t, m))?;
                let v = crate::number::signed(negative, m);
                let v = field.check(v).map_err(|m| error_at(&t, m))?;
                if self.is_punct('+')
                    || self.is_punct('-')
                    || self.is_punct('*')
                    || self.is_punct('/')
                {
                    return self
                        .err("expressions are not supported here: write the computed value");
                }
                Ok(Value::Const(v))
            }
            TokenKind::Interp(id) => {
                self.i += 1;
                Ok(Value::Interp(id, t.index, negative))
            }
            _ => self.expected(&format!("{} (a number)", field.what())),
        }
    }

    /// A number operand whose interpolations become fixups of `fix`; returns the literal
    /// value, or 0 for an interpolation.
    pub(crate) fn number(&mut self, field: Field, fix: FixField) -> PResult<i128> {
        match self.literal(field)? {
            Value::Const(v) => Ok(v),
            Value::Interp(interp, at, negate) => {
                self.fixups.push(Fixup {
                    field: fix,
                    range: field,
                    interp,
                    at,
                    negate,
                });
                Ok(0)
            }
        }
    }
}

/// A parsed number: a literal, or a macro interpolation (its id, token index, negated).
pub(crate) enum Value {
    Const(i128),
    Interp(u32, u32, bool),
}

fn token_width(t: &Token<'_>) -> u32 {
    match t.kind {
        TokenKind::Ident(s) | TokenKind::Number(s) => s.chars().count() as u32,
        TokenKind::Str(s) => s.chars().count() as u32 + 2,
        _ => 1,
    }
}
