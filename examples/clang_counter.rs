//! Load an object that clang compiled from C, attach its two programs, and print what they
//! count once a second: packets on an interface by IP protocol (XDP) and system calls
//! (a raw tracepoint).
//!
//! ```text
//! sudo cargo run -p ebpf-asm-examples --example clang_counter
//! clang-19 -target bpf -O2 -g -c -I/usr/include/x86_64-linux-gnu \
//!     examples/c/clang_counter.c -o clang_counter.o
//! sudo cargo run -p ebpf-asm-examples --example clang_counter -- --object clang_counter.o
//! ```
//!
//! Flags: `--object FILE.o` (default: compile `examples/c/clang_counter.c` with clang-19
//! into a temporary file), `--iface NAME` (default `lo`), `--seconds N` (default 5; 0 runs
//! until Ctrl-C), `--no-traffic` (do not send the little UDP, ICMP and TCP traffic over
//! loopback that makes the counts move at once).
//!
//! Read it top to bottom: the object is read into a `CollectionSpec` (its programs, typed
//! by their section names, the `.text` function they share linked into each, and its
//! BTF-defined maps), loaded (maps created, their fds patched in), each program attached,
//! and the maps read from user space.

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use common::{Mix, Traffic};
use ebpf_loader::link::XdpMode;
use ebpf_loader::{Array, CollectionSpec};

/// The C source beside the examples.
const SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/c/clang_counter.c");

struct Args {
    object: Option<PathBuf>,
    iface: String,
    seconds: u64,
    traffic: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        object: None,
        iface: "lo".into(),
        seconds: 5,
        traffic: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--object" => args.object = Some(it.next().ok_or("--object needs a file")?.into()),
            "--iface" => args.iface = it.next().ok_or("--iface needs an interface name")?,
            "--seconds" => args.seconds = common::number("--seconds", it.next())?,
            "--no-traffic" => args.traffic = false,
            "-h" | "--help" => {
                return Err("usage: clang_counter [--object FILE.o] [--iface NAME] \
                            [--seconds N] [--no-traffic]"
                    .into())
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(args)
}

/// A temporary object file, removed on drop.
struct TempObject(PathBuf);

impl Drop for TempObject {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Compiles `SOURCE` with clang-19, as the README shows.
fn compile() -> Result<TempObject, String> {
    let out =
        TempObject(std::env::temp_dir().join(format!("clang_counter-{}.o", std::process::id())));
    let status = Command::new("clang-19")
        .args(["-target", "bpf", "-O2", "-g", "-c"])
        .arg("-I/usr/include/x86_64-linux-gnu")
        .arg(SOURCE)
        .arg("-o")
        .arg(&out.0)
        .status()
        .map_err(|e| {
            format!(
                "cannot run clang-19 ({e}): install it (apt-get install clang-19) or pass \
                 --object FILE.o compiled elsewhere"
            )
        })?;
    if !status.success() {
        return Err(format!("clang-19 failed on {SOURCE} ({status})"));
    }
    Ok(out)
}

fn main() -> ExitCode {
    common::exit("clang_counter", run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let compiled;
    let (object, shown): (&Path, String) = match &args.object {
        Some(path) => (path, path.display().to_string()),
        None => {
            compiled = compile()?;
            (
                &compiled.0,
                "examples/c/clang_counter.c (compiled by clang-19)".into(),
            )
        }
    };

    // Programs, maps and the shared subprogram, read from the ELF file.
    let spec = CollectionSpec::from_elf_file(object)?;
    let mut coll = spec.load()?;
    let xdp = coll
        .program("count_protocols")
        .ok_or("no program count_protocols")?;
    let tp = coll
        .program("count_syscalls")
        .ok_or("no program count_syscalls")?;
    let _xdp_link = xdp.attach_xdp(args.iface.as_str(), XdpMode::Generic)?;
    let _tp_link = tp.attach_raw_tracepoint("sys_enter")?;
    println!(
        "clang_counter: {} loaded: {} programs ({}), {} maps; attached to {} (generic XDP) \
         and raw tracepoint sys_enter",
        shown,
        spec.programs().len(),
        spec.programs()
            .iter()
            .map(|p| format!(
                "{} in {}, {} insns",
                p.name,
                p.section.as_deref().unwrap_or("?"),
                p.program.len()
            ))
            .collect::<Vec<_>>()
            .join(", "),
        spec.maps().len(),
        args.iface,
    );
    let protocols = Array::<u64>::new(coll.take_map("protocols").ok_or("no map protocols")?)?;
    let syscalls = Array::<u64>::new(coll.take_map("syscalls").ok_or("no map syscalls")?)?;

    // About 200 rounds a second of UDP, ICMP (a closed port answers) and TCP to ourselves.
    let traffic = Traffic::start_if(
        args.traffic,
        b"hello from clang_counter",
        Duration::from_millis(5),
        Mix::UdpIcmpTcp,
    );
    let (mut last, mut last_sys) = ([0u64; 3], 0u64);
    common::every_second(args.seconds, |second| {
        let now = [6u32, 17, 1].map(|p| protocols.get(p).ok().flatten().unwrap_or(0));
        let sys = syscalls.get(0)?.unwrap_or(0);
        println!(
            "{:>3} s: {}: tcp {:>5}/s, udp {:>5}/s, icmp {:>5}/s; syscalls {:>8}/s",
            second,
            args.iface,
            now[0] - last[0],
            now[1] - last[1],
            now[2] - last[2],
            sys - last_sys,
        );
        (last, last_sys) = (now, sys);
        Ok::<(), ebpf_loader::Error>(())
    })?;
    drop(traffic);
    Ok(())
}
