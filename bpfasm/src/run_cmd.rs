//! `bpfasm run`: load one program of an object file (with the maps it uses) and run it
//! once, or `--repeat N` times, with `BPF_PROG_TEST_RUN`.

use std::io::{self, Write};
use std::path::PathBuf;

use ebpf_loader::{LoadOptions, TestRun};

use crate::load_cmd::{print_load_error, read_spec};
use crate::{hex, Status};

/// Arguments of `bpfasm run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The object file (see docs/asm-format.md).
    pub file: PathBuf,
    /// The program to run; may be left out when the file has only one.
    #[arg(long, value_name = "NAME")]
    pub program: Option<String>,
    /// Packet data, as hex digits (`0a0b0c...`; spaces and a `0x` prefix are allowed).
    #[arg(long, value_name = "HEX")]
    pub data_hex: Option<String>,
    /// Context input (e.g. a `struct __sk_buff`, a syscall program's arguments), as hex.
    #[arg(long, value_name = "HEX")]
    pub ctx_hex: Option<String>,
    /// Run the program N times; the duration is the mean.
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

/// Loads and test-runs one program; prints `retval`, `duration_ns` and `data_out`.
pub fn run(args: &RunArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Status> {
    let data = match &args.data_hex {
        Some(h) => match from_hex("--data-hex", h, err) {
            Some(d) => Some(d),
            None => return Ok(Status::InputErrors),
        },
        None => None,
    };
    let ctx = match &args.ctx_hex {
        Some(h) => match from_hex("--ctx-hex", h, err) {
            Some(c) => Some(c),
            None => return Ok(Status::InputErrors),
        },
        None => None,
    };
    let Some(mut spec) = read_spec(&args.file, err) else {
        return Ok(Status::InputErrors);
    };
    let file = args.file.display();
    let names: Vec<String> = spec.programs().iter().map(|p| p.name.clone()).collect();
    let name = match (&args.program, names.as_slice()) {
        (Some(n), _) if names.contains(n) => n.clone(),
        (Some(n), _) => {
            let _ = writeln!(
                err,
                "{file}: error: no program named `{n}`; the file has: {}",
                names.join(", ")
            );
            return Ok(Status::InputErrors);
        }
        (None, [one]) => one.clone(),
        (None, []) => {
            let _ = writeln!(
                err,
                "{file}: error: no programs: start one with `.section NAME`"
            );
            return Ok(Status::InputErrors);
        }
        (None, many) => {
            let _ = writeln!(
                err,
                "{file}: error: the file has {} programs ({}): choose one with --program NAME",
                many.len(),
                many.join(", ")
            );
            return Ok(Status::InputErrors);
        }
    };
    spec.retain_programs(|p| p.name == name);
    let (coll, failures) = match spec.load_each(&LoadOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "{file}: error: {e}");
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
                writeln!(
                    out,
                    "data_out: {}",
                    to_hex(r.data_out.as_deref().unwrap_or_default())
                )?;
            }
            if let (Some(_), Some(c)) = (&ctx, &r.ctx_out) {
                writeln!(out, "ctx_out: {}", to_hex(c))?;
            }
            Ok(Status::Success)
        }
        Err(e) => {
            let short = run.data_in.len() < 14;
            let hint = match e.errno() {
                Some(libc::EINVAL) if short => {
                    " (packet programs need --data-hex with at least 14 bytes, an Ethernet header)"
                }
                _ => "",
            };
            let _ = writeln!(err, "{file}: error: test run of `{name}` failed: {e}{hint}");
            Ok(Status::InputErrors)
        }
    }
}
