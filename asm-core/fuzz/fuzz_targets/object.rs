//! Object text format fuzz target (issue 15): any text parses into an object or gives
//! diagnostics with positions, never a panic or a hang; every program of an object that
//! parses prints as text that assembles to the same bytes.
#![no_main]

use ebpf_asm_core::{assemble, parse_object};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    match parse_object("<input>", src) {
        Ok(obj) => {
            for p in &obj.programs {
                let text = p.program.to_string();
                let q = assemble(&text)
                    .unwrap_or_else(|e| panic!("printout does not assemble:\n{text}\n{e}"));
                assert_eq!(q.to_bytes(), p.program.to_bytes(), "printout differs:\n{text}");
            }
            for m in &obj.maps {
                assert!(!m.name.is_empty());
            }
        }
        Err(e) => {
            assert!(!e.diagnostics.is_empty());
            for d in &e.diagnostics {
                assert!(d.line >= 1 && d.column >= 1, "{d}");
            }
            let shown = e.to_string();
            assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{shown:?}");
        }
    }
});
