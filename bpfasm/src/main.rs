//! `bpfasm`: assemble and disassemble eBPF in LLVM 19's syntax from the command line.
//!
//! ```text
//! bpfasm asm    [--bin] [FILE|-]            text  -> hex lines (or raw bytes)
//! bpfasm asm    --elf -o OUT.o FILE         object file -> BPF ELF object (libbpf, aya)
//! bpfasm disasm [--bin] [--labels] [FILE|-] hex (or raw bytes) -> text
//! bpfasm disasm FILE.o                      clang object -> object text (bpfasm load)
//! bpfasm disasm --xlated [--kallsyms F] ...  a translated program -> bpftool's dump
//! bpfasm load   FILE [--log-level N]         load every program of an object file
//! bpfasm run    FILE [--program NAME] ...    test-run one program
//! bpfasm dot    [FILE|-] [--program NAME]    control-flow graph as Graphviz DOT
//! ```
//!
//! Exit status: 0 on success, 1 when the input has errors (every diagnostic is printed on
//! standard error as `FILE:LINE:COL: error: MESSAGE`) or the kernel refused, 2 for a
//! command-line usage error (clap's, or an option value that is not valid hex or names no
//! program of the file).
//!
//! Each subcommand lives in its own module with an `Args` struct (clap derive) and a
//! `run(args, out, err)` function that writes to the streams it is given, so new
//! subcommands (`load`, `run`, `dot`) are one module and one enum variant each.

#![forbid(unsafe_code)]

mod asm_cmd;
mod blocks;
mod disasm_cmd;
mod disasm_elf;
mod dot_cmd;
mod input;
mod load_cmd;
mod run_cmd;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Assemble and disassemble eBPF in LLVM syntax.
#[derive(Parser, Debug)]
#[command(
    name = "bpfasm",
    version,
    about = "Assemble and disassemble eBPF in LLVM syntax (exact llvm-mc-19 / llvm-objdump-19 bytes and text)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
enum Command {
    /// Assemble LLVM-syntax text: print each instruction's bytes as lowercase hex, one
    /// instruction per line (ld_imm64: 32 digits), or the raw bytes with --bin.
    Asm(asm_cmd::AsmArgs),
    /// Disassemble hex (or raw bytes with --bin) into LLVM syntax, one instruction per line.
    Disasm(disasm_cmd::DisasmArgs),
    /// Load every program of an object file (.section/.map/.license) into the kernel:
    /// `NAME: ok (N insns)` and the verifier's statistics, or the verifier's error.
    Load(load_cmd::LoadArgs),
    /// Load one program of an object file and test-run it (BPF_PROG_TEST_RUN): prints
    /// `retval`, `duration_ns` and, with --data-hex, `data_out`.
    Run(run_cmd::RunArgs),
    /// Print a program's control-flow graph as Graphviz DOT (render with `dot -Tsvg`).
    Dot(dot_cmd::DotArgs),
}

/// How a subcommand ended, when writing its output did not fail.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    /// Everything went through.
    Success,
    /// The input had errors; they have been printed on standard error.
    InputErrors,
    /// The command line asked for something impossible; printed on standard error.
    UsageError,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let stderr = io::stderr();
    let mut out = stdout.lock();
    // Diagnostics can number millions: one write(2) per block, not several per line.
    let mut err = io::BufWriter::with_capacity(OUT_BLOCK, stderr.lock());
    let result = match &cli.command {
        Command::Asm(args) => asm_cmd::run(args, &mut out, &mut err),
        Command::Disasm(args) => disasm_cmd::run(args, &mut out, &mut err),
        Command::Load(args) => load_cmd::run(args, &mut out, &mut err),
        Command::Run(args) => run_cmd::run(args, &mut out, &mut err),
        Command::Dot(args) => dot_cmd::run(args, &mut out, &mut err),
    };
    let result = result.and_then(|status| out.flush().map(|()| status));
    let code = match result {
        Ok(Status::Success) => ExitCode::SUCCESS,
        Ok(Status::InputErrors) => ExitCode::from(1),
        // clap's own usage errors exit 2 as well.
        Ok(Status::UsageError) => ExitCode::from(2),
        // The reader went away (`bpfasm disasm big.hex | head`): not our error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(err, "bpfasm: error: cannot write the output: {e}");
            ExitCode::from(1)
        }
    };
    let _ = err.flush();
    code
}

/// Output is collected in a buffer and handed to the stream in blocks of this size.
const OUT_BLOCK: usize = 1 << 16;

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
