//! Integer literals and the ranges each instruction field accepts.

/// Parses the text of a number token: decimal, `0x` hex, `0b` binary.
///
/// A multi-digit decimal with a leading zero is refused: LLVM reads `017` as octal 15, a
/// Rust reader as 17, so neither meaning is safe to pick.
pub fn parse_literal(text: &str) -> Result<u128, String> {
    let lower = text.to_ascii_lowercase();
    let (digits, radix) = if let Some(h) = lower.strip_prefix("0x") {
        (h, 16)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b, 2)
    } else {
        (lower.as_str(), 10)
    };
    let body: String = digits.chars().filter(|c| *c != '_').collect();
    if radix == 10 {
        if let Some(stem) = body.strip_suffix("ll") {
            if !stem.is_empty() && stem.bytes().all(|c| c.is_ascii_digit()) {
                return Err(format!(
                    "`{text}`: LLVM reads a `ll` suffix glued to the number as a 32-bit move; \
                     write `{stem} ll` (with a space) for a 64-bit load, or `{stem}`"
                ));
            }
        }
        if body.len() > 1 && body.starts_with('0') && body.bytes().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "`{text}`: a leading zero is ambiguous (LLVM reads it as octal); \
                 write the decimal value without the zero, or use 0x"
            ));
        }
    }
    if body.is_empty() {
        return Err(format!("`{text}` has no digits"));
    }
    u128::from_str_radix(&body, radix).map_err(|_| {
        if body.bytes().all(|c| (c as char).is_digit(radix)) {
            format!("`{text}` is too large")
        } else {
            format!("`{text}` is not a number (decimal, 0x hex or 0b binary)")
        }
    })
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
    pub fn check(self, v: i128) -> Result<i128, String> {
        let (lo, hi) = self.range();
        if v < lo || v > hi {
            Err(format!(
                "{v} does not fit in {} (valid: {lo}..={hi})",
                self.what()
            ))
        } else {
            Ok(v)
        }
    }
}
