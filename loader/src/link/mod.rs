//! Attaching loaded programs to hooks. Every attachment is owned by a value that detaches
//! on drop: a [`Link`] (a kernel `bpf_link`, pinnable on bpffs), a [`PerfLink`] (a perf
//! event carrying a program: tracepoints, perf events, uprobes) or a
//! [`SocketFilterLink`].
//!
//! ```no_run
//! use ebpf_loader::{link::XdpMode, ProgramSpec, ProgramType};
//! # fn main() -> Result<(), ebpf_loader::Error> {
//! let pass = ebpf_asm::assemble("r0 = 2 # XDP_PASS\nexit")?;
//! let prog = ProgramSpec::from_program("pass", ProgramType::Xdp, &pass)?.load()?;
//! let link = prog.attach_xdp("lo", XdpMode::Generic)?;
//! drop(link); // detached
//! # Ok(())
//! # }
//! ```

mod cgroup;
mod hint;
mod perf_event;
mod raw_tp;
mod socket;
mod tcx;
mod tracepoint;
mod uprobe;
mod xdp;

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

pub use cgroup::CGROUP2_MOUNTS;
pub use hint::{attach_hint, Hook};
pub use perf_event::{PerfEventConfig, PerfLink};
pub use raw_tp::check_trampolines;
pub use socket::SocketFilterLink;
pub use tcx::{Anchor, TcxDirection};
pub use tracepoint::{tracefs_dir, tracepoint_id};
pub use uprobe::{resolve_symbol_offset, ProbeLocation};
pub use xdp::{Interface, XdpMode};

use crate::error::{Error, Result};
use crate::pin::{open_pinned, pin_fd};
use crate::sys;

/// A kernel `bpf_link`: the attachment lives as long as this fd (or a pin of it).
#[derive(Debug)]
pub struct Link {
    fd: OwnedFd,
    hook: Hook,
}

impl Link {
    pub(crate) fn new(fd: OwnedFd, hook: Hook) -> Self {
        Link { fd, hook }
    }

    /// The kind of hook this link attaches to.
    pub fn hook(&self) -> Hook {
        self.hook
    }

    /// Pins the link on bpffs: the attachment then outlives this value (until unpinned).
    pub fn pin(&self, path: impl AsRef<Path>) -> Result<()> {
        pin_fd(self.fd.as_fd(), path.as_ref())
    }

    /// Opens a link pinned at `path`; dropping the result does not detach (the pin holds
    /// it) unless the pin is removed first.
    pub fn from_pinned(path: impl AsRef<Path>, hook: Hook) -> Result<Link> {
        Ok(Link::new(open_pinned(path.as_ref(), 0)?, hook))
    }

    /// Detaches now (`BPF_LINK_DETACH`), even if the link is pinned or its fd shared; the
    /// link object stays valid but inert.
    pub fn detach(&self) -> Result<()> {
        sys::link::link_detach(self.fd.as_fd())
            .map_err(|e| Error::kernel(crate::sys::Cmd::LinkDetach, e))
    }

    /// Gives up ownership of the fd (the attachment lives as long as the fd).
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }
}

impl AsFd for Link {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// Wraps a failed attach call with the hook's hint.
pub(crate) fn attach_error(hook: Hook, op: impl Into<String>, source: io::Error) -> Error {
    let errno = source.raw_os_error().unwrap_or(0);
    Error::Attach {
        op: op.into(),
        errno,
        hint: attach_hint(hook, errno),
        source,
    }
}

/// `BPF_LINK_CREATE` with the given attribute; errors carry `what` and the hook's hint.
pub(crate) fn link_create(
    hook: Hook,
    what: impl FnOnce() -> String,
    attr: &sys::link::LinkCreateAttr,
) -> Result<Link> {
    match sys::link::link_create(attr) {
        Ok(fd) => Ok(Link::new(fd, hook)),
        Err(e) => Err(attach_error(
            hook,
            format!("BPF_LINK_CREATE ({})", what()),
            e,
        )),
    }
}

pub(crate) fn raw_fd(fd: BorrowedFd<'_>) -> u32 {
    use std::os::fd::AsRawFd;
    fd.as_raw_fd() as u32
}
