//! `bpfasm disasm FILE.o`: a clang BPF object printed in the object text format
//! (docs/asm-format.md) — `.license`, one `.map` per map (`pin=name` when pinned by
//! name), `.slot` for the initial values of prog arrays and maps of maps, `.value` for
//! the contents of global data (`frozen` for `.rodata`), and one `.section` per program
//! with its name as the first label, jump targets as `L<slot>` labels, map references as
//! `rN = NAME ll` (global data: `rN = NAME_value_OFF ll`), helpers by name and the
//! `.text` subprograms it calls (copied in, as the loader links them) — so that
//! `bpfasm load` of the printout loads the same programs with the same maps.
//!
//! What the text format does not carry (the object's BTF, variable names) is printed as
//! a `// bpfasm disasm:` comment at the top. What it cannot say in a way that loads the
//! same (a name holding `"`, `\` or a line break) is also reported on standard error with
//! exit status 1: the printout is then a listing to read, not a replacement.

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
