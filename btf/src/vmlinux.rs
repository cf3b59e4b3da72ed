//! The running kernel's BTF: `/sys/kernel/btf/vmlinux`, read and parsed once per process,
//! and module BTF (split on top of it) from `/sys/kernel/btf/<module>`.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::btf::Btf;
use crate::error::Result;

/// Where the kernel publishes its own BTF.
pub const VMLINUX_PATH: &str = "/sys/kernel/btf/vmlinux";

/// Where the kernel publishes module BTF, one file per module.
pub const SYSFS_BTF_DIR: &str = "/sys/kernel/btf";

static VMLINUX: OnceLock<Result<Arc<Btf>>> = OnceLock::new();

/// The running kernel's BTF, parsed on the first call; later calls (from any thread)
/// share it. A missing or unreadable file is an error value, returned again each time.
pub fn vmlinux() -> Result<Arc<Btf>> {
    VMLINUX
        .get_or_init(|| Btf::from_file(VMLINUX_PATH).map(Arc::new))
        .clone()
}

/// BTF of the loaded kernel module `name`, split on top of [`vmlinux()`].
pub fn module(name: &str) -> Result<Btf> {
    Btf::from_file_split(Path::new(SYSFS_BTF_DIR).join(name), vmlinux()?)
}
