//! Text assembler fuzz target: any text assembles or gives diagnostics, never a panic or a
//! hang; a program that assembles prints as text that assembles to the same bytes.
#![no_main]

use ebpf_asm_core::assemble;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    match assemble(src) {
        Ok(p) => {
            let bytes = p.to_bytes();
            let text = p.to_string();
            let q = assemble(&text)
                .unwrap_or_else(|e| panic!("printout does not assemble:\n{text}\n{e}"));
            assert_eq!(
                q.to_bytes(),
                bytes,
                "printout assembles differently:\n{text}"
            );
        }
        Err(e) => {
            assert!(!e.diagnostics.is_empty());
            for d in &e.diagnostics {
                assert!(d.line >= 1 && d.column >= 1, "{d}");
            }
            let _ = e.to_string();
        }
    }
});
