//! `bpfasm dot`: the control-flow graph of a program as Graphviz DOT.
//!
//! Reads plain LLVM-syntax assembly, or an object file with `.section`s (then one program:
//! the first, or the one named by `--program`). Render with `dot -Tsvg`.

use std::io::{self, Write};
use std::path::PathBuf;

use ebpf_asm_core::{assemble_named, parse_object};

use crate::{input, Status};

/// Arguments of `bpfasm dot`.
#[derive(clap::Args, Debug)]
pub struct DotArgs {
    /// Assembly text, or an object file with sections; `-` or nothing for standard input.
    pub file: Option<PathBuf>,
    /// In an object file, the program to draw (default: the first).
    #[arg(long, value_name = "NAME")]
    pub program: Option<String>,
}

/// Prints the DOT text of the program on `out`, or the assembler's errors on `err`.
pub fn run(args: &DotArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Status> {
    let Some(input) = input::read(args.file.as_deref(), err) else {
        return Ok(Status::InputErrors);
    };
    let Some(text) = input.text(err) else {
        return Ok(Status::InputErrors);
    };
    let has_sections = text.lines().any(|l| l.trim_start().starts_with(".section"));
    let program = if has_sections || args.program.is_some() {
        let object = match parse_object(&input.name, text) {
            Ok(o) => o,
            Err(e) => {
                writeln!(err, "{e}")?;
                return Ok(Status::InputErrors);
            }
        };
        let found = match &args.program {
            Some(name) => object.programs.into_iter().find(|p| &p.name == name),
            None => object.programs.into_iter().next(),
        };
        match (found, &args.program) {
            (Some(p), _) => p.program,
            (None, Some(n)) => {
                writeln!(
                    err,
                    "{}: error: no program named `{n}` in this file",
                    input.name
                )?;
                return Ok(Status::UsageError);
            }
            (None, None) => {
                writeln!(err, "{}: error: the file has no program", input.name)?;
                return Ok(Status::InputErrors);
            }
        }
    } else {
        match assemble_named(&input.name, text) {
            Ok(p) => p,
            Err(e) => {
                writeln!(err, "{e}")?;
                return Ok(Status::InputErrors);
            }
        }
    };
    out.write_all(program.to_dot().as_bytes())?;
    Ok(Status::Success)
}
