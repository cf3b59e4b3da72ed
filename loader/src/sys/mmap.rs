//! A shared memory mapping of a map (`BPF_F_MMAPABLE` arrays, ring buffers).

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::ptr::NonNull;

/// An owned `mmap` of a BPF map, unmapped on drop. The kernel and BPF programs may write
/// the memory at any time, so it is only reached through volatile byte copies, never as a
/// Rust reference.
#[derive(Debug)]
pub(crate) struct Mmap {
    ptr: NonNull<u8>,
    len: usize,
    writable: bool,
}

// SAFETY: the mapping is plain shared memory, only accessed through volatile copies; it
// may be used and dropped from any thread.
unsafe impl Send for Mmap {}
// SAFETY: as above; `&Mmap` only allows reads, writes take `&mut self`.
unsafe impl Sync for Mmap {}

impl Mmap {
    /// Maps `len` bytes of `fd` at `offset` (a multiple of the page size), shared.
    pub(crate) fn new(
        fd: BorrowedFd<'_>,
        len: usize,
        offset: usize,
        writable: bool,
    ) -> io::Result<Self> {
        if len == 0 {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        let prot = if writable {
            libc::PROT_READ | libc::PROT_WRITE
        } else {
            libc::PROT_READ
        };
        let off = libc::off_t::try_from(offset)
            .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
        // SAFETY: a fresh mapping at an address the kernel picks; no existing memory is
        // affected. The result is checked against MAP_FAILED.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                prot,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                off,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = NonNull::new(p.cast::<u8>()).ok_or_else(|| io::Error::other("mmap gave NULL"))?;
        Ok(Mmap { ptr, len, writable })
    }

    /// Start of the mapping, for the atomic and borrowed views in `sys::ring`.
    #[inline]
    pub(crate) fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// Whether the mapping was made writable.
    #[inline]
    pub(crate) fn is_writable(&self) -> bool {
        self.writable
    }

    /// Length of the mapping in bytes.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Copies `out.len()` bytes starting at `offset` into `out`; `false` if out of range.
    pub(crate) fn read(&self, offset: usize, out: &mut [u8]) -> bool {
        if offset
            .checked_add(out.len())
            .is_none_or(|end| end > self.len)
        {
            return false;
        }
        for (i, b) in out.iter_mut().enumerate() {
            // SAFETY: `offset + i < self.len`, inside the live mapping; volatile because
            // other parties write it concurrently.
            *b = unsafe { self.ptr.as_ptr().add(offset + i).read_volatile() };
        }
        true
    }

    /// Copies `data` to `offset`; `false` if out of range or the mapping is read-only.
    pub(crate) fn write(&mut self, offset: usize, data: &[u8]) -> bool {
        if !self.writable
            || offset
                .checked_add(data.len())
                .is_none_or(|end| end > self.len)
        {
            return false;
        }
        for (i, b) in data.iter().enumerate() {
            // SAFETY: in range of the live, writable mapping (checked above).
            unsafe { self.ptr.as_ptr().add(offset + i).write_volatile(*b) };
        }
        true
    }
}

impl Drop for Mmap {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` describe a mapping this value created and still owns.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}
