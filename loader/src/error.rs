//! The crate's error type.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::errno::{errno_name, hint};
use crate::programs::verifier_log::{BtfLoadError, VerifierError};
use crate::sys::Cmd;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A bpf() command failed; `source()` is the `io::Error`.
    #[error("{op} failed: {} (errno {errno}): {hint}", errno_name(*errno))]
    Kernel {
        /// The command.
        op: Cmd,
        /// The raw errno.
        errno: i32,
        /// What probably went wrong, from [`hint`].
        hint: &'static str,
        /// The underlying OS error.
        #[source]
        source: io::Error,
    },
    /// `BPF_PROG_LOAD` failed; carries the verifier log.
    #[error(transparent)]
    Verifier(Box<VerifierError>),
    /// `BPF_BTF_LOAD` failed; carries the kernel's BTF log.
    #[error(transparent)]
    BtfLoad(Box<BtfLoadError>),
    /// A program or map name the kernel would reject.
    #[error("invalid name {name:?}: {reason}")]
    InvalidName {
        /// The offending name.
        name: String,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// Instruction bytes whose length is not a multiple of 8.
    #[error("instructions are {len} bytes, not a multiple of 8 (one slot is 8 bytes)")]
    InstructionsNotMultipleOf8 {
        /// The byte length given.
        len: usize,
    },
    /// A buffer or Rust type whose size does not match the map.
    #[error("{what}: expected {expected} bytes, got {actual}")]
    SizeMismatch {
        /// What was checked, e.g. "value size of map `counts`".
        what: String,
        /// Size the map needs.
        expected: usize,
        /// Size given.
        actual: usize,
    },
    /// A pin path whose directory is not on a bpf filesystem.
    #[error("{} is not on a bpf filesystem (bpffs); mount one with `mount -t bpf bpf DIR`", path.display())]
    NotBpffs {
        /// The path given.
        path: PathBuf,
    },
    /// A name that is not a known map type, program type or attach type.
    #[error("unknown {kind} {name:?}")]
    UnknownName {
        /// "map type", "program type", ...
        kind: &'static str,
        /// The name given.
        name: String,
    },
    /// An argument the crate rejects before calling the kernel.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Attaching a program failed (`BPF_LINK_CREATE`, `perf_event_open`, `setsockopt`,
    /// ...); the hint names the likely cause for this kind of hook.
    #[error("{op} failed: {} (errno {errno}): {hint}", errno_name(*errno))]
    Attach {
        /// What was attempted, e.g. "BPF_LINK_CREATE (xdp on lo)".
        op: String,
        /// The raw errno.
        errno: i32,
        /// What probably went wrong.
        hint: &'static str,
        /// The underlying OS error.
        #[source]
        source: io::Error,
    },
    /// The running kernel lacks a feature (e.g. kprobes without `CONFIG_KPROBES`).
    #[error("{what} is not supported by this kernel: {hint}")]
    Unsupported {
        /// The feature.
        what: String,
        /// Why, and what to use instead.
        hint: String,
    },
    /// Assembly text with errors: every diagnostic, `FILE:LINE:COL: error: ...`.
    #[error("{0}")]
    Asm(#[from] ebpf_asm_core::AsmError),
    /// A program handed to the loader with a reference left unresolved (a map never
    /// rewritten, a call never linked): names it and where it was written.
    #[error("{0}")]
    Unresolved(#[from] ebpf_asm_core::EditError),
    /// Kernel functions called by name or CO-RE expressions that the kernel's BTF cannot
    /// satisfy: one line per problem, `FILE:LINE:COL: ` first when known.
    #[error("{}", errors.join("\n"))]
    KernelBtf {
        /// What is missing, where it was written.
        errors: Vec<String>,
    },
    /// The kernel's BTF could not be read or parsed.
    #[error("reading the kernel's BTF (/sys/kernel/btf, needs CONFIG_DEBUG_INFO_BTF): {0}")]
    Btf(#[from] ebpf_btf::Error),
    /// Bytes that do not decode as instructions (e.g. a program's translated instructions).
    #[error("cannot decode instructions: {0}")]
    Decode(#[from] ebpf_asm_core::DecodeError),
    /// A program of a collection refers to a name that is not one of its maps.
    #[error(
        "{}program `{program}` refers to `{name}`, which is not a map of the collection ({})",
        location.as_deref().map(|l| format!("{l}: ")).unwrap_or_default(),
        if maps.is_empty() { "it has no maps".to_owned() } else { format!("its maps: {}", maps.join(", ")) }
    )]
    UnresolvedReference {
        /// The program's name in the collection.
        program: String,
        /// The symbol.
        name: String,
        /// `FILE:LINE:COL` of the instruction that uses it, when known.
        location: Option<String>,
        /// The maps the collection has.
        maps: Vec<String>,
    },
    /// A collection has no map, program or global variable of this name.
    #[error(
        "the collection has no {kind} named `{name}` ({})",
        if known.is_empty() { format!("it has no {kind}s") } else { format!("{kind}s: {}", known.join(", ")) }
    )]
    NoSuchObject {
        /// "map", "program" or "variable".
        kind: &'static str,
        /// The name asked for.
        name: String,
        /// The names it does have.
        known: Vec<String>,
    },
    /// An ELF object we cannot read: not ELF, not EM_BPF, an unknown section, an
    /// unsupported relocation, a map definition we cannot read. The message names the
    /// section or symbol.
    #[error("ELF object: {0}")]
    Elf(String),
    /// Creating or loading one object of a collection failed. `Display` names the object
    /// only; the cause is `source()` (or [`Error::with_causes`] for one line with both).
    #[error("{what}")]
    Context {
        /// Which object, e.g. "map `counts`".
        what: String,
        /// What went wrong.
        #[source]
        source: Box<Error>,
    },
    /// An I/O error outside bpf() (reading /sys, statfs, removing a pin). `Display` says
    /// what was being done; the cause is `source()` (or [`Error::with_causes`]).
    #[error("{what}")]
    Io {
        /// What was being done.
        what: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// Wraps the `io::Error` of a failed bpf() command with its errno and hint.
    pub fn kernel(op: Cmd, source: io::Error) -> Self {
        let errno = source.raw_os_error().unwrap_or(0);
        Error::Kernel {
            op,
            errno,
            hint: hint(op, errno),
            source,
        }
    }

    /// The message with the causes a `Context` or `Io` error wraps, for a program that
    /// prints one line rather than walking [`source()`](std::error::Error::source)
    /// (as `anyhow`'s `{:#}` does; `Display` alone does not repeat the cause).
    pub fn with_causes(&self) -> WithCauses<'_> {
        WithCauses(self)
    }

    /// The raw errno if this is a kernel error (including verifier rejections).
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Kernel { errno, .. } => Some(*errno),
            Error::Verifier(v) => v.errno(),
            Error::Attach { errno, .. } => Some(*errno),
            Error::Context { source, .. } => source.errno(),
            _ => None,
        }
    }
}

/// An [`Error`] with the causes it wraps, on one line: from [`Error::with_causes`].
#[derive(Debug)]
pub struct WithCauses<'a>(&'a Error);

impl fmt::Display for WithCauses<'_> {
    /// `what: cause` down the chain of `Context` and `Io` errors; `{:#}` passes on to the
    /// innermost error (a verifier error then prints its whole log).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Error::Context { what, source } => {
                write!(f, "{what}: ")?;
                fmt::Display::fmt(&source.with_causes(), f)
            }
            Error::Io { what, source } => write!(f, "{what}: {source}"),
            e if f.alternate() => write!(f, "{e:#}"),
            e => write!(f, "{e}"),
        }
    }
}

impl From<VerifierError> for Error {
    fn from(e: VerifierError) -> Self {
        Error::Verifier(Box::new(e))
    }
}

/// `"HASH".parse::<MapType>()?` in a function returning this crate's errors.
impl From<ebpf_asm_core::UnknownKernelName> for Error {
    fn from(e: ebpf_asm_core::UnknownKernelName) -> Self {
        Error::UnknownName {
            kind: e.kind,
            name: e.name,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn kernel_error_display_and_source() {
        let e = Error::kernel(Cmd::ProgLoad, io::Error::from_raw_os_error(libc::EPERM));
        let s = e.to_string();
        assert!(
            s.starts_with("BPF_PROG_LOAD failed: EPERM (errno 1): "),
            "{s}"
        );
        let src = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<io::Error>());
        assert_eq!(src.and_then(|s| s.raw_os_error()), Some(libc::EPERM));
        assert_eq!(e.errno(), Some(1));
    }

    /// Each message in the chain once: `Display` of a wrapper does not repeat its cause,
    /// `source()` gives it, and `with_causes` joins them as the old message did.
    #[test]
    fn context_and_io_print_their_cause_once() {
        let io = Error::Io {
            what: "reading x.s".into(),
            source: io::Error::from_raw_os_error(libc::ENOENT),
        };
        let ctx = Error::Context {
            what: "map `counts`".into(),
            source: Box::new(io),
        };
        let mut chain = Vec::new();
        let mut e: Option<&dyn std::error::Error> = Some(&ctx);
        while let Some(x) = e {
            chain.push(x.to_string());
            e = x.source();
        }
        let enoent = io::Error::from_raw_os_error(libc::ENOENT).to_string();
        assert_eq!(chain, ["map `counts`", "reading x.s", enoent.as_str()]);
        assert_eq!(
            ctx.with_causes().to_string(),
            format!("map `counts`: reading x.s: {enoent}")
        );
        let kernel = Error::kernel(Cmd::MapCreate, io::Error::from_raw_os_error(libc::EINVAL));
        assert_eq!(kernel.with_causes().to_string(), kernel.to_string());
        assert!(ctx.source().is_some());
    }
}
