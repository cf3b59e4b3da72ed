//! Perf-event attachments: a perf event fd carrying a program, attached through
//! `BPF_LINK_CREATE` (`BPF_PERF_EVENT`) or, on kernels without perf links,
//! `PERF_EVENT_IOC_SET_BPF`. Also software sampling events (cpu-clock).

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;

use super::{attach_error, raw_fd, Hook, Link};
use crate::error::{Error, Result};
use crate::programs::AttachType;
use crate::programs::LoadedProgram;
use crate::sys::link::{link_create, LinkCreateAttr};
use crate::sys::perf::{
    perf_event_open, perf_ioctl, PerfEventAttr, IOC_DISABLE, IOC_ENABLE, IOC_SET_BPF,
};

/// `PERF_TYPE_SOFTWARE`.
pub(crate) const PERF_TYPE_SOFTWARE: u32 = 1;
/// `PERF_COUNT_SW_CPU_CLOCK`.
const PERF_COUNT_SW_CPU_CLOCK: u64 = 0;
/// `attr.freq` bit.
const FLAG_FREQ: u64 = 1 << 10;

/// A program attached to a perf event (tracepoint, sampling event, uprobe, kprobe).
/// Dropping it detaches the program and closes the event.
#[derive(Debug)]
pub struct PerfLink {
    link: Option<Link>,
    perf: OwnedFd,
}

impl PerfLink {
    /// The `bpf_link` when the kernel supports perf links (6.18 does), else `None`.
    pub fn link(&self) -> Option<&Link> {
        self.link.as_ref()
    }

    /// The perf event fd.
    pub fn perf_fd(&self) -> BorrowedFd<'_> {
        self.perf.as_fd()
    }

    /// Pins the link on bpffs (the link keeps the perf event alive); errors when the
    /// attachment was made with the ioctl fallback, which cannot be pinned.
    pub fn pin(&self, path: impl AsRef<Path>) -> Result<()> {
        match &self.link {
            Some(l) => l.pin(path),
            None => Err(Error::InvalidArgument(
                "this perf attachment was made with PERF_EVENT_IOC_SET_BPF and cannot be pinned"
                    .into(),
            )),
        }
    }
}

impl Drop for PerfLink {
    fn drop(&mut self) {
        if self.link.is_none() {
            let _ = perf_ioctl(self.perf.as_fd(), IOC_DISABLE, 0);
        }
    }
}

/// Attaches `prog` to an open perf event fd.
pub(crate) fn attach_to_perf_fd(
    prog: &LoadedProgram,
    perf: OwnedFd,
    hook: Hook,
    what: &str,
) -> Result<PerfLink> {
    let attr = LinkCreateAttr {
        prog_fd: raw_fd(prog.as_fd()),
        target: raw_fd(perf.as_fd()),
        attach_type: AttachType::PerfEvent.as_u32(),
        ..Default::default()
    };
    match link_create(&attr) {
        Ok(fd) => Ok(PerfLink {
            link: Some(Link::new(fd, hook)),
            perf,
        }),
        // Kernels before 5.15 have no perf links: fall back to the ioctl.
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) && !prog_type_mismatch(prog, hook) => {
            perf_ioctl(perf.as_fd(), IOC_SET_BPF, prog.as_fd().as_raw_fd())
                .map_err(|e| attach_error(hook, format!("PERF_EVENT_IOC_SET_BPF ({what})"), e))?;
            perf_ioctl(perf.as_fd(), IOC_ENABLE, 0)
                .map_err(|e| attach_error(hook, format!("PERF_EVENT_IOC_ENABLE ({what})"), e))?;
            Ok(PerfLink { link: None, perf })
        }
        Err(e) => Err(attach_error(hook, format!("BPF_LINK_CREATE ({what})"), e)),
    }
}

fn prog_type_mismatch(prog: &LoadedProgram, hook: Hook) -> bool {
    use crate::programs::ProgramType as T;
    let ok = match hook {
        Hook::Tracepoint => matches!(
            prog.prog_type(),
            T::Tracepoint | T::Kprobe | T::RawTracepoint
        ),
        Hook::PerfEvent => prog.prog_type() == T::PerfEvent,
        Hook::Uprobe | Hook::Kprobe => prog.prog_type() == T::Kprobe,
        _ => true,
    };
    !ok
}

/// A software sampling event to run a `perf_event` program on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PerfEventConfig {
    /// `PERF_TYPE_*`.
    pub type_: u32,
    /// Event config (`PERF_COUNT_SW_*` for software events).
    pub config: u64,
    /// Sample frequency in Hz (`freq = true`) or period in events.
    pub sample: u64,
    /// Whether `sample` is a frequency.
    pub freq: bool,
}

impl PerfEventConfig {
    /// `PERF_COUNT_SW_CPU_CLOCK` sampled `hz` times per second.
    pub fn cpu_clock_hz(hz: u64) -> Self {
        PerfEventConfig {
            type_: PERF_TYPE_SOFTWARE,
            config: PERF_COUNT_SW_CPU_CLOCK,
            sample: hz,
            freq: true,
        }
    }
}

impl LoadedProgram {
    /// Attaches this `perf_event` program to a sampling event on `cpu` for all processes
    /// (`pid = None`) or one process.
    pub fn attach_perf_event(
        &self,
        event: PerfEventConfig,
        cpu: u32,
        pid: Option<i32>,
    ) -> Result<PerfLink> {
        let attr = PerfEventAttr {
            type_: event.type_,
            config: event.config,
            sample_period: event.sample,
            flags: if event.freq { FLAG_FREQ } else { 0 },
            ..Default::default()
        };
        let cpu_i = i32::try_from(cpu).map_err(|_| Error::InvalidArgument(format!("cpu {cpu}")))?;
        let fd = perf_event_open(&attr, pid.unwrap_or(-1), cpu_i).map_err(|e| {
            attach_error(Hook::PerfEvent, format!("perf_event_open (cpu {cpu})"), e)
        })?;
        attach_to_perf_fd(
            self,
            fd,
            Hook::PerfEvent,
            &format!("perf event on cpu {cpu}"),
        )
    }
}
