//! Small libc wrappers the attach code needs: socket options, interface indexes, mounting
//! tracefs.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

fn check(ret: libc::c_int) -> io::Result<()> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// `setsockopt(sock, SOL_SOCKET, opt, &value, 4)` with an `int` value.
pub(crate) fn setsockopt_int(sock: BorrowedFd<'_>, opt: libc::c_int, value: i32) -> io::Result<()> {
    // SAFETY: the option value is a live `c_int` whose size is passed alongside.
    check(unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            opt,
            (&value as *const i32).cast(),
            size_of::<i32>() as libc::socklen_t,
        )
    })
}

/// `if_nametoindex`; `None` when there is no such interface in this network namespace.
pub(crate) fn if_nametoindex(name: &CStr) -> Option<u32> {
    // SAFETY: `name` is a NUL-terminated string; the call only reads it.
    let idx = unsafe { libc::if_nametoindex(name.as_ptr()) };
    (idx != 0).then_some(idx)
}

/// `mount("nodev", target, "tracefs", 0, NULL)`.
pub(crate) fn mount_tracefs(target: &CStr) -> io::Result<()> {
    // SAFETY: all strings are NUL-terminated and only read; no data argument.
    check(unsafe {
        libc::mount(
            c"nodev".as_ptr(),
            target.as_ptr(),
            c"tracefs".as_ptr(),
            0,
            std::ptr::null(),
        )
    })
}
