//! The text assembler: LLVM assembly text in, a [`Program`] out.

use std::sync::Arc;

use crate::assemble::bytecode::{Bytecode, SlotPart};
use crate::assemble::chunks::{parse_split, parts_for, Part};
use crate::assemble::one_piece::{parse_part, to_asm_error};
use crate::assemble::pasted;
use crate::program::program::Program;
use crate::syntax::builder::Builder;
use crate::syntax::diag::{AsmError, Diagnostic};

/// Assembles LLVM-syntax text; diagnostics name the file `<input>`.
///
/// ```
/// let prog = ebpf_asm_core::assemble("r0 = 2\nexit").unwrap();
/// assert_eq!(prog.to_bytes()[..2], [0xb7, 0x00]);
/// assert_eq!(prog.to_string(), "\tr0 = 2\n\texit\n");
/// ```
pub fn assemble(source: &str) -> Result<Program, AsmError> {
    assemble_named("<input>", source)
}

/// Assembles LLVM-syntax text; diagnostics and source locations name `file`.
///
/// Inputs of a megabyte or more are parsed in parts, one thread per part and CPU; the
/// result, and every diagnostic, is the same as in one piece. [`Assembler`] sets the
/// number of threads.
pub fn assemble_named(file: &str, source: &str) -> Result<Program, AsmError> {
    Assembler::new(file).program(source)
}

/// How to assemble: the name diagnostics give the input, and how many threads may parse
/// it. [`assemble_named`] and [`crate::assemble_bytecode`] are its defaults.
///
/// ```
/// use ebpf_asm_core::Assembler;
/// let asm = Assembler::new("prog.s").threads(1);
/// let prog = asm.program("r0 = 0\nexit").unwrap();
/// assert_eq!(asm.bytecode("r0 = 0\nexit").unwrap().to_raw(), prog.to_raw());
/// let e = asm.program("r0 = r11").unwrap_err();
/// assert!(e.to_string().starts_with("prog.s:1:6: error:"));
/// ```
#[derive(Clone, Debug)]
pub struct Assembler<'f> {
    file: &'f str,
    /// At most this many threads per input; 0: one per CPU.
    threads: usize,
    /// Parts forced by [`Assembler::split_in`], whatever the input's size.
    split: Option<usize>,
    /// Read only the instruction lines of tool output (see [`Assembler::extract`]).
    extract: bool,
}

impl<'f> Assembler<'f> {
    /// An assembler whose diagnostics and source locations name `file`, using one thread
    /// per CPU for inputs of a megabyte or more.
    pub fn new(file: &'f str) -> Assembler<'f> {
        Assembler {
            file,
            threads: 0,
            split: None,
            extract: false,
        }
    }

    /// Parses one input on at most `n` threads (at least one). With 1, everything happens
    /// on the calling thread. The result never depends on it, only the time taken.
    pub fn threads(mut self, n: usize) -> Assembler<'f> {
        self.threads = n.max(1);
        self
    }

    /// Cuts every input into up to `parts` parts parsed on their own threads, however
    /// small it is (inputs of a megabyte or more are cut anyway). For tests and fuzzing of
    /// the parallel path on small inputs: the result must not depend on it.
    #[doc(hidden)]
    pub fn split_in(mut self, parts: usize) -> Assembler<'f> {
        self.split = Some(parts);
        self
    }

    /// How many parts to parse `source` in, or `None` for one piece.
    fn parts(&self, source: &str) -> Option<usize> {
        match self.split {
            Some(n) if n >= 2 => Some(n),
            _ => parts_for(source, self.threads),
        }
    }

    /// Reads `source` as a tool's output and keeps only its instruction lines: the lines
    /// of `llvm-objdump -d`, the verifier log and `bpftool prog dump xlated` that print an
    /// instruction. Every other line (headers, the verifier's state, C source lines,
    /// anything else) is skipped, and an instruction the verifier printed more than once
    /// (once per path) is read the first time. Without it, such lines are errors that say
    /// what they are; tool lines with instructions are read either way.
    ///
    /// ```
    /// use ebpf_asm_core::Assembler;
    /// let log = "0: R1=ctx() R10=fp0\n0: (b7) r0 = 2   ; R0_w=2\n1: (95) exit\n\
    ///            processed 2 insns (limit 1000000) max_states_per_insn 0";
    /// let prog = Assembler::new("log").extract(true).program(log).unwrap();
    /// assert_eq!(prog.to_string(), "\tr0 = 2\n\texit\n");
    /// let e = Assembler::new("log").program(log).unwrap_err().to_string();
    /// assert!(e.starts_with("log:1:1: error: not an instruction"), "{e}");
    /// ```
    pub fn extract(mut self, on: bool) -> Assembler<'f> {
        self.extract = on;
        self
    }

    /// Assembles `source` into a [`Program`].
    ///
    /// Lines pasted from `llvm-objdump -d`, the verifier log and `bpftool prog dump
    /// xlated` are read as well (see the README); their printed bytes are checked against
    /// what the text assembles to.
    pub fn program(&self, source: &str) -> Result<Program, AsmError> {
        let file: Arc<str> = Arc::from(self.file);
        check_size(&file, source.len())?;
        // The text goes with the program: a loader shows the line of each instruction
        // (for pasted tool output, the pasted line: lines and columns are the same).
        let with_text = |mut p: Program| {
            p.set_source_text(&file, Arc::from(source));
            p
        };
        if self.extract {
            return pasted::program(&file, source, true, None).map(with_text);
        }
        match self.plain_program(&file, source) {
            Ok(p) => pasted::call_ids(&file, source).map(|()| with_text(p)),
            Err(e) => pasted::program(&file, source, false, Some(e)).map(with_text),
        }
    }

    /// [`Assembler::program`] for assembly text only, without the text.
    fn plain_program(&self, file: &Arc<str>, source: &str) -> Result<Program, AsmError> {
        let parts = self.parts(source);
        if let Some(builder) = parts.and_then(|n| parse_split::<Builder<'_>>(file, source, n)) {
            // Every part parsed without an error and the parts joined: the builder holds what
            // one piece would, so the errors of resolving its labels are one piece's too (a
            // million undefined labels are not parsed a second time).
            return match builder.finish() {
                Ok((program, _)) => Ok(program),
                Err(errors) => Err(to_asm_error(file, errors)),
            };
        }
        let (builder, mut errors) = parse_part(file, source, 0);
        match builder.finish() {
            Ok((program, _)) if errors.is_empty() => Ok(program),
            Ok(_) => Err(to_asm_error(file, errors)),
            Err(e) => {
                errors.append(e);
                Err(to_asm_error(file, errors))
            }
        }
    }

    /// Assembles `source` straight to the kernel's slots, without forming a [`Program`]:
    /// the same bytes as [`Assembler::program`] and [`Program::to_raw`], and the same
    /// diagnostics, in a fraction of the time and memory.
    pub fn bytecode(&self, source: &str) -> Result<Bytecode, AsmError> {
        let file: Arc<str> = Arc::from(self.file);
        check_size(&file, source.len())?;
        if self.extract {
            return self.program(source).map(|p| Bytecode::from(&p));
        }
        let parts = self.parts(source);
        let part = match parts.and_then(|n| parse_split::<SlotPart<'_>>(&file, source, n)) {
            Some(p) => Some(p),
            None => SlotPart::parse(&file, source, 0),
        };
        if let Some(code) = part.and_then(SlotPart::finish) {
            return pasted::call_ids(&file, source).map(|()| code);
        }
        self.program(source).map(|p| Bytecode::from(&p))
    }
}

impl<'a> Part<'a> for Builder<'a> {
    fn parse(file: &Arc<str>, source: &'a str, lines: u32) -> Option<Self> {
        let (builder, errors) = parse_part(file, source, lines);
        errors.is_empty().then_some(builder)
    }

    fn append(&mut self, next: Self) -> Option<()> {
        Builder::append(self, next).ok()
    }
}

/// Assembles LLVM-syntax text to slots; diagnostics name `file`. Same language, bytes and
/// diagnostics as [`crate::assemble_named`] followed by [`Program::to_raw`].
///
/// ```
/// let code = ebpf_asm_core::assemble_bytecode("<input>", "r1 = 7 ll\nexit").unwrap();
/// assert_eq!(code.len(), 2);
/// assert_eq!(code.slot_count(), 3);
/// assert_eq!(code.instructions().map(|i| i.len()).collect::<Vec<_>>(), [2, 1]);
/// ```
pub fn assemble_bytecode(file: &str, source: &str) -> Result<Bytecode, AsmError> {
    Assembler::new(file).bytecode(source)
}

/// The largest input, in bytes: lines and columns are 32-bit numbers.
pub(crate) const MAX_INPUT_BYTES: usize = u32::MAX as usize;

/// An error for an input of `len` bytes too large to name positions in.
fn check_size(file: &Arc<str>, len: usize) -> Result<(), AsmError> {
    if len <= MAX_INPUT_BYTES {
        return Ok(());
    }
    Err(AsmError {
        omitted: 0,
        diagnostics: vec![Diagnostic {
            file: file.clone(),
            line: 1,
            column: 1,
            message: format!(
                "the input is {len} bytes; the assembler takes at most {MAX_INPUT_BYTES} \
                 (4 GiB - 1, as lines and columns are 32-bit): split it into several files"
            ),
        }],
    })
}

#[cfg(test)]
mod size_tests {
    use super::*;
    use crate::assemble::chunks::MAX_RESERVED_INSNS;

    /// Issue 15, row 5: 4 GiB of input aborted in an allocation of 34 GB; now it is a
    /// diagnostic, decided by the length alone.
    #[test]
    fn an_input_past_4_gib_is_an_error_that_says_so() {
        let file: Arc<str> = Arc::from("huge.s");
        assert!(check_size(&file, MAX_INPUT_BYTES).is_ok());
        let e = check_size(&file, MAX_INPUT_BYTES + 1).unwrap_err();
        assert_eq!(e.diagnostics.len(), 1);
        assert!(e
            .to_string()
            .starts_with("huge.s:1:1: error: the input is 4294967296 bytes"));
        assert!(MAX_RESERVED_INSNS * std::mem::size_of::<crate::Insn>() <= 256 << 20);
    }
}
