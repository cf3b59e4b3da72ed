//! The small token abstraction the one grammar runs over.
//!
//! Two front ends produce these tokens: the text lexer ([`crate::lex`]) and the compile-time
//! macro (from `proc_macro2` tokens). The parser never sees characters or Rust syntax, so
//! both accept exactly the same language.

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
