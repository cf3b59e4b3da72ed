//! `BPF_LINK_CREATE`, `BPF_RAW_TRACEPOINT_OPEN` and `BPF_LINK_DETACH`.
//!
//! Layouts from the 6.18 kernel BTF (`union bpf_attr`, members `link_create` and
//! `raw_tracepoint`), checked at compile time against the generated layouts.

use std::ffi::CStr;
use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};

use super::attr::AttrStruct;
use super::generated::layouts::{self, Field};
use super::{bpf, fd_u32, owned_fd, Cmd};

/// `link_create` of `union bpf_attr`: the common head and the first 16 bytes of the
/// per-type union (enough for tcx/netkit/cgroup ordering, perf_event cookies and tracing).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct LinkCreateAttr {
    pub(crate) prog_fd: u32,
    /// `target_fd` or `target_ifindex`.
    pub(crate) target: u32,
    pub(crate) attach_type: u32,
    pub(crate) flags: u32,
    /// Offset 16: `tcx.relative_fd`/`relative_id`, `tracing.target_btf_id`, or the low half
    /// of `perf_event.bpf_cookie`.
    pub(crate) relative: u32,
    pub(crate) _pad: u32,
    /// Offset 24: `tcx.expected_revision`, `tracing.cookie`.
    pub(crate) expected_revision: u64,
}

// SAFETY: `#[repr(C)]`, integers only, padding explicit (32 bytes, no holes).
unsafe impl AttrStruct for LinkCreateAttr {}

/// `raw_tracepoint` of `union bpf_attr`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct RawTpAttr {
    name: u64,
    prog_fd: u32,
    _pad: u32,
    cookie: u64,
}

// SAFETY: `#[repr(C)]`, integers only, padding explicit (24 bytes, no holes).
unsafe impl AttrStruct for RawTpAttr {}

/// `BPF_LINK_DETACH` attribute.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct LinkDetachAttr {
    link_fd: u32,
}

// SAFETY: `#[repr(C)]`, one integer.
unsafe impl AttrStruct for LinkDetachAttr {}

/// `true` when a field of ours has the offset and size of the kernel's `field`.
const fn same(offset: usize, size: usize, field: Field) -> bool {
    offset == field.offset && size == field.size
}

// Each field sits where the kernel's BTF puts it (generated layouts) and has its size.
const _: () = {
    use core::mem::{offset_of, size_of};
    use layouts::bpf_attr::{link_create as lc, link_detach, raw_tracepoint as rt};
    type L = LinkCreateAttr;
    assert!(same(offset_of!(L, prog_fd), 4, lc::PROG_FD));
    assert!(same(offset_of!(L, target), 4, lc::TARGET_FD));
    assert!(same(offset_of!(L, target), 4, lc::TARGET_IFINDEX));
    assert!(same(offset_of!(L, attach_type), 4, lc::ATTACH_TYPE));
    assert!(same(offset_of!(L, flags), 4, lc::FLAGS));
    assert!(same(offset_of!(L, relative), 4, lc::TCX_RELATIVE_FD));
    assert!(same(offset_of!(L, relative), 4, lc::TRACING_TARGET_BTF_ID));
    assert!(offset_of!(L, relative) == lc::PERF_EVENT_BPF_COOKIE.offset);
    assert!(same(
        offset_of!(L, expected_revision),
        8,
        lc::TCX_EXPECTED_REVISION
    ));
    assert!(same(
        offset_of!(L, expected_revision),
        8,
        lc::TRACING_COOKIE
    ));
    assert!(size_of::<L>() <= super::attr::ATTR_SIZE);
    assert!(same(offset_of!(RawTpAttr, name), 8, rt::NAME));
    assert!(same(offset_of!(RawTpAttr, prog_fd), 4, rt::PROG_FD));
    assert!(same(offset_of!(RawTpAttr, cookie), 8, rt::COOKIE));
    assert!(same(
        offset_of!(LinkDetachAttr, link_fd),
        4,
        link_detach::LINK_FD
    ));
};

/// `BPF_LINK_CREATE`; returns the link fd.
pub(crate) fn link_create(attr: &LinkCreateAttr) -> io::Result<OwnedFd> {
    let mut a = *attr;
    owned_fd(bpf(Cmd::LinkCreate, &mut a, 0)?)
}

/// `BPF_RAW_TRACEPOINT_OPEN` of `name` (`None` for tp_btf and other BTF-typed tracing
/// programs, whose target is their `attach_btf_id`).
pub(crate) fn raw_tracepoint_open(
    prog: BorrowedFd<'_>,
    name: Option<&CStr>,
) -> io::Result<OwnedFd> {
    let mut a = RawTpAttr {
        name: name.map_or(0, |n| n.as_ptr() as u64),
        prog_fd: fd_u32(prog),
        ..Default::default()
    };
    owned_fd(bpf(Cmd::RawTracepointOpen, &mut a, 0)?)
}

/// `BPF_LINK_DETACH`: detaches the link while its fd stays open.
pub(crate) fn link_detach(link: BorrowedFd<'_>) -> io::Result<()> {
    let mut a = LinkDetachAttr {
        link_fd: fd_u32(link),
    };
    bpf(Cmd::LinkDetach, &mut a, 0).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    #[test]
    fn layouts_match_the_kernel_btf() {
        assert_eq!(offset_of!(LinkCreateAttr, attach_type), 8);
        assert_eq!(offset_of!(LinkCreateAttr, relative), 16);
        assert_eq!(offset_of!(LinkCreateAttr, expected_revision), 24);
        assert_eq!(offset_of!(RawTpAttr, prog_fd), 8);
        assert_eq!(offset_of!(RawTpAttr, cookie), 16);
    }
}
