//! Kernel-wide ids: iterate over the ids of loaded programs and maps, open an fd by id.

use std::os::fd::OwnedFd;

use crate::error::{Error, Result};
use crate::sys::{self, Cmd};

/// Which kind of kernel object an id refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjKind {
    /// A program.
    Program,
    /// A map.
    Map,
    /// A BTF object (vmlinux, a module's, or one loaded with `BPF_BTF_LOAD`).
    Btf,
}

/// Opens a new fd for the object with kernel id `id`.
pub fn fd_by_id(kind: ObjKind, id: u32) -> Result<OwnedFd> {
    let cmd = match kind {
        ObjKind::Program => Cmd::ProgGetFdById,
        ObjKind::Map => Cmd::MapGetFdById,
        ObjKind::Btf => Cmd::BtfGetFdById,
    };
    sys::get_fd_by_id(cmd, id, 0).map_err(|e| Error::kernel(cmd, e))
}

/// Iterates over the ids of all loaded objects of one kind (`BPF_*_GET_NEXT_ID`).
pub fn ids(kind: ObjKind) -> Ids {
    Ids {
        kind,
        next: 0,
        done: false,
    }
}

/// Iterator over object ids, from [`ids`].
#[derive(Debug)]
pub struct Ids {
    kind: ObjKind,
    next: u32,
    done: bool,
}

impl Iterator for Ids {
    type Item = Result<u32>;

    fn next(&mut self) -> Option<Result<u32>> {
        if self.done {
            return None;
        }
        let cmd = match self.kind {
            ObjKind::Program => Cmd::ProgGetNextId,
            ObjKind::Map => Cmd::MapGetNextId,
            ObjKind::Btf => Cmd::BtfGetNextId,
        };
        match sys::get_next_id(cmd, self.next) {
            Ok(Some(id)) => {
                self.next = id;
                Some(Ok(id))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(Error::kernel(cmd, e)))
            }
        }
    }
}

/// An fd of the kernel's own BTF named `name`: `vmlinux`, or a module's (as in
/// `/sys/kernel/btf/<name>`), found by walking the BTF ids.
pub fn kernel_btf_fd(name: &str) -> Result<OwnedFd> {
    for id in ids(ObjKind::Btf) {
        let fd = match fd_by_id(ObjKind::Btf, id?) {
            Ok(fd) => fd,
            // Freed between the two calls.
            Err(e) if e.errno() == Some(libc::ENOENT) => continue,
            Err(e) => return Err(e),
        };
        let (_, found, kernel) = sys::btf_name(std::os::fd::AsFd::as_fd(&fd))
            .map_err(|e| Error::kernel(Cmd::ObjGetInfoByFd, e))?;
        if kernel && found == name {
            return Ok(fd);
        }
    }
    Err(Error::InvalidArgument(format!(
        "the kernel has no BTF named `{name}` (see /sys/kernel/btf: is the module loaded?)"
    )))
}
