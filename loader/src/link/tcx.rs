//! tcx: the link-based tc ingress/egress hooks (6.6+), with ordering among programs.

use std::os::fd::{AsFd, BorrowedFd};

use super::xdp::Interface;
use super::{link_create, raw_fd, Hook, Link};
use crate::error::Result;
use crate::programs::AttachType;
use crate::programs::LoadedProgram;
use crate::sys::link::LinkCreateAttr;

const BPF_F_BEFORE: u32 = 1 << 3;
const BPF_F_AFTER: u32 = 1 << 4;
const BPF_F_ID: u32 = 1 << 5;
const BPF_F_LINK: u32 = 1 << 13;

/// Ingress or egress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcxDirection {
    /// Packets received by the interface (`BPF_TCX_INGRESS`).
    Ingress,
    /// Packets sent by the interface (`BPF_TCX_EGRESS`).
    Egress,
}

impl TcxDirection {
    fn attach_type(self) -> AttachType {
        match self {
            TcxDirection::Ingress => AttachType::TcxIngress,
            TcxDirection::Egress => AttachType::TcxEgress,
        }
    }
}

/// Where a new program goes among those already attached (multi-program hooks run them in
/// order; the first non-`TCX_NEXT` verdict wins).
#[derive(Clone, Copy, Debug, Default)]
pub enum Anchor<'a> {
    /// After all others.
    #[default]
    Last,
    /// Before all others.
    First,
    /// Right before this attached program.
    BeforeProgram(BorrowedFd<'a>),
    /// Right after this attached program.
    AfterProgram(BorrowedFd<'a>),
    /// Right before the program with this id.
    BeforeProgramId(u32),
    /// Right after the program with this id.
    AfterProgramId(u32),
    /// Right before the program of this link.
    BeforeLink(&'a Link),
    /// Right after the program of this link.
    AfterLink(&'a Link),
}

impl Anchor<'_> {
    /// The `flags` and `relative_fd`/`relative_id` of `link_create.tcx`.
    pub fn flags_and_relative(&self) -> (u32, u32) {
        match *self {
            Anchor::Last => (BPF_F_AFTER, 0),
            Anchor::First => (BPF_F_BEFORE, 0),
            Anchor::BeforeProgram(fd) => (BPF_F_BEFORE, raw_fd(fd)),
            Anchor::AfterProgram(fd) => (BPF_F_AFTER, raw_fd(fd)),
            Anchor::BeforeProgramId(id) => (BPF_F_BEFORE | BPF_F_ID, id),
            Anchor::AfterProgramId(id) => (BPF_F_AFTER | BPF_F_ID, id),
            Anchor::BeforeLink(l) => (BPF_F_BEFORE | BPF_F_LINK, raw_fd(l.as_fd())),
            Anchor::AfterLink(l) => (BPF_F_AFTER | BPF_F_LINK, raw_fd(l.as_fd())),
        }
    }
}

impl LoadedProgram {
    /// Attaches this `sched_cls` program to `iface`'s tcx hook at `anchor`. Return
    /// `TCX_NEXT` (-1) to run the next program, `TCX_PASS` (0), `TCX_DROP` (2), ...
    pub fn attach_tcx(
        &self,
        iface: impl Into<Interface>,
        direction: TcxDirection,
        anchor: Anchor<'_>,
    ) -> Result<Link> {
        let iface = iface.into();
        let ifindex = iface.index()?;
        let (flags, relative) = anchor.flags_and_relative();
        let attr = LinkCreateAttr {
            prog_fd: raw_fd(self.as_fd()),
            target: ifindex,
            attach_type: direction.attach_type().as_u32(),
            flags,
            relative,
            ..Default::default()
        };
        link_create(
            Hook::Tcx,
            || format!("tcx {direction:?} on {iface:?} at {anchor:?}"),
            &attr,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_encode_as_the_kernel_expects() {
        assert_eq!(Anchor::Last.flags_and_relative(), (1 << 4, 0));
        assert_eq!(Anchor::First.flags_and_relative(), (1 << 3, 0));
        assert_eq!(
            Anchor::AfterProgramId(7).flags_and_relative(),
            ((1 << 4) | (1 << 5), 7)
        );
    }
}
