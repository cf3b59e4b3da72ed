//! The text assembler: LLVM assembly text in, a [`Program`] out.

use std::sync::Arc;

use crate::diag::{AsmError, Diagnostic};
use crate::program::Program;

/// Assembles LLVM-syntax text; diagnostics name the file `<input>`.
pub fn assemble(source: &str) -> Result<Program, AsmError> {
    assemble_named("<input>", source)
}

/// Assembles LLVM-syntax text; diagnostics name `file`.
pub fn assemble_named(file: &str, source: &str) -> Result<Program, AsmError> {
    let _ = source;
    Err(AsmError {
        diagnostics: vec![Diagnostic {
            file: Arc::from(file),
            line: 1,
            column: 1,
            message: "the assembler is being written".into(),
        }],
    })
}
