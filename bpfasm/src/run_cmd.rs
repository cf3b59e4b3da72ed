//! `bpfasm run`: load one program of an object file (with the maps it uses) and run it
//! once, or `--repeat N` times, with `BPF_PROG_TEST_RUN`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ebpf_loader::{LoadOptions, ProgramType, TestRun};

use crate::load_cmd::{print_load_error, read_spec};
use crate::Status;
use ebpf_asm_core::hex;

/// Arguments of `bpfasm run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The object file: assembly (see docs/asm-format.md) or a clang ELF object.
    pub file: PathBuf,
    /// The program to run; may be left out when the file has only one.
    #[arg(long, value_name = "NAME")]
    pub program: Option<String>,
    /// Packet data, as hex digits (`0a0b0c...`; spaces and a `0x` prefix are allowed).
    #[arg(long, value_name = "HEX")]
    pub data_hex: Option<String>,
    /// Context input (e.g. a `struct __sk_buff`, a syscall program's arguments, a raw
    /// tracepoint's arguments as u64 values), as hex.
    #[arg(long, value_name = "HEX")]
    pub ctx_hex: Option<String>,
    /// Run the program N times; the duration is the mean. Raw tracepoint and syscall
    /// programs run once only.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub repeat: u32,
}

/// Lowercase hex of `bytes`, no separators.
fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes a hex option, printing its errors.
fn from_hex(option: &str, text: &str, err: &mut dyn Write) -> Option<Vec<u8>> {
    match hex::parse(text.as_bytes()) {
        Ok(b) => Some(b),
        Err(es) => {
            for e in es {
                let _ = writeln!(
                    err,
                    "bpfasm: error: {option}: character {}: {}",
                    e.at + 1,
                    e.message
                );
            }
            None
        }
    }
}

/// Decodes a hex option if given; `Err` after printing its errors.
fn hex_option(
    option: &str,
    text: Option<&str>,
    err: &mut dyn Write,
) -> Result<Option<Vec<u8>>, ()> {
    match text {
        Some(h) => from_hex(option, h, err).map(Some).ok_or(()),
        None => Ok(None),
    }
}

/// The program to run: the one `--program` names, or the file's only one. Prints why
/// there is none and returns how that ends the command.
fn choose(
    file: &Path,
    program: Option<&str>,
    names: &[&str],
    err: &mut dyn Write,
) -> Result<String, Status> {
    let file = file.display();
    let (message, status) = match (program, names) {
        (Some(n), _) if names.contains(&n) => return Ok(n.to_owned()),
        (None, [one]) => return Ok((*one).to_owned()),
        (Some(n), _) => (
            format!("no program named `{n}`; the file has: {}", names.join(", ")),
            Status::UsageError,
        ),
        (None, []) => (
            "no programs: start one with `.section NAME`".to_owned(),
            Status::InputErrors,
        ),
        (None, many) => (
            format!(
                "the file has {} programs ({}): choose one with --program NAME",
                many.len(),
                many.join(", ")
            ),
            Status::UsageError,
        ),
    };
    let _ = writeln!(err, "{file}: error: {message}");
    Err(status)
}

/// Loads and test-runs one program; prints `retval`, `duration_ns` and `data_out`.
pub fn run(args: &RunArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Status> {
    let (Ok(data), Ok(ctx)) = (
        hex_option("--data-hex", args.data_hex.as_deref(), err),
        hex_option("--ctx-hex", args.ctx_hex.as_deref(), err),
    ) else {
        return Ok(Status::UsageError);
    };
    let Some(mut spec) = read_spec(&args.file, err) else {
        return Ok(Status::InputErrors);
    };
    let names: Vec<&str> = spec.programs().iter().map(|p| p.name.as_str()).collect();
    let name = match choose(&args.file, args.program.as_deref(), &names, err) {
        Ok(name) => name,
        Err(status) => return Ok(status),
    };
    spec.retain_programs(|p| p.name == name);
    let file = args.file.display();
    let (coll, failures) = match spec.load_each(&LoadOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "{file}: error: {}", e.with_causes());
            return Ok(Status::InputErrors);
        }
    };
    if let Some((n, e)) = failures.first() {
        print_load_error(&args.file, n, e, false, err);
        return Ok(Status::InputErrors);
    }
    let Some(prog) = coll.program(&name) else {
        return Ok(Status::InputErrors);
    };
    let run = TestRun {
        data_in: data.as_deref().unwrap_or_default(),
        ctx_in: ctx.as_deref().unwrap_or_default(),
        repeat: args.repeat,
        ..Default::default()
    };
    match prog.test_run(&run) {
        Ok(r) => {
            writeln!(out, "retval: {}", r.retval)?;
            writeln!(out, "duration_ns: {}", r.duration_ns)?;
            if data.is_some() {
                let data_out = r.data_out.as_deref().unwrap_or_default();
                writeln!(out, "data_out: {}", to_hex(data_out))?;
            }
            if let (Some(_), Some(c)) = (&ctx, &r.ctx_out) {
                writeln!(out, "ctx_out: {}", to_hex(c))?;
            }
            Ok(Status::Success)
        }
        Err(e) => {
            let hint = hint(prog.prog_type(), &run, e.errno());
            let _ = writeln!(err, "{file}: error: test run of `{name}` failed: {e}{hint}");
            Ok(Status::InputErrors)
        }
    }
}

/// Program types whose test run takes a packet (`data_in`).
fn takes_packets(t: ProgramType) -> bool {
    use ProgramType::*;
    matches!(
        t,
        SocketFilter
            | SchedCls
            | SchedAct
            | Xdp
            | CgroupSkb
            | LwtIn
            | LwtOut
            | LwtXmit
            | LwtSeg6local
            | FlowDissector
    )
}

/// What to add to a failed test run's error: how this program type wants its input.
fn hint(t: ProgramType, run: &TestRun<'_>, errno: Option<i32>) -> &'static str {
    match errno {
        Some(libc::EINVAL) if takes_packets(t) && run.data_in.len() < 14 => {
            " (packet programs need --data-hex with at least 14 bytes, an Ethernet header)"
        }
        Some(libc::EINVAL) if t == ProgramType::RawTracepoint => {
            " (raw tracepoint programs take their arguments as --ctx-hex, up to 12 u64 \
             values and at least as many as the program reads, and no --data-hex)"
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_fits_the_program_type() {
        let no_data = TestRun::default();
        let packet = TestRun {
            data_in: &[0; 14],
            ..Default::default()
        };
        let einval = Some(libc::EINVAL);
        assert!(hint(ProgramType::Xdp, &no_data, einval).contains("--data-hex"));
        assert_eq!(hint(ProgramType::Xdp, &packet, einval), "");
        assert_eq!(hint(ProgramType::Xdp, &no_data, Some(libc::EPERM)), "");
        let raw_tp = hint(ProgramType::RawTracepoint, &no_data, einval);
        assert!(
            raw_tp.contains("--ctx-hex") && !raw_tp.contains("packet"),
            "{raw_tp}"
        );
        assert_eq!(hint(ProgramType::Syscall, &no_data, einval), "");
    }
}
