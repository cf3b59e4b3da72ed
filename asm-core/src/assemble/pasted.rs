//! Assembling tool output (see [`crate::syntax::paste`]): the recognised text is
//! assembled as usual, then each line's printed bytes are checked against what its
//! instruction assembled to.

use std::sync::Arc;

use crate::assemble::one_piece::{parse_part, to_asm_error};
use crate::program::program::Program;
use crate::syntax::diag::AsmError;
use crate::syntax::errors::Errors;
use crate::syntax::event::ParseError;
use crate::syntax::paste::{kernel, looks_pasted, recognise, Expect, Pasted};
use crate::util::hash::HashMap;

/// Assembles `source` as tool output. `plain` is the error of assembling it as plain
/// text: it is the answer when nothing in `source` is a tool's (and `extract` is off).
pub(crate) fn program(
    file: &Arc<str>,
    source: &str,
    extract: bool,
    plain: Option<AsmError>,
) -> Result<Program, AsmError> {
    if let Some(e) = plain {
        if !looks_pasted(source) {
            return Err(e);
        }
    }
    let pasted = recognise(source, extract);
    let (builder, mut parsed) = parse_part(file, &pasted.text, 0);
    parsed.for_each_mut(|e| hint_plain(&pasted, e));
    let mut errors = pasted.errors.clone();
    errors.append(parsed);
    match builder.finish() {
        Ok((program, _)) if errors.is_empty() => {
            let mismatches = check(&program, &pasted.expects);
            match mismatches.is_empty() {
                true => Ok(program),
                false => Err(to_asm_error(file, mismatches)),
            }
        }
        Ok(_) => Err(to_asm_error(file, errors)),
        Err(e) => {
            errors.append(e);
            Err(to_asm_error(file, errors))
        }
    }
}

/// A parse error on a line no tool printed as an instruction, in tool output, says how to
/// skip such lines.
fn hint_plain(pasted: &Pasted, e: &mut ParseError) {
    if pasted.tool_output && pasted.plain_lines.binary_search(&e.line).is_ok() {
        e.message.push_str(
            " (in tool output, this line is not one of its instruction lines: `--extract`, \
             Assembler::extract, skips such lines)",
        );
    }
}

/// Every line whose printed bytes (or opcode byte) are not what its instruction
/// assembled to.
fn check(program: &Program, expects: &[Expect]) -> Errors {
    let mut errors = Errors::new();
    if expects.is_empty() {
        return errors;
    }
    let mut on_line: HashMap<u32, usize> = HashMap::default();
    for i in 0..program.len() {
        if let Some(loc) = program.location(i) {
            on_line.entry(loc.line).or_insert(i);
        }
    }
    let raw = program.to_raw();
    for e in expects {
        // An opcodes line belongs to the instruction on a line above it.
        let Some(i) = (0..=e.line)
            .rev()
            .take(3)
            .find_map(|l| on_line.get(&l).copied())
        else {
            continue;
        };
        let (Some(from), Some(to)) = (program.slot_of(i), program.slot_of(i + 1)) else {
            continue;
        };
        let got: Vec<u8> = raw[from..to].iter().flat_map(|s| s.to_bytes()).collect();
        let agree = match e.opcode_only {
            true => got.first() == e.bytes.first(),
            false => got == e.bytes,
        };
        if !agree {
            let shown = match e.opcode_only {
                true => format!("{:02x}", e.bytes[0]),
                false => hex(&e.bytes),
            };
            errors.push(ParseError {
                line: e.line,
                column: e.column,
                index: 0,
                message: format!(
                    "{} say `{shown}`, but `{}` assembles to `{}`: the text and its bytes \
                     disagree (fix one of them)",
                    e.what,
                    program.insns()[i],
                    hex(&got)
                ),
            });
        }
    }
    errors
}

/// `b7 01 00 00`
fn hex(bytes: &[u8]) -> String {
    let v: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    v.join(" ")
}

/// In plain text, `call NAME#ID` whose name and number are two helpers (the lexer reads
/// `#ID` as a comment, so only this sees it). Looks only at the `#`s of the text.
pub(crate) fn call_ids(file: &Arc<str>, source: &str) -> Result<(), AsmError> {
    let mut errors = Errors::new();
    let b = source.as_bytes();
    for (hash, _) in source.match_indices('#') {
        // Only `NAME#ID`, glued: a comment after a space is passed over at once.
        let glued = hash > 0
            && (b[hash - 1].is_ascii_alphanumeric() || b[hash - 1] == b'_')
            && b.get(hash + 1)
                .is_some_and(|c| c.is_ascii_digit() || *c == b'-');
        if !glued {
            continue;
        }
        let start = source[..hash].rfind('\n').map_or(0, |n| n + 1);
        let Some(call) = source[start..hash].rfind("call ").map(|c| start + c) else {
            continue;
        };
        let end = source[hash..]
            .find(|c: char| c.is_whitespace() || c == ';')
            .map_or(source.len(), |e| hash + e);
        if let Err((at, message)) = kernel::call(&source[call..end], false) {
            let line = source[..start].bytes().filter(|&b| b == b'\n').count();
            errors.push(ParseError {
                line: line as u32 + 1,
                column: source[start..call + at].chars().count() as u32 + 1,
                index: 0,
                message,
            });
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(to_asm_error(file, errors)),
    }
}
