//! `bpfasm asm`: LLVM-syntax text in, one line of hex per instruction (or raw bytes) out.

use std::io::{self, Write};
use std::path::PathBuf;

use ebpf_asm_core::Assembler;

use crate::{blocks, input, Status};
use ebpf_asm_core::hex;

/// Arguments of `bpfasm asm`.
#[derive(clap::Args, Debug)]
pub struct AsmArgs {
    /// The assembly file; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// Write the raw instruction bytes (the kernel's layout) instead of hex lines.
    #[arg(long)]
    pub bin: bool,
    /// The input is a tool's output (llvm-objdump -d, a verifier log, bpftool prog dump
    /// xlated): read only its instruction lines, skip every other line.
    #[arg(long)]
    pub extract: bool,
}

/// Assembles the input and writes its encoding to `out`: one line of hex per instruction
/// (16 digits, or 32 for an ld_imm64), or the raw bytes. Diagnostics go to `err`.
pub fn run(args: &AsmArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Status> {
    let Some(input) = input::read(args.file.as_deref(), err) else {
        return Ok(Status::InputErrors);
    };
    let Some(text) = input.text(err) else {
        return Ok(Status::InputErrors);
    };
    let code = match Assembler::new(&input.name)
        .extract(args.extract)
        .bytecode(text)
    {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return Ok(Status::InputErrors);
        }
    };
    // A second thread pays for itself from about a hundred thousand lines.
    let parallel = code.slot_count() >= 1 << 17;
    let (mut insns, bin) = (code.instructions(), args.bin);
    blocks::write_blocks(out, parallel, move |block| {
        // An instruction is at most two slots: 32 hex digits and a line break.
        const LINE: usize = 33;
        let mut at = 0;
        while at + LINE <= block.len() {
            let Some(insn) = insns.next() else { break };
            for s in insn {
                let bytes = s.to_bytes();
                if bin {
                    block[at..at + 8].copy_from_slice(&bytes);
                    at += 8;
                } else {
                    block[at..at + 16].copy_from_slice(&hex::slot_hex(bytes));
                    at += 16;
                }
            }
            if !bin {
                block[at] = b'\n';
                at += 1;
            }
        }
        at
    })?;
    Ok(Status::Success)
}
