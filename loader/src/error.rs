//! The crate's error type and the errno hint table (a pure function).

use std::io;
use std::path::PathBuf;

use crate::sys::Cmd;
use crate::verifier_log::VerifierError;

/// errno 524: the kernel-internal `ENOTSUPP` (libc has no name for it).
pub const ENOTSUPP: i32 = 524;

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
    /// A collection has no map or program of this name.
    #[error(
        "the collection has no {kind} named `{name}` ({})",
        if known.is_empty() { format!("it has no {kind}s") } else { format!("{kind}s: {}", known.join(", ")) }
    )]
    NoSuchObject {
        /// "map" or "program".
        kind: &'static str,
        /// The name asked for.
        name: String,
        /// The names it does have.
        known: Vec<String>,
    },
    /// Creating or loading one object of a collection failed.
    #[error("{what}: {source}")]
    Context {
        /// Which object, e.g. "map `counts`".
        what: String,
        /// What went wrong.
        #[source]
        source: Box<Error>,
    },
    /// An I/O error outside bpf() (reading /sys, statfs, removing a pin).
    #[error("{what}: {source}")]
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

/// The symbolic name of an errno value (`"EPERM"`, `"ENOTSUPP"`, ...), or `"E?"`.
pub fn errno_name(errno: i32) -> &'static str {
    match errno {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::ESRCH => "ESRCH",
        libc::EINTR => "EINTR",
        libc::EIO => "EIO",
        libc::E2BIG => "E2BIG",
        libc::EBADF => "EBADF",
        libc::EAGAIN => "EAGAIN",
        libc::ENOMEM => "ENOMEM",
        libc::EACCES => "EACCES",
        libc::EFAULT => "EFAULT",
        libc::EBUSY => "EBUSY",
        libc::EEXIST => "EEXIST",
        libc::EXDEV => "EXDEV",
        libc::ENODEV => "ENODEV",
        libc::ENOTDIR => "ENOTDIR",
        libc::EISDIR => "EISDIR",
        libc::EINVAL => "EINVAL",
        libc::ENFILE => "ENFILE",
        libc::EMFILE => "EMFILE",
        libc::ENOSPC => "ENOSPC",
        libc::ERANGE => "ERANGE",
        libc::ENOSYS => "ENOSYS",
        libc::ELOOP => "ELOOP",
        libc::ENAMETOOLONG => "ENAMETOOLONG",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        ENOTSUPP => "ENOTSUPP",
        _ => "E?",
    }
}

/// What an errno most likely means for a given bpf() command. Pure; the table behind
/// every kernel error message.
pub fn hint(op: Cmd, errno: i32) -> &'static str {
    use Cmd::*;
    match (op, errno) {
        (ObjPin, libc::EPERM) => {
            "pinning needs a path on a bpf filesystem (`mount -t bpf bpf DIR`) and root"
        }
        (ProgLoad, libc::EPERM) => {
            "operation not permitted: run as root or with CAP_BPF (plus CAP_PERFMON for tracing \
             types, CAP_NET_ADMIN for networking types); some kernels also refuse \
             trampoline-based types (fentry, fexit, fmod_ret, freplace, LSM) with EPERM"
        }
        (_, libc::EPERM) => {
            "operation not permitted: run as root or with CAP_BPF (plus CAP_PERFMON/CAP_NET_ADMIN \
             for some program types); for map updates the map may be frozen or read-only"
        }
        (ProgLoad, libc::EACCES) => {
            "the verifier rejected the program: the last lines of its log say why \
             ({:#} or .log() prints the whole log)"
        }
        (_, libc::EACCES) => "permission denied: the object may be read-only for this fd",
        (ProgLoad, libc::E2BIG) => {
            "program too large (too many instructions) or a trailing attribute is non-zero"
        }
        (MapUpdateElem | MapUpdateBatch, libc::E2BIG) => "the map is full (max_entries reached)",
        (_, libc::E2BIG) => "argument too big for the kernel",
        (ProgLoad, libc::EINVAL) => {
            "the verifier refused an instruction or helper call (see the log), or the program \
             type, expected attach type, flags or license are invalid"
        }
        (MapCreate, libc::EINVAL) => {
            "invalid map attributes: check key/value sizes, max_entries and flags for this map type"
        }
        (MapUpdateElem, libc::EINVAL) => "invalid update flags or value for this map type",
        (_, libc::EINVAL) => "invalid argument for this command",
        (ProgLoad, libc::ENOSPC) => "the verifier log buffer is too small; use a bigger log size",
        (ProgTestRun, libc::ENOSPC) => "the output buffer is too small for the result",
        (_, libc::ENOSPC) => "no space left",
        (_, ENOTSUPP) => "not supported for this program type",
        (_, libc::EOPNOTSUPP) => "operation not supported for this map or program type",
        (MapLookupElem | MapDeleteElem | MapLookupAndDeleteElem, libc::ENOENT) => {
            "no such key (or the queue/stack is empty)"
        }
        (ObjGet | ObjPin, libc::ENOENT) => "no such pinned object or directory",
        (ProgGetFdById | MapGetFdById, libc::ENOENT) => "no object with this id",
        (_, libc::ENOENT) => "no such entry",
        (ObjPin, libc::EEXIST) => "a file already exists at this pin path; unpin it first",
        (MapUpdateElem, libc::EEXIST) => "the key already exists (BPF_NOEXIST)",
        (_, libc::EEXIST) => "already exists",
        (MapFreeze, libc::EBUSY) => "the map has a writable mmap; unmap it before freezing",
        (_, libc::EBUSY) => "the object is busy",
        (_, libc::EBADF) => "bad file descriptor (not a BPF object of the right kind)",
        (_, libc::ENOMEM) => "out of memory (or memlock/memcg limit reached)",
        (_, libc::EFAULT) => "bad address passed to the kernel",
        (_, libc::ENOSYS) => "the bpf() syscall is not available in this kernel",
        (_, libc::ENODEV) => "no such device",
        (_, libc::EMFILE | libc::ENFILE) => "too many open files",
        _ => "unexpected error from the kernel",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_for_the_errors_users_hit() {
        assert!(hint(Cmd::ProgLoad, libc::EPERM).contains("CAP_BPF"));
        assert!(hint(Cmd::ProgLoad, libc::EACCES).contains("verifier"));
        assert!(hint(Cmd::ProgLoad, libc::E2BIG).contains("too large"));
        assert!(hint(Cmd::ProgLoad, libc::EINVAL).contains("expected attach type"));
        assert!(hint(Cmd::ProgLoad, libc::ENOSPC).contains("log"));
        assert_eq!(
            hint(Cmd::ProgTestRun, ENOTSUPP),
            "not supported for this program type"
        );
        assert!(hint(Cmd::ObjPin, libc::EPERM).contains("mount -t bpf"));
        assert!(hint(Cmd::MapFreeze, libc::EBUSY).contains("mmap"));
        assert!(hint(Cmd::MapUpdateElem, libc::E2BIG).contains("full"));
        assert_eq!(
            hint(Cmd::MapCreate, 9999),
            "unexpected error from the kernel"
        );
    }

    #[test]
    fn errno_names() {
        assert_eq!(errno_name(libc::EACCES), "EACCES");
        assert_eq!(errno_name(524), "ENOTSUPP");
        assert_eq!(errno_name(-3), "E?");
    }

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
}
