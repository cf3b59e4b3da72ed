//! Translated-program fuzz target (`decode_xlated`, `XlatedProgram`, bpfasm disasm
//! --xlated): any bytes decode or give errors, never a panic; what decodes prints in
//! bpftool's spelling and reads as a `Program`; the first half of the input, read as
//! `/proc/kallsyms` text, names calls without a panic.
#![no_main]

use ebpf_asm_core::{decode_xlated, XlatedProgram};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, code) = data.split_at(data.len() / 2);
    let code = &code[..code.len() / 8 * 8];
    let strict = decode_xlated(code);
    let (program, errors) = XlatedProgram::from_bytes_lossy(code);
    assert_eq!(strict.is_ok(), errors.is_empty());
    let _ = program.to_string();
    let _ = program.to_program();
    if let Ok(kallsyms) = std::str::from_utf8(text) {
        let symbols = program.symbols_from_kallsyms(kallsyms, vec![0xffff_ffff_a000_0000]);
        let _ = program.with_symbols(symbols).to_string();
    }
});
