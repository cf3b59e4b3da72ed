//! The text lexer: assembly text into [`Token`]s, one at a time, without allocating.
//!
//! Comments (`//`, `#`, `/* */`) are skipped; line breaks and `;` become [`TokenKind::End`].

use crate::token::{Token, TokenKind};

/// Lexes assembly text. Errors (an unterminated comment or string, a stray character)
/// are returned as tokens of kind [`TokenKind::Punct`] the parser rejects, so every
/// problem surfaces as a positioned diagnostic.
pub struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    index: u32,
    /// The current line has a non-ASCII character: columns must count characters.
    wide_line: bool,
    /// Set when a block comment or string ran to the end of the input.
    pub unterminated: Option<(u32, u32, &'static str)>,
}

impl<'a> Lexer<'a> {
    /// A lexer over `src`.
    pub fn new(src: &'a str) -> Lexer<'a> {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
            index: 0,
            wide_line: false,
            unterminated: None,
        }
    }

    #[inline(always)]
    fn column(&self, at: usize) -> u32 {
        if !self.wide_line {
            (at - self.line_start) as u32 + 1
        } else {
            self.wide_column(at)
        }
    }

    /// The column on a line with non-ASCII characters: count characters, not bytes.
    #[cold]
    #[inline(never)]
    fn wide_column(&self, at: usize) -> u32 {
        self.src[self.line_start..at].chars().count() as u32 + 1
    }

    fn newline(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
        self.wide_line = false;
    }

    #[inline(always)]
    fn tok(&mut self, kind: TokenKind<'a>, start: usize, line: u32, column: u32) -> Token<'a> {
        let _ = start;
        let t = Token {
            kind,
            line,
            column,
            index: self.index,
        };
        self.index += 1;
        t
    }
}

/// How the lexer treats each byte: the common cases are decided by one table lookup.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Space, tab, carriage return: skipped.
    Space,
    /// A line break: ends a statement.
    Newline,
    /// `;`: ends a statement.
    Semi,
    /// An ASCII letter or `_`: starts an identifier.
    Letter,
    /// An ASCII digit: starts a number.
    Digit,
    /// Other ASCII punctuation, one token each.
    Punct,
    /// `#`, `/`, `"` and non-ASCII bytes: comments, strings and wide characters.
    Rare,
}

static CLASS: [Class; 256] = {
    let mut t = [Class::Rare; 256];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = if c.is_ascii_alphabetic() || c == b'_' {
            Class::Letter
        } else if c.is_ascii_digit() {
            Class::Digit
        } else {
            match c {
                b' ' | b'\t' | b'\r' => Class::Space,
                b'\n' => Class::Newline,
                b';' => Class::Semi,
                b'#' | b'/' | b'"' => Class::Rare,
                _ => Class::Punct,
            }
        };
        i += 1;
    }
    t
};

/// Bytes that continue a word: ASCII letters, digits and `_`.
static WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_';
        i += 1;
    }
    t
};

fn is_word(b: u8) -> bool {
    WORD[b as usize]
}

/// What the slow path found at one position.
enum Step<'a> {
    /// A comment was skipped: go on lexing.
    Skip,
    /// A token.
    Token(Token<'a>),
    /// The input ended (inside a block comment).
    Eof,
}

impl<'a> Lexer<'a> {
    /// The next token; the common cases (words, punctuation, spaces, line breaks) inline.
    #[inline(always)]
    fn lex(&mut self) -> Option<Token<'a>> {
        let b = self.bytes;
        loop {
            let start = self.pos;
            let c = *b.get(start)?;
            match CLASS[c as usize] {
                Class::Space => self.pos += 1,
                Class::Letter | Class::Digit => {
                    let end = b[start + 1..]
                        .iter()
                        .position(|&x| !is_word(x))
                        .map_or(b.len(), |n| start + 1 + n);
                    self.pos = end;
                    let s = &self.src[start..end];
                    let col = self.column(start);
                    let kind = if CLASS[c as usize] == Class::Digit {
                        TokenKind::Number(s)
                    } else {
                        TokenKind::Ident(s)
                    };
                    return Some(self.tok(kind, start, self.line, col));
                }
                // `.name` is one word (`.section`, `.LBB0_1`); `.8byte` stays `.` + number.
                Class::Punct
                    if c == b'.'
                        && b.get(start + 1)
                            .is_some_and(|&n| CLASS[n as usize] == Class::Letter) =>
                {
                    let end = b[start + 1..]
                        .iter()
                        .position(|&x| !is_word(x))
                        .map_or(b.len(), |n| start + 1 + n);
                    self.pos = end;
                    let col = self.column(start);
                    let s = &self.src[start..end];
                    return Some(self.tok(TokenKind::Ident(s), start, self.line, col));
                }
                Class::Punct => {
                    self.pos += 1;
                    let col = self.column(start);
                    return Some(self.tok(TokenKind::Punct(c as char), start, self.line, col));
                }
                Class::Newline => {
                    let (line, col) = (self.line, self.column(start));
                    self.newline(start);
                    self.pos += 1;
                    return Some(self.tok(TokenKind::End, start, line, col));
                }
                Class::Semi => {
                    let col = self.column(start);
                    self.pos += 1;
                    return Some(self.tok(TokenKind::End, start, self.line, col));
                }
                Class::Rare => match self.rare(start, c) {
                    Step::Skip => {}
                    Step::Token(t) => return Some(t),
                    Step::Eof => return None,
                },
            }
        }
    }

    /// Appends the tokens of the next statement to `buf`, up to (not including) its end
    /// token; returns false when the input has ended. The same tokens as [`Iterator::next`]
    /// gives, without a call per token.
    pub(crate) fn fill_statement(&mut self, buf: &mut Vec<Token<'a>>) -> bool {
        loop {
            match self.lex() {
                None => return false,
                Some(t) if t.kind == TokenKind::End => return true,
                Some(t) => buf.push(t),
            }
        }
    }

    /// Comments, strings, `/` and non-ASCII characters.
    #[inline(never)]
    fn rare(&mut self, start: usize, c: u8) -> Step<'a> {
        let b = self.bytes;
        match c {
            b'#' => {
                self.skip_line();
                Step::Skip
            }
            b'/' if b.get(start + 1) == Some(&b'/') => {
                self.skip_line();
                Step::Skip
            }
            b'/' if b.get(start + 1) == Some(&b'*') => {
                let (line, col) = (self.line, self.column(start));
                self.pos += 2;
                loop {
                    match b.get(self.pos) {
                        None => {
                            self.unterminated = Some((line, col, "comment"));
                            return Step::Eof;
                        }
                        Some(b'*') if b.get(self.pos + 1) == Some(&b'/') => {
                            self.pos += 2;
                            return Step::Skip;
                        }
                        Some(b'\n') => {
                            self.newline(self.pos);
                            self.pos += 1;
                        }
                        Some(&x) => {
                            self.wide_line |= x >= 0x80;
                            self.pos += 1;
                        }
                    }
                }
            }
            b'"' => {
                let (line, col) = (self.line, self.column(start));
                let mut end = start + 1;
                while end < b.len() && b[end] != b'"' && b[end] != b'\n' {
                    end += if b[end] == b'\\' { 2 } else { 1 };
                }
                if end >= b.len() || b[end] != b'"' {
                    self.unterminated = Some((line, col, "string"));
                    self.pos = end.min(b.len());
                    return Step::Token(self.tok(TokenKind::Punct('"'), start, line, col));
                }
                self.pos = end + 1;
                let s = &self.src[start + 1..end];
                self.wide_line |= !s.is_ascii();
                Step::Token(self.tok(TokenKind::Str(s), start, line, col))
            }
            _ if c < 0x80 => {
                self.pos += 1;
                let col = self.column(start);
                Step::Token(self.tok(TokenKind::Punct(c as char), start, self.line, col))
            }
            _ => {
                self.wide_line = true;
                let Some(ch) = self.src[start..].chars().next() else {
                    return Step::Eof;
                };
                self.pos += ch.len_utf8();
                let col = self.column(start);
                Step::Token(self.tok(TokenKind::Punct(ch), start, self.line, col))
            }
        }
    }

    fn skip_line(&mut self) {
        let b = self.bytes;
        self.pos = b[self.pos..]
            .iter()
            .position(|&x| x == b'\n')
            .map_or(b.len(), |n| self.pos + n);
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        self.lex()
    }
}
