//! What the workspace's tests share: one way to skip a test that needs something this
//! machine lacks (root, LLVM, a tool), which `EBPF_ASM_NO_SKIP=1` (as in CI) turns into a
//! failure so that a green run proves nothing was skipped; and [`layering`], to check
//! that a crate's files import downward and never in a circle.
//!
//! ```
//! fn needs_a_tool() {
//!     if !std::path::Path::new("/bin/sh").exists() {
//!         ebpf_asm_test_support::skip("needs /bin/sh");
//!         return;
//!     }
//!     // ... the test ...
//! }
//! # needs_a_tool();
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod layering;

/// The variable that forbids skipping.
pub const NO_SKIP: &str = "EBPF_ASM_NO_SKIP";

/// Whether skipping is forbidden: `EBPF_ASM_NO_SKIP` is `1`.
pub fn skipping_forbidden() -> bool {
    std::env::var_os(NO_SKIP).is_some_and(|v| v == "1")
}

/// Skips the calling test with `reason` (printed as `SKIPPED: reason`; the caller then
/// returns), or panics with it when skipping is forbidden.
pub fn skip(reason: &str) {
    assert!(
        !skipping_forbidden(),
        "test would be skipped but {NO_SKIP}=1: {reason}"
    );
    eprintln!("SKIPPED: {reason}");
}

/// CAP_SYS_ADMIN and CAP_BPF: bit numbers in the capability sets.
const CAP_SYS_ADMIN: u32 = 21;
const CAP_BPF: u32 = 39;

/// The effective capability set of this process, from /proc/self/status.
fn effective_caps() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("CapEff:"))?;
    u64::from_str_radix(line.trim_start_matches("CapEff:").trim(), 16).ok()
}

/// Whether this process may use bpf() (CAP_BPF or CAP_SYS_ADMIN, as root has); when not,
/// [`skip`]s with the reason, so the caller returns.
pub fn have_bpf_privileges() -> bool {
    let caps = effective_caps().unwrap_or(0);
    let ok = caps & (1 << CAP_BPF) != 0 || caps & (1 << CAP_SYS_ADMIN) != 0;
    if !ok {
        skip("needs CAP_BPF or CAP_SYS_ADMIN (run as root)");
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipping_panics_exactly_when_forbidden() {
        let skipped = std::panic::catch_unwind(|| skip("a reason"));
        assert_eq!(skipped.is_err(), skipping_forbidden());
        if let Err(payload) = skipped {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            assert!(msg.contains("a reason") && msg.contains(NO_SKIP), "{msg}");
        }
    }
}
