//! The `fd_array` of a program load: fds the instructions refer to by index. Kfunc calls
//! into a module name its BTF by index in their `off` field; index 0 means vmlinux there,
//! so entry 0 is never used and module BTFs take 1, 2, ...

use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::Arc;

/// Fds at indices 1.. of a load's `fd_array` (entry 0 is left 0), kept open while the
/// spec lives.
#[derive(Clone, Debug, Default)]
pub struct FdArray {
    fds: Vec<Arc<OwnedFd>>,
}

impl FdArray {
    /// Adds `fd` at the next index and returns it (1 for the first).
    pub fn push(&mut self, fd: Arc<OwnedFd>) -> usize {
        self.fds.push(fd);
        self.fds.len()
    }

    /// Number of fds (not counting entry 0).
    pub fn len(&self) -> usize {
        self.fds.len()
    }

    /// True when no fd is passed.
    pub fn is_empty(&self) -> bool {
        self.fds.is_empty()
    }

    /// The array the kernel reads: empty when no fd is passed, else 0 then each fd.
    pub fn raw(&self) -> Vec<i32> {
        if self.fds.is_empty() {
            return Vec::new();
        }
        std::iter::once(0)
            .chain(self.fds.iter().map(|f| f.as_raw_fd()))
            .collect()
    }
}

/// Two arrays are equal when they hold the same fd numbers in the same order.
impl PartialEq for FdArray {
    fn eq(&self, other: &FdArray) -> bool {
        self.raw() == other.raw()
    }
}

impl Eq for FdArray {}
