//! The small token abstraction the one grammar runs over.
//!
//! Two front ends produce these tokens: the text lexer ([`crate::syntax::lex`]) and the compile-time
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

/// Small codes the grammar compares instead of strings: both front ends give every token
/// one, computed by the same functions ([`code_of`], [`word_code`]), so a keyword or a
/// register is recognised once, where it is read.
///
/// ASCII punctuation is its own character; everything else is `0x80` or above.
pub(crate) mod code {
    /// A number.
    pub const NUMBER: u8 = 0x80;
    /// A string.
    pub const STR: u8 = 0x81;
    /// A macro interpolation.
    pub const INTERP: u8 = 0x82;
    /// The end of the statement (also the code just past a statement's last token).
    pub const END: u8 = 0x83;
    /// A non-ASCII punctuation character.
    pub const WIDE: u8 = 0x84;

    // Words ([`TokenKind::Ident`]) have the codes from `IDENT` up.

    /// A word that is no keyword and no register: a label, a helper, a directive argument.
    pub const IDENT: u8 = 0x88;
    /// A word that looks like a register but is none: `r11`, `w99`, `r01`.
    pub const BAD_REG: u8 = 0x89;
    /// A word starting with `.`: `.section`, `.quad`, `.LBB0_1`.
    pub const DOT_WORD: u8 = 0x8a;

    /// Keywords.
    pub const IF: u8 = 0x90;
    pub const GOTO: u8 = 0x91;
    pub const GOTOL: u8 = 0x92;
    pub const MAY_GOTO: u8 = 0x93;
    pub const CALL: u8 = 0x94;
    pub const CALLX: u8 = 0x95;
    pub const EXIT: u8 = 0x96;
    pub const LOCK: u8 = 0x97;
    pub const STORE_RELEASE: u8 = 0x98;
    pub const LD_PSEUDO: u8 = 0x99;
    pub const S: u8 = 0x9a;
    pub const LL: u8 = 0x9b;
    pub const PC: u8 = 0x9c;
    pub const KFUNC: u8 = 0x9d;
    pub const SKB: u8 = 0x9e;
    pub const U8: u8 = 0xa0;
    pub const U16: u8 = 0xa1;
    pub const U32: u8 = 0xa2;
    pub const U64: u8 = 0xa3;
    pub const S8: u8 = 0xa4;
    pub const S16: u8 = 0xa5;
    pub const S32: u8 = 0xa6;
    pub const S64: u8 = 0xa7;
    /// `le16`, `le32`, `le64`, `be16`, ..., `bswap64`: `SWAP + 3 * order + bits` with
    /// order 0 (le), 1 (be), 2 (bswap) and bits 0 (16), 1 (32), 2 (64).
    pub const SWAP: u8 = 0xb0;
    /// `bswap64`, the last of the byte swaps.
    pub const SWAP_LAST: u8 = SWAP + 8;
    pub const ADDR_SPACE_CAST: u8 = 0xb9;
    pub const XCHG_64: u8 = 0xba;
    pub const XCHG32_32: u8 = 0xbb;
    pub const CMPXCHG_64: u8 = 0xbc;
    pub const CMPXCHG32_32: u8 = 0xbd;
    pub const LOAD_ACQUIRE: u8 = 0xbe;
    /// `atomic_fetch_add`, `_or`, `_and`, `_xor`: `FETCH + 0..=3`.
    pub const FETCH: u8 = 0xc0;
    /// `atomic_fetch_xor`, the last of them.
    pub const FETCH_LAST: u8 = FETCH + 3;

    /// `r0`..`r10`: `R + n`.
    pub const R: u8 = 0xe0;
    /// `w0`..`w10`: `W + n`.
    pub const W: u8 = 0xf0;

    /// True for `r0`..`r10` and `w0`..`w10`.
    #[inline(always)]
    pub const fn is_reg(c: u8) -> bool {
        c >= R
    }

    /// True for words ([`TokenKind::Ident`](super::TokenKind::Ident)).
    #[inline(always)]
    pub const fn is_word(c: u8) -> bool {
        c >= IDENT
    }
}

/// The [`code`] of a token.
pub(crate) fn code_of(kind: &TokenKind<'_>) -> u8 {
    match *kind {
        TokenKind::Ident(s) => word_code(s.as_bytes()),
        TokenKind::Number(_) => code::NUMBER,
        TokenKind::Str(_) => code::STR,
        TokenKind::Punct(c) if c.is_ascii() => c as u8,
        TokenKind::Punct(_) => code::WIDE,
        TokenKind::Interp(_) => code::INTERP,
        TokenKind::End => code::END,
    }
}

/// The [`code`] of an identifier's text.
#[inline]
pub(crate) fn word_code(w: &[u8]) -> u8 {
    if w.len() <= 8 && !w.is_empty() {
        let mut packed = 0u64;
        for (i, &b) in w.iter().enumerate() {
            packed |= (b as u64) << (8 * i);
        }
        short_word_code(packed)
    } else {
        long_word_code(w)
    }
}

/// `s` (up to 8 bytes) as a little-endian number, zero above: how short words are compared.
const fn pack(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut v = 0u64;
    let mut i = 0;
    while i < b.len() {
        v |= (b[i] as u64) << (8 * i);
        i += 1;
    }
    v
}

/// The slot of a packed short word in [`SHORT_WORDS`]: a multiplicative hash that puts every
/// keyword and register in a slot of its own (checked when the table is built).
#[inline(always)]
const fn short_slot(w: u64) -> usize {
    (w.wrapping_mul(0x4c8a_a68b_f47c_ac01) >> 57) as usize
}

/// The keywords of up to 8 bytes and the registers, by [`short_slot`]: packed word, code.
static SHORT_WORDS: [(u64, u8); 128] = {
    let mut t = [(0u64, 0u8); 128];
    let mut i = 0;
    while i < KEYWORDS.len() {
        let (k, c) = KEYWORDS[i];
        if k.len() <= 8 && c != code::IDENT && c != code::DOT_WORD {
            let w = pack(k);
            assert!(t[short_slot(w)].0 == 0, "two short words share a slot");
            t[short_slot(w)] = (w, c);
        }
        i += 1;
    }
    let mut n = 0;
    while n <= 10 {
        let digits = if n < 10 {
            (b'0' + n) as u64
        } else {
            pack("10")
        };
        let r = b'r' as u64 | digits << 8;
        let w = b'w' as u64 | digits << 8;
        assert!(t[short_slot(r)].0 == 0, "two short words share a slot");
        t[short_slot(r)] = (r, code::R + n);
        assert!(t[short_slot(w)].0 == 0, "two short words share a slot");
        t[short_slot(w)] = (w, code::W + n);
        n += 1;
    }
    t
};

/// The code of a word of 1..=8 bytes, packed little-endian into `w` (zero above).
#[inline(always)]
pub(crate) fn short_word_code(w: u64) -> u8 {
    let (key, c) = SHORT_WORDS[short_slot(w)];
    if key == w {
        return c;
    }
    match w as u8 {
        // `r11`, `w99`: register look-alikes (or words that start with r or w).
        b'r' | b'w' if w > 0xff => short_word_code_rare(w),
        b'.' => code::DOT_WORD,
        _ => code::IDENT,
    }
}

/// Short words that start with `r` or `w` and are no register.
#[cold]
#[inline(never)]
fn short_word_code_rare(w: u64) -> u8 {
    let b = w.to_le_bytes();
    let len = b.iter().position(|&x| x == 0).unwrap_or(8);
    long_word_code(&b[..len])
}

/// Every keyword and its code.
const KEYWORDS: [(&str, u8); 45] = [
    ("if", code::IF),
    ("goto", code::GOTO),
    ("gotol", code::GOTOL),
    ("may_goto", code::MAY_GOTO),
    ("call", code::CALL),
    ("callx", code::CALLX),
    ("exit", code::EXIT),
    ("lock", code::LOCK),
    ("store_release", code::STORE_RELEASE),
    ("ld_pseudo", code::LD_PSEUDO),
    ("s", code::S),
    ("ll", code::LL),
    ("pc", code::PC),
    ("kfunc", code::KFUNC),
    ("skb", code::SKB),
    ("u8", code::U8),
    ("u16", code::U16),
    ("u32", code::U32),
    ("u64", code::U64),
    ("s8", code::S8),
    ("s16", code::S16),
    ("s32", code::S32),
    ("s64", code::S64),
    ("le16", code::SWAP),
    ("le32", code::SWAP + 1),
    ("le64", code::SWAP + 2),
    ("be16", code::SWAP + 3),
    ("be32", code::SWAP + 4),
    ("be64", code::SWAP + 5),
    ("bswap16", code::SWAP + 6),
    ("bswap32", code::SWAP + 7),
    ("bswap64", code::SWAP + 8),
    ("addr_space_cast", code::ADDR_SPACE_CAST),
    ("xchg_64", code::XCHG_64),
    ("xchg32_32", code::XCHG32_32),
    ("cmpxchg_64", code::CMPXCHG_64),
    ("cmpxchg32_32", code::CMPXCHG32_32),
    ("load_acquire", code::LOAD_ACQUIRE),
    ("atomic_fetch_add", code::FETCH),
    ("atomic_fetch_or", code::FETCH + 1),
    ("atomic_fetch_and", code::FETCH + 2),
    ("atomic_fetch_xor", code::FETCH + 3),
    // Not keywords of the grammar, but common words: a quick answer.
    ("r", code::IDENT),
    ("w", code::IDENT),
    (".", code::DOT_WORD),
];

/// The code of any word, by its text: the definition [`short_word_code`] must agree with.
fn long_word_code(w: &[u8]) -> u8 {
    if w.len() >= 2 && (w[0] == b'r' || w[0] == b'w') && w[1..].iter().all(u8::is_ascii_digit) {
        let base = if w[0] == b'r' { code::R } else { code::W };
        return match &w[1..] {
            [d] => base + (d - b'0'),
            b"10" => base + 10,
            _ => code::BAD_REG,
        };
    }
    if w.first() == Some(&b'.') {
        return code::DOT_WORD;
    }
    KEYWORDS
        .iter()
        .find(|(k, _)| k.as_bytes() == w)
        .map_or(code::IDENT, |&(_, c)| c)
}

/// Statements' tokens, as the grammar reads them.
///
/// Every token has an entry in `k`: its [`code`] in the top byte; each statement's entries are
/// followed by a [`code::END`] entry. The text lexer keeps statements without block comments,
/// strings or non-ASCII text in a compact form, many at a time: an entry also holds where
/// the token is in `src` (`len << 32 | start`), and full [`Token`]s are made only when asked
/// for. Any other statement comes alone, with its tokens in `toks` too.
pub(crate) struct TokenBuf<'a> {
    /// The entries. Only the first `n` are in use: the rest is room to write into.
    pub(crate) k: Vec<u64>,
    /// How many entries are in use.
    pub(crate) n: usize,
    /// The statements (those with tokens), in order.
    pub(crate) stmts: Vec<StmtInfo>,
    /// The tokens of the only statement when it is in full form; empty otherwise.
    pub(crate) toks: Vec<Token<'a>>,
    /// Compact form: the source text.
    pub(crate) src: &'a str,
}

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

/// The longest token the compact form holds (longer ones make the statement full).
pub(crate) const COMPACT_MAX_LEN: usize = (1 << 24) - 1;

/// A compact entry of [`TokenBuf::k`].
#[inline(always)]
pub(crate) fn compact(start: usize, len: usize, code: u8) -> u64 {
    (code as u64) << 56 | (len as u64) << 32 | start as u64
}

/// The entry that ends a statement.
const END_ENTRY: u64 = (code::END as u64) << 56;

impl<'a> TokenBuf<'a> {
    /// An empty buffer that has not allocated.
    pub(crate) fn empty() -> TokenBuf<'a> {
        TokenBuf {
            k: Vec::new(),
            n: 0,
            stmts: Vec::new(),
            toks: Vec::new(),
            src: "",
        }
    }

    /// An empty buffer with room for a batch of statements.
    pub(crate) fn new() -> TokenBuf<'a> {
        TokenBuf {
            k: vec![0; 2 * BATCH],
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
    }

    /// Makes room for more entries in `k`.
    #[cold]
    #[inline(never)]
    pub(crate) fn grow(&mut self) {
        let len = (self.k.len() * 2).max(64);
        self.k.resize(len, 0);
    }

    /// Appends an entry to `k`.
    #[inline]
    pub(crate) fn push(&mut self, entry: u64) {
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
    pub(crate) fn push_full(&mut self, t: Token<'a>, code: u8) {
        self.toks.push(t);
        self.push((code as u64) << 56);
    }

    /// Ends the statement whose entries start at `first`: its [`code::END`] entry and its
    /// record. A statement without tokens leaves nothing. `line`, `index` and `line_start` are
    /// for the compact form.
    #[inline(always)]
    pub(crate) fn end_statement(&mut self, first: usize, line: u32, index: u32, line_start: usize) {
        let n = self.n - first;
        if n == 0 {
            return;
        }
        self.push(END_ENTRY);
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

    /// The entries of its tokens, and then [`code::END`].
    #[inline(always)]
    pub(crate) fn entries(&self) -> &'t [u64] {
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
    fn code(&self, i: usize) -> u8 {
        (self.buf.k[self.info.first + i] >> 56) as u8
    }

    /// Where a compact token is in `src`.
    #[inline(always)]
    fn span(&self, i: usize) -> (usize, usize) {
        let v = self.buf.k[self.info.first + i];
        let start = v as u32 as usize;
        (start, start + ((v >> 32) as usize & COMPACT_MAX_LEN))
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
        if c == code::NUMBER || code::is_word(c) {
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
            code::NUMBER => TokenKind::Number(text),
            c if code::is_word(c) => TokenKind::Ident(text),
            c => TokenKind::Punct(c as char),
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

    #[test]
    fn fast_word_codes_agree() {
        let mut words: Vec<String> = KEYWORDS.iter().map(|(k, _)| k.to_string()).collect();
        for p in [
            "r", "w", "x", "rr", "r1", "u", "s", "le", "be", "bswap", "goto", "if",
        ] {
            for s in [
                "", "0", "1", "9", "10", "11", "01", "99", "100", "_", "a", "16", "32x",
            ] {
                words.push(format!("{p}{s}"));
                words.push(format!(".{p}{s}"));
            }
        }
        words
            .extend(["bpf_map_lookup_elem", "L0", "LBB0_1", "exits", "ifx", "_"].map(String::from));
        for w in &words {
            assert_eq!(word_code(w.as_bytes()), long_word_code(w.as_bytes()), "{w}");
        }
        for (k, c) in KEYWORDS {
            assert_eq!(word_code(k.as_bytes()), c, "{k}");
        }
        assert_eq!(word_code(b"r10"), code::R + 10);
        assert_eq!(word_code(b"w3"), code::W + 3);
        assert_eq!(word_code(b"r11"), code::BAD_REG);
    }
}
