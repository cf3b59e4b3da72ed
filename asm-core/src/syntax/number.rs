//! Integer literals and the ranges each instruction field accepts.

/// Parses the text of a number token: decimal, `0x` hex, `0b` binary, each with an optional
/// C integer suffix (`U`, `L`, `UL`, `ULL`, any case, as llvm-mc reads them), or a
/// character literal (`'a'`, `'\n'`). The value is at most 64 bits; a field reads it as a
/// 64-bit two's complement number, as LLVM does (`0xffffffffffffff00` is -256).
///
/// Refused, with a hint, where readers disagree: a decimal with a leading zero (LLVM reads
/// `017` as octal 15, a Rust reader as 17; `00` and `07` mean the same either way and are
/// accepted); a glued `ll`/`LL` suffix (`5ll` is a 32-bit move for LLVM, easily read as
/// `5 ll`, a 64-bit load); character escapes LLVM reads apart from C and Rust (`'\0'` is
/// 48 for LLVM). `_` between digits is accepted (`1_000`, `0x_ff`), unlike llvm-mc: the
/// `program!` macro reads Rust literals, where it is ordinary, and one grammar serves both
/// front ends. A numeric label reference (`1b`, `1f`) is no number: the error says where it
/// may go.
pub fn parse_literal(text: &str) -> Result<u128, String> {
    let b = text.as_bytes();
    if let Some(v) = plain_decimal(b) {
        return Ok(v as u128);
    }
    if b.first() == Some(&b'\'') {
        return char_literal(text).map(u128::from);
    }
    if is_local_label_ref(b) {
        return Err(format!(
            "`{text}` refers to the numeric label `{}:` (b: the nearest before, f: the nearest \
             after); it can be a jump or call target, or `rN = {text} ll`, not a number",
            &text[..text.len() - 1]
        ));
    }
    let (body, suffix) = split_suffix(text);
    check_suffix(text, body, suffix)?;
    let b = body.as_bytes();
    let (digits, radix) = match b {
        [b'0', b'x' | b'X', rest @ ..] => (rest, 16),
        [b'0', b'b' | b'B', rest @ ..] => (rest, 2),
        _ => (b, 10),
    };
    if radix == 10 && b.len() > 1 && b[0] == b'0' && b.iter().all(u8::is_ascii_digit) {
        let zeros = b.iter().take_while(|&&c| c == b'0').count();
        match &b[zeros..] {
            [] => return Ok(0),
            [d @ b'0'..=b'7'] => return Ok(u128::from(d - b'0')),
            _ => {}
        }
        return Err(format!(
            "`{text}`: a leading zero is ambiguous (LLVM reads it as octal); \
             write the decimal value without the zero, or use 0x"
        ));
    }
    let mut value: u128 = 0;
    let mut any = false;
    for &c in digits {
        let d = match c {
            b'_' => continue,
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => 255,
        };
        if d as u32 >= radix {
            return Err(format!(
                "`{text}` is not a number (decimal, 0x hex or 0b binary, with an optional \
                 U, L, UL or ULL suffix)"
            ));
        }
        any = true;
        value = match value
            .checked_mul(radix as u128)
            .and_then(|v| v.checked_add(d as u128))
        {
            Some(v) if v <= u64::MAX as u128 => v,
            _ => {
                return Err(format!(
                    "`{text}` is too large: no field takes more than 64 bits \
                     (largest: 18446744073709551615 = 0xffffffffffffffff)"
                ))
            }
        };
    }
    if !any {
        return Err(format!("`{text}` has no digits"));
    }
    Ok(value)
}

/// True for a reference to a numeric local label: decimal digits and `b` or `f` (`1b`,
/// `10f`), as GNU as and llvm-mc read them.
#[inline]
pub(crate) fn is_local_label_ref(b: &[u8]) -> bool {
    match b {
        [digits @ .., b'b' | b'f'] if !digits.is_empty() => digits.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// `text` without its trailing `u`, `U`, `l` and `L` letters, and those letters. (None of
/// them is a hex digit.)
fn split_suffix(text: &str) -> (&str, &str) {
    let n = text
        .bytes()
        .rev()
        .take_while(|c| matches!(c, b'u' | b'U' | b'l' | b'L'))
        .count();
    text.split_at(text.len() - n)
}

/// Checks an integer suffix: none, `U`, `L`, `UL` or `ULL` in any case, as llvm-mc takes
/// them; `LL` alone is refused as a trap (see [`parse_literal`]).
fn check_suffix(text: &str, body: &str, suffix: &str) -> Result<(), String> {
    let lower = suffix.to_ascii_lowercase();
    match lower.as_str() {
        "" | "u" | "l" | "ul" | "ull" => return Ok(()),
        _ => {}
    }
    if let Some(stem) = text.get(..text.len() - 2).filter(|_| lower.ends_with("ll")) {
        let (_, stem_suffix) = split_suffix(stem);
        if matches!(
            stem_suffix.to_ascii_lowercase().as_str(),
            "" | "u" | "l" | "ul" | "ull"
        ) && !body.is_empty()
        {
            return Err(format!(
                "`{text}`: LLVM reads a `ll` glued to the number as a C suffix and makes a \
                 32-bit move; write `{stem} ll` (with a space) for a 64-bit load, or `{stem}`"
            ));
        }
    }
    Err(format!(
        "`{text}`: an integer suffix is U, L, UL or ULL (in any case), as in C"
    ))
}

/// The value of a character literal `'c'` or `'\\c'`, as llvm-mc reads it, where C and
/// Rust read it alike.
fn char_literal(text: &str) -> Result<u8, String> {
    let inner = text
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .filter(|t| !t.is_empty());
    let Some(inner) = inner else {
        return Err(format!(
            "`{text}`: a character literal is one character in single quotes (`'a'`)"
        ));
    };
    let mut chars = inner.chars();
    let (first, second, rest) = (chars.next(), chars.next(), chars.next());
    let v = match (first, second, rest) {
        (Some(c), None, None) if c.is_ascii() && c != '\\' => c as u8,
        (Some('\\'), Some(e), None) => match e {
            'n' => b'\n',
            't' => b'\t',
            'r' => b'\r',
            'b' => 8,
            'f' => 12,
            '\\' | '\'' | '"' => e as u8,
            _ => {
                return Err(format!(
                    "`{text}`: LLVM reads this escape as `{e}` itself, C and Rust read it \
                     otherwise; write the number (the escapes are \\n \\t \\r \\b \\f \\\\ \\' \\\")"
                ))
            }
        },
        (Some('\\'), Some(_), Some(_)) => {
            return Err(format!(
                "`{text}`: llvm-mc reads no numeric escapes in a character literal; write \
                 the number (the escapes are \\n \\t \\r \\b \\f \\\\ \\' \\\")"
            ))
        }
        (Some(c), None, None) => {
            return Err(format!(
                "`{text}`: llvm-mc reads ASCII characters only; write the number ({})",
                c as u32
            ))
        }
        _ => {
            return Err(format!(
                "`{text}`: a character literal holds one character; for several bytes write \
                 the number"
            ))
        }
    };
    Ok(v)
}

/// The common case of [`parse_literal`], decided without 128-bit arithmetic: up to 19
/// decimal digits without a leading zero (so no overflow). Anything else returns `None` for
/// the general path. A field reads the value as 64-bit two's complement (`as i64`).
#[inline]
pub(crate) fn parse_small(b: &[u8]) -> Option<u64> {
    plain_decimal(b)
}

#[inline(always)]
fn plain_decimal(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u64;
    }
    Some(v)
}

/// The ranges fields accept, with the wording of their errors.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Field {
    /// A 32-bit immediate: -2^31 ..= 2^32-1 (unsigned spellings like 0xffffffff wrap).
    Imm32,
    /// A 16-bit signed offset.
    Off16,
    /// A 64-bit immediate: -2^63 ..= 2^64-1.
    Imm64,
    /// A 32-bit signed value with no unsigned spelling (jump and call offsets).
    Signed32,
    /// An address space number: 0 ..= 65535.
    U16,
}

impl Field {
    /// The inclusive range.
    pub const fn range(self) -> (i128, i128) {
        match self {
            Field::Imm32 => (i32::MIN as i128, u32::MAX as i128),
            Field::Off16 => (i16::MIN as i128, i16::MAX as i128),
            Field::Imm64 => (i64::MIN as i128, u64::MAX as i128),
            Field::Signed32 => (i32::MIN as i128, i32::MAX as i128),
            Field::U16 => (0, u16::MAX as i128),
        }
    }

    /// What the field is called in errors.
    pub const fn what(self) -> &'static str {
        match self {
            Field::Imm32 => "a 32-bit immediate",
            Field::Off16 => "a 16-bit offset",
            Field::Imm64 => "a 64-bit immediate",
            Field::Signed32 => "a 32-bit signed offset",
            Field::U16 => "an address space number",
        }
    }

    /// Checks `v` against the range; the error names the range.
    #[inline]
    pub fn check(self, v: i128) -> Result<i128, String> {
        let (lo, hi) = self.range();
        if v < lo || v > hi {
            Err(self.out_of_range(v))
        } else {
            Ok(v)
        }
    }

    #[cold]
    #[inline(never)]
    fn out_of_range(self, v: i128) -> String {
        let (lo, hi) = self.range();
        format!("{v} does not fit in {} (valid: {lo}..={hi})", self.what())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15, row 12: what LLVM and Rust read alike is accepted, what they read apart
    /// is refused with a hint.
    #[test]
    fn leading_zeros_are_refused_only_where_readers_disagree() {
        for (text, v) in [("0", 0), ("00", 0), ("000", 0), ("07", 7), ("0007", 7)] {
            assert_eq!(parse_literal(text), Ok(v), "{text}");
        }
        for text in ["017", "010", "08", "0010"] {
            let e = parse_literal(text).unwrap_err();
            assert!(e.contains("a leading zero is ambiguous"), "{text}: {e}");
        }
    }

    #[test]
    fn underscores_between_digits_are_read_as_rust_reads_them() {
        assert_eq!(parse_literal("1_000"), Ok(1000));
        assert_eq!(parse_literal("0x_ff"), Ok(255));
        assert_eq!(parse_literal("0b1_0"), Ok(2));
        assert!(parse_literal("0x").is_err());
        assert!(parse_literal("0x_").is_err());
    }
}
