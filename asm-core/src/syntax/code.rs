//! The small codes the grammar compares instead of strings ([`Code`]), and the code of
//! every word: keywords and registers are recognised once, where a token is read, by a
//! table look-up for words of up to 8 bytes and by their text otherwise.

/// Declares [`Code`] and its conversion from a byte from one list, so they cannot drift.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $value:expr,)*) => {
        /// Small codes the grammar compares instead of strings: both front ends give every
        /// token one, computed by the same functions ([`crate::syntax::token::code_of`], [`word_code`]), so a
        /// keyword or a register is recognised once, where it is read.
        ///
        /// The punctuation the grammar uses has its ASCII character as value; everything
        /// else is `0x80` or above. Words ([`crate::syntax::TokenKind::Ident`]) have the values from
        /// [`Code::Ident`] up, registers from [`Code::R0`] up.
        #[repr(u8)]
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub(crate) enum Code {
            $($(#[$doc])* $name = $value,)*
        }

        impl Code {
            /// Every code.
            #[cfg_attr(not(test), allow(dead_code))]
            const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The code whose value is `b`, if any.
            pub(crate) const fn from_u8(b: u8) -> Option<Code> {
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
    /// `~`
    Tilde = b'~',

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

    /// True for words ([`crate::syntax::TokenKind::Ident`]).
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

    /// True when this token after an operand may continue a constant expression
    /// ([`crate::syntax::expr`]): the grammar leaves its fast path for a plain number when
    /// it sees one.
    #[inline(always)]
    pub(crate) const fn continues_expr(self) -> bool {
        matches!(
            self,
            Code::Plus
                | Code::Minus
                | Code::Star
                | Code::Slash
                | Code::Percent
                | Code::Amp
                | Code::Pipe
                | Code::Caret
                | Code::Lt
                | Code::Gt
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A symbol named like a keyword or register prints quoted where it must, so that
    /// every symbol name reads back (the printer's `is_word` cannot see this table).
    #[test]
    fn keywords_print_as_symbols_that_read_back() {
        use crate::model::insn::{Imm64, Insn};
        let mut names: Vec<String> = KEYWORDS.iter().map(|(k, _)| k.to_string()).collect();
        names.extend(
            [
                "r0",
                "r10",
                "r11",
                "w1",
                "le8",
                "be16x",
                "sizeof",
                ".rodata.str1.1",
            ]
            .map(String::from),
        );
        for name in names {
            let insn = Insn::LdImm64 {
                dst: crate::model::reg::Reg::R1,
                imm: Imm64::Symbol(crate::model::target::Label::from(name.as_str())),
            };
            let text = insn.to_string();
            let back = crate::assemble(&format!("{text}\nexit\n"))
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(back.insns()[0], insn, "{text}");
        }
    }

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
