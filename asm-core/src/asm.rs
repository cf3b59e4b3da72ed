//! The text assembler: LLVM assembly text in, a [`Program`] out.

use std::sync::Arc;

use crate::builder::Builder;
use crate::diag::{AsmError, Diagnostic};
use crate::lex::Lexer;
use crate::parse::{parse_statements, ParseError};
use crate::program::Program;

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
/// result, and every diagnostic, is the same as in one piece.
pub fn assemble_named(file: &str, source: &str) -> Result<Program, AsmError> {
    let file: Arc<str> = Arc::from(file);
    if let Some(builder) = crate::chunks::parse_in_parts::<Builder<'_>>(&file, source) {
        if let Ok((program, _)) = builder.finish() {
            return Ok(program);
        }
    }
    let (builder, mut errors) = parse_part(&file, source, 0);
    match builder.finish() {
        Ok((program, _)) if errors.is_empty() => Ok(program),
        Ok(_) => Err(to_asm_error(&file, errors)),
        Err(e) => {
            errors.extend(e);
            Err(to_asm_error(&file, errors))
        }
    }
}

/// Parses `source`, which starts after `lines` lines of the whole input, into a builder;
/// returns the builder and the errors of the part.
pub(crate) fn parse_part<'a>(
    file: &Arc<str>,
    source: &'a str,
    lines: u32,
) -> (Builder<'a>, Vec<ParseError>) {
    let mut lexer = Lexer::new(source);
    // An instruction takes at least 5 bytes of text (`exit` and a line break): reserving
    // for that many costs address space only, and saves copying while the vectors grow.
    let mut builder =
        Builder::with_capacity(file.clone(), false, source.len() / 5 + 1).after_lines(lines);
    let mut errors = parse_statements(|buf| lexer.fill_statement(buf), |e| builder.event(e));
    if let Some((line, column, what)) = lexer.unterminated {
        errors.push(ParseError {
            line: line + lines,
            column,
            index: 0,
            message: format!("unterminated {what}"),
        });
    }
    (builder, errors)
}

/// Turns parser errors into sorted diagnostics for `file`.
pub(crate) fn to_asm_error(file: &Arc<str>, mut errors: Vec<ParseError>) -> AsmError {
    errors.sort_by_key(|e| (e.line, e.column));
    AsmError {
        diagnostics: errors
            .into_iter()
            .map(|e| Diagnostic {
                file: file.clone(),
                line: e.line,
                column: e.column,
                message: e.message,
            })
            .collect(),
    }
}
