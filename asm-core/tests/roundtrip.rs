//! Property test: on random slot sequences that decode, decode → print → assemble → encode
//! is the identity, both for instruction-by-instruction text (`Insn`'s `Display`) and for a
//! whole printed program with synthesised labels (`Program`'s `Display`).
//!
//! Slots are biased toward valid encodings: opcodes come mostly from the set of opcodes
//! that decode at all, registers mostly from r0..r10, offsets and immediates from edge values
//! and the special values fields take (sign-extension widths, atomic codes, swap widths).
//! `EBPF_ASM_SEED` overrides the seed, `EBPF_ASM_ROUNDTRIP_CASES` the number of cases.

mod support;

use ebpf_asm_core::{assemble, assemble_bytecode, decode, Insn, Program, RawInsn};
use support::{hex, Rng};

/// Valid one-slot encodings (ld_imm64: its first slot) found by trying a grid of fields
/// on every opcode: the templates random slots start from.
fn templates() -> Vec<RawInsn> {
    let mut out = Vec::new();
    for code in 0..=255u8 {
        for dst in [0u8, 1] {
            for src in 0u8..=6 {
                for off in [0i16, 1, 3, 8, 16, 32] {
                    for imm in [
                        0i32, 1, 16, 32, 64, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1, 0x100,
                        0x110, 0x10001,
                    ] {
                        let s = RawInsn::new(code, dst, src, off, imm);
                        let two = [s.to_bytes(), [0; 8]].concat();
                        if decode(&s.to_bytes()).is_ok() || (code == 0x18 && decode(&two).is_ok()) {
                            out.push(s);
                        }
                    }
                }
            }
        }
    }
    out
}

/// A template with some fields replaced by random (often edge) values; one in twenty is
/// pure noise.
fn random_slot(rng: &mut Rng, templates: &[RawInsn]) -> RawInsn {
    if rng.one_in(20) {
        return RawInsn::from_u64(rng.next_u64());
    }
    let mut s = rng.pick(templates);
    let reg = |rng: &mut Rng| {
        if rng.one_in(20) {
            rng.below(16) as u8
        } else {
            rng.below(11) as u8
        }
    };
    if rng.one_in(2) {
        s.dst = reg(rng);
    }
    if s.src != 0 && rng.one_in(2) {
        s.src = reg(rng);
    }
    if rng.one_in(3) {
        s.off = rng.i16_edge();
    }
    if rng.one_in(3) {
        s.imm = rng.i32_edge();
    }
    s
}

fn random_program(rng: &mut Rng, templates: &[RawInsn]) -> Vec<u8> {
    let n = 1 + rng.below(6) as usize;
    let mut out = Vec::with_capacity(n * 16);
    for _ in 0..n {
        let s = random_slot(rng, templates);
        out.extend_from_slice(&s.to_bytes());
        if s.code == 0x18 && !rng.one_in(10) {
            // Usually a well-formed second slot.
            let hi = if rng.one_in(3) { 0 } else { rng.i32_edge() };
            out.extend_from_slice(&RawInsn::new(0, 0, 0, 0, hi).to_bytes());
        }
    }
    out
}

fn cases() -> usize {
    std::env::var("EBPF_ASM_ROUNDTRIP_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

#[test]
fn decode_print_assemble_encode_is_identity() {
    let templates = templates();
    let codes: std::collections::BTreeSet<u8> = templates.iter().map(|t| t.code).collect();
    // 118 opcodes decode today; fewer means a decoder regression.
    assert!(codes.len() >= 118, "only {} opcodes decode", codes.len());
    let mut rng = Rng::new(support::seed("roundtrip", 0x5eed_0003));
    let n = cases();
    let mut decoded = 0usize;
    let mut labelled = 0usize;
    for case in 0..n {
        let bytes = random_program(&mut rng, &templates);
        let Ok(insns) = decode(&bytes) else {
            continue;
        };
        decoded += 1;
        let ctx = || format!("case {case}, bytes {}", hex(&bytes));

        // Instruction by instruction.
        let text: String = insns.iter().map(|i| format!("{i}\n")).collect();
        let program = assemble(&text)
            .unwrap_or_else(|e| panic!("{}: our printout does not assemble:\n{text}\n{e}", ctx()));
        assert_eq!(
            program.insns(),
            &insns[..],
            "{}: model differs\n{text}",
            ctx()
        );
        assert_eq!(
            hex(&program.to_bytes()),
            hex(&bytes),
            "{}: bytes differ\n{text}",
            ctx()
        );
        let code = assemble_bytecode("<input>", &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            code.to_bytes(),
            bytes,
            "{}: assemble_bytecode differs",
            ctx()
        );

        // As a program with synthesised labels.
        let program = Program::from_bytes(&bytes).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
        assert_eq!(program.insns(), &insns[..]);
        let with_labels = program.with_synthesized_labels();
        if !with_labels.labels().is_empty() {
            labelled += 1;
        }
        assert_eq!(hex(&with_labels.to_bytes()), hex(&bytes), "{}", ctx());
        let text = with_labels.to_string();
        let again = assemble(&text).unwrap_or_else(|e| {
            panic!(
                "{}: labelled printout does not assemble:\n{text}\n{e}",
                ctx()
            )
        });
        assert_eq!(
            hex(&again.to_bytes()),
            hex(&bytes),
            "{}: labelled bytes differ\n{text}",
            ctx()
        );
        let code = assemble_bytecode("<input>", &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            code.to_bytes(),
            bytes,
            "{}: labelled assemble_bytecode differs",
            ctx()
        );
    }
    eprintln!("roundtrip: {decoded} of {n} cases decoded, {labelled} with labels");
    assert!(
        decoded * 3 > n,
        "only {decoded} of {n} random cases decoded"
    );
    assert!(
        labelled * 50 > decoded,
        "only {labelled} cases had jump labels"
    );
}

/// Jumps that land inside the program get labels; every kind of target is exercised.
#[test]
fn synthesized_labels_cover_every_target_kind() {
    let src = "
        if r1 == 0 goto +8
        goto +7
        may_goto +6
        gotol +5
        call pc+4
        r1 = 1 ll
        ld_pseudo r2, 4, -7
        exit
    ";
    let p = assemble(src).unwrap_or_else(|e| panic!("{e}"));
    let bytes = p.to_bytes();
    let labelled = Program::from_bytes(&bytes)
        .unwrap()
        .with_synthesized_labels();
    let text = labelled.to_string();
    for insn in labelled.insns() {
        let numeric = match insn {
            Insn::Jump { target, .. } | Insn::Ja { target } | Insn::MayGoto { target } => {
                matches!(target, ebpf_asm_core::Target::Offset(_))
            }
            Insn::JaLong { target }
            | Insn::Call(ebpf_asm_core::Call::Local(target))
            | Insn::LdImm64 {
                imm: ebpf_asm_core::Imm64::Func(target),
                ..
            } => matches!(target, ebpf_asm_core::Target::Offset(_)),
            _ => false,
        };
        assert!(!numeric, "`{insn}` kept a numeric target in\n{text}");
    }
    assert_eq!(assemble(&text).unwrap().to_bytes(), bytes, "{text}");
}
