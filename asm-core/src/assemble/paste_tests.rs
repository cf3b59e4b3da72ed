//! Pasted tool output (`crate::syntax::paste`): every tool spelling the assembler reads,
//! and every error, with its position.

use crate::{Assembler, Imm64, Insn, Program};

fn asm(text: &str) -> Result<Program, String> {
    Assembler::new("t").program(text).map_err(|e| e.to_string())
}

fn extract(text: &str) -> Result<Program, String> {
    Assembler::new("t")
        .extract(true)
        .program(text)
        .map_err(|e| e.to_string())
}

fn hex(p: &Program) -> String {
    p.to_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of `text` assembled as plain assembly.
fn plain(text: &str) -> String {
    hex(&crate::assemble(text).unwrap())
}

fn err(r: Result<Program, String>) -> String {
    r.expect_err("an error")
}

#[test]
fn objdump_lines_with_raw_bytes() {
    let text = "       0:\tb7 01 00 00 2a 00 00 00\tr1 = 0x2a\n\
                \x20      1:\t18 02 00 00 00 00 00 00 00 00 00 00 01 00 00 00\tr2 = 0x100000000 ll\n\
                \x20      3:\t15 01 01 00 00 00 00 00\tif r1 == 0x0 goto +0x1 <L1>\n\
                \x20      4:\tdb 21 00 00 01 00 00 00\tr2 = atomic_fetch_add((u64 *)(r1 + 0x0), r2)\n\
                \x20      5:\t95 00 00 00 00 00 00 00\texit";
    let p = asm(text).unwrap();
    assert_eq!(
        hex(&p),
        plain(
            "r1 = 42\nr2 = 0x100000000 ll\nif r1 == 0 goto +1\n\
             r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)\nexit"
        )
    );
    // Source locations are the pasted lines', at the instruction's text.
    assert_eq!(p.location(2).map(|l| (l.line, l.column)), Some((3, 35)));
}

#[test]
fn objdump_calls_are_told_apart_by_their_bytes() {
    let text =
        "   0:\t85 10 00 00 02 00 00 00\tcall 0x2\n   1:\t85 20 00 00 07 00 00 00\tcall 0x7\n\
                \x20  2:\t85 00 00 00 05 00 00 00\tcall 0x5";
    assert_eq!(
        hex(&asm(text).unwrap()),
        plain("call pc+2\ncall kfunc(7)\ncall 5")
    );
}

#[test]
fn objdump_raw_bytes_that_disagree_are_an_error_at_the_bytes() {
    let e = err(asm("       0:\tb7 01 00 00 2b 00 00 00\tr1 = 0x2a"));
    assert_eq!(
        e,
        "t:1:11: error: llvm-objdump's raw bytes say `b7 01 00 00 2b 00 00 00`, but \
         `r1 = 42` assembles to `b7 01 00 00 2a 00 00 00`: the text and its bytes disagree \
         (fix one of them)"
    );
}

#[test]
fn an_error_in_a_pasted_instruction_is_at_its_column() {
    let e = err(asm("       0:\tb7 01 00 00 2a 00 00 00\tr1 = r11"));
    assert!(e.starts_with("t:1:40: error: "), "{e}");
    let e = err(asm("12: (bf) r1 = r11   ; R1=1"));
    assert!(e.starts_with("t:1:15: error: "), "{e}");
}

#[test]
fn objdump_without_raw_bytes_and_with_relocations() {
    let text = "       0:\tr1 = 0x0 ll\n\t\t0000000000000000:  R_BPF_64_64\tm\n\
                \x20      2:\tcall -0x1\n\t\t0000000000000010:  R_BPF_64_32\tg\n\
                \x20      3:\tcall 0x1\n       4:\texit";
    assert_eq!(
        hex(&asm(text).unwrap()),
        plain("r1 = 0 ll\ncall pc-1\ncall 1\nexit")
    );
}

#[test]
fn objdump_unknown_is_an_error_that_names_the_8byte() {
    let e = err(asm("      13:\tff 00 00 00 00 00 00 00\t<unknown>"));
    assert_eq!(
        e,
        "t:1:35: error: llvm-objdump could not print this slot (`<unknown>`): write \
         `.8byte 0x00000000000000ff`"
    );
    let e = err(asm("      13:\t<unknown>"));
    assert!(
        e.starts_with("t:1:11: error: llvm-objdump could not print this slot"),
        "{e}"
    );
    assert!(e.contains("`.8byte 0x...`"), "{e}");
    // With --extract too: the slot is an instruction that cannot be read.
    assert!(err(extract("      13:\t<unknown>")).starts_with("t:1:11:"));
}

#[test]
fn verifier_lines_with_state() {
    let text = "0: (b7) r1 = 42                ; R1_w=42\n\
                1: (07) r1 += -4   ; R1=38\n\
                2: (61) r0 = *(u32 *)(r1 +4)\n\
                3: (15) if r0 == 0x0 goto pc+1      ; R0=1\n\
                4: (85) call pc+2\n\
                5: (85) call bpf_map_lookup_elem#1  ; R0=map_value_or_null(id=1)\n\
                6: (05) goto pc-3\n\
                7: (95) exit";
    assert_eq!(
        hex(&asm(text).unwrap()),
        plain(
            "r1 = 42\nr1 += -4\nr0 = *(u32 *)(r1 + 4)\nif r0 == 0 goto +1\ncall pc+2\n\
             call 1\ngoto -3\nexit"
        )
    );
}

#[test]
fn verifier_opcode_byte_that_disagrees_is_an_error_at_it() {
    let e = err(asm("10: (b4) r1 = 42   ; R1_w=42"));
    assert_eq!(
        e,
        "t:1:6: error: the opcode byte say `b4`, but `r1 = 42` assembles to \
         `b7 01 00 00 2a 00 00 00`: the text and its bytes disagree (fix one of them)"
    );
}

#[test]
fn kernel_ld_imm64_without_ll() {
    let text = "0: (18) r1 = 0x123456789     ; R1_w=0x123456789\n2: (18) r2 = 0x5\n4: (95) exit";
    assert_eq!(
        hex(&asm(text).unwrap()),
        plain("r1 = 0x123456789 ll\nr2 = 5 ll\nexit")
    );
}

#[test]
fn kernel_atomics() {
    let text = "0: (db) r1 = atomic64_fetch_add((u64 *)(r0 +0), r1)   ; R1=1\n\
                1: (db) r1 = atomic64_xchg((u64 *)(r0 +8), r1)\n\
                2: (db) r0 = atomic64_cmpxchg((u64 *)(r2 -8), r0, r3)\n\
                3: (c3) r2 = atomic_fetch_or((u32 *)(r1 +0), r2)\n\
                4: (c3) r2 = atomic_xchg((u32 *)(r1 +4), r2)\n\
                5: (c3) r0 = atomic_cmpxchg((u32 *)(r1 +0), r0, r2)\n\
                6: (c3) lock *(u32 *)(r1 +0) += r2\n\
                7: (db) lock *(u64 *)(r1 +0) |= r2\n\
                8: (95) exit";
    assert_eq!(
        hex(&asm(text).unwrap()),
        plain(
            "r1 = atomic_fetch_add((u64 *)(r0 + 0), r1)\nr1 = xchg_64(r0 + 8, r1)\n\
             r0 = cmpxchg_64(r2 - 8, r0, r3)\nw2 = atomic_fetch_or((u32 *)(r1 + 0), w2)\n\
             w2 = xchg32_32(r1 + 4, w2)\nw0 = cmpxchg32_32(r1 + 0, w0, w2)\n\
             lock *(u32 *)(r1 + 0) += w2\nlock *(u64 *)(r1 + 0) |= r2\nexit"
        )
    );
    // The rewrite keeps columns: an error in the value register is where it was printed.
    let e = err(asm("0: (db) r1 = atomic64_xchg((u64 *)(r0 +8), r2)"));
    assert!(e.starts_with("t:1:9: error: the old value"), "{e}");
}

#[test]
fn call_name_and_number_must_agree() {
    let e = err(asm("7: (85) call bpf_map_lookup_elem#2"));
    assert_eq!(
        e,
        "t:1:34: error: `call bpf_map_lookup_elem#2` names two helpers: \
         bpf_map_lookup_elem is helper 1, and helper 2 is bpf_map_update_elem: write \
         `call bpf_map_lookup_elem` or `call 2`"
    );
    // In plain text as well, though `#2` is a comment there.
    let e = err(asm("r1 = 0\ncall bpf_map_lookup_elem#2\nexit"));
    assert!(
        e.starts_with("t:2:26: error: `call bpf_map_lookup_elem#2` names two"),
        "{e}"
    );
    assert!(asm("call bpf_map_lookup_elem#1\ncall sub # 7\nexit\nsub:\nexit").is_ok());
    // A number past the helper table is bpftool's address offset of a translated call.
    assert_eq!(
        hex(&asm("  42: (85) call bpf_ktime_get_ns#279024").unwrap()),
        plain("call 5")
    );
}

#[test]
fn bpftool_xlated_lines() {
    let text = "int prog(struct xdp_md * ctx):\n\
                ; int k = 0;\n\
                \x20  0: (18) r1 = map[id:7]\n\
                \x20  2: (18) r2 = map[id:9][0]+8\n\
                \x20  4: (85) call pc+2#bpf_prog_f6dac5352fd92c0f_sub\n\
                \x20  5: (95) exit";
    let p = extract(text).unwrap();
    let symbol = |i: usize| match &p.insns()[i] {
        Insn::LdImm64 {
            imm: Imm64::Symbol(s),
            ..
        } => s.to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(symbol(0), "map_id_7");
    assert_eq!(symbol(1), "map_id_9_value_8");
    assert_eq!(p.insns()[2].to_string(), "call pc+2");
    let e = err(asm(text));
    assert!(
        e.starts_with(
            "t:1:1: error: not an instruction but a function header of bpftool's: `--extract`"
        ),
        "{e}"
    );
    assert!(
        e.contains("\nt:2:1: error: not an instruction but a C source line"),
        "{e}"
    );
}

#[test]
fn bpftool_kernel_internal_calls_are_an_error() {
    let e = err(asm("   7: (85) call __htab_map_lookup_elem#343280"));
    assert!(
        e.starts_with("t:1:17: error: `__htab_map_lookup_elem` is not a helper"),
        "{e}"
    );
    assert!(e.contains("write the helper the program called"), "{e}");
}

#[test]
fn bpftool_opcodes_lines_are_checked() {
    let text = "   0: (bf) r6 = r1\n       bf 16 00 00 00 00 00 00\n   1: (95) exit\n\
                \x20      95 00 00 00 00 00 00 00";
    assert_eq!(hex(&asm(text).unwrap()), plain("r6 = r1\nexit"));
    let e = err(asm("   0: (bf) r6 = r1\n       bf 61 00 00 00 00 00 00"));
    assert!(
        e.starts_with("t:2:8: error: bpftool's opcodes say `bf 61 00 00 00 00 00 00`"),
        "{e}"
    );
    // A translated call's bytes are the kernel's: only the opcode is compared.
    let text = "   0: (85) call pc+2#bpf_prog_0_f\n       85 10 02 00 01 00 00 00";
    assert_eq!(hex(&asm(text).unwrap()), plain("call pc+2"));
}

#[test]
fn state_lines_need_extract() {
    let log = "0: R1=ctx() R10=fp0\n\
               ; int k = 0; @ p.c:10\n\
               0: (b7) r0 = 0                 ; R0_w=0\n\
               1: (95) exit\n\
               \n\
               from 4 to 6: R0=1\n\
               R1 32-bit pointer arithmetic prohibited\n\
               processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0\n\
               verification time 12 usec\n\
               stack depth 8";
    let e = err(asm(log));
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 7, "{e}");
    assert!(lines[0].starts_with("t:1:1: error: not an instruction but the verifier's state"));
    assert!(lines[1].starts_with("t:2:1: error: not an instruction but a C source line"));
    assert!(
        lines[2].starts_with("t:6:1: error: not an instruction but a line of the verifier's log")
    );
    assert_eq!(hex(&extract(log).unwrap()), plain("r0 = 0\nexit"));
}

#[test]
fn a_log_of_several_paths_keeps_each_instruction_once() {
    let log = "0: (b7) r0 = 0\n1: (15) if r1 == 0x0 goto pc+1\n2: (b7) r0 = 1\n3: (95) exit\n\
               from 1 to 3: R0=0\n3: (95) exit";
    assert_eq!(
        hex(&extract(log).unwrap()),
        plain("r0 = 0\nif r1 == 0 goto +1\nr0 = 1\nexit")
    );
    let e = err(asm(log));
    assert!(
        e.contains("t:6:1: error: instruction 3 was printed before, on line 4"),
        "{e}"
    );
    // Out of order (the verifier walked another path first): cannot be the program.
    let e = err(extract("0: (b7) r0 = 0\n2: (95) exit\n1: (b7) r0 = 1"));
    assert!(
        e.starts_with("t:2:1: error: instruction 2 follows instruction 0 here"),
        "{e}"
    );
}

#[test]
fn the_verifiers_live_regs_table() {
    let log =
        "Live regs before insn:\n      0: .1........ (bf) r6 = r1\n      1: ......6... (95) exit";
    assert_eq!(hex(&extract(log).unwrap()), plain("r6 = r1\nexit"));
}

#[test]
fn plain_text_errors_are_unchanged() {
    // Nothing in it is a tool's: the assembler's own message, with no hint.
    let e = err(asm("r1 = 1\n0:\tr1 = r11"));
    assert!(!e.contains("--extract"), "{e}");
    let e = err(asm("r1 = 1\n;\nr2 = r11"));
    assert!(
        e.starts_with("t:3:6: error: register `r11`") && e.lines().count() == 1,
        "{e}"
    );
    // In tool output, a line no tool printed gets the hint.
    let e = err(asm("0: (b7) r0 = 0\nhello world"));
    assert!(e.starts_with("t:2:1: error: "), "{e}");
    assert!(
        e.contains("`--extract`, Assembler::extract, skips such lines"),
        "{e}"
    );
}

#[test]
fn the_bytecode_path_reads_pasted_lines_too() {
    let text = "0: (b7) r0 = 0  ; R0=0\n1: (95) exit";
    let asm = Assembler::new("t");
    assert_eq!(
        asm.bytecode(text).unwrap().to_bytes(),
        asm.program(text).unwrap().to_bytes()
    );
    let e = asm
        .bytecode("r0 = 0\ncall bpf_map_lookup_elem#3\nexit")
        .unwrap_err();
    assert!(e.to_string().starts_with("t:2:26: error:"), "{e}");
}
