//! cgroup v2 hooks (cgroup_skb, cgroup_sock, cgroup_sock_addr, ...) via `BPF_LINK_CREATE`
//! on a cgroup directory fd.

use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;

use super::{link_create, raw_fd, Hook, Link};
use crate::error::{Error, Result};
use crate::programs::AttachType;
use crate::programs::LoadedProgram;
use crate::sys::link::LinkCreateAttr;

/// Where a cgroup v2 hierarchy is commonly mounted, in the order they are tried by tests
/// and tools (`/sys/fs/cgroup` itself is v2 on systemd-unified hosts).
pub const CGROUP2_MOUNTS: &[&str] = &["/sys/fs/cgroup/unified", "/sys/fs/cgroup"];

impl LoadedProgram {
    /// Attaches this program to the cgroup v2 directory `cgroup` at `attach_type`
    /// (e.g. [`AttachType::CgroupInetIngress`]); programs of all processes in the cgroup
    /// and its descendants are affected.
    pub fn attach_cgroup(&self, cgroup: impl AsRef<Path>, attach_type: AttachType) -> Result<Link> {
        let path = cgroup.as_ref();
        let dir = File::open(path).map_err(|source| Error::Io {
            what: format!("open cgroup {}", path.display()),
            source,
        })?;
        self.attach_cgroup_fd(dir.as_fd(), attach_type)
    }

    /// Like [`attach_cgroup`](Self::attach_cgroup) with an open cgroup directory fd.
    pub fn attach_cgroup_fd(
        &self,
        cgroup: BorrowedFd<'_>,
        attach_type: AttachType,
    ) -> Result<Link> {
        let attr = LinkCreateAttr {
            prog_fd: raw_fd(self.as_fd()),
            target: raw_fd(cgroup),
            attach_type: attach_type.as_u32(),
            ..Default::default()
        };
        link_create(
            Hook::Cgroup,
            || format!("cgroup {}", attach_type.name()),
            &attr,
        )
    }
}
