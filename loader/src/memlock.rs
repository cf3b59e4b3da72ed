//! RLIMIT_MEMLOCK and the memory of BPF objects. Kernels before 5.11 charge maps and
//! programs to the locked-memory rlimit (often 64 KiB or 8 MiB, so creating a map fails
//! with EPERM); later kernels charge the memory cgroup and ignore the rlimit.
//! [`remove_memlock_rlimit`] raises the limit only where it is still charged, as
//! cilium/ebpf's `rlimit.RemoveMemlock` does.
//!
//! The policy is pure (`accounting_from_probe`, `plan`, unit-tested without a kernel);
//! the mechanism reads and sets the rlimit through `sys` and probes the kernel once per
//! process.

use std::sync::{Mutex, OnceLock};

use crate::error::{Error, Result};
use crate::maps::{MapSpec, MapType};
use crate::sys::rlimit::{self, Rlimit, INFINITY};

/// How the running kernel charges the memory of BPF maps and programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemlockAccounting {
    /// The memory cgroup (Linux 5.11 and later): RLIMIT_MEMLOCK does not matter.
    Memcg,
    /// RLIMIT_MEMLOCK (older kernels): a low limit makes map creation fail with EPERM.
    Rlimit,
}

/// What [`remove_memlock_rlimit`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MemlockOutcome {
    /// Nothing: the kernel charges the memory cgroup, not the rlimit.
    NotNeeded,
    /// Nothing: the limit is already unlimited.
    AlreadyUnlimited,
    /// The limit was raised to unlimited (soft and hard).
    Raised,
}

/// Reads the probe's answer: creating a one-element array map with the soft
/// RLIMIT_MEMLOCK at 0 succeeded (`None`) or failed with `errno`. `None` for an errno
/// that says nothing about accounting (the probe itself failed).
pub(crate) fn accounting_from_probe(errno: Option<i32>) -> Option<MemlockAccounting> {
    match errno {
        None => Some(MemlockAccounting::Memcg),
        Some(libc::EPERM) => Some(MemlockAccounting::Rlimit),
        Some(_) => None,
    }
}

/// What to do with the current limit `(soft, hard)` under `accounting`. Pure.
pub(crate) fn plan(accounting: MemlockAccounting, cur: u64, max: u64) -> MemlockOutcome {
    match accounting {
        MemlockAccounting::Memcg => MemlockOutcome::NotNeeded,
        MemlockAccounting::Rlimit if cur == INFINITY && max == INFINITY => {
            MemlockOutcome::AlreadyUnlimited
        }
        MemlockAccounting::Rlimit => MemlockOutcome::Raised,
    }
}

/// Serialises the probe and the raise: the probe lowers the soft limit for a moment.
static LOCK: Mutex<()> = Mutex::new(());

/// Raises RLIMIT_MEMLOCK to unlimited if, and only if, this kernel still charges BPF
/// memory to it; call it once before creating maps (a no-op on Linux 5.11 and later).
///
/// Raising the hard limit needs CAP_SYS_RESOURCE; without it the error says so (raise
/// `ulimit -l` before starting instead). To find out how memory is charged, the first
/// call creates a one-element array map with the soft limit at 0 for a moment (the hard
/// limit is kept, so restoring it is always allowed), as cilium/ebpf does: on an old
/// kernel another thread that creates a map during that moment may get EPERM.
///
/// ```no_run
/// let outcome = ebpf_loader::remove_memlock_rlimit()?;
/// println!("{outcome:?}"); // NotNeeded on Linux 5.11 and later
/// # Ok::<(), ebpf_loader::Error>(())
/// ```
pub fn remove_memlock_rlimit() -> Result<MemlockOutcome> {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let accounting = detect()?;
    let limit = rlimit::memlock().map_err(io("reading RLIMIT_MEMLOCK"))?;
    let outcome = plan(accounting, limit.cur, limit.max);
    if outcome == MemlockOutcome::Raised {
        let unlimited = Rlimit {
            cur: INFINITY,
            max: INFINITY,
        };
        rlimit::set_memlock(unlimited).map_err(io(
            "raising RLIMIT_MEMLOCK to unlimited (needs CAP_SYS_RESOURCE; or run \
             `ulimit -l unlimited` before starting)",
        ))?;
    }
    Ok(outcome)
}

/// How this kernel charges BPF memory, probed once per process.
pub fn memlock_accounting() -> Result<MemlockAccounting> {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    detect()
}

fn detect() -> Result<MemlockAccounting> {
    static DETECTED: OnceLock<MemlockAccounting> = OnceLock::new();
    if let Some(a) = DETECTED.get() {
        return Ok(*a);
    }
    let a = probe()?;
    Ok(*DETECTED.get_or_init(|| a))
}

/// Creates a tiny map with the soft limit at 0, then restores the limit.
fn probe() -> Result<MemlockAccounting> {
    let old = rlimit::memlock().map_err(io("reading RLIMIT_MEMLOCK"))?;
    rlimit::set_memlock(Rlimit {
        cur: 0,
        max: old.max,
    })
    .map_err(io("lowering RLIMIT_MEMLOCK for the accounting probe"))?;
    let created = MapSpec::new(MapType::Array, 4, 4, 1).create();
    rlimit::set_memlock(old).map_err(io("restoring RLIMIT_MEMLOCK after the probe"))?;
    match created {
        Ok(_) => Ok(MemlockAccounting::Memcg),
        Err(e) => accounting_from_probe(e.errno()).ok_or(Error::Context {
            what: "probing whether BPF memory is charged to RLIMIT_MEMLOCK".into(),
            source: Box::new(e),
        }),
    }
}

fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io {
        what: what.into(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_answer_says_how_memory_is_charged() {
        assert_eq!(accounting_from_probe(None), Some(MemlockAccounting::Memcg));
        assert_eq!(
            accounting_from_probe(Some(libc::EPERM)),
            Some(MemlockAccounting::Rlimit)
        );
        assert_eq!(accounting_from_probe(Some(libc::EINVAL)), None);
    }

    #[test]
    fn the_limit_is_raised_only_where_it_is_charged_and_finite() {
        use MemlockAccounting::*;
        let kib64 = 64 * 1024;
        assert_eq!(plan(Memcg, kib64, kib64), MemlockOutcome::NotNeeded);
        assert_eq!(plan(Memcg, 0, 0), MemlockOutcome::NotNeeded);
        assert_eq!(plan(Rlimit, kib64, kib64), MemlockOutcome::Raised);
        assert_eq!(plan(Rlimit, kib64, INFINITY), MemlockOutcome::Raised);
        assert_eq!(
            plan(Rlimit, INFINITY, INFINITY),
            MemlockOutcome::AlreadyUnlimited
        );
    }
}
