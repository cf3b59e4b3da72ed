//! The small token abstraction the one grammar runs over.
//!
//! Two front ends produce these tokens: the text lexer ([`crate::syntax::lex`]) and the compile-time
//! macro (from `proc_macro2` tokens). The parser never sees characters or Rust syntax, so
//! both accept exactly the same language.

use crate::syntax::code::{word_code, Code};

/// What a token is. Strings borrow from the front end's buffer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TokenKind<'a> {
    /// A word starting with a letter or `_`: `r1`, `goto`, `bpf_map_lookup_elem`, `u32`;
    /// or with `.` and a letter: `.section`, `.LBB0_1` (directives and local labels).
    Ident(&'a str),
    /// A word starting with a digit: `42`, `0x1f`, `8byte` (after `.`), `1ll`.
    Number(&'a str),
    /// A double-quoted string, without the quotes (escapes are not interpreted).
    Str(&'a str),
    /// One punctuation character: `=`, `+`, `(`, `*`, `<`, `:`, ...
    Punct(char),
    /// A Rust expression interpolated by the macro (`{expr}`); the number identifies it.
    Interp(u32),
    /// End of a statement: a line break or `;`.
    End,
}

/// A token and where it starts. `index` lets a front end map errors back to its own spans.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Token<'a> {
    /// The token.
    pub kind: TokenKind<'a>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
    /// Position of the token in its front end's own sequence.
    pub index: u32,
}

/// A source of tokens for the parser: the text lexer or the macro's token list.
pub trait TokenSource<'a> {
    /// The next token, or `None` at the end of the input.
    fn next_token(&mut self) -> Option<Token<'a>>;
}

impl<'a, I: Iterator<Item = Token<'a>>> TokenSource<'a> for I {
    fn next_token(&mut self) -> Option<Token<'a>> {
        self.next()
    }
}

/// The [`Code`] of a token, as both front ends give it.
pub(crate) fn code_of(kind: &TokenKind<'_>) -> Code {
    match *kind {
        TokenKind::Ident(s) => word_code(s.as_bytes()),
        TokenKind::Number(_) => Code::Number,
        TokenKind::Str(_) => Code::Str,
        TokenKind::Punct(c) if c.is_ascii() => Code::punct(c as u8),
        TokenKind::Punct(_) => Code::Other,
        TokenKind::Interp(_) => Code::Interp,
        TokenKind::End => Code::End,
    }
}

/// Statements' tokens, as the grammar reads them.
///
/// Every token has an [`Entry`] in `k` with its [`Code`]; each statement's entries are
/// followed by an [`Entry::END`]. The text lexer keeps statements without block comments,
/// strings or non-ASCII text in a compact form, many at a time: an entry also holds where
/// the token is in `src`, and full [`Token`]s are made only when asked for. Any other
/// statement comes alone, with its tokens in `toks` too.
pub(crate) struct TokenBuf<'a> {
    /// The entries. Only the first `n` are in use: the rest is room to write into.
    pub(crate) k: Vec<Entry>,
    /// How many entries are in use.
    pub(crate) n: usize,
    /// The statements (those with tokens), in order.
    pub(crate) stmts: Vec<StmtInfo>,
    /// The tokens of the only statement when it is in full form; empty otherwise.
    pub(crate) toks: Vec<Token<'a>>,
    /// Compact form: the source text.
    pub(crate) src: &'a str,
    /// The first token of a full-form statement past [`MAX_STATEMENT_TOKENS`]: it and the
    /// rest of that statement were dropped, and the parser reports it as an error.
    pub(crate) overflow: Option<Token<'a>>,
}

/// The most tokens one statement may have. An instruction has at most 13 and a directive a
/// few per name it lists; the bound keeps a runaway statement (10 MB of `+` on one line)
/// from holding a token per byte of it (issue 15, row 3).
pub(crate) const MAX_STATEMENT_TOKENS: usize = 1 << 16;

/// Where a statement is in a [`TokenBuf`].
#[derive(Clone, Copy)]
pub(crate) struct StmtInfo {
    /// Its first entry.
    first: usize,
    /// How many tokens it has.
    n: usize,
    /// Compact form: its line.
    line: u32,
    /// Compact form: the index of its first token.
    index: u32,
    /// Compact form: where its line starts in `src`.
    line_start: usize,
}

/// A token of a [`TokenBuf`]: its code and, in compact form, where it is in the source.
/// Eight bytes, as many as a `u64`, and the code is read without any conversion.
#[derive(Clone, Copy)]
pub(crate) struct Entry {
    /// Compact form: where the token starts in `src`.
    start: u32,
    /// Compact form: its length in bytes.
    len: u16,
    /// What the token is.
    pub(crate) code: Code,
}

impl Entry {
    /// The entry that ends a statement.
    pub(crate) const END: Entry = Entry {
        start: 0,
        len: 0,
        code: Code::End,
    };
}

/// The longest statement the compact form holds (longer ones are full).
pub(crate) const COMPACT_MAX_LEN: usize = u16::MAX as usize;

/// A compact entry of [`TokenBuf::k`]: `len` is at most [`COMPACT_MAX_LEN`] and `start`
/// fits in 32 bits.
#[inline(always)]
pub(crate) fn compact(start: usize, len: usize, code: Code) -> Entry {
    Entry {
        start: start as u32,
        len: len as u16,
        code,
    }
}

impl<'a> TokenBuf<'a> {
    /// An empty buffer that has not allocated.
    pub(crate) fn empty() -> TokenBuf<'a> {
        TokenBuf {
            k: Vec::new(),
            n: 0,
            stmts: Vec::new(),
            toks: Vec::new(),
            src: "",
            overflow: None,
        }
    }

    /// An empty buffer with room for a batch of statements.
    pub(crate) fn new() -> TokenBuf<'a> {
        TokenBuf {
            k: vec![Entry::END; 2 * BATCH],
            stmts: Vec::with_capacity(BATCH / 2),
            ..TokenBuf::empty()
        }
    }

    /// Forgets the statements.
    #[inline]
    pub(crate) fn clear(&mut self) {
        self.n = 0;
        self.stmts.clear();
        self.toks.clear();
        self.overflow = None;
    }

    /// Makes room for more entries in `k`.
    #[cold]
    #[inline(never)]
    pub(crate) fn grow(&mut self) {
        let len = (self.k.len() * 2).max(64);
        self.k.resize(len, Entry::END);
    }

    /// Appends an entry to `k`.
    #[inline]
    pub(crate) fn push(&mut self, entry: Entry) {
        if let Some(slot) = self.k.get_mut(self.n) {
            *slot = entry;
        } else {
            self.grow();
            self.k[self.n] = entry;
        }
        self.n += 1;
    }

    /// Appends a token of a statement in full form.
    #[inline]
    pub(crate) fn push_full(&mut self, t: Token<'a>, code: Code) {
        if self.toks.len() >= MAX_STATEMENT_TOKENS {
            self.overflow.get_or_insert(t);
            return;
        }
        self.toks.push(t);
        self.push(Entry { code, ..Entry::END });
    }

    /// Ends the statement whose entries start at `first`: its [`Entry::END`] and its
    /// record. A statement without tokens leaves nothing. `line`, `index` and `line_start` are
    /// for the compact form.
    #[inline(always)]
    pub(crate) fn end_statement(&mut self, first: usize, line: u32, index: u32, line_start: usize) {
        let n = self.n - first;
        if n == 0 {
            return;
        }
        self.push(Entry::END);
        self.stmts.push(StmtInfo {
            first,
            n,
            line,
            index,
            line_start,
        });
    }

    /// Puts the statement being read, the only one, in full form: every token in `toks`.
    #[cold]
    #[inline(never)]
    pub(crate) fn make_full(&mut self, line: u32, index: u32, line_start: usize) {
        if self.n >= self.k.len() {
            self.grow();
        }
        let info = StmtInfo {
            first: 0,
            n: self.n,
            line,
            index,
            line_start,
        };
        for i in 0..self.n {
            let t = View {
                buf: self,
                info: &info,
            }
            .make_token(i);
            self.toks.push(t);
        }
    }

    /// Every statement, in order.
    #[inline]
    pub(crate) fn views(&self) -> impl Iterator<Item = View<'_, 'a>> {
        self.stmts.iter().map(move |info| View { buf: self, info })
    }

    /// Statement `s`.
    #[inline]
    pub(crate) fn view(&self, s: usize) -> View<'_, 'a> {
        View {
            buf: self,
            info: &self.stmts[s],
        }
    }
}

/// How many entries a batch of compact statements gets before it ends.
pub(crate) const BATCH: usize = 256;

/// One statement of a [`TokenBuf`].
#[derive(Clone, Copy)]
pub(crate) struct View<'t, 'a> {
    buf: &'t TokenBuf<'a>,
    info: &'t StmtInfo,
}

impl<'t, 'a> View<'t, 'a> {
    /// How many tokens the statement has.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.info.n
    }

    /// The entries of its tokens, and then [`Entry::END`].
    #[inline(always)]
    pub(crate) fn entries(&self) -> &'t [Entry] {
        &self.buf.k[self.info.first..=self.info.first + self.info.n]
    }

    /// True when every token is in `toks`.
    #[inline(always)]
    fn is_full(&self) -> bool {
        !self.buf.toks.is_empty()
    }

    /// The tokens in full form, when the statement is; empty otherwise.
    pub(crate) fn full_tokens(&self) -> &'t [Token<'a>] {
        &self.buf.toks
    }

    /// The code of token `i`.
    #[inline(always)]
    fn code(&self, i: usize) -> Code {
        self.buf.k[self.info.first + i].code
    }

    /// Where a compact token is in `src`.
    #[inline(always)]
    fn span(&self, i: usize) -> (usize, usize) {
        let e = self.buf.k[self.info.first + i];
        let start = e.start as usize;
        (start, start + e.len as usize)
    }

    /// The text of token `i`: words, numbers and strings; empty for others.
    #[inline]
    pub(crate) fn text(&self, i: usize) -> &'a str {
        if self.is_full() {
            return match self.buf.toks[i].kind {
                TokenKind::Ident(s) | TokenKind::Number(s) | TokenKind::Str(s) => s,
                _ => "",
            };
        }
        let c = self.code(i);
        if c == Code::Number || c.is_word() {
            let (start, end) = self.span(i);
            &self.buf.src[start..end]
        } else {
            ""
        }
    }

    /// The bytes of a number token `i`.
    #[inline(always)]
    pub(crate) fn number_bytes(&self, i: usize) -> &'a [u8] {
        if self.is_full() {
            return self.text(i).as_bytes();
        }
        let (start, end) = self.span(i);
        &self.buf.src.as_bytes()[start..end]
    }

    /// Token `i` in full.
    #[inline]
    pub(crate) fn token(&self, i: usize) -> Token<'a> {
        if self.is_full() {
            self.buf.toks[i]
        } else {
            self.make_token(i)
        }
    }

    /// A compact token in full.
    #[inline]
    fn make_token(&self, i: usize) -> Token<'a> {
        let (start, end) = self.span(i);
        let text = &self.buf.src[start..end];
        let kind = match self.code(i) {
            Code::Number => TokenKind::Number(text),
            c if c.is_word() => TokenKind::Ident(text),
            // One ASCII character.
            _ => TokenKind::Punct(text.chars().next().unwrap_or(' ')),
        };
        Token {
            kind,
            line: self.info.line,
            column: (start - self.info.line_start) as u32 + 1,
            index: self.info.index + i as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of token gets its code; punctuation the grammar has no use for, ASCII or
    /// not, is [`Code::Other`].
    #[test]
    fn token_codes() {
        assert_eq!(code_of(&TokenKind::Ident("r3")), Code::R3);
        assert_eq!(code_of(&TokenKind::Ident("goto")), Code::Goto);
        assert_eq!(code_of(&TokenKind::Ident("my_label")), Code::Ident);
        assert_eq!(code_of(&TokenKind::Number("0x10")), Code::Number);
        assert_eq!(code_of(&TokenKind::Str("GPL")), Code::Str);
        assert_eq!(code_of(&TokenKind::Interp(0)), Code::Interp);
        assert_eq!(code_of(&TokenKind::End), Code::End);
        assert_eq!(code_of(&TokenKind::Punct('=')), Code::Eq);
        assert_eq!(code_of(&TokenKind::Punct('é')), Code::Other);
        assert_eq!(code_of(&TokenKind::Punct(';')), Code::Other);
        assert_eq!(code_of(&TokenKind::Punct('a')), Code::Other);
    }
}
