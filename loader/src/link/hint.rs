//! Which hook an attach error came from, and what the errno most likely means there
//! (a pure table, unit-tested without a kernel).

use crate::errno::ENOTSUPP;

/// The kind of hook a program is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Hook {
    /// `SO_ATTACH_BPF` on a socket.
    SocketFilter,
    /// XDP on a network interface.
    Xdp,
    /// tcx ingress or egress.
    Tcx,
    /// A cgroup v2 hook.
    Cgroup,
    /// A tracefs tracepoint (through a perf event).
    Tracepoint,
    /// A raw tracepoint.
    RawTracepoint,
    /// A BTF-typed tracing program (tp_btf, fentry, ...).
    Tracing,
    /// A perf event (sampling).
    PerfEvent,
    /// A uprobe or uretprobe.
    Uprobe,
    /// A kprobe or kretprobe.
    Kprobe,
}

/// What `errno` most likely means when attaching to `hook`.
pub fn attach_hint(hook: Hook, errno: i32) -> &'static str {
    use Hook::*;
    match (hook, errno) {
        (Xdp, libc::EOPNOTSUPP) => {
            "the driver has no native XDP support (lo has none): use XdpMode::Generic or Auto"
        }
        (Xdp, libc::EBUSY | libc::EEXIST) => {
            "another XDP program or link is already attached to this interface (maybe in \
             another mode); detach it first"
        }
        (Xdp | Tcx, libc::ENODEV) => "no such network interface in this network namespace",
        (Tcx, libc::EEXIST) => "this program is already attached at this tcx hook",
        (Tcx, libc::ENOENT) => {
            "the relative program or link of the anchor is not attached at this hook"
        }
        (Tcx, libc::ERANGE) => "the expected revision does not match the hook's revision",
        (Cgroup, libc::EBADF) => "the fd is not a cgroup v2 directory",
        (Cgroup, libc::EEXIST) => "this program is already attached to this cgroup hook",
        (Tracepoint, libc::EACCES) => {
            "the program reads past the tracepoint's event record: it may read only up to the \
             size given in tracefs events/CATEGORY/NAME/format"
        }
        (Tracepoint, libc::ENOENT) => "no such tracepoint (see tracefs events/)",
        (RawTracepoint, libc::ENOENT) => "no such raw tracepoint",
        (Tracing, libc::EPERM) => {
            "this kernel refuses trampoline-based programs (fentry, fexit, fmod_ret, freplace, \
             LSM) even for root; use tp_btf, raw tracepoints or tracepoints"
        }
        (Uprobe, libc::ENOENT) => "the binary does not exist",
        (Uprobe, libc::EINVAL) => {
            "bad uprobe: the offset must be a file offset of an instruction in an executable \
             mapping of the binary"
        }
        (Kprobe, libc::ENOENT) => "no such kernel function (or it cannot be probed)",
        (_, libc::EPERM) => {
            "operation not permitted: run as root (CAP_BPF with CAP_NET_ADMIN for network \
             hooks, CAP_PERFMON for tracing hooks)"
        }
        (_, libc::EINVAL) => {
            "the program's type or expected attach type does not fit this hook, or a flag is \
             invalid"
        }
        (_, libc::EBADF) => "bad file descriptor (not a program, or not the expected kind)",
        (_, libc::ENOENT) => "no such hook",
        (_, libc::EEXIST) => "already attached",
        (_, libc::E2BIG) => "too many programs attached at this hook",
        (_, ENOTSUPP | libc::EOPNOTSUPP) => "not supported for this hook on this kernel",
        _ => "unexpected error from the kernel",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_the_likely_cause() {
        assert!(attach_hint(Hook::Xdp, libc::EOPNOTSUPP).contains("Generic"));
        assert!(attach_hint(Hook::Tracepoint, libc::EACCES).contains("format"));
        assert!(attach_hint(Hook::Tracing, libc::EPERM).contains("trampoline"));
        assert!(attach_hint(Hook::Tcx, libc::EEXIST).contains("already attached"));
        assert!(attach_hint(Hook::Cgroup, libc::EPERM).contains("root"));
        assert!(attach_hint(Hook::SocketFilter, libc::EINVAL).contains("type"));
        assert_eq!(
            attach_hint(Hook::Uprobe, 9999),
            "unexpected error from the kernel"
        );
    }
}
