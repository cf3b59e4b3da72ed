//! What the command-line examples do the same way: read a whole-number flag, read the
//! network examples' flags, send traffic of their own, report once a second, and turn
//! `run()`'s result into an exit status with the error on stderr.
// Each example uses only some of these.
#![allow(dead_code, unused_imports)]

mod every_second;
mod traffic;

pub use every_second::every_second;
pub use traffic::{Mix, Traffic};

use std::error::Error;
use std::process::ExitCode;
use std::str::FromStr;

/// The value of `flag` as a whole number; `value` is the argument after the flag.
pub fn number<T: FromStr>(flag: &str, value: Option<String>) -> Result<T, String> {
    let v = value.ok_or(format!("{flag} needs a number"))?;
    v.parse()
        .map_err(|_| format!("{flag} takes a whole number, not `{v}`"))
}

/// Exit status 0, or 1 after printing `NAME: ERROR` on stderr.
pub fn exit(name: &str, result: Result<(), Box<dyn Error>>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A loader error names what failed; its causes follow on the same line.
            match e.downcast_ref::<ebpf_loader::Error>() {
                Some(e) => eprintln!("{name}: {}", e.with_causes()),
                None => eprintln!("{name}: {e}"),
            }
            ExitCode::FAILURE
        }
    }
}

/// The flags of the examples that watch an interface.
pub struct NetArgs {
    /// `--iface NAME` (default `lo`).
    pub iface: String,
    /// `--seconds N`: how long to run, 0 for until interrupted.
    pub seconds: u64,
    /// Whether the example sends traffic of its own.
    pub traffic: bool,
}

/// Parses `example`'s arguments: `[--iface NAME] [--seconds N]` and the traffic flag that
/// changes the default, `--traffic` when `traffic` is off by default, `--no-traffic` when
/// it is on.
pub fn net_args(example: &str, seconds: u64, traffic: bool) -> Result<NetArgs, String> {
    let flip = if traffic { "--no-traffic" } else { "--traffic" };
    let mut args = NetArgs {
        iface: "lo".into(),
        seconds,
        traffic,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--iface" => args.iface = it.next().ok_or("--iface needs an interface name")?,
            "--seconds" => args.seconds = number("--seconds", it.next())?,
            f if f == flip => args.traffic = !traffic,
            "-h" | "--help" => {
                return Err(format!(
                    "usage: {example} [--iface NAME] [--seconds N] [{flip}]"
                ))
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(args)
}
