//! [`BtfObject`]: BTF loaded into the kernel with `BPF_BTF_LOAD`, shared (through an
//! `Arc`) by the programs and maps that refer to it, and closed with the last of them.
//!
//! A failed load is retried with a log as the verifier-log [`LogPolicy`] says, so the
//! error carries the kernel's reason (which type it refused, and why).

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::Arc;

use super::verifier_log::{BtfLoadError, LogPolicy};
use crate::error::{Error, Result};
use crate::sys::{self, attr::BtfLoadAttr};

/// A BTF object in the kernel. Cloning shares the fd.
#[derive(Clone, Debug)]
pub struct BtfObject {
    fd: Arc<OwnedFd>,
}

impl BtfObject {
    /// Loads a BTF blob (e.g. [`ebpf_btf::Builder::encode`]) with the default log policy.
    pub fn load(blob: &[u8]) -> Result<BtfObject> {
        BtfObject::load_with(blob, &LogPolicy::default())
    }

    /// Loads a BTF blob; a failure is retried with a log (grown on ENOSPC) as `policy`
    /// says, and the error carries that log.
    pub fn load_with(blob: &[u8], policy: &LogPolicy) -> Result<BtfObject> {
        let mut attempt = policy.first(0, 0);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let mut buf = vec![0u8; attempt.size as usize];
            let mut attr = BtfLoadAttr {
                btf_log_level: attempt.level,
                ..Default::default()
            };
            let log = (attempt.size > 0).then_some(buf.as_mut_slice());
            match sys::btf_load(&mut attr, blob, log) {
                Ok(fd) => return Ok(BtfObject { fd: Arc::new(fd) }),
                Err(e) => {
                    let errno = e.raw_os_error().unwrap_or(0);
                    let true_size = attr.btf_log_true_size;
                    if let Some(next) = policy.next(attempt, attempts, errno, true_size) {
                        attempt = next;
                        continue;
                    }
                    return Err(Error::BtfLoad(Box::new(BtfLoadError::new(e, &buf))));
                }
            }
        }
    }

    /// The fd, shared: keeps the object alive as long as the clone lives.
    pub fn shared_fd(&self) -> Arc<OwnedFd> {
        self.fd.clone()
    }
}

impl AsFd for BtfObject {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
