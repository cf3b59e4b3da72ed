//! errno names and the hint table: what an errno most likely means for each bpf()
//! command. Pure functions, below every error type.

use crate::sys::Cmd;

/// errno 524: the kernel-internal `ENOTSUPP` (libc has no name for it).
pub const ENOTSUPP: i32 = 524;

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
        (ProgTestRun, libc::EINTR) => {
            "a signal interrupted the test run, and the kernel does not resume one: run it \
             again, with fewer repetitions, or with the signal blocked"
        }
        (ProgLoad, libc::E2BIG) => {
            "program too large (too many instructions) or a trailing attribute is non-zero"
        }
        (MapUpdateElem | MapUpdateBatch, libc::E2BIG) => "the map is full (max_entries reached)",
        (_, libc::E2BIG) => "argument too big for the kernel",
        (ProgLoad, libc::EINVAL) => {
            "the verifier refused an instruction or helper call (see the log), or the program \
             type, expected attach type, flags or license are invalid"
        }
        (BtfLoad, libc::EINVAL) => {
            "the kernel refused the BTF: the last lines of its BTF log name the type and why"
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
}
