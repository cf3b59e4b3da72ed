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

/// Declares [`Code`] and its conversion from a byte from one list, so they cannot drift.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $value:expr,)*) => {
        /// Small codes the grammar compares instead of strings: both front ends give every
        /// token one, computed by the same functions ([`code_of`], [`word_code`]), so a
        /// keyword or a register is recognised once, where it is read.
        ///
        /// The punctuation the grammar uses has its ASCII character as value; everything
        /// else is `0x80` or above. Words ([`TokenKind::Ident`]) have the values from
        /// [`Code::Ident`] up, registers from [`Code::R0`] up.
        #[repr(u8)]
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub(crate) enum Code {
            $($(#[$doc])* $name = $value,)*
        }

        impl Code {
            /// Every code.
            #[cfg(test)]
            const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The code whose value is `b`, if any.
            const fn from_u8(b: u8) -> Option<Code> {
                $(if b == $value {
                    return Some(Code::$name);
                })*
                None
            }
        }
    };
}

codes! {
    /// `!`
    Bang = b'!',
    /// `%`
    Percent = b'%',
    /// `&`
    Amp = b'&',
    /// `(`
    LParen = b'(',
    /// `)`
    RParen = b')',
    /// `*`
    Star = b'*',
    /// `+`
    Plus = b'+',
    /// `,`
    Comma = b',',
    /// `-`
    Minus = b'-',
    /// `.` alone (before a number: `.8byte`).
    Dot = b'.',
    /// `/`
    Slash = b'/',
    /// `:`
    Colon = b':',
    /// `<`
    Lt = b'<',
    /// `=`
    Eq = b'=',
    /// `>`
    Gt = b'>',
    /// `[`
    LBracket = b'[',
    /// `]`
    RBracket = b']',
    /// `^`
    Caret = b'^',
    /// `|`
    Pipe = b'|',

    /// A number.
    Number = 0x80,
    /// A string.
    Str = 0x81,
    /// A macro interpolation.
    Interp = 0x82,
    /// The end of the statement (also the code just past a statement's last token).
    End = 0x83,
    /// Any other punctuation character, ASCII or not: the grammar has no use for it.
    Other = 0x84,

    /// A word that is no keyword and no register: a label, a helper, a directive argument.
    Ident = 0x88,
    /// A word that looks like a register but is none: `r11`, `w99`, `r01`.
    BadReg = 0x89,
    /// A word starting with `.`: `.section`, `.quad`, `.LBB0_1`.
    DotWord = 0x8a,

    /// `if`
    If = 0x90,
    /// `goto`
    Goto = 0x91,
    /// `gotol`
    Gotol = 0x92,
    /// `may_goto`
    MayGoto = 0x93,
    /// `call`
    Call = 0x94,
    /// `callx`
    Callx = 0x95,
    /// `exit`
    Exit = 0x96,
    /// `lock`
    Lock = 0x97,
    /// `store_release`
    StoreRelease = 0x98,
    /// `ld_pseudo`
    LdPseudo = 0x99,
    /// `s`, the signed prefix (`s>`, `s/=`).
    S = 0x9a,
    /// `ll`
    Ll = 0x9b,
    /// `pc`
    Pc = 0x9c,
    /// `kfunc`
    Kfunc = 0x9d,
    /// `skb`
    Skb = 0x9e,
    /// `u8`
    U8 = 0xa0,
    /// `u16`
    U16 = 0xa1,
    /// `u32`
    U32 = 0xa2,
    /// `u64`
    U64 = 0xa3,
    /// `s8`
    S8 = 0xa4,
    /// `s16`
    S16 = 0xa5,
    /// `s32`
    S32 = 0xa6,
    /// `s64`
    S64 = 0xa7,
    /// `le16`; the byte swaps are `Le16 + 3 * order + bits` with order 0 (le), 1 (be),
    /// 2 (bswap) and bits 0 (16), 1 (32), 2 (64): see [`Code::swap`].
    Le16 = 0xb0,
    /// `le32`
    Le32 = 0xb1,
    /// `le64`
    Le64 = 0xb2,
    /// `be16`
    Be16 = 0xb3,
    /// `be32`
    Be32 = 0xb4,
    /// `be64`
    Be64 = 0xb5,
    /// `bswap16`
    Bswap16 = 0xb6,
    /// `bswap32`
    Bswap32 = 0xb7,
    /// `bswap64`
    Bswap64 = 0xb8,
    /// `addr_space_cast`
    AddrSpaceCast = 0xb9,
    /// `xchg_64`
    Xchg64 = 0xba,
    /// `xchg32_32`
    Xchg32_32 = 0xbb,
    /// `cmpxchg_64`
    Cmpxchg64 = 0xbc,
    /// `cmpxchg32_32`
    Cmpxchg32_32 = 0xbd,
    /// `load_acquire`
    LoadAcquire = 0xbe,
    /// `atomic_fetch_add`; the four are `FetchAdd + 0..=3`: see [`Code::fetch`].
    FetchAdd = 0xc0,
    /// `atomic_fetch_or`
    FetchOr = 0xc1,
    /// `atomic_fetch_and`
    FetchAnd = 0xc2,
    /// `atomic_fetch_xor`
    FetchXor = 0xc3,

    /// `r0`; `rN` is `R0 + N` (see [`Code::reg_number`]).
    R0 = 0xe0,
    /// `r1`
    R1 = 0xe1,
    /// `r2`
    R2 = 0xe2,
    /// `r3`
    R3 = 0xe3,
    /// `r4`
    R4 = 0xe4,
    /// `r5`
    R5 = 0xe5,
    /// `r6`
    R6 = 0xe6,
    /// `r7`
    R7 = 0xe7,
    /// `r8`
    R8 = 0xe8,
    /// `r9`
    R9 = 0xe9,
    /// `r10`
    R10 = 0xea,
    /// `w0`; `wN` is `W0 + N`.
    W0 = 0xf0,
    /// `w1`
    W1 = 0xf1,
    /// `w2`
    W2 = 0xf2,
    /// `w3`
    W3 = 0xf3,
    /// `w4`
    W4 = 0xf4,
    /// `w5`
    W5 = 0xf5,
    /// `w6`
    W6 = 0xf6,
    /// `w7`
    W7 = 0xf7,
    /// `w8`
    W8 = 0xf8,
    /// `w9`
    W9 = 0xf9,
    /// `w10`
    W10 = 0xfa,
}

/// Codes by value: the [`Code`] of a byte, [`Code::Other`] for bytes that are none.
static BY_VALUE: [Code; 256] = {
    let mut t = [Code::Other; 256];
    let mut i = 0;
    while i < 256 {
        if let Some(c) = Code::from_u8(i as u8) {
            t[i] = c;
        }
        i += 1;
    }
    t
};

/// `r0`..`r10` and `w0`..`w10`, by width (64-bit first) and number.
const REG_CODES: [[Code; 11]; 2] = {
    let mut t = [[Code::BadReg; 11]; 2];
    let mut n = 0;
    while n < 11 {
        t[0][n] = match Code::from_u8(Code::R0 as u8 + n as u8) {
            Some(c) => c,
            None => panic!("a register without a code"),
        };
        t[1][n] = match Code::from_u8(Code::W0 as u8 + n as u8) {
            Some(c) => c,
            None => panic!("a register without a code"),
        };
        n += 1;
    }
    t
};

impl Code {
    /// The code of a punctuation character (an ASCII byte): its own, or [`Code::Other`].
    #[inline(always)]
    pub(crate) fn punct(c: u8) -> Code {
        if c < 0x80 {
            BY_VALUE[c as usize]
        } else {
            Code::Other
        }
    }

    /// The character of a punctuation code, for messages (`?` for [`Code::Other`] and
    /// codes that are no character).
    pub(crate) fn char(self) -> char {
        if (self as u8) < 0x80 {
            self as u8 as char
        } else {
            '?'
        }
    }

    /// True for `r0`..`r10` and `w0`..`w10`.
    #[inline(always)]
    pub(crate) const fn is_reg(self) -> bool {
        self as u8 >= Code::R0 as u8
    }

    /// True for `w0`..`w10`.
    #[inline(always)]
    pub(crate) const fn is_reg32(self) -> bool {
        self as u8 >= Code::W0 as u8
    }

    /// The number of a register's code (`r7`, `w7`: 7); meaningless for other codes.
    #[inline(always)]
    pub(crate) const fn reg_number(self) -> usize {
        (self as u8 & 15) as usize
    }

    /// True for words ([`TokenKind::Ident`]).
    #[inline(always)]
    pub(crate) const fn is_word(self) -> bool {
        self as u8 >= Code::Ident as u8
    }

    /// For a byte swap (`le16`..`bswap64`), `3 * order + bits` as [`Code::Le16`] says.
    #[inline(always)]
    pub(crate) const fn swap(self) -> Option<u8> {
        match self {
            Code::Le16
            | Code::Le32
            | Code::Le64
            | Code::Be16
            | Code::Be32
            | Code::Be64
            | Code::Bswap16
            | Code::Bswap32
            | Code::Bswap64 => Some(self as u8 - Code::Le16 as u8),
            _ => None,
        }
    }

    /// For `atomic_fetch_add`, `_or`, `_and`, `_xor`: 0..=3.
    #[inline(always)]
    pub(crate) const fn fetch(self) -> Option<usize> {
        match self {
            Code::FetchAdd | Code::FetchOr | Code::FetchAnd | Code::FetchXor => {
                Some((self as u8 - Code::FetchAdd as u8) as usize)
            }
            _ => None,
        }
    }
}

/// The [`Code`] of a token.
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

/// The [`Code`] of an identifier's text.
#[inline]
pub(crate) fn word_code(w: &[u8]) -> Code {
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
static SHORT_WORDS: [(u64, Code); 128] = {
    let mut t = [(0u64, Code::Ident); 128];
    let mut i = 0;
    while i < KEYWORDS.len() {
        let (k, c) = KEYWORDS[i];
        if k.len() <= 8 && !matches!(c, Code::Ident | Code::DotWord) {
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
        t[short_slot(r)] = (r, REG_CODES[0][n as usize]);
        assert!(t[short_slot(w)].0 == 0, "two short words share a slot");
        t[short_slot(w)] = (w, REG_CODES[1][n as usize]);
        n += 1;
    }
    t
};

/// The code of a word of 1..=8 bytes, packed little-endian into `w` (zero above).
#[inline(always)]
pub(crate) fn short_word_code(w: u64) -> Code {
    let (key, c) = SHORT_WORDS[short_slot(w)];
    if key == w {
        return c;
    }
    match w as u8 {
        // `r11`, `w99`: register look-alikes (or words that start with r or w).
        b'r' | b'w' if w > 0xff => short_word_code_rare(w),
        b'.' => Code::DotWord,
        _ => Code::Ident,
    }
}

/// Short words that start with `r` or `w` and are no register.
#[cold]
#[inline(never)]
fn short_word_code_rare(w: u64) -> Code {
    let b = w.to_le_bytes();
    let len = b.iter().position(|&x| x == 0).unwrap_or(8);
    long_word_code(&b[..len])
}

/// Every keyword and its code.
const KEYWORDS: [(&str, Code); 45] = [
    ("if", Code::If),
    ("goto", Code::Goto),
    ("gotol", Code::Gotol),
    ("may_goto", Code::MayGoto),
    ("call", Code::Call),
    ("callx", Code::Callx),
    ("exit", Code::Exit),
    ("lock", Code::Lock),
    ("store_release", Code::StoreRelease),
    ("ld_pseudo", Code::LdPseudo),
    ("s", Code::S),
    ("ll", Code::Ll),
    ("pc", Code::Pc),
    ("kfunc", Code::Kfunc),
    ("skb", Code::Skb),
    ("u8", Code::U8),
    ("u16", Code::U16),
    ("u32", Code::U32),
    ("u64", Code::U64),
    ("s8", Code::S8),
    ("s16", Code::S16),
    ("s32", Code::S32),
    ("s64", Code::S64),
    ("le16", Code::Le16),
    ("le32", Code::Le32),
    ("le64", Code::Le64),
    ("be16", Code::Be16),
    ("be32", Code::Be32),
    ("be64", Code::Be64),
    ("bswap16", Code::Bswap16),
    ("bswap32", Code::Bswap32),
    ("bswap64", Code::Bswap64),
    ("addr_space_cast", Code::AddrSpaceCast),
    ("xchg_64", Code::Xchg64),
    ("xchg32_32", Code::Xchg32_32),
    ("cmpxchg_64", Code::Cmpxchg64),
    ("cmpxchg32_32", Code::Cmpxchg32_32),
    ("load_acquire", Code::LoadAcquire),
    ("atomic_fetch_add", Code::FetchAdd),
    ("atomic_fetch_or", Code::FetchOr),
    ("atomic_fetch_and", Code::FetchAnd),
    ("atomic_fetch_xor", Code::FetchXor),
    // Not keywords of the grammar, but common words: a quick answer.
    ("r", Code::Ident),
    ("w", Code::Ident),
    (".", Code::DotWord),
];

/// The code of any word, by its text: the definition [`short_word_code`] must agree with.
fn long_word_code(w: &[u8]) -> Code {
    if w.len() >= 2 && (w[0] == b'r' || w[0] == b'w') && w[1..].iter().all(u8::is_ascii_digit) {
        let regs = &REG_CODES[usize::from(w[0] == b'w')];
        return match &w[1..] {
            [d] => regs[(d - b'0') as usize],
            b"10" => regs[10],
            _ => Code::BadReg,
        };
    }
    if w.first() == Some(&b'.') {
        return Code::DotWord;
    }
    KEYWORDS
        .iter()
        .find(|(k, _)| k.as_bytes() == w)
        .map_or(Code::Ident, |&(_, c)| c)
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
        assert_eq!(word_code(b"r10"), Code::R10);
        assert_eq!(word_code(b"w3"), Code::W3);
        assert_eq!(word_code(b"r11"), Code::BadReg);
    }

    /// Every byte is a code's value, and then converts to that code, or is none.
    #[test]
    fn codes_round_trip_through_their_byte() {
        let mut named = 0;
        for b in 0..=u8::MAX {
            match Code::from_u8(b) {
                Some(c) => {
                    assert_eq!(c as u8, b, "{c:?}");
                    assert_eq!(BY_VALUE[b as usize], c);
                    named += 1;
                }
                None => assert_eq!(BY_VALUE[b as usize], Code::Other, "{b:#x}"),
            }
        }
        assert_eq!(named, Code::ALL.len(), "no two codes share a value");
        for &c in Code::ALL {
            assert_eq!(Code::from_u8(c as u8), Some(c));
        }
    }

    /// Punctuation gets its own code when the grammar uses it, else [`Code::Other`]; the
    /// special codes and words are no character.
    #[test]
    fn punctuation_codes() {
        for b in 0..=u8::MAX {
            let c = Code::punct(b);
            if c == Code::Other {
                assert!(b >= 0x80 || Code::from_u8(b).is_none(), "{b:#x}");
            } else {
                assert_eq!(c as u8, b);
                assert_eq!(c.char(), b as char);
                assert!(b.is_ascii_punctuation(), "{b:#x}");
            }
        }
        assert_eq!(code_of(&TokenKind::Punct('é')), Code::Other);
        assert_eq!(code_of(&TokenKind::Punct(';')), Code::Other);
        assert_eq!(code_of(&TokenKind::Punct('=')), Code::Eq);
        for &c in Code::ALL {
            assert_eq!((c as u8) < 0x80, c.char() != '?', "{c:?}");
        }
    }

    /// The code helpers: registers, byte swaps and atomic fetches by number.
    #[test]
    fn code_families() {
        for n in 0..=10 {
            let r = word_code(format!("r{n}").as_bytes());
            let w = word_code(format!("w{n}").as_bytes());
            assert!(r.is_reg() && !r.is_reg32() && r.reg_number() == n, "r{n}");
            assert!(w.is_reg() && w.is_reg32() && w.reg_number() == n, "w{n}");
            assert!(r.is_word() && w.is_word());
        }
        let swaps = [
            "le16", "le32", "le64", "be16", "be32", "be64", "bswap16", "bswap32", "bswap64",
        ];
        for (i, s) in swaps.iter().enumerate() {
            assert_eq!(word_code(s.as_bytes()).swap(), Some(i as u8), "{s}");
        }
        let fetches = [
            "atomic_fetch_add",
            "atomic_fetch_or",
            "atomic_fetch_and",
            "atomic_fetch_xor",
        ];
        for (i, s) in fetches.iter().enumerate() {
            assert_eq!(word_code(s.as_bytes()).fetch(), Some(i), "{s}");
        }
        for &c in Code::ALL {
            assert_eq!(
                c.swap().is_some(),
                (Code::Le16 as u8..=Code::Bswap64 as u8).contains(&(c as u8))
            );
            assert_eq!(
                c.fetch().is_some(),
                (Code::FetchAdd as u8..=Code::FetchXor as u8).contains(&(c as u8))
            );
            assert!(!c.is_reg() || c.reg_number() <= 10, "{c:?}");
            assert!(!c.is_reg() || c.is_word());
        }
        assert!(!Code::BadReg.is_reg() && Code::BadReg.is_word());
        assert!(!Code::Number.is_word() && !Code::Other.is_word() && !Code::End.is_word());
    }
}
