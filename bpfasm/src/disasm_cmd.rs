//! `bpfasm disasm`: hex (or raw bytes) in, LLVM-syntax text out, one instruction per line;
//! with `--xlated`, a kernel-translated program in, bpftool's `prog dump xlated` text out.
//!
//! A slot that does not decode is reported on standard error as
//! `FILE:LINE:COL: error: slot N (byte offset M): REASON` (hex input; the position is that of
//! the slot's first digit) or `FILE: error: slot N ...` (`--bin`), and printed on standard
//! output as `.8byte 0x...`, the raw word, so that the listing keeps every slot in place
//! and still assembles back to the same bytes. Decoding goes on with the next slot; the exit
//! status is 1. Trailing bytes that do not fill a slot are reported the same way.
//!
//! A clang BPF object (recognised by its ELF magic) is printed in the object text format
//! instead, labels and map names included: see [`crate::disasm_elf`].

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

use ebpf_asm_core::{decode_iter, slots_of, DecodeError, Insn, Program, XlatedProgram};

use crate::{input, Status, OUT_BLOCK};
use ebpf_asm_core::hex;

/// Arguments of `bpfasm disasm`.
#[derive(clap::Args, Debug)]
pub struct DisasmArgs {
    /// The hex (or, with --bin, binary) file, or a clang BPF object (ELF, recognised by
    /// its magic: printed in the object text format that `bpfasm load` reads); `-` or
    /// nothing reads standard input.
    pub file: Option<PathBuf>,
    /// Read raw instruction bytes instead of hex.
    #[arg(long)]
    pub bin: bool,
    /// Name jump and call targets with labels (`L<slot>:`) instead of offsets; the listing
    /// then has labels on their own lines and instructions indented by a tab.
    #[arg(long)]
    pub labels: bool,
    /// Read a kernel-translated program (`bpftool prog dump xlated id N file F`, or a
    /// loaded program's `xlated_prog_insns`) and print it as `bpftool prog dump xlated`
    /// prints it: `   0: (b7) r0 = 0`.
    #[arg(long, conflicts_with = "labels")]
    pub xlated: bool,
    /// With --xlated: name kernel calls from this kallsyms file (`/proc/kallsyms` of the
    /// machine the program was loaded on); without it they print as addresses.
    #[arg(long, requires = "xlated", value_name = "FILE")]
    pub kallsyms: Option<PathBuf>,
}

/// Decodes the input and writes one instruction per line to `out`; errors go to `err`.
pub fn run(args: &DisasmArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Status> {
    let Some(input) = input::read(args.file.as_deref(), err) else {
        return Ok(Status::InputErrors);
    };
    if input.is_elf() && !args.xlated {
        return crate::disasm_elf::run(&input.name, &input.bytes, out, err);
    }
    let hex_text = (!args.bin).then_some(&input.bytes[..]);
    let bytes: Cow<[u8]> = if args.bin {
        Cow::Borrowed(&input.bytes)
    } else {
        match hex::parse(&input.bytes) {
            Ok(b) => Cow::Owned(b),
            Err(errors) => {
                let mut positions = input::Positions::new(&input.bytes);
                for e in errors {
                    let (line, col) = positions.of(e.at);
                    let _ = writeln!(err, "{}:{line}:{col}: error: {}", input.name, e.message);
                }
                return Ok(Status::InputErrors);
            }
        }
    };
    let mut reporter = Reporter {
        name: &input.name,
        hex_text,
        found: None,
    };
    if args.xlated {
        return xlated(args, &bytes, &mut reporter, out, err);
    }
    let whole = bytes.len() / 8 * 8;
    let slots = slots_of(&bytes[..whole]).unwrap_or_default();
    let mut status = Status::Success;
    let mut on_error = |e: &DecodeError| {
        reporter.report(e, err);
        status = Status::InputErrors;
    };
    // A String and fmt::Write: no io::Write adapter between Display and the buffer, and
    // one write to `out` per block, not per line.
    let mut buf = String::with_capacity(OUT_BLOCK + 256);
    if args.labels {
        let mut insns = Vec::with_capacity(slots.len());
        for r in decode_iter(&slots) {
            insns.push(match r {
                Ok((_, insn)) => insn,
                Err(e) => {
                    on_error(&e);
                    Insn::Raw(slots[e.slot].to_u64())
                }
            });
        }
        // Offsets only, no labels: forming the program cannot fail.
        if let Ok(p) = Program::new(insns, []) {
            // The layout of `Display for Program`: labels on their own lines, instructions
            // indented by a tab.
            let p = p.with_synthesized_labels();
            let mut labels = p.labels().iter().peekable();
            for (i, insn) in p.insns().iter().enumerate() {
                while let Some((_, l)) = labels.next_if(|(at, _)| *at == i) {
                    let _ = writeln!(buf, "{l}:");
                }
                buf.push('\t');
                insn.write_to(&mut buf);
                buf.push('\n');
                flush(&mut buf, out, false)?;
            }
            for (_, l) in labels {
                let _ = writeln!(buf, "{l}:");
            }
        }
    } else {
        for r in decode_iter(&slots) {
            // `write_to` skips core::fmt: the hot path of a large disassembly.
            match r {
                Ok((_, insn)) => insn.write_to(&mut buf),
                Err(e) => {
                    on_error(&e);
                    Insn::Raw(slots[e.slot].to_u64()).write_to(&mut buf);
                }
            }
            buf.push('\n');
            flush(&mut buf, out, false)?;
        }
    }
    flush(&mut buf, out, true)?;
    if whole != bytes.len() {
        // Reuse the core's wording for a length that is not a multiple of 8.
        if let Err(e) = slots_of(&bytes) {
            on_error(&e);
        }
    }
    Ok(status)
}

/// `--xlated`: the kernel's translated form, printed as bpftool prints it. A slot that
/// does not decode is reported and printed as `.8byte`, as without the flag.
fn xlated(
    args: &DisasmArgs,
    bytes: &[u8],
    reporter: &mut Reporter<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Status> {
    let (program, errors) = XlatedProgram::from_bytes_lossy(bytes);
    let program = match &args.kallsyms {
        Some(path) => match std::fs::read(path) {
            Ok(text) => {
                let symbols =
                    program.symbols_from_kallsyms(&String::from_utf8_lossy(&text), vec![]);
                program.with_symbols(symbols)
            }
            Err(e) => {
                let _ = writeln!(err, "{}: error: cannot read: {e}", path.display());
                return Ok(Status::InputErrors);
            }
        },
        None => program,
    };
    out.write_all(program.to_string().as_bytes())?;
    for e in &errors {
        reporter.report(e, err);
    }
    Ok(if errors.is_empty() {
        Status::Success
    } else {
        Status::InputErrors
    })
}

/// Hands the buffer to `out` once it holds a block, or always with `force`.
fn flush(buf: &mut String, out: &mut dyn Write, force: bool) -> io::Result<()> {
    if force || buf.len() >= OUT_BLOCK {
        out.write_all(buf.as_bytes())?;
        buf.clear();
    }
    Ok(())
}

/// Prints decode errors with the input's name and, for hex input, the slot's position.
/// Errors come in slot order, so positions are found in one pass over the text.
struct Reporter<'a> {
    name: &'a str,
    hex_text: Option<&'a [u8]>,
    /// Once an error is reported: where each slot starts in the text, and the walk.
    found: Option<(Vec<usize>, input::Positions<'a>)>,
}

impl Reporter<'_> {
    fn report(&mut self, e: &DecodeError, err: &mut dyn Write) {
        let at = self.hex_text.and_then(|t| {
            let (starts, positions) = self
                .found
                .get_or_insert_with(|| (hex::slot_offsets(t), input::Positions::new(t)));
            Some(positions.of(*starts.get(e.slot)?))
        });
        let _ = match at {
            Some((line, col)) => writeln!(err, "{}:{line}:{col}: error: {e}", self.name),
            None => writeln!(err, "{}: error: {e}", self.name),
        };
    }
}
