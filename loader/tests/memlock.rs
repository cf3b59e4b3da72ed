//! RLIMIT_MEMLOCK on this kernel: BPF memory is charged to the memory cgroup, so
//! `remove_memlock_rlimit` leaves the limit alone (and its probe restores it).

mod common;

use ebpf_loader::{memlock_accounting, remove_memlock_rlimit, MemlockAccounting, MemlockOutcome};

/// The "Max locked memory" line of /proc/self/limits.
fn memlock_line() -> String {
    let limits = std::fs::read_to_string("/proc/self/limits").expect("read /proc/self/limits");
    limits
        .lines()
        .find(|l| l.starts_with("Max locked memory"))
        .expect("a memlock line")
        .to_owned()
}

#[test]
fn a_memcg_kernel_needs_no_raise_and_keeps_its_limit() {
    require_root!();
    let before = memlock_line();
    let accounting = memlock_accounting().expect("the probe runs");
    assert_eq!(
        accounting,
        MemlockAccounting::Memcg,
        "Linux 5.11+ charges the memory cgroup"
    );
    let outcome = remove_memlock_rlimit().expect("nothing to do");
    assert_eq!(outcome, MemlockOutcome::NotNeeded);
    assert_eq!(memlock_line(), before, "the probe restores the limit");
}
