//! Shared helpers of the kernel tests: skipping (which `EBPF_ASM_NO_SKIP=1` turns into a
//! failure), a private bpffs mount, and fd counting.
#![allow(dead_code)]

pub mod clang;

use std::path::{Path, PathBuf};
use std::process::Command;

// Not every test uses both.
#[allow(unused_imports)]
pub use ebpf_asm_test_support::{have_bpf_privileges, skip};

/// Returns from the calling test (after printing why) unless bpf() is usable.
#[macro_export]
macro_rules! require_root {
    () => {
        if !common::have_bpf_privileges() {
            return;
        }
    };
}

/// Number of entries in /proc/self/fd.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// A private bpffs mounted in a fresh temp dir; unmounted and removed on drop, even when
/// the test fails.
pub struct BpffsMount {
    dir: PathBuf,
}

impl BpffsMount {
    /// Mounts a bpffs; `None` (after `skip`) if mounting is impossible here.
    pub fn new(tag: &str) -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("ebpf-loader-{tag}-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let guard = BpffsMount { dir };
        let ok = Command::new("mount")
            .args(["-t", "bpf", "bpf"])
            .arg(&guard.dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            skip("cannot mount a private bpffs (mount -t bpf)");
            return None;
        }
        Some(guard)
    }

    /// The mount point.
    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for BpffsMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// Whether `tool` can be run.
pub fn have_tool(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip(&format!("{tool} is not installed"));
    }
    ok
}
