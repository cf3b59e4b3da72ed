//! Hex input fuzz target (`bpfasm disasm` and `run` read it): any bytes parse or give
//! errors at increasing offsets inside the text, never a panic; what parses holds one byte
//! per two digits, prints back as hex that parses to the same bytes, and `slot_offsets`
//! finds a hex digit at the start of every 8-byte slot.
#![no_main]

use ebpf_asm_core::hex::{parse, slot_hex, slot_offsets};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &[u8]| {
    match parse(text) {
        Ok(bytes) => {
            let digits = text.iter().filter(|b| b.is_ascii_hexdigit()).count();
            // `0x` prefixes are skipped: each takes one `0` that is not a digit of a byte.
            assert!(bytes.len() * 2 <= digits, "more bytes than digit pairs");
            let mut printed = Vec::new();
            for chunk in bytes.chunks(8) {
                let mut slot = [0u8; 8];
                slot[..chunk.len()].copy_from_slice(chunk);
                let hex = slot_hex(slot);
                printed.extend_from_slice(&hex[..chunk.len() * 2]);
                printed.push(b'\n');
            }
            assert_eq!(parse(&printed).as_deref(), Ok(&bytes[..]));
            let starts = slot_offsets(text);
            assert_eq!(starts.len(), bytes.len().div_ceil(8));
            for w in starts.windows(2) {
                assert!(w[0] < w[1]);
            }
            for &at in &starts {
                assert!(text[at].is_ascii_hexdigit(), "slot start {at} is not a digit");
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for w in errors.windows(2) {
                assert!(w[0].at < w[1].at, "errors out of order");
            }
            for e in &errors {
                assert!(e.at <= text.len());
                assert!(!e.message.is_empty());
            }
        }
    }
});
