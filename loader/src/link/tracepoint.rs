//! Tracefs tracepoints: the event id from `events/CATEGORY/NAME/id`, a perf event for it,
//! and the program attached to that event.

use std::ffi::CString;
use std::path::{Path, PathBuf};

use super::perf_event::{attach_to_perf_fd, PerfLink};
use super::{attach_error, Hook};
use crate::error::{Error, Result};
use crate::programs::LoadedProgram;
use crate::sys::os::mount_tracefs;
use crate::sys::perf::{perf_event_open, PerfEventAttr};

/// `PERF_TYPE_TRACEPOINT`.
const PERF_TYPE_TRACEPOINT: u32 = 2;

const TRACEFS: &str = "/sys/kernel/tracing";
const DEBUGFS_TRACING: &str = "/sys/kernel/debug/tracing";

/// The tracefs directory, mounting tracefs at `/sys/kernel/tracing` if it is not mounted
/// yet (needs root).
pub fn tracefs_dir() -> Result<PathBuf> {
    for dir in [TRACEFS, DEBUGFS_TRACING] {
        if Path::new(dir).join("events").is_dir() {
            return Ok(PathBuf::from(dir));
        }
    }
    let target =
        CString::new(TRACEFS.as_bytes()).map_err(|_| Error::InvalidArgument(TRACEFS.into()))?;
    mount_tracefs(&target).map_err(|source| Error::Io {
        what: format!("mount -t tracefs nodev {TRACEFS} (tracefs is not mounted)"),
        source,
    })?;
    Ok(PathBuf::from(TRACEFS))
}

fn check_component(what: &str, s: &str) -> Result<()> {
    if s.is_empty() || s.contains('/') || s == "." || s == ".." || s.as_bytes().contains(&0) {
        return Err(Error::InvalidArgument(format!(
            "invalid tracepoint {what} {s:?}"
        )));
    }
    Ok(())
}

/// The perf id of tracepoint `category/name` (e.g. `syscalls`, `sys_enter_getpid`).
pub fn tracepoint_id(category: &str, name: &str) -> Result<u64> {
    check_component("category", category)?;
    check_component("name", name)?;
    let path = tracefs_dir()?
        .join("events")
        .join(category)
        .join(name)
        .join("id");
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        what: format!("read {} (no tracepoint {category}/{name}?)", path.display()),
        source,
    })?;
    text.trim().parse().map_err(|_| {
        Error::InvalidArgument(format!("tracepoint id {:?} is not a number", text.trim()))
    })
}

impl LoadedProgram {
    /// Attaches this `tracepoint` program to `category/name`. The program may read only up
    /// to the event's size (see the tracepoint's `format` file), or the attach fails with
    /// EACCES.
    pub fn attach_tracepoint(&self, category: &str, name: &str) -> Result<PerfLink> {
        let id = tracepoint_id(category, name)?;
        let attr = PerfEventAttr {
            type_: PERF_TYPE_TRACEPOINT,
            config: id,
            sample_period: 1,
            wakeup: 1,
            ..Default::default()
        };
        // pid -1, cpu 0: the program hangs off the tracepoint itself and runs on every CPU.
        let fd = perf_event_open(&attr, -1, 0).map_err(|e| {
            attach_error(
                Hook::Tracepoint,
                format!("perf_event_open (tracepoint {category}/{name})"),
                e,
            )
        })?;
        attach_to_perf_fd(
            self,
            fd,
            Hook::Tracepoint,
            &format!("tracepoint {category}/{name}"),
        )
    }
}
