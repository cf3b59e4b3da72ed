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

    fn column(&self, at: usize) -> u32 {
        if !self.wide_line {
            (at - self.line_start) as u32 + 1
        } else {
            self.src[self.line_start..at].chars().count() as u32 + 1
        }
    }

    fn newline(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
        self.wide_line = false;
    }

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

impl<'a> Iterator for Lexer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let b = self.bytes;
        loop {
            let start = self.pos;
            let c = *b.get(start)?;
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    let (line, col) = (self.line, self.column(start));
                    self.newline(start);
                    self.pos += 1;
                    return Some(self.tok(TokenKind::End, start, line, col));
                }
                b';' => {
                    let col = self.column(start);
                    self.pos += 1;
                    return Some(self.tok(TokenKind::End, start, self.line, col));
                }
                b'#' => {
                    while self.pos < b.len() && b[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'/' if b.get(start + 1) == Some(&b'/') => {
                    while self.pos < b.len() && b[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'/' if b.get(start + 1) == Some(&b'*') => {
                    let (line, col) = (self.line, self.column(start));
                    self.pos += 2;
                    loop {
                        match b.get(self.pos) {
                            None => {
                                self.unterminated = Some((line, col, "comment"));
                                return None;
                            }
                            Some(b'*') if b.get(self.pos + 1) == Some(&b'/') => {
                                self.pos += 2;
                                break;
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
                        return Some(self.tok(TokenKind::Punct('"'), start, line, col));
                    }
                    self.pos = end + 1;
                    let s = &self.src[start + 1..end];
                    self.wide_line |= !s.is_ascii();
                    return Some(self.tok(TokenKind::Str(s), start, line, col));
                }
                _ if is_word(c) => {
                    let mut end = start + 1;
                    while end < b.len() && is_word(b[end]) {
                        end += 1;
                    }
                    self.pos = end;
                    let s = &self.src[start..end];
                    let col = self.column(start);
                    let kind = if c.is_ascii_digit() {
                        TokenKind::Number(s)
                    } else {
                        TokenKind::Ident(s)
                    };
                    return Some(self.tok(kind, start, self.line, col));
                }
                _ if c < 0x80 => {
                    self.pos += 1;
                    let col = self.column(start);
                    return Some(self.tok(TokenKind::Punct(c as char), start, self.line, col));
                }
                _ => {
                    self.wide_line = true;
                    let ch = self.src[start..].chars().next()?;
                    self.pos += ch.len_utf8();
                    let col = self.column(start);
                    return Some(self.tok(TokenKind::Punct(ch), start, self.line, col));
                }
            }
        }
    }
}
