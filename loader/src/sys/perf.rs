//! `perf_event_open(2)` and the perf ioctls (enable, disable, attach a BPF program).

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// `struct perf_event_attr`, `PERF_ATTR_SIZE_VER8` (136 bytes); padding explicit.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PerfEventAttr {
    pub(crate) type_: u32,
    pub(crate) size: u32,
    pub(crate) config: u64,
    /// `sample_period` or `sample_freq` (with the `freq` flag).
    pub(crate) sample_period: u64,
    pub(crate) sample_type: u64,
    pub(crate) read_format: u64,
    /// The bit fields (`disabled` = bit 0, `freq` = bit 10, `watermark` = bit 14, ...).
    pub(crate) flags: u64,
    /// `wakeup_events` or `wakeup_watermark`.
    pub(crate) wakeup: u32,
    pub(crate) bp_type: u32,
    /// `config1`: `kprobe_func`/`uprobe_path` (a pointer to a C string).
    pub(crate) config1: u64,
    /// `config2`: probe offset.
    pub(crate) config2: u64,
    pub(crate) branch_sample_type: u64,
    pub(crate) sample_regs_user: u64,
    pub(crate) sample_stack_user: u32,
    pub(crate) clockid: i32,
    pub(crate) sample_regs_intr: u64,
    pub(crate) aux_watermark: u32,
    pub(crate) sample_max_stack: u16,
    pub(crate) _reserved2: u16,
    pub(crate) aux_sample_size: u32,
    pub(crate) _reserved3: u32,
    pub(crate) sig_data: u64,
    pub(crate) config3: u64,
}

/// `PERF_ATTR_SIZE_VER8`.
pub(crate) const PERF_ATTR_SIZE: u32 = 136;
const _: () = assert!(size_of::<PerfEventAttr>() == PERF_ATTR_SIZE as usize);

/// `PERF_EVENT_IOC_ENABLE`.
pub(crate) const IOC_ENABLE: libc::c_ulong = 0x2400;
/// `PERF_EVENT_IOC_DISABLE`.
pub(crate) const IOC_DISABLE: libc::c_ulong = 0x2401;
/// `PERF_EVENT_IOC_SET_BPF` (`_IOW('$', 8, __u32)`).
pub(crate) const IOC_SET_BPF: libc::c_ulong = 0x4004_2408;

/// `perf_event_open(attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC)`. `attr.size` is set here;
/// any pointer in `config1` must stay valid for the call (the caller keeps it alive).
pub(crate) fn perf_event_open(attr: &PerfEventAttr, pid: i32, cpu: i32) -> io::Result<OwnedFd> {
    const PERF_FLAG_FD_CLOEXEC: libc::c_ulong = 1 << 3;
    let mut a = *attr;
    a.size = PERF_ATTR_SIZE;
    loop {
        // SAFETY: `a` is a valid perf_event_attr of the size written in `a.size`; the
        // kernel only reads it (and the C string `config1` may point to, kept alive by
        // the caller for the duration of the call).
        let ret = unsafe {
            libc::syscall(
                libc::SYS_perf_event_open,
                &a as *const PerfEventAttr,
                pid,
                cpu,
                -1 as libc::c_int,
                PERF_FLAG_FD_CLOEXEC,
            )
        };
        if ret >= 0 {
            let fd = i32::try_from(ret).map_err(|_| io::Error::from_raw_os_error(libc::EBADF))?;
            // SAFETY: the kernel just returned this new descriptor; nothing else owns it.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINTR) {
            return Err(err);
        }
    }
}

/// A perf ioctl with an integer argument (`IOC_ENABLE`, `IOC_DISABLE`, `IOC_SET_BPF`).
pub(crate) fn perf_ioctl(fd: BorrowedFd<'_>, request: libc::c_ulong, arg: i32) -> io::Result<()> {
    // SAFETY: the perf ioctls used here take an integer argument by value and touch no
    // user memory.
    let ret = unsafe { libc::ioctl(fd.as_raw_fd(), request, arg as libc::c_ulong) };
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    #[test]
    fn layout_matches_the_uapi() {
        assert_eq!(offset_of!(PerfEventAttr, flags), 40);
        assert_eq!(offset_of!(PerfEventAttr, config1), 56);
        assert_eq!(offset_of!(PerfEventAttr, config2), 64);
        assert_eq!(offset_of!(PerfEventAttr, sample_regs_intr), 96);
        assert_eq!(offset_of!(PerfEventAttr, config3), 128);
    }
}
