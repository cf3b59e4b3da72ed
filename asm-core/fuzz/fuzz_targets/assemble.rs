//! Text assembler fuzz target: any text assembles or gives diagnostics, never a panic or a
//! hang; a program that assembles prints as text that assembles to the same bytes; and
//! `assemble_bytecode` (which encodes without forming a Program) gives the same bytes or
//! the same diagnostics as `assemble`.
#![no_main]

use ebpf_asm_core::{assemble, assemble_bytecode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let code = assemble_bytecode("<input>", src);
    match assemble(src) {
        Ok(p) => {
            let bytes = p.to_bytes();
            match code {
                Ok(c) => assert_eq!(c.to_bytes(), bytes, "assemble_bytecode differs:\n{src}"),
                Err(e) => panic!("assemble_bytecode fails where assemble does not:\n{src}\n{e}"),
            }
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
            let c = code.map(|_| ()).map_err(|e| e.to_string());
            assert_eq!(c, Err(e.to_string()), "assemble_bytecode differs:\n{src}");
            assert!(!e.diagnostics.is_empty());
            for d in &e.diagnostics {
                assert!(d.line >= 1 && d.column >= 1, "{d}");
            }
            let _ = e.to_string();
        }
    }
});
