//! `bpfasm load`: load every program of an object file into the running kernel and say
//! what the verifier thought of each.
//!
//! The programs are loaded with a statistics log (level 4) by default: a few hundred bytes
//! the verifier fills in anyway, so `NAME: ok (N insns)` can be followed by its
//! `processed ...` line. A rejected program is loaded once more with the verifier's trace
//! (level 5) so the error names the instruction, and its FILE:LINE:COL, it stopped at.
//! `--pin DIR` pins what was loaded, for `bpftool`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use std::os::fd::AsFd;

use ebpf_loader::{pin_fd, Collection, CollectionSpec, Error, LoadOptions, Pinning};

use crate::{input, Status};

/// Arguments of `bpfasm load`.
#[derive(clap::Args, Debug)]
pub struct LoadArgs {
    /// The object file: LLVM-syntax assembly with `.section`, `.map` and `.license`
    /// (see docs/asm-format.md), or an ELF object from `clang -target bpf` (recognised
    /// by its magic; README "Loading clang objects" says what it may hold).
    pub file: PathBuf,
    /// Verifier log level: 4 (default) statistics only; 2 (or 6) also prints the
    /// verifier's trace of every instruction, for every program; 1 keeps only the trace
    /// of a failing path.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub log_level: u32,
    /// Pin every loaded program and every map under DIR (a bpffs directory) by name, so
    /// `bpftool` can inspect them after bpfasm exits (remove the files to unload them).
    /// DIR is also where maps pinned by name (`LIBBPF_PIN_BY_NAME`) are pinned or
    /// reused (default /sys/fs/bpf).
    #[arg(long, value_name = "DIR")]
    pub pin: Option<PathBuf>,
}

/// Reads the object file (assembly text, or ELF by its magic) and its spec; prints the
/// errors and returns `None` on failure.
pub fn read_spec(file: &Path, err: &mut dyn Write) -> Option<CollectionSpec> {
    let input = input::read_path(file, err)?;
    let spec = match input.is_elf() {
        true => CollectionSpec::from_elf(&input.bytes),
        false => CollectionSpec::from_asm(&input.name, input.text(err)?),
    };
    match spec {
        Ok(spec) => Some(spec),
        Err(e) => {
            // Assembly errors are already `FILE:LINE:COL: error: ...` lines.
            match e {
                Error::Asm(_) => {
                    let _ = writeln!(err, "{e}");
                }
                e => {
                    let _ = writeln!(err, "{}: error: {}", file.display(), e.with_causes());
                }
            }
            None
        }
    }
}

/// Prints a program that failed to load: `LOCATION: error: ...` on `err`.
pub fn print_load_error(file: &Path, name: &str, e: &Error, full: bool, err: &mut dyn Write) {
    let (loc, text) = match e {
        Error::Verifier(v) => (
            v.location().map(str::to_owned),
            if full {
                format!("{v:#}")
            } else {
                v.to_string()
            },
        ),
        Error::UnresolvedReference { location, .. } => (location.clone(), e.to_string()),
        e => (None, e.with_causes().to_string()),
    };
    let at = loc.unwrap_or_else(|| file.display().to_string());
    let _ = writeln!(err, "{at}: error: program `{name}` was rejected: {text}");
}

/// Loads every program of the file; exit status 1 if any was rejected.
pub fn run(args: &LoadArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Status> {
    let Some(spec) = read_spec(&args.file, err) else {
        return Ok(Status::InputErrors);
    };
    if spec.programs().is_empty() {
        let _ = writeln!(
            err,
            "{}: error: no programs: start one with `.section NAME`",
            args.file.display()
        );
        return Ok(Status::InputErrors);
    }
    let opts = LoadOptions {
        log_level: args.log_level,
        log_size: 0,
        pin_dir: args.pin.clone(),
    };
    let full_log = args.log_level & 3 != 0;
    let (coll, failures) = match spec.load_each(&opts) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "{}: error: {}", args.file.display(), e.with_causes());
            return Ok(Status::InputErrors);
        }
    };
    for p in spec.programs() {
        if let Some(prog) = coll.program(&p.name) {
            writeln!(out, "{}: ok ({} insns)", p.name, p.program.slot_count())?;
            if full_log {
                if let Some(log) = prog.verifier_log() {
                    for line in log.trim_end().lines() {
                        writeln!(out, "  {line}")?;
                    }
                    continue;
                }
            }
            if let Some(stats) = prog.verifier_stats() {
                writeln!(out, "  {}", stats.line)?;
            }
        } else if let Some((_, e)) = failures.iter().find(|(n, _)| *n == p.name) {
            writeln!(out, "{}: rejected", p.name)?;
            print_load_error(&args.file, &p.name, e, full_log, err);
        }
    }
    if let Some(dir) = &args.pin {
        if !pin_all(&spec, &coll, dir, out, err)? {
            return Ok(Status::InputErrors);
        }
    }
    Ok(if failures.is_empty() {
        Status::Success
    } else {
        Status::InputErrors
    })
}

/// Pins every program and map of `coll` at `DIR/NAME` (`/` in a name becomes `_`);
/// prints each path, or the first error (false). Maps pinned by name (`.maps` with
/// `LIBBPF_PIN_BY_NAME`) are pinned there by the loader already.
fn pin_all(
    spec: &CollectionSpec,
    coll: &Collection,
    dir: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<bool> {
    let programs = coll.programs().map(|(n, p)| (n, "program", p.as_fd()));
    let by_name = |n: &str| {
        spec.maps()
            .iter()
            .any(|m| m.name == n && m.pinning == Pinning::ByName)
    };
    let maps = coll
        .maps()
        .filter(|(n, _)| !by_name(n))
        .map(|(n, m)| (n, "map", m.as_fd()));
    for (name, kind, fd) in programs.chain(maps) {
        let path = dir.join(name.replace('/', "_"));
        match pin_fd(fd, &path) {
            Ok(()) => writeln!(out, "pinned {kind} {name} at {}", path.display())?,
            Err(e) => {
                let _ = writeln!(
                    err,
                    "{}: error: cannot pin {kind} `{name}`: {}",
                    path.display(),
                    e.with_causes()
                );
                return Ok(false);
            }
        }
    }
    Ok(true)
}
