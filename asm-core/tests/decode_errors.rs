//! The decoder is total: malformed input gives an error naming the slot and the reason,
//! never a panic, and never an instruction that would encode to different bytes.

use ebpf_asm_core::{decode, decode_iter, slots_of, RawInsn};

/// One slot from its fields (registers are nibbles; values above 15 are masked).
fn slot(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> [u8; 8] {
    RawInsn::new(code, dst, src, off, imm).to_bytes()
}

fn cat(slots: &[[u8; 8]]) -> Vec<u8> {
    slots.concat()
}

const EXIT: [u8; 8] = [0x95, 0, 0, 0, 0, 0, 0, 0];

/// (what, bytes, expected slot, expected reason)
fn cases() -> Vec<(&'static str, Vec<u8>, usize, &'static str)> {
    vec![
        ("length not a multiple of 8 (1 byte)", vec![0x95], 0, "the input is 1 bytes, not a multiple of 8: 1 bytes are left over"),
        ("length not a multiple of 8 (15 bytes)", { let mut v = EXIT.to_vec(); v.extend_from_slice(&EXIT[..7]); v }, 1, "the input is 15 bytes, not a multiple of 8: 7 bytes are left over"),
        ("alu dst r11", cat(&[slot(0x07, 11, 0, 0, 1)]), 0, "destination register r11 does not exist (r0..r10)"),
        ("alu64 reg src r15", cat(&[EXIT, slot(0x0f, 1, 15, 0, 0)]), 1, "source register r15 does not exist (r0..r10)"),
        ("alu K with src_reg set", cat(&[slot(0x07, 1, 2, 0, 1)]), 0, "src_reg must be 0 for opcode 0x07, is 2"),
        ("alu X with imm set", cat(&[slot(0x0f, 1, 2, 0, 1)]), 0, "imm must be 0 for opcode 0x0f, is 1"),
        ("add with off set", cat(&[slot(0x07, 1, 0, 1, 1)]), 0, "off must be 0 for opcode 0x07, is 1"),
        ("sdiv off 2", cat(&[slot(0x37, 1, 0, 2, 1)]), 0, "off must be 0 or 1 (signed) for opcode 0x37, is 2"),
        ("smod off -1", cat(&[slot(0x9c, 1, 2, -1, 0)]), 0, "off must be 0 or 1 (signed) for opcode 0x9c, is -1"),
        ("unknown alu op 0xe0", cat(&[slot(0xe7, 1, 0, 0, 0)]), 0, "opcode 0xe7: unknown ALU operation 0xe0"),
        ("unknown alu op 0xf0", cat(&[slot(0xf4, 1, 0, 0, 0)]), 0, "opcode 0xf4: unknown ALU operation 0xf0"),
        ("neg with BPF_X", cat(&[slot(0x8f, 1, 2, 0, 0)]), 0, "opcode 0x8f: neg takes no source register (BPF_X is reserved)"),
        ("neg with imm", cat(&[slot(0x87, 1, 0, 0, 5)]), 0, "imm must be 0 for opcode 0x87, is 5"),
        ("movsx off 7", cat(&[slot(0xbf, 1, 2, 7, 0)]), 0, "opcode 0xbf: off must be 0, 8, 16 or 32 for a move (1: addr_space_cast), is 7"),
        ("32-bit movsx from 32", cat(&[slot(0xbc, 1, 2, 32, 0)]), 0, "opcode 0xbc: a 32-bit move sign-extends from 8 or 16 bits, not 32"),
        ("32-bit mov off 1 (addr_space_cast is 64-bit only)", cat(&[slot(0xbc, 1, 2, 1, 0)]), 0, "opcode 0xbc: off must be 0, 8, 16 or 32 for a move, is 1"),
        ("movsx with imm", cat(&[slot(0xbf, 1, 2, 8, 1)]), 0, "imm must be 0 for opcode 0xbf, is 1"),
        ("mov K with off", cat(&[slot(0xb7, 1, 0, 8, 0)]), 0, "off must be 0 for opcode 0xb7, is 8"),
        ("byte swap width 8", cat(&[slot(0xd4, 1, 0, 0, 8)]), 0, "opcode 0xd4: byte swap width must be 16, 32 or 64, is 8"),
        ("byte swap width 0", cat(&[slot(0xdc, 1, 0, 0, 0)]), 0, "opcode 0xdc: byte swap width must be 16, 32 or 64, is 0"),
        ("bswap width 128", cat(&[slot(0xd7, 1, 0, 0, 128)]), 0, "opcode 0xd7: byte swap width must be 16, 32 or 64, is 128"),
        ("alu64 END with BPF_X", cat(&[slot(0xdf, 1, 0, 0, 16)]), 0, "opcode 0xdf: 64-bit byte swap takes no source bit"),
        ("byte swap with src_reg", cat(&[slot(0xd4, 1, 3, 0, 16)]), 0, "src_reg must be 0 for opcode 0xd4, is 3"),
        ("byte swap with off", cat(&[slot(0xd4, 1, 0, 1, 16)]), 0, "off must be 0 for opcode 0xd4, is 1"),
        ("jump dst r12", cat(&[slot(0x15, 12, 0, 1, 0)]), 0, "destination register r12 does not exist (r0..r10)"),
        ("jump K with src_reg", cat(&[slot(0x15, 1, 1, 1, 0)]), 0, "src_reg must be 0 for opcode 0x15, is 1"),
        ("jump X with imm", cat(&[slot(0x1d, 1, 2, 1, 7)]), 0, "imm must be 0 for opcode 0x1d, is 7"),
        ("jmp32 X src r13", cat(&[slot(0x1e, 1, 13, 1, 0)]), 0, "source register r13 does not exist (r0..r10)"),
        ("goto with imm", cat(&[slot(0x05, 0, 0, 1, 1)]), 0, "imm must be 0 for opcode 0x05, is 1"),
        ("goto with dst_reg", cat(&[slot(0x05, 1, 0, 1, 0)]), 0, "dst_reg must be 0 for opcode 0x05, is 1"),
        ("gotol with off", cat(&[slot(0x06, 0, 0, 1, 1)]), 0, "off must be 0 for opcode 0x06, is 1"),
        ("ja BPF_X", cat(&[slot(0x0d, 0, 0, 1, 0)]), 0, "opcode 0x0d: unknown jump operation"),
        ("call in jmp32", cat(&[slot(0x86, 0, 0, 0, 1)]), 0, "opcode 0x86: call exists only in the 64-bit jump class"),
        ("exit in jmp32", cat(&[slot(0x96, 0, 0, 0, 0)]), 0, "opcode 0x96: exit exists only in the 64-bit jump class"),
        ("may_goto in jmp32", cat(&[slot(0xe6, 0, 0, 1, 0)]), 0, "opcode 0xe6: may_goto exists only in the 64-bit jump class"),
        ("call unknown src 3", cat(&[slot(0x85, 0, 3, 0, 1)]), 0, "opcode 0x85: call src_reg must be 0 (helper), 1 (subprogram) or 2 (kfunc), is 3"),
        ("helper call with off", cat(&[slot(0x85, 0, 0, 1, 1)]), 0, "off must be 0 for opcode 0x85, is 1"),
        ("call with dst_reg", cat(&[slot(0x85, 1, 0, 0, 1)]), 0, "dst_reg must be 0 for opcode 0x85, is 1"),
        ("local call with off", cat(&[slot(0x85, 0, 1, 1, 1)]), 0, "off must be 0 for opcode 0x85, is 1"),
        ("callx with imm", cat(&[slot(0x8d, 1, 0, 0, 1)]), 0, "imm must be 0 for opcode 0x8d, is 1"),
        ("callx r11", cat(&[slot(0x8d, 11, 0, 0, 0)]), 0, "destination register r11 does not exist (r0..r10)"),
        ("exit with imm", cat(&[slot(0x95, 0, 0, 0, 1)]), 0, "imm must be 0 for opcode 0x95, is 1"),
        ("exit with off", cat(&[slot(0x95, 0, 0, 1, 0)]), 0, "off must be 0 for opcode 0x95, is 1"),
        ("exit BPF_X", cat(&[slot(0x9d, 0, 0, 0, 0)]), 0, "opcode 0x9d: unknown jump operation"),
        ("may_goto with src_reg (other JCOND)", cat(&[slot(0xe5, 0, 1, 1, 0)]), 0, "src_reg (may_goto is the only condition) must be 0 for opcode 0xe5, is 1"),
        ("may_goto with imm", cat(&[slot(0xe5, 0, 0, 1, 1)]), 0, "imm must be 0 for opcode 0xe5, is 1"),
        ("unknown jump op 0xf0", cat(&[slot(0xf5, 1, 0, 0, 0)]), 0, "opcode 0xf5: unknown jump operation"),
        ("ld_imm64 truncated", cat(&[EXIT, slot(0x18, 1, 0, 0, 1)]), 1, "ld_imm64 needs a second slot, but the input ends here"),
        ("ld_imm64 second slot has code", cat(&[slot(0x18, 1, 0, 0, 1), EXIT]), 0, "the second slot of ld_imm64 must have code, registers and off 0, has RawInsn { code: 0x95, dst: 0, src: 0, off: 0, imm: 0 }"),
        ("ld_imm64 second slot has off", cat(&[slot(0x18, 1, 0, 0, 1), slot(0, 0, 0, 1, 0)]), 0, "the second slot of ld_imm64 must have code, registers and off 0, has RawInsn { code: 0x00, dst: 0, src: 0, off: 1, imm: 0 }"),
        ("ld_imm64 second slot has regs", cat(&[slot(0x18, 1, 0, 0, 1), slot(0, 1, 0, 0, 0)]), 0, "the second slot of ld_imm64 must have code, registers and off 0, has RawInsn { code: 0x00, dst: 1, src: 0, off: 0, imm: 0 }"),
        ("ld_imm64 unknown pseudo 7", cat(&[slot(0x18, 1, 7, 0, 1), slot(0, 0, 0, 0, 0)]), 0, "opcode 0x18: unknown ld_imm64 pseudo source 7 (0..=6)"),
        ("ld_imm64 unknown pseudo 15", cat(&[slot(0x18, 1, 15, 0, 1), slot(0, 0, 0, 0, 0)]), 0, "opcode 0x18: unknown ld_imm64 pseudo source 15 (0..=6)"),
        ("ld_imm64 with off", cat(&[slot(0x18, 1, 0, 1, 1), slot(0, 0, 0, 0, 0)]), 0, "off must be 0 for opcode 0x18, is 1"),
        ("ld_imm64 dst r11", cat(&[slot(0x18, 11, 0, 0, 1), slot(0, 0, 0, 0, 0)]), 0, "destination register r11 does not exist (r0..r10)"),
        ("ld imm mode size W", cat(&[slot(0x00, 1, 0, 0, 1), slot(0, 0, 0, 0, 0)]), 0, "opcode 0x00: 64-bit immediate loads must use size DW (0x18)"),
        ("map fd with high imm", cat(&[slot(0x18, 1, 1, 0, 1), slot(0, 0, 0, 0, 1)]), 0, "the second slot's imm must be 0 for map fd loads, is 1"),
        ("func with high imm", cat(&[slot(0x18, 1, 4, 0, 1), slot(0, 0, 0, 0, 1)]), 0, "the second slot's imm must be 0 for function address loads, is 1"),
        ("map idx with high imm", cat(&[slot(0x18, 1, 5, 0, 1), slot(0, 0, 0, 0, 1)]), 0, "the second slot's imm must be 0 for map index loads, is 1"),
        ("ld_abs u64", cat(&[slot(0x38, 0, 0, 0, 1)]), 0, "opcode 0x38: legacy packet loads exist for u8, u16 and u32 only"),
        ("ld_abs with dst", cat(&[slot(0x30, 1, 0, 0, 1)]), 0, "dst_reg (the result goes to r0) must be 0 for opcode 0x30, is 1"),
        ("ld_abs with src", cat(&[slot(0x30, 0, 1, 0, 1)]), 0, "src_reg must be 0 for opcode 0x30, is 1"),
        ("ld_ind with off", cat(&[slot(0x50, 0, 1, 1, 1)]), 0, "off must be 0 for opcode 0x50, is 1"),
        ("ld_ind src r14", cat(&[slot(0x50, 0, 14, 0, 1)]), 0, "source register r14 does not exist (r0..r10)"),
        ("LD class MEM mode", cat(&[slot(0x60, 0, 0, 0, 0)]), 0, "opcode 0x60: unknown mode 0x60 for the LD class"),
        ("ldx with imm", cat(&[slot(0x79, 1, 2, 0, 1)]), 0, "imm must be 0 for opcode 0x79, is 1"),
        ("ldx src r11", cat(&[slot(0x79, 1, 11, 0, 0)]), 0, "source register r11 does not exist (r0..r10)"),
        ("ldsx u64", cat(&[slot(0x99, 1, 2, 0, 0)]), 0, "opcode 0x99: sign-extending loads exist for 8, 16 and 32 bits"),
        ("ldsx with imm", cat(&[slot(0x91, 1, 2, 0, 1)]), 0, "imm must be 0 for opcode 0x91, is 1"),
        ("ldx ABS mode", cat(&[slot(0x21, 1, 2, 0, 0)]), 0, "opcode 0x21: unknown mode 0x20 for this class"),
        ("st with src_reg", cat(&[slot(0x62, 1, 2, 0, 1)]), 0, "src_reg must be 0 for opcode 0x62, is 2"),
        ("st dst r15", cat(&[slot(0x62, 15, 0, 0, 1)]), 0, "destination register r15 does not exist (r0..r10)"),
        ("st ATOMIC mode", cat(&[slot(0xc2, 1, 0, 0, 1)]), 0, "opcode 0xc2: unknown mode 0xc0 for this class"),
        ("stx with imm", cat(&[slot(0x63, 1, 2, 0, 1)]), 0, "imm must be 0 for opcode 0x63, is 1"),
        ("stx MEMSX mode", cat(&[slot(0x83, 1, 2, 0, 0)]), 0, "opcode 0x83: unknown mode 0x80 for this class"),
        ("atomic u8 add", cat(&[slot(0xd3, 1, 2, 0, 0)]), 0, "opcode 0xd3: atomic read-modify-write exists for u32 and u64 only"),
        ("atomic u16 xchg", cat(&[slot(0xcb, 1, 2, 0, 0xe1)]), 0, "opcode 0xcb: atomic read-modify-write exists for u32 and u64 only"),
        ("atomic unknown op 0x10", cat(&[slot(0xdb, 1, 2, 0, 0x10)]), 0, "opcode 0xdb: unknown atomic operation imm 0x10"),
        ("atomic xchg without fetch 0xe0", cat(&[slot(0xdb, 1, 2, 0, 0xe0)]), 0, "opcode 0xdb: unknown atomic operation imm 0xe0"),
        ("atomic unknown op 0x101", cat(&[slot(0xdb, 1, 2, 0, 0x101)]), 0, "opcode 0xdb: unknown atomic operation imm 0x101"),
        ("atomic src r11", cat(&[slot(0xdb, 1, 11, 0, 0)]), 0, "source register r11 does not exist (r0..r10)"),
        ("error in slot 3 after ld_imm64", cat(&[slot(0x18, 1, 0, 0, 1), slot(0, 0, 0, 0, 0), EXIT, slot(0x07, 11, 0, 0, 0)]), 3, "destination register r11 does not exist (r0..r10)"),
        ("all ones", vec![0xff; 8], 0, "destination register r15 does not exist (r0..r10)"),
    ]
}

#[test]
fn malformed_input_gives_slot_and_reason() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 80);
    for (what, bytes, slot, reason) in &cases {
        match decode(bytes) {
            Ok(insns) => failures.push(format!("{what}: decoded to {insns:?}")),
            Err(e) => {
                if e.slot != *slot || e.reason != *reason {
                    failures.push(format!(
                        "{what}: got slot {} `{}`, want slot {slot} `{reason}`",
                        e.slot, e.reason
                    ));
                }
                // Display names the slot and its byte offset.
                let shown = e.to_string();
                let prefix = format!("slot {} (byte offset {}): ", e.slot, e.slot * 8);
                if !shown.starts_with(&prefix) || !shown.ends_with(&e.reason) {
                    failures.push(format!("{what}: Display is `{shown}`"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn decode_iter_reports_each_bad_slot_and_goes_on() {
    let bytes = cat(&[
        slot(0x07, 11, 0, 0, 0), // bad: r11
        EXIT,
        slot(0x18, 1, 0, 0, 7), // ld_imm64, two slots
        slot(0, 0, 0, 0, 1),
        slot(0xff, 0, 0, 0, 0), // bad: unknown opcode
        EXIT,
    ]);
    let slots = slots_of(&bytes).unwrap();
    let got: Vec<Result<usize, usize>> = decode_iter(&slots)
        .map(|r| r.map(|(at, _)| at).map_err(|e| e.slot))
        .collect();
    assert_eq!(got, [Err(0), Ok(1), Ok(2), Err(4), Ok(5)]);
    // decode() stops at the first error.
    assert_eq!(decode(&bytes).unwrap_err().slot, 0);
}

#[test]
fn empty_input_is_an_empty_program() {
    assert_eq!(decode(&[]).unwrap(), []);
    assert!(slots_of(&[]).unwrap().is_empty());
}

#[test]
fn slots_of_refuses_partial_slots() {
    for len in 1..8 {
        let e = slots_of(&vec![0x95; 8 + len]).unwrap_err();
        assert_eq!(e.slot, 1);
        assert!(e.reason.contains("not a multiple of 8"), "{}", e.reason);
    }
}

/// Every opcode byte with a grid of field values: decoding never panics, and whatever decodes
/// encodes back to exactly the same bytes (the decoder accepts no non-canonical encodings).
#[test]
fn every_opcode_decodes_or_errs_and_what_decodes_reencodes() {
    let regs = [0u8, 1, 10, 11, 15];
    let offs = [0i16, 1, 8, 16, 32, -1, i16::MIN];
    let imms = [0i32, 1, 16, 32, 64, 0x100, 0x110, 0xe1, 0xf1, -1, i32::MIN];
    let seconds = [slot(0, 0, 0, 0, 0), slot(0, 0, 0, 0, 5), EXIT];
    let mut decoded = 0usize;
    let mut total = 0usize;
    for code in 0..=255u8 {
        for &dst in &regs {
            for &src in &regs {
                for &off in &offs {
                    for &imm in &imms {
                        for second in &seconds {
                            total += 1;
                            let bytes = cat(&[slot(code, dst, src, off, imm), *second]);
                            let slots = slots_of(&bytes).unwrap();
                            match ebpf_asm_core::decode_one(&slots, 0) {
                                Ok((insn, n)) => {
                                    decoded += 1;
                                    let enc = insn.encode().unwrap_or_else(|e| {
                                        panic!("{insn:?} from {bytes:02x?} does not encode: {e}")
                                    });
                                    let mut out = Vec::new();
                                    enc.write_to(&mut out);
                                    assert_eq!(n, insn.slots());
                                    assert_eq!(
                                        out,
                                        bytes[..n * 8],
                                        "{insn:?} ({insn}) re-encodes differently"
                                    );
                                }
                                Err(e) => assert_eq!(e.slot, 0, "{bytes:02x?}: {e}"),
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(decoded > 10_000, "only {decoded} of {total} decoded");
}
