//! Integer literals and the ranges each instruction field accepts.

/// Parses the text of a number token: decimal, `0x` hex, `0b` binary.
///
/// A decimal with a leading zero is refused when its meaning depends on the reader: LLVM
/// reads `017` as octal 15, a Rust reader as 17. `00` and `07` mean the same either way
/// and are accepted. `_` between digits is accepted (`1_000`, `0x_ff`), unlike llvm-mc:
/// the `program!` macro reads Rust literals, where it is ordinary, and one grammar serves
/// both front ends.
pub fn parse_literal(text: &str) -> Result<u128, String> {
    let b = text.as_bytes();
    if let Some(v) = plain_decimal(b) {
        return Ok(v as u128);
    }
    let (digits, radix) = match b {
        [b'0', b'x' | b'X', rest @ ..] => (rest, 16),
        [b'0', b'b' | b'B', rest @ ..] => (rest, 2),
        _ => (b, 10),
    };
    if radix == 10 && b.len() > 1 && b[0] == b'0' && b.iter().all(u8::is_ascii_digit) {
        let zeros = b.iter().take_while(|&&c| c == b'0').count();
        let significant = &b[zeros..];
        match significant {
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
    for (i, &c) in digits.iter().enumerate() {
        let d = match c {
            b'_' => continue,
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => 255,
        };
        if d as u32 >= radix {
            let rest = &text[text.len() - digits.len() + i..];
            if radix == 10 && rest.eq_ignore_ascii_case("ll") && any {
                let stem = &text[..text.len() - 2];
                return Err(format!(
                    "`{text}`: LLVM reads a `ll` suffix glued to the number as a 32-bit move; \
                     write `{stem} ll` (with a space) for a 64-bit load, or `{stem}`"
                ));
            }
            return Err(format!(
                "`{text}` is not a number (decimal, 0x hex or 0b binary)"
            ));
        }
        any = true;
        value = match value
            .checked_mul(radix as u128)
            .and_then(|v| v.checked_add(d as u128))
        {
            Some(v) if v <= u64::MAX as u128 * 2 => v,
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

/// The common case of [`parse_literal`], decided without 128-bit arithmetic: up to 19
/// decimal digits without a leading zero (so no overflow). Anything else returns `None` for
/// the general path.
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

/// A signed value with the sign applied.
pub fn signed(negative: bool, magnitude: u128) -> i128 {
    if negative {
        -(magnitude.min(i128::MAX as u128) as i128)
    } else {
        magnitude.min(i128::MAX as u128) as i128
    }
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
