//! The one grammar: statements of LLVM BPF assembly over [`Token`]s.
//!
//! The parser reads one statement at a time into a reused buffer, parses it with a cursor,
//! and reports each statement to a consumer as an [`Event`]. After an error it skips to the
//! next statement, so every error of an input is reported.

use crate::model::insn::Insn;
use crate::syntax::code::Code;
use crate::syntax::errors::Errors;
pub use crate::syntax::event::{CoreFixup, Event, FixField, Fixup, ParseError};
use crate::syntax::number::Field;
use crate::syntax::token::{
    code_of, Entry, Token, TokenBuf, TokenKind, TokenSource, View, MAX_STATEMENT_TOKENS,
};

/// Parses every statement from `source`, calling `consumer` for each; returns the errors.
///
/// The consumer may itself return an error for a statement (e.g. an unknown directive);
/// it is reported at that statement's first token.
pub fn parse<'a, S: TokenSource<'a>>(
    mut source: S,
    consumer: impl FnMut(Event<'_, 'a>) -> Result<(), String>,
) -> Errors {
    parse_statements(
        |buf| {
            let more = loop {
                match source.next_token() {
                    None => break false,
                    Some(t) if t.kind == TokenKind::End => break true,
                    Some(t) => buf.push_full(t, code_of(&t.kind)),
                }
            };
            buf.end_statement(0, 0, 0, 0);
            more
        },
        consumer,
    )
}

/// [`parse`] over a statement source: `fill` puts the next statements (one or more) in the
/// empty buffer and returns false when the input has ended.
pub(crate) fn parse_statements<'a>(
    fill: impl FnMut(&mut TokenBuf<'a>) -> bool,
    consumer: impl FnMut(Event<'_, 'a>) -> Result<(), String>,
) -> Errors {
    parse_statements_at::<true>(fill, consumer)
}

/// The token an instruction event carries when its consumer asked for no positions.
const NO_POSITION: Token<'static> = Token {
    kind: TokenKind::End,
    line: 0,
    column: 0,
    index: 0,
};

/// [`parse_statements`]; without `POSITIONS`, instruction events carry [`NO_POSITION`], and
/// a label target's or symbol's name only in a `label_at` token without position: the
/// instruction's field that would hold it is 0 (see [`Cursor::names`]). That saves building
/// two tokens and a string per instruction for a consumer that never reports a position
/// (bytecode: any error there means parsing again with them). Events of [`parse`] always
/// hold their labels.
pub(crate) fn parse_statements_at<'a, const POSITIONS: bool>(
    mut fill: impl FnMut(&mut TokenBuf<'a>) -> bool,
    mut consumer: impl FnMut(Event<'_, 'a>) -> Result<(), String>,
) -> Errors {
    let mut errors = Errors::new();
    let mut buf = TokenBuf::new();
    let mut fixups: Vec<Fixup> = Vec::new();
    let mut core: Vec<CoreFixup> = Vec::new();
    let mut args: Vec<Token<'a>> = Vec::new();
    let mut done = false;
    while !done {
        buf.clear();
        done = !fill(&mut buf);
        if let Some(t) = buf.overflow {
            errors.push(error_at(&t, too_long()));
            continue;
        }
        for view in buf.views() {
            parse_view::<POSITIONS>(
                view,
                (&mut fixups, &mut core),
                &mut args,
                &mut errors,
                &mut consumer,
            );
        }
    }
    errors
}

/// Parses the statement of `view`, and the labels before it.
#[inline(always)]
fn parse_view<'a, const POSITIONS: bool>(
    view: View<'_, 'a>,
    (fixups, core): (&mut Vec<Fixup>, &mut Vec<CoreFixup>),
    args: &mut Vec<Token<'a>>,
    errors: &mut Errors,
    consumer: &mut impl FnMut(Event<'_, 'a>) -> Result<(), String>,
) {
    let (n, k) = (view.len(), view.entries());
    let mut start = 0;
    loop {
        if !fixups.is_empty() {
            fixups.clear();
        }
        if !core.is_empty() {
            core.clear();
        }
        // `k` ends with an END entry: `start + 1` is always in it.
        let (first, next) = (k[start].code, k[start + 1].code);
        let mut c = Cursor::new(view, k, start, (fixups, core), POSITIONS);
        // Without positions, one call of the consumer for every kind of statement, so that
        // it can be inlined.
        // `name:`, or a numeric label `1:` (the builder checks it is decimal).
        let (event, at, more) = if next == Code::Colon && (first.is_word() || first == Code::Number)
        {
            let (name, at) = (view.text(start), view.token(start));
            start += 2;
            (Event::Label { name, at }, at, start < n)
        } else {
            let insn = if first == Code::DotWord || first == Code::Dot {
                directive_statement(&mut c, view, start, args)
            } else {
                c.instruction().map_err(Err)
            };
            let (end, label_at) = (c.i, c.label_at);
            match insn {
                Ok(insn) if end == n && POSITIONS => {
                    insn_at(
                        view,
                        start,
                        insn,
                        label_at,
                        (fixups, core),
                        errors,
                        consumer,
                    );
                    break;
                }
                Ok(insn) if end == n => {
                    let event = Event::Insn {
                        insn,
                        at: NO_POSITION,
                        fixups,
                        core,
                        label_at: label_at.map(|i| bare_name(view, i)),
                    };
                    (event, NO_POSITION, false)
                }
                Ok(_) => {
                    errors.push(trailing(view.token(end)));
                    break;
                }
                Err(Ok((name, at, args))) => (Event::Directive { name, at, args }, at, false),
                Err(Err(e)) => {
                    errors.push(*e);
                    break;
                }
            }
        };
        if let Err(m) = consumer(event) {
            errors.push(error_at(&at, m));
        }
        if !more {
            break;
        }
    }
}

/// The error at the first token past [`MAX_STATEMENT_TOKENS`] of a statement.
#[cold]
fn too_long() -> String {
    format!(
        "this statement has more than {MAX_STATEMENT_TOKENS} tokens (an instruction has at \
         most 13): end each statement with a line break or `;`"
    )
}

/// The word at token `i`, without a position (see [`NO_POSITION`]).
#[inline(always)]
fn bare_name<'a>(view: View<'_, 'a>, i: usize) -> Token<'a> {
    Token {
        kind: TokenKind::Ident(view.text(i)),
        ..NO_POSITION
    }
}

/// A directive or a word of data whose name the cursor is at: the instruction of
/// `.8byte`, or the name, the `.` token and the arguments of another directive.
type DirectiveResult<'t, 'a> = Result<Insn, PResult<(&'a str, Token<'a>, &'t [Token<'a>])>>;

/// A statement that starts with `.`, from token `start`; `args` holds the tokens of a
/// compact statement in full.
#[inline(always)]
fn directive_statement<'t, 'a>(
    c: &mut Cursor<'_, 'a>,
    view: View<'t, 'a>,
    start: usize,
    args: &'t mut Vec<Token<'a>>,
) -> DirectiveResult<'t, 'a> {
    match c.out_of_line(|c| c.directive()) {
        Ok(Stmt::Insn(insn)) => Ok(insn),
        Ok(Stmt::Directive(name, from)) => {
            let full = view.full_tokens();
            let toks = if full.is_empty() {
                args.clear();
                args.extend((0..view.len()).map(|i| view.token(i)));
                &args[..]
            } else {
                full
            };
            Err(Ok((name, toks[start], &toks[from..])))
        }
        Err(e) => Err(Err(e)),
    }
}

/// Hands a complete instruction from token `start` to the consumer, with its position.
#[inline(always)]
fn insn_at<'a>(
    view: View<'_, 'a>,
    start: usize,
    insn: Insn,
    label_at: Option<usize>,
    (fixups, core): (&[Fixup], &[CoreFixup]),
    errors: &mut Errors,
    consumer: &mut impl FnMut(Event<'_, 'a>) -> Result<(), String>,
) {
    let at = view.token(start);
    // Two calls, so the common one passes no label token at all.
    let r = match label_at {
        None => consumer(Event::Insn {
            insn,
            at,
            fixups,
            core,
            label_at: None,
        }),
        Some(i) => consumer(Event::Insn {
            insn,
            at,
            fixups,
            core,
            label_at: Some(view.token(i)),
        }),
    };
    if let Err(m) = r {
        errors.push(error_at(&at, m));
    }
}

/// The error for a token after a complete instruction.
#[cold]
#[inline(never)]
fn trailing(t: Token<'_>) -> ParseError {
    error_at(
        &t,
        format!(
            "unexpected {} after the instruction{}: write one instruction per line, or separate \
             instructions with `;`",
            describe(&t),
            case_hint(&t)
        ),
    )
}

fn error_at(t: &Token<'_>, message: String) -> ParseError {
    ParseError {
        line: t.line,
        column: t.column,
        index: t.index,
        message,
    }
}

/// For a word in capitals that is a keyword or a register in lowercase: a hint to write it
/// so. llvm-mc reads only a statement's first word in any case; later, `R1` is a symbol.
pub(crate) fn case_hint(t: &Token<'_>) -> String {
    let TokenKind::Ident(word) = t.kind else {
        return String::new();
    };
    let lower = word.to_ascii_lowercase();
    let c = crate::syntax::code::word_code(lower.as_bytes());
    if lower == word || c == Code::Ident || c == Code::DotWord {
        return String::new();
    }
    format!(" (write `{lower}`: only a statement's first word may be in capitals, as in llvm-mc)")
}

/// How a token is named in errors.
pub(crate) fn describe(t: &Token<'_>) -> String {
    match t.kind {
        TokenKind::Ident(s) | TokenKind::Number(s) => format!("`{}`", shorten(s)),
        TokenKind::Str(s) => format!("\"{}\"", shorten(s)),
        TokenKind::Punct(c) => format!("`{c}`"),
        TokenKind::Interp(_) => "an interpolated expression".into(),
        TokenKind::End => "the end of the statement".into(),
    }
}

/// Token text as a message echoes it: up to 40 characters, else its start, an ellipsis
/// and its length (a message need not carry a 20 MB token).
pub(crate) fn shorten(s: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        None => s.into(),
        Some(_) => {
            let cut = s.char_indices().nth(MAX - 8).map_or(s.len(), |(i, _)| i);
            format!("{}... ({} bytes)", &s[..cut], s.len()).into()
        }
    }
}

/// A statement that starts with `.`.
pub(crate) enum Stmt<'a> {
    /// `.8byte` / `.quad`.
    Insn(Insn),
    /// Another directive: its name and the index of its first argument token.
    Directive(&'a str, usize),
}

/// A cursor over one statement's tokens.
pub(crate) struct Cursor<'t, 'a> {
    pub(crate) b: View<'t, 'a>,
    /// The tokens' entries (codes in the top byte), and [`Code::End`] after the last.
    pub(crate) k: &'t [Entry],
    /// How many tokens the statement has.
    pub(crate) n: usize,
    pub(crate) i: usize,
    pub(crate) fixups: &'t mut Vec<Fixup>,
    /// CO-RE expressions written as immediates or offsets.
    pub(crate) core: &'t mut Vec<CoreFixup>,
    /// The token of a label used as a target or symbol.
    pub(crate) label_at: Option<usize>,
    /// Whether a label's name is copied into the instruction. Without, the instruction
    /// holds `Target::Offset(0)` (or `Imm64::Const(0)` for a symbol) where the
    /// [`crate::model::insn::Label`] would be, and only the event's `label_at` token names
    /// it: a consumer that looks it up at once (bytecode) saves an allocation per reference.
    pub(crate) names: bool,
}

/// A result of the grammar; errors are boxed, so results stay small on the good path.
pub(crate) type PResult<T> = Result<T, Box<ParseError>>;

/// What the error paths need of a [`Cursor`], by value: the hot paths are inlined into one
/// function, and a cursor whose address no call sees can live in registers.
#[derive(Clone, Copy)]
pub(crate) struct Spot<'t, 'a> {
    b: View<'t, 'a>,
    n: usize,
    pub(crate) i: usize,
}

impl<'a> Spot<'_, 'a> {
    /// Token `i`, or a token just after the last one when `i` is past the end.
    fn tok(self, i: usize) -> Token<'a> {
        if i < self.n {
            return self.b.token(i);
        }
        assert!(self.n > 0, "statements are never empty");
        let last = self.b.token(self.n - 1);
        Token {
            kind: TokenKind::End,
            column: last.column + token_width(&last),
            ..last
        }
    }

    /// An error at token `at`.
    #[cold]
    #[inline(never)]
    pub(crate) fn err(self, at: usize, message: String) -> Box<ParseError> {
        Box::new(error_at(&self.tok(at), message))
    }

    /// An error at the current token that names what was expected and what was found.
    #[cold]
    #[inline(never)]
    pub(crate) fn expected(self, what: &str) -> Box<ParseError> {
        let t = self.tok(self.i);
        let (found, hint) = (describe(&t), case_hint(&t));
        self.err(self.i, format!("expected {what}, found {found}{hint}"))
    }
}

impl<'t, 'a> Cursor<'t, 'a> {
    /// A cursor at token `start` of `view`, whose entries are `k`; `names` as
    /// [`Cursor::names`].
    #[inline(always)]
    pub(crate) fn new(
        view: View<'t, 'a>,
        k: &'t [Entry],
        start: usize,
        (fixups, core): (&'t mut Vec<Fixup>, &'t mut Vec<CoreFixup>),
        names: bool,
    ) -> Cursor<'t, 'a> {
        Cursor {
            b: view,
            k,
            n: view.len(),
            i: start,
            fixups,
            core,
            label_at: None,
            names,
        }
    }

    /// The current token's code ([`Code::End`] after the last token).
    #[inline(always)]
    pub(crate) fn code(&self) -> Code {
        self.k[self.i].code
    }

    /// The code of the token `k` places further.
    #[inline(always)]
    pub(crate) fn code_at(&self, k: usize) -> Code {
        self.k.get(self.i + k).map_or(Code::End, |e| e.code)
    }

    /// The text of the current token (words, numbers and strings; empty for others).
    #[inline(always)]
    pub(crate) fn text(&self) -> &'a str {
        self.text_of(self.i)
    }

    /// The text of token `i` (words, numbers and strings; empty for others).
    #[inline(always)]
    pub(crate) fn text_of(&self, i: usize) -> &'a str {
        if i < self.n {
            self.b.text(i)
        } else {
            ""
        }
    }

    /// The cursor's position, for errors.
    #[inline(always)]
    pub(crate) fn spot(&self) -> Spot<'t, 'a> {
        Spot {
            b: self.b,
            n: self.n,
            i: self.i,
        }
    }

    /// Token `i`, or a token just after the last one when `i` is past the end.
    #[inline(always)]
    pub(crate) fn tok(&self, i: usize) -> Token<'a> {
        self.spot().tok(i)
    }

    /// An error at the current token.
    #[inline(always)]
    pub(crate) fn err<T>(&self, message: impl Into<String>) -> PResult<T> {
        Err(self.spot().err(self.i, message.into()))
    }

    /// An error at token `at` (an index into the statement).
    #[inline(always)]
    pub(crate) fn err_at<T>(&self, at: usize, message: impl Into<String>) -> PResult<T> {
        Err(self.spot().err(at, message.into()))
    }

    /// An error that names what was expected and what was found.
    #[inline(always)]
    pub(crate) fn expected<T>(&self, what: &str) -> PResult<T> {
        Err(self.spot().expected(what))
    }

    /// True when the current token has code `c` (an ASCII character or a keyword).
    #[inline(always)]
    pub(crate) fn is(&self, c: Code) -> bool {
        self.code() == c
    }

    /// Moves past the current token when it has code `c`.
    #[inline(always)]
    pub(crate) fn eat(&mut self, c: Code) -> bool {
        if self.is(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// The punctuation `c`.
    #[inline(always)]
    pub(crate) fn punct(&mut self, c: Code) -> PResult<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(expected_punct(self.spot(), c))
        }
    }

    /// The keyword `s`, whose code is `c`.
    #[inline(always)]
    pub(crate) fn keyword(&mut self, c: Code, s: &str) -> PResult<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(expected_keyword(self.spot(), s))
        }
    }

    /// Runs a rarely used part of the grammar out of line, on a copy of the cursor, so that
    /// no call sees the cursor's own address.
    #[inline(always)]
    pub(crate) fn out_of_line<T>(
        &mut self,
        f: impl FnOnce(&mut Cursor<'_, 'a>) -> PResult<T>,
    ) -> PResult<T> {
        let mut c = Cursor {
            b: self.b,
            k: self.k,
            n: self.n,
            i: self.i,
            fixups: &mut *self.fixups,
            core: &mut *self.core,
            label_at: self.label_at,
            names: self.names,
        };
        let r = f(&mut c);
        self.i = c.i;
        self.label_at = c.label_at;
        r
    }

    /// A statement that starts with `.` (a directive, or the `.8byte` of a raw word).
    #[inline(never)]
    fn directive(&mut self) -> PResult<Stmt<'a>> {
        let name = if self.code() == Code::DotWord {
            let word = self.text();
            self.i += 1;
            &word[1..]
        } else {
            self.i += 1;
            let name = match self.tok(self.i).kind {
                TokenKind::Ident(n) | TokenKind::Number(n) => n,
                _ => return self.expected("a directive name after `.`"),
            };
            self.i += 1;
            name
        };
        // `.8byte` is `.` and a number: never a word of its own.
        if name == "8byte" || name == "quad" {
            return Ok(Stmt::Insn(self.raw_word()?));
        }
        let from = self.i;
        self.i = self.n;
        Ok(Stmt::Directive(name, from))
    }

    fn raw_word(&mut self) -> PResult<Insn> {
        let at = self.i;
        let v = self.literal(Field::Imm64)?;
        match v {
            Value::Const(v) => Ok(Insn::Raw(v as u64)),
            Value::Interp(..) => self.err_at(at, "`.8byte` takes a literal value"),
        }
    }

    /// A number operand: a plain decimal number with an optional sign (the fast path), an
    /// interpolation, or a constant expression (see [`crate::syntax::expr`]).
    #[inline(always)]
    pub(crate) fn literal(&mut self, field: Field) -> PResult<Value> {
        let start = self.i;
        let negative = match self.code() {
            Code::Minus => {
                self.i += 1;
                true
            }
            Code::Plus => {
                self.i += 1;
                false
            }
            _ => false,
        };
        match self.code() {
            Code::Number => {
                let at = self.i;
                self.i += 1;
                if let Some(m) = crate::syntax::number::parse_small(self.b.number_bytes(at)) {
                    if !self.code().continues_expr() {
                        // The 64-bit two's complement reading, as LLVM's.
                        let v = if negative {
                            (m as i64).wrapping_neg()
                        } else {
                            m as i64
                        };
                        return match field.check(i128::from(v)) {
                            Ok(v) => Ok(Value::Const(v)),
                            Err(m) => self.err_at(at, m),
                        };
                    }
                }
                self.i = start;
                self.out_of_line(|c| c.const_operand(field))
            }
            Code::Interp => {
                let t = self.tok(self.i);
                self.i += 1;
                if self.code().continues_expr() {
                    return self.err(
                        "an interpolated `{...}` value cannot be part of an expression: compute \
                         the whole value in Rust, inside the braces",
                    );
                }
                match t.kind {
                    TokenKind::Interp(id) => Ok(Value::Interp(id, t.index, negative)),
                    _ => unreachable!("an interpolation's code is INTERP"),
                }
            }
            Code::Minus | Code::Plus => {
                self.err("one sign only: write the value with a single `-` or `+`")
            }
            Code::LParen | Code::Tilde => {
                self.i = start;
                self.out_of_line(|c| c.const_operand(field))
            }
            _ => Err(expected_number(self.spot(), field)),
        }
    }

    /// A number operand whose interpolations become fixups of `fix`; returns the literal
    /// value, or 0 for an interpolation.
    #[inline(always)]
    pub(crate) fn number(&mut self, field: Field, fix: FixField) -> PResult<i128> {
        if self.code() == Code::Ident {
            return self
                .out_of_line(|c| c.core_field(field, fix))
                .map(i128::from);
        }
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

#[cold]
#[inline(never)]
fn expected_punct(at: Spot<'_, '_>, c: Code) -> Box<ParseError> {
    at.expected(&format!("`{}`", c.char()))
}

#[cold]
#[inline(never)]
fn expected_keyword(at: Spot<'_, '_>, s: &str) -> Box<ParseError> {
    at.expected(&format!("`{s}`"))
}

#[cold]
#[inline(never)]
fn expected_number(at: Spot<'_, '_>, field: Field) -> Box<ParseError> {
    at.expected(&format!("{} (a number)", field.what()))
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
