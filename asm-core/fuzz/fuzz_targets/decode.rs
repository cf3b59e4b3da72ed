//! Decoder fuzz target: any bytes decode or give an error, never a panic or a hang; every
//! instruction that decodes encodes back to its own bytes and prints as text that assembles
//! to those bytes.
#![no_main]

use ebpf_asm_core::{assemble, decode, decode_iter, slots_of};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The whole input, including lengths that are not a multiple of 8.
    let whole = decode(data);
    // Its longest prefix of whole slots, decoded slot by slot.
    let data = &data[..data.len() / 8 * 8];
    let slots = slots_of(data).expect("whole slots");
    let mut all_ok = true;
    for r in decode_iter(&slots) {
        let Ok((at, insn)) = r else {
            all_ok = false;
            continue;
        };
        let mut bytes = Vec::new();
        insn.encode()
            .expect("decoded instructions have numeric targets")
            .write_to(&mut bytes);
        assert_eq!(
            bytes,
            data[at * 8..at * 8 + bytes.len()],
            "{insn:?} re-encodes differently"
        );
        let text = insn.to_string();
        let p = assemble(&text).unwrap_or_else(|e| panic!("`{text}` does not assemble: {e}"));
        assert_eq!(p.to_bytes(), bytes, "`{text}` assembles differently");
    }
    if whole.is_ok() {
        assert!(all_ok);
    }
});
