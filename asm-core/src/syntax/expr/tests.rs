//! The evaluator against llvm-mc-19's answers (each value below is what llvm-mc-19 encoded
//! for `r0 = EXPR ll`, or its 32-bit move where noted), and its errors with positions.

use crate::assemble_named;

/// The 64-bit value `text` assembles to in `r0 = TEXT ll`.
fn value(text: &str) -> i64 {
    let src = format!("r0 = {text} ll");
    let p = assemble_named("e.s", &src).unwrap_or_else(|e| panic!("`{src}`: {e}"));
    let b = p.to_bytes();
    let lo = u32::from_le_bytes(b[4..8].try_into().unwrap()) as u64;
    let hi = u32::from_le_bytes(b[12..16].try_into().unwrap()) as u64;
    (hi << 32 | lo) as i64
}

/// The first error of `src`: line, column and message.
fn error(src: &str) -> (u32, u32, String) {
    let e = assemble_named("e.s", src).expect_err(src);
    let d = &e.diagnostics[0];
    (d.line, d.column, d.message.clone())
}

#[test]
fn operators_and_precedence_are_llvm_mcs() {
    for (text, v) in [
        ("1 << 4", 16),
        ("5 + 3", 8),
        ("2 * (3 + 4)", 14),
        ("1 + 2 * 3", 7),
        // GNU precedence: `&`, `|`, `^` bind tighter than `+` and `-`.
        ("4 - 1 & 2", 4),
        ("1 | 2 + 4", 7),
        ("6 ^ 3 - 1", 4),
        ("3 - 2 - 1", 0),
        ("16 / 4 / 2", 2),
        ("2 * 3 % 4", 2),
        ("7 / 2", 3),
        ("-7 / 2", -3),
        ("-7 % 3", -1),
        ("7 % -3", 1),
        ("1 + ~0", 0),
        ("~0", -1),
        ("-(3)", -3),
        ("-~5", 6),
        ("1 - -5", 6),
        ("+5", 5),
        ("- 5", -5),
        ("1 << 40", 1 << 40),
        ("1 << 63 >> 63", 1),
        // `>>` is logical.
        ("0x8000000000000000 >> 60", 8),
        ("-16 >> 2", 0x3fff_ffff_ffff_fffc),
        // Wrapping, as llvm-mc's int64_t arithmetic.
        ("0x7fffffffffffffff + 1", i64::MIN),
        ("0x4000000000000000 * 4", 0),
        ("9223372036854775807 * 3", 9223372036854775805),
        ("-0x8000000000000000", i64::MIN),
        ("'a' + 1", 98),
        ("5ULL + 1", 6),
        ("((((1))))", 1),
    ] {
        assert_eq!(value(text), v, "{text}");
    }
}

#[test]
fn literals_read_as_64_bit_twos_complement() {
    for (text, v) in [
        ("0xffffffffffffff00", -256),
        ("18446744073709551615", -1),
        ("-18446744073709551615", 1),
        ("9999999999999999999", -8446744073709551617),
        ("0x10ULL", 16),
        ("0b101u", 5),
        ("5uL", 5),
        ("5Ul", 5),
        ("5L", 5),
        ("5ull", 5),
    ] {
        assert_eq!(value(text), v, "{text}");
    }
}

#[test]
fn errors_are_at_the_operator_or_operand() {
    for (src, col, what) in [
        ("r0 = 1 / 0", 8, "division by zero"),
        ("r0 = 1 % 0", 8, "division by zero"),
        ("r0 = 0x8000000000000000 / -1", 25, "overflows 64 bits"),
        ("r0 = 1 << 64", 8, "a shift by 64"),
        ("r0 = 1 >> -1", 8, "a shift by -1"),
        ("r0 = 1 < 2", 8, "comparisons are not supported"),
        ("r0 = 1 && 2", 8, "logical operators"),
        ("r0 = 1 || 2", 8, "logical operators"),
        ("r0 = --5", 7, "one sign only"),
        ("r0 = 1 - --5", 11, "one sign only"),
        ("r0 = (1 + 2", 12, "expected `)`"),
        ("r0 = 1 + ", 9, "expected a number"),
        ("r0 = 1 + r1", 10, "expected a number, found `r1`"),
        ("r0 = 2 * 017", 10, "leading zero"),
        (
            "r0 = 1 + 4294967296 * 2",
            6,
            "does not fit in a 32-bit immediate",
        ),
    ] {
        let (line, column, message) = error(src);
        assert_eq!((line, column), (1, col), "`{src}`: {message}");
        assert!(message.contains(what), "`{src}`: {message}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("r0 = {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(error(&deep).2.contains("nests more than"));
    let tildes = format!("r0 = {}1", "~".repeat(10_000));
    assert!(error(&tildes).2.contains("nests more than"));
}
