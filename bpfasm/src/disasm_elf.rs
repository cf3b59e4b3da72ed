//! `bpfasm disasm FILE.o`: a clang BPF object printed in the object text format
//! (docs/asm-format.md) by [`CollectionSpec::to_asm`] — `.license`, `.version`, one
//! `.map` per map (`pin=name` when pinned by name), `.value` and `.var` for global data,
//! `.slot` for the initial values of prog arrays and maps of maps, and one `.section` per
//! program — so that `bpfasm load` of the printout loads the same programs with the same
//! maps. Its notes (an inner map declared to give a shape) are `// bpfasm disasm:`
//! comments at the top; what object text cannot say (a name holding a quote) is a
//! comment too, and an error on standard error with exit status 1: the printout is then a
//! listing to read, not a replacement.

use std::io::{self, Write};

use ebpf_loader::CollectionSpec;

use crate::Status;

/// Prints the object `bytes` (named `name` in messages) as object text.
pub fn run(
    name: &str,
    bytes: &[u8],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Status> {
    let spec = match CollectionSpec::from_elf(bytes) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "{name}: error: {}", e.with_causes());
            return Ok(Status::InputErrors);
        }
    };
    let printed = match spec.to_asm() {
        Ok(r) => r,
        Err(why) => {
            let _ = writeln!(err, "{name}: error: {why}");
            return Ok(Status::InputErrors);
        }
    };
    let mut head = format!("// {name}, disassembled by bpfasm disasm: `bpfasm load` reads it\n");
    for note in printed.notes.iter().chain(&printed.problems) {
        head.push_str(&format!("// bpfasm disasm: {note}\n"));
    }
    out.write_all(head.as_bytes())?;
    out.write_all(printed.text.as_bytes())?;
    let problems = printed.problems;
    for p in &problems {
        let _ = writeln!(err, "{name}: error: {p}");
    }
    Ok(match problems.is_empty() {
        true => Status::Success,
        false => Status::InputErrors,
    })
}
