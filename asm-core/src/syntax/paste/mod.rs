//! Lines as the tools print them: llvm-objdump's `-d` listing (with or without the raw
//! bytes, with `-r` relocation lines), the verifier log and `bpftool prog dump xlated`
//! (with or without `opcodes` and `linum`), made into assembly text.
//!
//! [`recognise`] gives the input back with each tool's prefix turned into spaces and
//! what follows an instruction (objdump's `<sym>`, the verifier's `; R0=...` state)
//! dropped, so every line and column is the input's and the assembler's diagnostics
//! point into the pasted text; a few of the kernel's spellings are rewritten in place
//! (see [`kernel`]). What a prefix promises about the bytes (objdump's raw bytes, the
//! kernel's `(xx)` opcode, bpftool's `opcodes`) comes back as [`Expect`]s, which the
//! assembler checks against what each line assembled to.

pub(crate) mod kernel;
pub(crate) mod line;

use crate::syntax::errors::Errors;
use crate::syntax::event::ParseError;
use crate::util::hash::HashMap;
use line::{classify, Line};

/// What a pasted line says the bytes of its instruction are.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Expect {
    /// Where the promise is written (1-based).
    pub(crate) line: u32,
    pub(crate) column: u32,
    /// The bytes printed, or just the opcode byte.
    pub(crate) bytes: Vec<u8>,
    /// Only the first byte is compared: the kernel's `(xx)`, or a bpftool `opcodes` line
    /// of an instruction the kernel translates (calls, map loads).
    pub(crate) opcode_only: bool,
    /// Who printed it, for the message.
    pub(crate) what: &'static str,
}

/// The input made into assembly text, with the promises and problems found on the way.
#[derive(Debug, Default)]
pub(crate) struct Pasted {
    /// The same lines as the input; columns before each instruction's end are the input's.
    pub(crate) text: String,
    pub(crate) expects: Vec<Expect>,
    pub(crate) errors: Errors,
    /// Some line is, beyond doubt, a tool's output (not a plain `N:` label).
    pub(crate) tool_output: bool,
    /// Lines the assembler reads as they were written (not recognised as a tool's).
    pub(crate) plain_lines: Vec<u32>,
}

/// The kernel's slot index of the instruction last read, and what it printed.
struct Seen {
    /// Index → the line it was first printed on.
    first: HashMap<u32, u32>,
    /// The slot index the next new instruction must have.
    next: Option<u32>,
}

/// Whether some line of `source` is, beyond doubt, a tool's output: a quick look, without
/// allocating, before [`recognise`] copies the text.
pub(crate) fn looks_pasted(source: &str) -> bool {
    source.split('\n').any(|text| match classify(text) {
        Line::Objdump { text: at, bytes } => {
            bytes.is_some() || text[at..].trim_end().ends_with('>')
        }
        Line::Kernel { .. } | Line::Reloc { .. } | Line::State(_) => true,
        Line::Opcodes { .. } | Line::Other => false,
    })
}

/// Reads `source` as tool output. With `extract`, only instruction lines are kept: every
/// other line becomes blank, and an instruction the verifier printed again (it walks
/// each path) is kept only the first time. Without it, a line that holds no
/// instruction is an error that says so.
pub(crate) fn recognise(source: &str, extract: bool) -> Pasted {
    let mut p = Pasted {
        text: String::with_capacity(source.len() + 64),
        ..Pasted::default()
    };
    let mut seen = Seen {
        first: HashMap::default(),
        next: None,
    };
    // The output line of the last instruction, for relocation and opcodes lines.
    let mut last_insn: Option<usize> = None;
    let mut lines: Vec<String> = Vec::new();
    for (n, text) in source.split('\n').enumerate() {
        let number = n as u32 + 1;
        let out = match classify(text) {
            Line::Objdump { text: at, bytes } => {
                if bytes.is_some() {
                    p.tool_output = true;
                }
                last_insn = Some(lines.len());
                objdump_line(&mut p, number, text, at, bytes)
            }
            Line::Kernel {
                index,
                opcode,
                opcode_at,
                text: at,
                end,
            } => {
                p.tool_output = true;
                match seen.place(&mut p, number, index, opcode, extract) {
                    true => {
                        last_insn = Some(lines.len());
                        kernel_line(&mut p, number, text, opcode, opcode_at, at, end)
                    }
                    false => String::new(),
                }
            }
            Line::Opcodes { at, bytes } if last_insn.is_some() => {
                p.tool_output = true;
                p.expects.push(Expect {
                    line: number,
                    column: at as u32 + 1,
                    opcode_only: translated(&bytes),
                    bytes,
                    what: "bpftool's opcodes",
                });
                String::new()
            }
            Line::Reloc { kind, symbol } => {
                p.tool_output = true;
                if let Some(out) = last_insn {
                    reloc_call(&mut lines[out], kind, symbol);
                }
                String::new()
            }
            Line::State(what) => {
                p.tool_output = true;
                if !extract {
                    p.error(
                        number,
                        text.len() - text.trim_start().len(),
                        format!(
                            "not an instruction but {what}: `--extract` \
                             (Assembler::extract) skips every line that is not one"
                        ),
                    );
                }
                String::new()
            }
            Line::Opcodes { .. } | Line::Other => {
                p.plain_lines.push(number);
                match extract {
                    true => String::new(),
                    false => text.to_string(),
                }
            }
        };
        lines.push(out);
    }
    p.text = lines.join("\n");
    p
}

impl Pasted {
    fn error(&mut self, line: u32, at: usize, message: String) {
        self.errors.push(ParseError {
            line,
            column: at as u32 + 1,
            index: 0,
            message,
        });
    }
}

impl Seen {
    /// Whether the kernel's instruction `index` (opcode `opcode`) on `line` is read: not
    /// when it was read before (with `extract`; an error without). An index out of order
    /// is an error: the program would not be the kernel's.
    fn place(&mut self, p: &mut Pasted, line: u32, index: u32, opcode: u8, extract: bool) -> bool {
        if let Some(&first) = self.first.get(&index) {
            if !extract {
                p.error(
                    line,
                    0,
                    format!(
                        "instruction {index} was printed before, on line {first}: the \
                         verifier prints an instruction once per path it walks; \
                         `--extract` (Assembler::extract) keeps the first of each"
                    ),
                );
            }
            return false;
        }
        let expected = self.next.unwrap_or(0);
        if index != expected && self.next.is_some() {
            p.error(
                line,
                0,
                format!(
                    "instruction {index} follows instruction {} here: the log does not hold \
                     instructions {expected}..{index} in order, so the program cannot be \
                     read back from it (the verifier printed another path first, or \
                     never reached them)",
                    expected.saturating_sub(1)
                ),
            );
        }
        self.first.insert(index, line);
        self.next = Some(index + if opcode == 0x18 { 2 } else { 1 });
        true
    }
}

/// The text of an llvm-objdump instruction line.
fn objdump_line(
    p: &mut Pasted,
    number: u32,
    text: &str,
    at: usize,
    bytes: Option<(usize, Vec<u8>)>,
) -> String {
    let mut insn = text[at..].trim_end();
    // `goto +0x9 <LBB0_2>`, `call 0x9 <f+0x8>`: objdump's names for the target.
    if insn.ends_with('>') && insn != "<unknown>" {
        if let Some(open) = insn.rfind(" <") {
            insn = &insn[..open];
            p.tool_output = true;
        }
    }
    if insn == "<unknown>" {
        p.tool_output = true;
        let hint = match &bytes {
            Some((_, b)) => format!("write `{}`", eight_bytes(b)),
            None => "write its bytes as `.8byte 0x...` (llvm-objdump's raw bytes, without \
                     --no-show-raw-insn, show them)"
                .to_string(),
        };
        p.error(
            number,
            at,
            format!("llvm-objdump could not print this slot (`<unknown>`): {hint}"),
        );
        return String::new();
    }
    let mut out = " ".repeat(at);
    match &bytes {
        // objdump prints a call of a subprogram (src 1) and of a kfunc (src 2) as
        // `call N`, like helper N: the bytes tell them apart.
        Some((_, b)) if b[0] == 0x85 && b[1] >> 4 != 0 && insn.starts_with("call ") => {
            let imm = i32::from_le_bytes([b[4], b[5], b[6], b[7]]);
            match b[1] >> 4 {
                1 => out.push_str(&format!("call pc{imm:+}")),
                2 => out.push_str(&format!("call kfunc({imm})")),
                _ => out.push_str(insn),
            }
        }
        _ => out.push_str(insn),
    }
    if let Some((col, b)) = bytes {
        p.expects.push(Expect {
            line: number,
            column: col as u32 + 1,
            bytes: b,
            opcode_only: false,
            what: "llvm-objdump's raw bytes",
        });
    }
    out
}

/// Whether bpftool's `opcodes` bytes are the kernel's translated form, which no text
/// assembles to: a call (a helper's address offset, a subprogram's index in `imm`), a
/// map load (the map's id) and the verifier's zero extension (`w0 = w0` with imm 1).
fn translated(bytes: &[u8]) -> bool {
    match bytes[0] {
        0x85 => true,
        0x18 => bytes[1] >> 4 != 0,
        0xbc => bytes[4] == 1,
        _ => false,
    }
}

/// `.8byte 0x...` for the first 8 of `bytes` (a little-endian word, as `.8byte` reads
/// it).
fn eight_bytes(bytes: &[u8]) -> String {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[..8]);
    format!(".8byte 0x{:016x}", u64::from_le_bytes(word))
}

/// `-r`'s `R_BPF_64_32 sym` under `call -0x1`: a call of a function in another section
/// (src 1), which objdump without raw bytes prints like a helper call.
fn reloc_call(line: &mut String, kind: &str, _symbol: &str) {
    let trimmed = line.trim_start();
    if kind != "R_BPF_64_32" {
        return;
    }
    let Some(imm) = trimmed.strip_prefix("call ") else {
        return;
    };
    if imm.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        let at = line.len() - imm.len();
        let imm = imm.to_string();
        line.truncate(at);
        line.push_str("pc");
        if !imm.starts_with('-') {
            line.push('+');
        }
        line.push_str(&imm);
    }
}

/// The text of a kernel instruction line (the verifier's or bpftool's).
fn kernel_line(
    p: &mut Pasted,
    number: u32,
    text: &str,
    opcode: u8,
    opcode_at: usize,
    at: usize,
    end: usize,
) -> String {
    p.expects.push(Expect {
        line: number,
        column: opcode_at as u32 + 1,
        bytes: vec![opcode],
        opcode_only: true,
        what: "the opcode byte",
    });
    match kernel::rewrite(opcode, text[at..end].trim_end()) {
        Ok(insn) => format!("{}{insn}", " ".repeat(at)),
        Err((off, message)) => {
            p.error(number, at + off, message);
            String::new()
        }
    }
}
