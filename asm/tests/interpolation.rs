//! `{expr}` in `program!`: Rust values as immediates and offsets, range-checked at run time
//! with a panic that names where the expression was written.

use std::panic::catch_unwind;

use ebpf_asm::{assemble, program, Imm64, Insn, Program, Src};

const STEP: i32 = 3;
const BIG: u64 = 0x1122_3344_5566_7788;

fn bytes_of(text: &str) -> Vec<u8> {
    assemble(text).unwrap_or_else(|e| panic!("{e}")).to_bytes()
}

/// The panic message of `f`.
fn panic_message(f: impl FnOnce() -> Program + std::panic::UnwindSafe) -> String {
    let err = catch_unwind(f).expect_err("the value does not fit: expected a panic");
    match err.downcast::<String>() {
        Ok(s) => *s,
        Err(e) => e
            .downcast::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

#[test]
fn a_const_as_an_immediate() {
    let p = program! {
        r1 = {STEP}
        r1 += {STEP}
        exit
    };
    assert_eq!(p.to_bytes(), bytes_of("r1 = 3\nr1 += 3\nexit"));
}

#[test]
fn an_expression_and_a_negated_value() {
    let x = 41i64;
    let p = program! {
        r2 = {x + 1}
        r3 = -{x}
        w4 -= {x * 2}
        if r2 > {x} goto +1
        exit
    };
    assert_eq!(
        p.to_bytes(),
        bytes_of("r2 = 42\nr3 = -41\nw4 -= 82\nif r2 > 41 goto +1\nexit")
    );
}

#[test]
fn offsets_from_values() {
    let n = 8u16;
    let field = 4usize;
    let minus_two = -2i16;
    let p = program! {
        *(u64 *)(r10 - {n}) = r1
        r2 = *(u32 *)(r1 + {field})
        lock *(u64 *)(r0 + {field * 2}) += r2
        r3 = *(s16 *)(r1 - {minus_two})
        *(u8 *)(r10 - {n}) = {field}
        exit
    };
    assert_eq!(
        p.to_bytes(),
        bytes_of(
            "*(u64 *)(r10 - 8) = r1\nr2 = *(u32 *)(r1 + 4)\nlock *(u64 *)(r0 + 8) += r2\n\
             r3 = *(s16 *)(r1 + 2)\n*(u8 *)(r10 - 8) = 4\nexit"
        )
    );
}

#[test]
fn every_integer_type() {
    let (a, b, c, d) = (1u8, 2i16, 3u32, 4isize);
    let (e, f, g) = (5u64, -6i64, 7usize);
    let p = program! {
        r1 = {a}; r1 = {b}; r1 = {c}; r1 = {d}
        r1 = {e}; r1 = {f}; r1 = {g}
    };
    let imms: Vec<i32> = p
        .insns()
        .iter()
        .map(|i| match i {
            Insn::Alu {
                src: Src::Imm(v), ..
            } => *v,
            other => panic!("not an ALU immediate: {other}"),
        })
        .collect();
    assert_eq!(imms, [1, 2, 3, 4, 5, -6, 7]);
}

#[test]
fn a_64_bit_value_with_ll() {
    let p = program! {
        r1 = {BIG} ll
        r2 = -{1i64} ll
        r3 = {u64::MAX} ll
        exit
    };
    assert_eq!(
        p.insns()[..3],
        [
            Insn::LdImm64 {
                dst: ebpf_asm::R1,
                imm: Imm64::Const(0x1122_3344_5566_7788)
            },
            Insn::LdImm64 {
                dst: ebpf_asm::R2,
                imm: Imm64::Const(-1)
            },
            Insn::LdImm64 {
                dst: ebpf_asm::R3,
                imm: Imm64::Const(-1)
            },
        ]
    );
}

#[test]
fn the_unsigned_32_bit_spelling_is_accepted_like_a_literal() {
    let v = u32::MAX;
    let p = program! { r1 = {v} };
    assert_eq!(p.to_bytes(), bytes_of("r1 = 0xffffffff"));
    assert_eq!(p.to_bytes(), bytes_of("r1 = -1"));
}

#[test]
fn a_literal_in_braces_is_folded_like_a_plain_literal() {
    let p = program! {
        r1 = {7}
        r2 = -{8}
        r3 = {0x10u32}
        *(u32 *)(r10 - {4}) = r1
    };
    assert_eq!(
        p.to_bytes(),
        bytes_of("r1 = 7\nr2 = -8\nr3 = 16\n*(u32 *)(r10 - 4) = r1")
    );
}

#[test]
fn interpolations_keep_labels_and_locations() {
    let x = 5;
    let line = line!() + 3;
    let p = program! {
        top:
        r1 = {x}
        if r1 == {x} goto top
    };
    assert_eq!(p.label("top"), Some(0));
    assert_eq!(p.location(1).unwrap().line, line + 1);
    assert_eq!(p.to_string(), "top:\n\tr1 = 5\n\tif r1 == 5 goto top\n");
}

#[test]
fn an_immediate_that_does_not_fit_panics_with_its_location() {
    let big = 1u64 << 32;
    let line = line!() + 3;
    let msg = panic_message(move || {
        program! {
            r1 = {big}
            exit
        }
    });
    let at = format!("{}:{}:", file!(), line);
    assert!(msg.starts_with(&at), "{msg:?} should start with {at:?}");
    assert!(msg.contains("interpolated value"), "{msg}");
    assert!(msg.contains("4294967296"), "{msg}");
    assert!(msg.contains("-2147483648..=4294967295"), "{msg}");
}

#[test]
fn a_negative_immediate_below_the_range_panics() {
    let v = 2_147_483_649i64;
    let line = line!() + 3;
    let msg = panic_message(move || {
        program! {
            r1 = -{v}
        }
    });
    assert!(msg.starts_with(&format!("{}:{}:", file!(), line)), "{msg}");
    assert!(msg.contains("-2147483649 does not fit"), "{msg}");
}

#[test]
fn an_offset_that_does_not_fit_panics_with_its_location() {
    let n = 40_000usize;
    let line = line!() + 3;
    let msg = panic_message(move || {
        program! {
            r1 = *(u64 *)(r10 - {n})
        }
    });
    // FILE:LINE:COL, the column of the `{`.
    let at = format!("{}:{}:33: interpolated value", file!(), line);
    assert!(msg.starts_with(&at), "{msg:?} should start with {at:?}");
    assert!(msg.contains("-32768..=32767"), "{msg}");
}

#[test]
fn the_lowest_offset_fits() {
    let n = 32768u32;
    let p = program! { r1 = *(u64 *)(r10 - {n}) };
    assert_eq!(p.to_bytes(), bytes_of("r1 = *(u64 *)(r10 - 32768)"));
}

#[test]
fn values_are_evaluated_each_time_the_block_runs() {
    let build = |k: i32| program! { r0 = {k}; exit };
    assert_ne!(build(1).to_bytes(), build(2).to_bytes());
    assert_eq!(build(2).to_bytes(), bytes_of("r0 = 2\nexit"));
}
