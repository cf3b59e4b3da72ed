//! [`BtfCache`]: one kernel BTF object per distinct blob while a collection loads.
//!
//! The programs and maps of a clang object all carry the object's `.BTF`: loaded one by
//! one, each would get its own copy in the kernel (`bpftool btf list` would show one per
//! program and map). libbpf loads an object's BTF once; so does a collection, by loading
//! through this cache. Only successful loads are kept: a blob the kernel refuses is
//! retried by the next user, which then reports (or falls back) on its own.

use std::cell::RefCell;

use super::btf_object::BtfObject;
use super::verifier_log::LogPolicy;
use crate::error::Result;

/// BTF objects loaded so far, by their blob's bytes.
#[derive(Debug, Default)]
pub(crate) struct BtfCache {
    loaded: RefCell<Vec<(Vec<u8>, BtfObject)>>,
}

impl BtfCache {
    /// The object loaded from `blob`: the one loaded before from the same bytes, or a new
    /// one (loaded with `policy`).
    pub(crate) fn load(&self, blob: &[u8], policy: &LogPolicy) -> Result<BtfObject> {
        if let Some((_, obj)) = self.loaded.borrow().iter().find(|(b, _)| b == blob) {
            return Ok(obj.clone());
        }
        let obj = BtfObject::load_with(blob, policy)?;
        self.loaded.borrow_mut().push((blob.to_vec(), obj.clone()));
        Ok(obj)
    }
}
