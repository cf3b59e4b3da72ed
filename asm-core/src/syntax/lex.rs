//! The text lexer: assembly text into [`Token`]s, one at a time, without allocating.
//!
//! Comments (`//`, `#`, `/* */`) are skipped; line breaks and `;` become [`TokenKind::End`].

use crate::syntax::code::{short_word_code, word_code, Code};
use crate::syntax::token::{code_of, compact, Token, TokenBuf, TokenKind, BATCH, COMPACT_MAX_LEN};
use crate::util::swar::short_word_len;

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
    /// For [`Iterator::next`]: the statement being handed out one token at a time.
    queue: Queue<'a>,
}

/// A statement's tokens, its end token, and how many of them [`Iterator::next`] gave.
struct Queue<'a> {
    buf: TokenBuf<'a>,
    next: usize,
    end: Option<Token<'a>>,
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
            queue: Queue {
                buf: TokenBuf::empty(),
                next: 0,
                end: None,
            },
        }
    }

    #[inline(always)]
    fn column(&self, at: usize) -> u32 {
        self.column_in(self.line_start, self.wide_line, at)
    }

    /// The column on a line with non-ASCII characters: count characters, not bytes.
    #[cold]
    #[inline(never)]
    fn wide_column(&self, line_start: usize, at: usize) -> u32 {
        self.src[line_start..at].chars().count() as u32 + 1
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
/// (`repr(u8)` keeps the variant in a byte of its own: stored in the niche of
/// [`Class::Punct`]'s code, it would take arithmetic to read.)
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
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
    /// `.`: punctuation, or the start of a word (`.section`, `.LBB0_1`).
    Dot,
    /// Other ASCII punctuation, one token each, and its [`Code`] (looked up with the
    /// class, in one load).
    Punct(Code),
    /// `#`, `/`, `"`, `'` and non-ASCII bytes: comments, strings, character literals and
    /// wide characters.
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
                b'#' | b'/' | b'"' | b'\'' => Class::Rare,
                b'.' => Class::Dot,
                _ => Class::Punct(match Code::from_u8(c) {
                    Some(code) => code,
                    None => Code::Other,
                }),
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

/// Where the word starting at `start` (a word byte) ends.
#[inline(always)]
fn scan_word(b: &[u8], start: usize) -> usize {
    match b.get(start..start + 8) {
        Some(chunk) => match short_word_len(chunk) {
            Some(n) => start + n,
            None => scan_word_slow(b, start + 8),
        },
        None => scan_word_slow(b, start + 1),
    }
}

/// Where the word starting at `start` (a letter) ends, and its [`Code`], computed on each
/// path so that the common one (a word of up to 7 bytes) checks no length.
#[inline(always)]
fn scan_letter_word(b: &[u8], start: usize) -> (usize, Code) {
    let Some(chunk) = b.get(start..start + 8) else {
        return scan_letter_word_tail(b, start);
    };
    let Some(n) = short_word_len(chunk) else {
        return scan_long_word(b, start);
    };
    let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
    (start + n, short_word_code(w & (u64::MAX >> (64 - 8 * n))))
}

/// [`scan_letter_word`] for a word of 8 bytes or more.
#[cold]
#[inline(never)]
fn scan_long_word(b: &[u8], start: usize) -> (usize, Code) {
    let end = scan_word_slow(b, start + 8);
    (end, word_code(&b[start..end]))
}

/// [`scan_letter_word`] within 8 bytes of the end of the input.
#[cold]
#[inline(never)]
fn scan_letter_word_tail(b: &[u8], start: usize) -> (usize, Code) {
    let end = scan_word_slow(b, start + 1);
    (end, word_code(&b[start..end]))
}

/// Where the word continuing at `from` ends, byte by byte.
#[cold]
#[inline(never)]
fn scan_word_slow(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&x| !WORD[x as usize])
        .map_or(b.len(), |n| from + n)
}

/// The position of the first line break from `from`, or the end of the input.
fn line_end(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&x| x == b'\n')
        .map_or(b.len(), |n| from + n)
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

/// What [`scan`] found. (`repr(u8)` gives the variant a byte of its own rather than a
/// niche in a [`Code`], so that matching it takes no arithmetic.)
#[repr(u8)]
enum Scan {
    /// A word or a number: where it is and its [`Code`].
    Word {
        start: usize,
        end: usize,
        code: Code,
    },
    /// An ASCII punctuation character at this position, and its [`Code`].
    Punct(usize, Code),
    /// A line break or `;` at this position.
    End(usize, u8),
    /// A comment, string, `/` or non-ASCII character at this position: for [`Lexer::rare`].
    Rare(usize, u8),
    /// The end of the input.
    Eof,
}

/// Skips spaces from `pos` and reads what follows: the common cases of lexing, shared by
/// the compact and the full form of [`Lexer::fill`].
#[inline(always)]
fn scan(b: &[u8], mut pos: usize) -> Scan {
    loop {
        let start = pos;
        let Some(&c) = b.get(start) else {
            return Scan::Eof;
        };
        match CLASS[c as usize] {
            Class::Space => pos += 1,
            Class::Letter => {
                let (end, code) = scan_letter_word(b, start);
                return Scan::Word { start, end, code };
            }
            Class::Digit => {
                let end = scan_word(b, start);
                return Scan::Word {
                    start,
                    end,
                    code: Code::Number,
                };
            }
            // `.name` is one word (`.section`, `.LBB0_1`); `.8byte` stays `.` + number.
            Class::Dot
                if b.get(start + 1)
                    .is_some_and(|&n| CLASS[n as usize] == Class::Letter) =>
            {
                let end = scan_word(b, start + 1);
                return Scan::Word {
                    start,
                    end,
                    code: Code::DotWord,
                };
            }
            Class::Punct(code) => return Scan::Punct(start, code),
            Class::Dot => return Scan::Punct(start, Code::Dot),
            Class::Newline | Class::Semi => return Scan::End(start, c),
            Class::Rare => return Scan::Rare(start, c),
        }
    }
}

/// The compact form of a statement from `pos`: its entries go to `buf.k` after the first
/// `buf.n`. Returns what stopped it ([`Scan::End`], [`Scan::Rare`] for what needs the full
/// form, or [`Scan::Eof`]) and how many entries `k` then has. A comment to the end of the
/// line is skipped.
#[inline(always)]
fn compact_statement(b: &[u8], mut pos: usize, buf: &mut TokenBuf<'_>) -> (Scan, usize) {
    // The entries are written through a local slice, and counted in a local.
    let (start, mut n) = (pos, buf.n);
    let mut k = &mut buf.k[..];
    loop {
        let entry = match scan(b, pos) {
            Scan::Word { start, end, code } => {
                pos = end;
                compact(start, end - start, code)
            }
            Scan::Punct(at, c) => {
                pos = at + 1;
                compact(at, 1, c)
            }
            Scan::Rare(at, c) if c == b'#' || (c == b'/' && b.get(at + 1) == Some(&b'/')) => {
                pos = line_end(b, at);
                continue;
            }
            stop => return (stop, n),
        };
        if let Some(slot) = k.get_mut(n) {
            *slot = entry;
        } else if pos - start > COMPACT_MAX_LEN {
            // Too long for the compact form: stop before growing for it (a 10 MB statement
            // would take 80 MB of entries), as a rare character past the limit does.
            return (Scan::Rare(pos, 0), n);
        } else {
            buf.n = n;
            buf.grow();
            k = &mut buf.k[..];
            k[n] = entry;
        }
        n += 1;
    }
}

impl<'a> Lexer<'a> {
    /// Fills the empty `buf` with the next statements: a batch of them in compact form, or
    /// one in full form (see [`TokenBuf`]). Returns false when the input has ended. The same
    /// tokens as [`Iterator::next`] gives, without a call per token or per statement.
    #[inline(never)]
    pub(crate) fn fill_statement(&mut self, buf: &mut TokenBuf<'a>) -> bool {
        self.fill(buf, false).is_some()
    }

    /// Fills the empty `buf` with the next statements (just one with `one`) and returns the
    /// end token (a line break or `;`) of the last, or `None` when the input ended first.
    ///
    /// Statements are read in compact form until a block comment, a string or a non-ASCII
    /// character makes one full; a full statement comes alone.
    #[inline(always)]
    fn fill(&mut self, buf: &mut TokenBuf<'a>, one: bool) -> Option<Token<'a>> {
        buf.src = self.src;
        if self.src.len() > u32::MAX as usize {
            return self.fill_full(buf);
        }
        let b = self.bytes;
        // Only the slow path makes a line wide: once is enough.
        if self.wide_line {
            return self.fill_alone(buf);
        }
        // The position in locals while the batch lasts; `self` has it at every return.
        let (mut pos, mut line, mut line_start, mut index) =
            (self.pos, self.line, self.line_start, self.index);
        loop {
            let first = buf.n;
            let (stop, n) = compact_statement(b, pos, buf);
            buf.n = n;
            let count = (n - first) as u32;
            match stop {
                Scan::End(at, c) if at - pos <= COMPACT_MAX_LEN => {
                    buf.end_statement(first, line, index, line_start);
                    let end = Token {
                        kind: TokenKind::End,
                        line,
                        column: (at - line_start) as u32 + 1,
                        index: index + count,
                    };
                    pos = at + 1;
                    index += count + 1;
                    if c == b'\n' {
                        line += 1;
                        line_start = pos;
                    }
                    if one || buf.n >= BATCH {
                        (self.pos, self.line, self.line_start, self.index) =
                            (pos, line, line_start, index);
                        return Some(end);
                    }
                    continue;
                }
                _ => {}
            }
            (self.pos, self.line, self.line_start, self.index) = (pos, line, line_start, index);
            return match stop {
                // No token is longer than the statement: one check for all lengths.
                Scan::End(..) => {
                    buf.n = first;
                    self.fill_alone(buf)
                }
                Scan::Rare(at, _) if at - pos > COMPACT_MAX_LEN => {
                    buf.n = first;
                    self.fill_alone(buf)
                }
                Scan::Rare(at, _) if first == 0 => {
                    buf.make_full(line, index, line_start);
                    self.pos = at;
                    self.index += count;
                    self.fill_full(buf)
                }
                Scan::Rare(..) => {
                    buf.n = first;
                    self.fill_alone(buf)
                }
                _ if b.len() - pos > COMPACT_MAX_LEN => {
                    buf.n = first;
                    self.fill_alone(buf)
                }
                _ => {
                    buf.end_statement(first, line, index, line_start);
                    self.pos = b.len();
                    self.index += count;
                    None
                }
            };
        }
    }

    /// Ends the batch before a statement that needs the full form; it comes alone in the
    /// next batch. Reads it now when it is the first.
    #[cold]
    #[inline(never)]
    fn fill_alone(&mut self, buf: &mut TokenBuf<'a>) -> Option<Token<'a>> {
        if buf.n > 0 {
            // Not an end token: only "there is more" is read from it.
            return Some(Token {
                kind: TokenKind::End,
                line: self.line,
                column: 1,
                index: self.index,
            });
        }
        self.fill_full(buf)
    }

    /// [`Lexer::fill`] in full form, from the lexer's position.
    #[inline(never)]
    fn fill_full(&mut self, buf: &mut TokenBuf<'a>) -> Option<Token<'a>> {
        let (b, src) = (self.bytes, self.src);
        loop {
            match scan(b, self.pos) {
                Scan::Punct(at, c) => {
                    self.pos = at + 1;
                    let col = self.column(at);
                    let t = self.tok(TokenKind::Punct(b[at] as char), at, self.line, col);
                    buf.push_full(t, c);
                }
                Scan::Word { start, end, code } => {
                    let text = &src[start..end];
                    let kind = match code {
                        Code::Number => TokenKind::Number(text),
                        _ => TokenKind::Ident(text),
                    };
                    self.pos = end;
                    let col = self.column(start);
                    let t = self.tok(kind, start, self.line, col);
                    buf.push_full(t, code);
                }
                Scan::End(at, c) => {
                    buf.end_statement(0, 0, 0, 0);
                    let (line, col) = (self.line, self.column(at));
                    if c == b'\n' {
                        self.newline(at);
                    }
                    self.pos = at + 1;
                    return Some(self.tok(TokenKind::End, at, line, col));
                }
                Scan::Rare(at, c) => {
                    self.pos = at;
                    match self.rare(at, c) {
                        Step::Skip => {}
                        Step::Token(t) => buf.push_full(t, code_of(&t.kind)),
                        Step::Eof => {
                            buf.end_statement(0, 0, 0, 0);
                            return None;
                        }
                    }
                }
                Scan::Eof => {
                    buf.end_statement(0, 0, 0, 0);
                    self.pos = b.len();
                    return None;
                }
            }
        }
    }

    /// The column of `at` on the line starting at `line_start`; `wide` when the line has a
    /// non-ASCII character (columns count characters).
    #[inline(always)]
    fn column_in(&self, line_start: usize, wide: bool, at: usize) -> u32 {
        if !wide {
            (at - line_start) as u32 + 1
        } else {
            self.wide_column(line_start, at)
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
            b'\'' => self.char_literal(start),
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

    /// A character literal from its `'` at `start` to the next `'` on the line (a `\`
    /// escapes the character after it): one [`TokenKind::Number`] with the quotes, which
    /// [`crate::syntax::number::parse_literal`] reads or explains. Without a closing quote,
    /// the token runs to the end of the line (one error for it, not one per word).
    fn char_literal(&mut self, start: usize) -> Step<'a> {
        let b = self.bytes;
        let (line, col) = (self.line, self.column(start));
        let mut end = start + 1;
        while end < b.len() && b[end] != b'\'' && b[end] != b'\n' {
            end += if b[end] == b'\\' && b.get(end + 1).is_some_and(|&c| c != b'\n') {
                2
            } else {
                1
            };
        }
        let end = if b.get(end) == Some(&b'\'') {
            end + 1
        } else {
            end.min(b.len())
        };
        self.pos = end;
        let s = &self.src[start..end];
        self.wide_line |= !s.is_ascii();
        Step::Token(self.tok(TokenKind::Number(s), start, line, col))
    }

    fn skip_line(&mut self) {
        self.pos = line_end(self.bytes, self.pos);
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let q = &mut self.queue;
            if !q.buf.stmts.is_empty() {
                let v = q.buf.view(0);
                if q.next < v.len() {
                    q.next += 1;
                    return Some(v.token(q.next - 1));
                }
            }
            // A statement cut at its first dropped token: that token still comes, so
            // that the parser's own buffer sees the statement is too long and says so.
            if let Some(t) = q.buf.overflow.take() {
                return Some(t);
            }
            if let Some(end) = q.end.take() {
                return Some(end);
            }
            let mut buf = std::mem::replace(&mut q.buf, TokenBuf::empty());
            buf.clear();
            let end = self.fill(&mut buf, true);
            let q = &mut self.queue;
            q.buf = buf;
            q.next = 0;
            q.end = end;
            if end.is_none() && q.buf.stmts.is_empty() {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Statements read in batches (compact or full form) give the same tokens as one at a
    /// time through the iterator.
    #[test]
    fn batches_give_the_iterator_tokens() {
        let inputs = [
            "r0 = 1\nexit\n",
            "L0: r1 += r2 ; r3 = *(u32 *)(r10 - 4) // note\n\n\tgoto L0",
            "r1 = 5 /* a\ncomment */ r2 = 6\n# c\nexit",
            "r1 = \"é\" ; r2 = 3\nr3 = 4 ; é ; r4 = 1\n.section \"x\", y\n.8byte 5",
            "averyveryverylongword r11 w99 bswap64 atomic_fetch_add(x)\n",
            "r1 = 1\n/* unterminated",
        ];
        for src in inputs {
            let expected: Vec<Token<'_>> = Lexer::new(src)
                .filter(|t| t.kind != TokenKind::End)
                .collect();
            let mut lexer = Lexer::new(src);
            let mut buf = TokenBuf::new();
            let mut got = Vec::new();
            loop {
                buf.clear();
                let more = lexer.fill_statement(&mut buf);
                for s in 0..buf.stmts.len() {
                    let v = buf.view(s);
                    got.extend((0..v.len()).map(|i| v.token(i)));
                }
                if !more {
                    break;
                }
            }
            assert_eq!(got, expected, "{src:?}");
        }
    }
}
