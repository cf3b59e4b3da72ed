//! The process's RLIMIT_MEMLOCK: read it and set it.

use std::io;

/// A soft (`cur`) and hard (`max`) limit in bytes; [`INFINITY`] means none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rlimit {
    pub(crate) cur: u64,
    pub(crate) max: u64,
}

/// `RLIM_INFINITY`: no limit.
pub(crate) const INFINITY: u64 = libc::RLIM_INFINITY;

/// `getrlimit(RLIMIT_MEMLOCK)`.
pub(crate) fn memlock() -> io::Result<Rlimit> {
    let mut raw = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `raw` is a live `struct rlimit` the call writes into.
    if unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut raw) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Rlimit {
        cur: raw.rlim_cur,
        max: raw.rlim_max,
    })
}

/// `setrlimit(RLIMIT_MEMLOCK)`. Raising `max` needs CAP_SYS_RESOURCE; lowering it is
/// permanent for a process without it.
pub(crate) fn set_memlock(limit: Rlimit) -> io::Result<()> {
    let raw = libc::rlimit {
        rlim_cur: limit.cur,
        rlim_max: limit.max,
    };
    // SAFETY: `raw` is a live `struct rlimit` the call only reads.
    if unsafe { libc::setrlimit(libc::RLIMIT_MEMLOCK, &raw) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
