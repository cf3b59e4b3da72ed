//! Socket filters: `SO_ATTACH_BPF` on any socket, `SO_DETACH_BPF` on drop.

use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use super::{attach_error, Hook};
use crate::error::{Error, Result};
use crate::programs::LoadedProgram;
use crate::programs::ProgramType;
use crate::sys::os::setsockopt_int;

const SO_ATTACH_BPF: libc::c_int = 50;
const SO_DETACH_BPF: libc::c_int = 27;

/// A socket filter attached to a socket; dropping it detaches the filter. It holds a
/// duplicate of the socket's fd, so the socket stays open until the link is dropped.
#[derive(Debug)]
pub struct SocketFilterLink {
    sock: OwnedFd,
}

impl SocketFilterLink {
    /// Detaches now (also done on drop).
    pub fn detach(self) -> Result<()> {
        // Drop repeats the detach, which then fails harmlessly with ENOENT.
        setsockopt_int(self.sock.as_fd(), SO_DETACH_BPF, 0)
            .map_err(|e| attach_error(Hook::SocketFilter, "setsockopt(SO_DETACH_BPF)", e))
    }
}

impl Drop for SocketFilterLink {
    fn drop(&mut self) {
        // ENOENT if already detached (explicit detach, or replaced): nothing to undo.
        let _ = setsockopt_int(self.sock.as_fd(), SO_DETACH_BPF, 0);
    }
}

impl LoadedProgram {
    /// Attaches this socket filter to `socket` (UDP, TCP, raw, packet, ...). A filter
    /// returning 0 drops the packet, a smaller length truncates it.
    pub fn attach_socket_filter(&self, socket: &impl AsFd) -> Result<SocketFilterLink> {
        if self.prog_type() != ProgramType::SocketFilter {
            return Err(Error::InvalidArgument(format!(
                "program `{}` is {}, not socket_filter",
                self.name(),
                self.prog_type().name()
            )));
        }
        let sock = socket
            .as_fd()
            .try_clone_to_owned()
            .map_err(|source| Error::Io {
                what: "dup of the socket fd".into(),
                source,
            })?;
        setsockopt_int(sock.as_fd(), SO_ATTACH_BPF, self.as_fd().as_raw_fd())
            .map_err(|e| attach_error(Hook::SocketFilter, "setsockopt(SO_ATTACH_BPF)", e))?;
        Ok(SocketFilterLink { sock })
    }
}
