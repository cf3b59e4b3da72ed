//! `bpfasm asm`: LLVM-syntax text in, one line of hex per instruction (or raw bytes) out.

use std::io::{self, Write};
use std::path::PathBuf;

use ebpf_asm_core::{assemble_bytecode, Bytecode};

use crate::{hex, input, Status, OUT_BLOCK};

/// Arguments of `bpfasm asm`.
#[derive(clap::Args, Debug)]
pub struct AsmArgs {
    /// The assembly file; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// Write the raw instruction bytes (the kernel's layout) instead of hex lines.
    #[arg(long)]
    pub bin: bool,
}

/// Assembles the input and writes its encoding to `out`; diagnostics go to `err`.
pub fn run(args: &AsmArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Status> {
    let Some(input) = input::read(args.file.as_deref(), err) else {
        return Ok(Status::InputErrors);
    };
    let text = match std::str::from_utf8(&input.bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = input::line_col(&input.bytes, e.valid_up_to());
            let _ = writeln!(
                err,
                "{}:{line}:{col}: error: the input is not valid UTF-8",
                input.name
            );
            return Ok(Status::InputErrors);
        }
    };
    let code = match assemble_bytecode(&input.name, text) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return Ok(Status::InputErrors);
        }
    };
    if args.bin {
        out.write_all(&code.to_bytes())?;
    } else {
        write_hex_lines(&code, out)?;
    }
    Ok(Status::Success)
}

/// One line per instruction: 16 hex digits, or 32 for an ld_imm64.
fn write_hex_lines(code: &Bytecode, out: &mut dyn Write) -> io::Result<()> {
    // A line is at most 33 bytes (an ld_imm64's 32 digits and the line break). Writing at
    // an index into a fixed block is four times faster than growing a Vec per slot.
    const LINE: usize = 33;
    let mut block = vec![0u8; OUT_BLOCK + LINE];
    let mut at = 0;
    for insn in code.instructions() {
        for s in insn {
            block[at..at + 16].copy_from_slice(&hex::slot_hex(s.to_bytes()));
            at += 16;
        }
        block[at] = b'\n';
        at += 1;
        if at >= OUT_BLOCK {
            out.write_all(&block[..at])?;
            at = 0;
        }
    }
    out.write_all(&block[..at])
}
