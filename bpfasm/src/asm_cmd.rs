//! `bpfasm asm`: LLVM-syntax text in, one line of hex per instruction (or raw bytes) out;
//! with `--elf -o OUT.o`, an object file (`.section`/`.map`/`.license`) in and a BPF ELF
//! object out, for libbpf, bpftool and aya.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ebpf_asm_core::Assembler;
use ebpf_loader::{CollectionSpec, Error};

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
    /// Write a relocatable BPF ELF object (EM_BPF) to OUT, as clang would, for libbpf
    /// (`bpftool prog loadall`), aya and `bpfasm load`: the input is an object file with
    /// `.section`, `.map` and `.license` (docs/asm-format.md, docs/elf-write.md).
    #[arg(long, requires = "output", conflicts_with_all = ["bin", "extract"])]
    pub elf: bool,
    /// The file --elf writes.
    #[arg(short = 'o', long, value_name = "OUT", requires = "elf")]
    pub output: Option<PathBuf>,
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
    if let (true, Some(out_path)) = (args.elf, &args.output) {
        return Ok(write_elf(&input.name, text, out_path, err));
    }
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

/// Assembles the object file `text` and writes it to `out` as ELF; errors go to `err`.
fn write_elf(name: &str, text: &str, out: &Path, err: &mut dyn Write) -> Status {
    let bytes = CollectionSpec::from_asm(name, text).and_then(|spec| spec.to_elf());
    let bytes = match bytes {
        Ok(b) => b,
        // Assembly errors are already `FILE:LINE:COL: error: ...` lines.
        Err(e @ Error::Asm(_)) => {
            let _ = writeln!(err, "{e}");
            return Status::InputErrors;
        }
        Err(e) => {
            let _ = writeln!(err, "{name}: error: {}", e.with_causes());
            return Status::InputErrors;
        }
    };
    match std::fs::write(out, bytes) {
        Ok(()) => Status::Success,
        Err(e) => {
            let _ = writeln!(err, "{}: error: cannot write: {e}", out.display());
            Status::InputErrors
        }
    }
}
