//! LLVM's literal and label forms (issue 14): every accepted spelling assembles to the
//! bytes of its plain spelling, through both assemblers (`assemble` and
//! `assemble_bytecode`); every refusal is one error at the offending token, the same from
//! both. `compat.rs` proves the accepted spellings against llvm-mc-19.

mod support;

use ebpf_asm_core::{assemble, assemble_bytecode, assemble_named};
use support::forms::{BEYOND_LLVM, LLVM_FORMS};

/// The bytes of `src`, which both assemblers must agree on.
#[track_caller]
fn bytes(src: &str) -> Vec<u8> {
    let p = assemble(src).unwrap_or_else(|e| panic!("`{src}`:\n{e}"));
    let code = assemble_bytecode("<input>", src).unwrap_or_else(|e| panic!("`{src}`:\n{e}"));
    assert_eq!(code.to_bytes(), p.to_bytes(), "`{src}`: bytecode");
    p.to_bytes()
}

#[test]
fn every_form_assembles_as_its_plain_spelling() {
    let mut wrong = Vec::new();
    for (form, plain) in LLVM_FORMS.iter().chain(BEYOND_LLVM) {
        let got = std::panic::catch_unwind(|| bytes(form) == bytes(plain));
        if !matches!(got, Ok(true)) {
            wrong.push(*form);
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// A program with numeric labels prints named labels and reads back to the same bytes.
#[test]
fn numeric_labels_print_as_labels_that_assemble_back() {
    let src = "1: r0 = 0\ngoto 1f\n1: goto 1b\ncall 1b\nr1 = 1b ll\nexit";
    let p = assemble(src).unwrap();
    assert_eq!(
        p.to_string(),
        ".L1_0:\n\tr0 = 0\n\tgoto .L1_1\n.L1_1:\n\tgoto .L1_1\n\tcall .L1_1\n\tr1 = .L1_1 ll\n\texit\n"
    );
    assert_eq!(assemble(&p.to_string()).unwrap().to_bytes(), p.to_bytes());
    assert_eq!(p.label(".L1_1"), Some(2));
    // `rN = 1b ll` is that label's address, as `rN = label ll` is.
    assert!(matches!(
        p.insns()[4],
        ebpf_asm_core::Insn::LdImm64 {
            imm: ebpf_asm_core::Imm64::Func(_),
            ..
        }
    ));
}

/// Numeric labels in a large input (parsed in parts) resolve over the whole input.
#[test]
fn numeric_labels_span_the_parts_of_a_large_input() {
    let mut src = String::from("1: r0 = 0\n");
    for _ in 0..300_000 {
        src.push_str("r0 += 1\n");
    }
    src.push_str("gotol 1b\n1: goto 1b\nexit\n");
    let p = ebpf_asm_core::Assembler::new("big.s")
        .threads(4)
        .program(&src)
        .unwrap();
    let n = p.len();
    assert_eq!(p.resolved(n - 3).to_string(), "gotol -300002");
    assert_eq!(p.resolved(n - 2).to_string(), "goto -1");
    let code = ebpf_asm_core::Assembler::new("big.s")
        .threads(4)
        .bytecode(&src)
        .unwrap();
    assert_eq!(code.to_bytes(), p.to_bytes());
}

/// The first error of `src` (the same from the bytecode assembler): line, column, message.
#[track_caller]
fn error(src: &str) -> (u32, u32, String) {
    let e = assemble_named("t.s", src).expect_err(src);
    let same = assemble_bytecode("t.s", src).map(|_| ());
    assert_eq!(same.map_err(|e| e.to_string()), Err(e.to_string()), "{src}");
    let d = &e.diagnostics[0];
    (d.line, d.column, d.message.clone())
}

#[test]
fn refusals_are_errors_at_their_token() {
    for (src, line, col, what) in [
        // Numeric labels.
        (
            "goto 1f\nexit",
            1,
            6,
            "`1f` refers to the nearest `1:` after it, and there is none",
        ),
        (
            "exit\nif r1 > 0 goto 7b",
            2,
            16,
            "`7b` refers to the nearest `7:` before it",
        ),
        ("1: exit\ncall 1f", 2, 6, "nearest `1:` after it"),
        ("r1 = 2f ll\nexit", 1, 6, "nearest `2:` after it"),
        ("0x10: exit", 1, 1, "`0x10:` is no label"),
        (
            "r1 = 1b\n1: exit",
            1,
            6,
            "`1b` refers to the numeric label `1:`",
        ),
        (
            "1:\nr0 = *(u32 *)(r1 + 1b)",
            2,
            20,
            "refers to the numeric label",
        ),
        // Suffixes: glued `ll` is a trap; the order of U and L is C's.
        (
            "r0 = 5LL",
            1,
            6,
            "LLVM reads a `ll` glued to the number as a C suffix",
        ),
        ("r0 = 5ll", 1, 6, "write `5 ll` (with a space)"),
        ("r0 = 0x10ll", 1, 6, "write `0x10 ll` (with a space)"),
        ("r0 = 5ULLll", 1, 6, "write `5ULL ll` (with a space)"),
        ("r0 = 5LU", 1, 6, "an integer suffix is U, L, UL or ULL"),
        ("r0 = 5UUL", 1, 6, "an integer suffix is U, L, UL or ULL"),
        ("r0 = 010U", 1, 6, "a leading zero is ambiguous"),
        // Character literals.
        ("r0 = '\\0'", 1, 6, "LLVM reads this escape as `0` itself"),
        ("r0 = '\\a'", 1, 6, "LLVM reads this escape"),
        ("r0 = '\\v'", 1, 6, "LLVM reads this escape"),
        ("r0 = '\\e'", 1, 6, "LLVM reads this escape"),
        ("r0 = '\\x41'", 1, 6, "no numeric escapes"),
        ("r0 = 'ab'", 1, 6, "holds one character"),
        ("r0 = ''", 1, 6, "one character in single quotes"),
        (
            "r0 = 'é'",
            1,
            6,
            "ASCII characters only; write the number (233)",
        ),
        ("r0 = 'a\nexit", 1, 6, "one character in single quotes"),
        // Expressions.
        ("r0 = 1 / 0", 1, 8, "division by zero"),
        ("r0 = *(u32 *)(r1 + 8 / (2 - 2))", 1, 22, "division by zero"),
        ("r0 = 1 << 64", 1, 8, "a shift by 64"),
        ("r0 = 1 == 1", 1, 8, "unexpected `=` after the instruction"),
        ("r0 = 5 + (3", 1, 12, "expected `)`"),
        (
            "r0 = *(u32 *)(r1 + 4 * 10000)",
            1,
            20,
            "offset 40000 does not fit",
        ),
        ("r0 = *(u32 *)(r1 + -8)", 1, 20, "one sign"),
        // Values that do not fit: llvm-mc truncates, we refuse.
        (
            "r1 = 0x100000000",
            1,
            6,
            "4294967296 does not fit in a 32-bit immediate",
        ),
        (
            "r1 = 0xfffffffeffffffff",
            1,
            6,
            "-4294967297 does not fit in a 32-bit immediate",
        ),
        (
            "r0 = *(u32 *)(r1 + 0xfff8)",
            1,
            20,
            "offset 65528 does not fit",
        ),
        ("goto 0xffff", 1, 6, "65535 does not fit in a 16-bit offset"),
        ("r1 = 18446744073709551616 ll", 1, 6, "is too large"),
        // `>>` is logical: llvm-mc keeps the low 32 bits of this, -4.
        (
            "r0 = -16 >> 2",
            1,
            6,
            "4611686018427387900 does not fit in a 32-bit immediate",
        ),
        // Capitals past the first word: llvm-mc reads `R2` as a symbol there.
        (
            "R1 = R2",
            1,
            6,
            "write `r2`: only a statement's first word may be in capitals",
        ),
        ("r1 = 5 LL", 1, 8, "write `ll`"),
        ("if r1 == 0 GOTO +1", 1, 12, "write `goto`"),
        ("r0 = *(U8 *)(r1 + 0)", 1, 8, "write `u8`"),
        ("R11 = 1", 1, 1, "register `R11` does not exist"),
        ("FROB r1", 1, 1, "unknown instruction `FROB`"),
        (
            "MOV r1, 1",
            1,
            1,
            "unknown instruction `MOV`: this assembler reads LLVM's syntax",
        ),
        // u32 atomics take an rN value for += only, as llvm-mc.
        (
            "lock *(u32 *)(r1 + 0) |= r2",
            1,
            26,
            "write `w2` (llvm-mc accepts `r2` with += only)",
        ),
        ("lock *(u32 *)(r1 + 0) &= r2", 1, 26, "with += only"),
        ("lock *(u32 *)(r1 + 0) ^= r2", 1, 26, "with += only"),
    ] {
        let (l, c, message) = error(src);
        assert_eq!((l, c), (line, col), "`{src}`: {message}");
        assert!(message.contains(what), "`{src}`: {message}");
    }
}
