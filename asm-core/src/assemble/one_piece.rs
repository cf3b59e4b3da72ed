//! Parsing an input in one piece, and turning parser errors into diagnostics: what the
//! assembler, its handling of pasted tool output and the object format share.

use std::borrow::Cow;
use std::sync::Arc;

use crate::assemble::chunks::MAX_RESERVED_INSNS;
use crate::syntax::builder::Builder;
use crate::syntax::diag::{shorten_message, AsmError, Diagnostic};
use crate::syntax::errors::Errors;
use crate::syntax::lex::Lexer;
use crate::syntax::parse::{parse_statements, ParseError};

/// Parses `source`, which starts after `lines` lines of the whole input, into a builder;
/// returns the builder and the errors of the part.
pub(crate) fn parse_part<'a>(
    file: &Arc<str>,
    source: &'a str,
    lines: u32,
) -> (Builder<'a>, Errors) {
    let mut lexer = Lexer::new(source);
    // An instruction takes at least 5 bytes of text (`exit` and a line break): reserving
    // for that many saves copying while the vectors grow, up to a bound, so that a huge
    // input that is mostly blank does not ask for memory it will never use.
    let reserve = (source.len() / 5 + 1).min(MAX_RESERVED_INSNS);
    let mut builder = Builder::with_capacity(file.clone(), false, reserve).after_lines(lines);
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
pub(crate) fn to_asm_error(file: &Arc<str>, errors: Errors) -> AsmError {
    let (errors, omitted) = errors.into_sorted();
    AsmError {
        omitted,
        diagnostics: errors
            .into_iter()
            .map(|e| Diagnostic {
                file: file.clone(),
                line: e.line,
                column: e.column,
                message: match shorten_message(&e.message) {
                    Cow::Borrowed(_) => e.message,
                    Cow::Owned(short) => short,
                },
            })
            .collect(),
    }
}
