//! Registering an owned fd with tokio's reactor (feature `tokio`).

use std::io;
use std::os::fd::OwnedFd;

use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

/// Registers `fd` for readability with the current tokio runtime.
pub(crate) fn register_readable(fd: OwnedFd) -> io::Result<AsyncFd<OwnedFd>> {
    // SAFETY: an `OwnedFd` is open for as long as it lives, its `as_raw_fd` always returns
    // the same descriptor, and it is moved into the `AsyncFd`, which owns it until dropped.
    unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) }.map_err(|e| e.into())
}
