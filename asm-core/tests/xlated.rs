//! Issue 14: the kernel's translated form decodes and prints as bpftool prints it. The
//! slots are those Linux 6.18 returned for programs loaded on this machine (see
//! loader/tests/xlated.rs for the live comparison with `bpftool prog dump xlated`).

mod support;

use std::collections::HashMap;

use ebpf_asm_core::{
    decode, decode_xlated, Call, Insn, KernelSymbols, Reg, XlatedInsn, XlatedProgram,
};
use support::unhex;

const CALL_BASE: u64 = 0xffff_ffff_814d_d650;

/// `__bpf_call_base` and the symbols of the calls below, as /proc/kallsyms had them.
fn symbols() -> KernelSymbols {
    let names = [
        (0xffff_ffff_8153_1340, "__htab_map_lookup_elem"),
        (0xffff_ffff_8152_1840, "bpf_ktime_get_ns"),
        (0xffff_ffff_c000_1000, "bpf_prog_0fd1e0bd09915235_sub"),
    ];
    KernelSymbols {
        call_base: Some(CALL_BASE),
        jited_ksyms: vec![0xffff_ffff_c000_0000, 0xffff_ffff_c000_1000],
        names: names
            .iter()
            .map(|(a, n)| (*a, n.to_string()))
            .collect::<HashMap<_, _>>(),
    }
}

/// (slots, what bpftool printed after the `(code) ` prefix).
const GOLDEN: &[(&str, &str)] = &[
    ("bf16000000000000", "r6 = r1"),
    ("7961200000000000", "r1 = *(u64 *)(r6 +32)"),
    ("6111e00000000000", "r1 = *(u32 *)(r1 +224)"),
    ("631afcff00000000", "*(u32 *)(r10 -4) = r1"),
    ("07020000fcffffff", "r2 += -4"),
    ("18110000136f02000000000000000000", "r1 = map[id:159507]"),
    ("85000000f03c0500", "call __htab_map_lookup_elem#343280"),
    ("1500010000000000", "if r0 == 0x0 goto pc+1"),
    ("3500030004000000", "if r0 >= 0x4 goto pc+3"),
    (
        "18210000176f02000000000000000000",
        "r1 = map[id:159511][0]+0",
    ),
    (
        "18210000176f02000000000008000000",
        "r1 = map[id:159511][0]+8",
    ),
    ("b700000034c0b083", "r0 = -2085568460"),
    ("bf00ffff00000000", "r0 = &(void __percpu *)(r0)"),
    ("850000000c000000", "call bpf_tail_call#12"),
    (
        "8510050001000000",
        "call pc+5#bpf_prog_0fd1e0bd09915235_sub",
    ),
    ("85000000f0410400", "call bpf_ktime_get_ns#279024"),
    ("18420000280000000000000001000000", "r2 = subprog[+40]"),
    ("1500faff00000000", "if r0 == 0x0 goto pc-6"),
    ("b4000000f9ffffff", "w0 = -7"),
    ("7a0af8ff00000000", "*(u64 *)(r10 -8) = 0"),
    ("3c17000000000000", "w7 /= w1"),
    (
        "db21000001000000",
        "r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)",
    ),
    (
        "c321000041000000",
        "r2 = atomic_fetch_or((u32 *)(r1 +0), r2)",
    ),
    (
        "db210000f1000000",
        "r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)",
    ),
    ("db10000000000000", "lock *(u64 *)(r0 +0) += r1"),
    ("c200000000000000", "nospec"),
    ("79ab f0ff 00000000", "r11 = *(u64 *)(r10 -16)"),
    ("150b050000000000", "if r11 == 0x0 goto pc+5"),
    ("170b000001000000", "r11 -= 1"),
    ("7bba f0ff 00000000", "*(u64 *)(r10 -16) = r11"),
];

#[test]
fn translated_slots_print_as_bpftool_prints_them() {
    let syms = symbols();
    for (hex, want) in GOLDEN {
        let bytes = unhex(hex);
        let insns = decode_xlated(&bytes).unwrap_or_else(|e| panic!("{hex}: {e}"));
        assert_eq!(insns.len(), 1, "{hex}");
        assert_eq!(insns[0].kernel_text(&syms), *want, "{hex}");
    }
}

/// A 64-bit constant that is a kernel address prints in hex, as bpftool does.
#[test]
fn kernel_addresses_print_in_hex() {
    let x = decode_xlated(&unhex("180000008099008300000000ffffffff")).unwrap();
    assert_eq!(
        x[0].kernel_text(&KernelSymbols::default()),
        "r0 = 0xffffffff83009980"
    );
}

/// The forms the strict decoder refuses are exactly the kernel's own ones.
#[test]
fn the_strict_decoder_refuses_what_only_the_kernel_writes() {
    for hex in [
        "8510050001000000",
        "bf00ffff00000000",
        "c200000000000000",
        "79abf0ff00000000",
        "18420000280000000000000001000000",
    ] {
        assert!(decode(&unhex(hex)).is_err(), "{hex}");
        assert!(decode_xlated(&unhex(hex)).is_ok(), "{hex}");
    }
    let call = decode(&unhex("8510050001000000")).unwrap_err();
    assert!(call.reason.contains("off must be 0"), "{call}");
}

#[test]
fn the_decoded_forms_say_what_the_kernel_stored() {
    let d = |hex: &str| decode_xlated(&unhex(hex)).unwrap().remove(0);
    assert_eq!(
        d("8510050001000000"),
        XlatedInsn::SubprogCall { offset: 5, imm: 1 }
    );
    assert_eq!(
        d("85000000f03c0500"),
        XlatedInsn::KernelCall { imm: 343280 }
    );
    assert_eq!(
        d("850000000c000000"),
        XlatedInsn::Insn(Insn::Call(Call::Helper(12)))
    );
    assert_eq!(
        d("18110000136f02000000000000000000"),
        XlatedInsn::Map {
            dst: Reg::R1,
            id: 159507
        }
    );
    assert_eq!(
        d("18420000280000000000000001000000"),
        XlatedInsn::FuncAddr {
            dst: Reg::R2,
            offset: 40,
            subprog: 1
        }
    );
    let XlatedInsn::WithAx { insn, ax } = d("79abf0ff00000000") else {
        panic!("r11 is the kernel's auxiliary register");
    };
    assert_ne!(ax, Reg::R10);
    assert_eq!(
        insn,
        Insn::load(ebpf_asm_core::Size::U64, ax, Reg::R10, -16)
    );
}

#[test]
fn malformed_translated_slots_are_errors_naming_the_slot() {
    for (hex, says) in [
        ("b7000000000000009500", "not a multiple of 8"),
        ("18110000010000000000000005000000", "second slot's imm"),
        ("c201000000000000", "every other field must be 0"),
        ("bf0cffff00000000", "destination register r12"),
        ("ff00000000000000", "opcode 0xff"),
    ] {
        let err = XlatedProgram::from_bytes(&unhex(hex)).unwrap_err();
        assert!(err.to_string().contains(says), "{hex}: {err}");
    }
    let (p, errors) = XlatedProgram::from_bytes_lossy(&unhex("b700000000000000ff00000000000000"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].slot, 1);
    assert_eq!(
        p.to_string(),
        "   0: (b7) r0 = 0\n   1: (ff) .8byte 0x00000000000000ff\n"
    );
}

/// A translated program read as a Program: the subprogram call keeps its target, so
/// labels name it; kernel-only words stay in place as `.8byte`.
#[test]
fn a_translated_program_reads_as_a_program_with_labels() {
    let bytes = unhex(
        "8510020001000000 bf00ffff00000000 9500000000000000 b700000000000000 9500000000000000",
    );
    let x = XlatedProgram::from_bytes(&bytes).unwrap();
    let p = x.to_program().with_synthesized_labels();
    assert_eq!(
        p.to_string(),
        "\tcall L3\n\t.8byte 0x00000000ffff00bf\n\texit\nL3:\n\tr0 = 0\n\texit\n"
    );
    assert_eq!(
        x.dump_with_opcodes().lines().take(2).collect::<Vec<_>>(),
        ["   0: (85) call pc+2", "       85 10 02 00 01 00 00 00"]
    );
}

/// bpftool numbers lines with C's `% 4d`: index 1000 gets a leading space too.
#[test]
fn line_numbers_are_printed_as_bpftool_prints_them() {
    let bytes = unhex(&"b700000000000000".repeat(1001));
    let x = XlatedProgram::from_bytes(&bytes).unwrap();
    let text = x.to_string();
    assert!(text.starts_with("   0: (b7) r0 = 0\n"));
    assert!(
        text.ends_with("\n 1000: (b7) r0 = 0\n"),
        "{}",
        &text[text.len() - 40..]
    );
}

/// The calls named from a kallsyms file, as bpftool names them.
const KALLSYMS_TEXT: &str = "\
ffffffff814dd650 T __bpf_call_base
ffffffff81521840 T bpf_ktime_get_ns
ffffffff81531340 t __htab_map_lookup_elem
ffffffff81531340 t an_alias
ffffffffc0001000 t bpf_prog_0fd1e0bd09915235_sub\t[bpf]
not a line
";

fn calls_program() -> XlatedProgram {
    // call __htab_map_lookup_elem; call pc+1 (subprogram 1); exit; call bpf_ktime_get_ns; exit
    let hex =
        "85000000f03c0500 8510010001000000 9500000000000000 85000000f0410400 9500000000000000";
    let bytes: Vec<u8> = hex
        .split_ascii_whitespace()
        .flat_map(|w| {
            (0..w.len())
                .step_by(2)
                .map(move |i| u8::from_str_radix(&w[i..i + 2], 16).unwrap())
        })
        .collect();
    XlatedProgram::from_bytes(&bytes).unwrap()
}

#[test]
fn calls_are_named_from_kallsyms_and_jited_ksyms() {
    let p = calls_program();
    let syms = p.symbols_from_kallsyms(KALLSYMS_TEXT, vec![0xffffffffc0000000, 0xffffffffc0001000]);
    assert_eq!(syms.call_base, Some(0xffffffff814dd650));
    assert_eq!(
        p.with_symbols(syms).to_string(),
        "   0: (85) call __htab_map_lookup_elem#343280\n\
             \x20  1: (85) call pc+1#bpf_prog_0fd1e0bd09915235_sub\n\
             \x20  2: (95) exit\n\
             \x20  3: (85) call bpf_ktime_get_ns#279024\n\
             \x20  4: (95) exit\n"
    );
}

/// With kptr_restrict, kallsyms shows zeros: bpftool prints addresses (the offsets)
/// and, for a JIT-ed program, the subprogram's address from jited_ksyms.
#[test]
fn hidden_addresses_print_as_bpftool_prints_them() {
    let hidden = KALLSYMS_TEXT
        .replace("ffffffff", "00000000")
        .replace("814dd650", "00000000");
    let p = calls_program();
    let syms = p.symbols_from_kallsyms(&hidden, vec![0, 0]);
    assert_eq!(syms.call_base, None);
    let text = p.with_symbols(syms).to_string();
    assert!(text.contains("call 0x53cf0#343280\n"), "{text}");
    assert!(text.contains("call pc+1#0x0\n"), "{text}");
}
