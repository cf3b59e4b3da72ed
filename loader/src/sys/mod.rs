//! The one place with `unsafe`: the bpf() syscall, mmap/munmap, statfs and byte views of
//! plain-old-data.
//!
//! Every function here derives the pointers it hands the kernel from Rust slices and
//! checks their lengths, so the safe layer above cannot make the kernel write out of
//! bounds. File descriptors come back as [`OwnedFd`].

#[cfg(feature = "tokio")]
pub(crate) mod async_fd;
pub(crate) mod attr;
mod cmd;
pub(crate) mod epoll;
mod generated;
pub(crate) mod link;
mod map;
mod mmap;
pub(crate) mod os;
pub(crate) mod perf;
pub(crate) mod ring;
pub(crate) mod rlimit;

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

pub use cmd::Cmd;
pub(crate) use map::*;
pub(crate) use mmap::Mmap;

use attr::{
    AttrStruct, BtfInfoRaw, BtfLoadAttr, IdAttr, InfoAttr, InfoStruct, ObjAttr, ProgInfoRaw,
    ProgLoadAttr, TestRunAttr, ATTR_SIZE,
};

/// How often `BPF_PROG_LOAD` is retried when the kernel says EAGAIN (libbpf uses 5).
const PROG_LOAD_EAGAIN_RETRIES: u32 = 5;

/// The `bpf_attr` union: a zeroed, 8-byte aligned 168-byte buffer.
#[repr(C, align(8))]
struct AttrBuf([u8; ATTR_SIZE]);

/// Whether `cmd` is issued again when bpf() returns EINTR. A signal interrupts only
/// `BPF_PROG_TEST_RUN` in practice (the verifier answers a pending signal with EAGAIN),
/// and the kernel does not resume a test run: issuing it again starts every repetition
/// over, so under a steady timer signal a long run never ended. It reports EINTR instead.
fn retries_eintr(cmd: Cmd) -> bool {
    !matches!(cmd, Cmd::ProgTestRun)
}

/// Issues one bpf() command, retrying EINTR where [`retries_eintr`] says so (and EAGAIN
/// `eagain_retries` times).
///
/// `attr` is copied into a zeroed 168-byte buffer so fields this crate does not know are
/// zero, and copied back afterwards so the caller sees what the kernel wrote.
fn bpf<A: AttrStruct>(cmd: Cmd, attr: &mut A, eagain_retries: u32) -> io::Result<i64> {
    let mut buf = AttrBuf([0; ATTR_SIZE]);
    let size = size_of::<A>();
    // SAFETY: `A: AttrStruct` is plain integers without padding and at most ATTR_SIZE
    // bytes, so reading its bytes is fine and they fit in `buf`.
    unsafe {
        std::ptr::copy_nonoverlapping((attr as *const A).cast::<u8>(), buf.0.as_mut_ptr(), size)
    };
    let mut eagain_left = eagain_retries;
    let result = loop {
        // SAFETY: `buf` is a valid, writable bpf_attr of the size we pass; every pointer
        // inside it was derived by the callers in this module from live slices whose
        // lengths were written next to them.
        let ret = unsafe {
            libc::syscall(
                libc::SYS_bpf,
                cmd as libc::c_int,
                buf.0.as_mut_ptr(),
                ATTR_SIZE as u32,
            )
        };
        if ret >= 0 {
            break Ok(ret);
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINTR) if retries_eintr(cmd) => continue,
            Some(libc::EAGAIN) if eagain_left > 0 => eagain_left -= 1,
            _ => break Err(err),
        }
    };
    // SAFETY: same sizes as above; any bit pattern is a valid `A`.
    unsafe { std::ptr::copy_nonoverlapping(buf.0.as_ptr(), (attr as *mut A).cast::<u8>(), size) };
    result
}

/// Wraps a file descriptor returned by a successful bpf() command.
fn owned_fd(ret: i64) -> io::Result<OwnedFd> {
    let fd = i32::try_from(ret).map_err(|_| io::Error::from_raw_os_error(libc::EBADF))?;
    // SAFETY: the kernel just returned this new descriptor and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn fd_u32(fd: BorrowedFd<'_>) -> u32 {
    fd.as_raw_fd() as u32
}

fn ptr<T>(s: &[T]) -> u64 {
    if s.is_empty() {
        0
    } else {
        s.as_ptr() as u64
    }
}

fn ptr_mut<T>(s: &mut [T]) -> u64 {
    if s.is_empty() {
        0
    } else {
        s.as_mut_ptr() as u64
    }
}

fn einval() -> io::Error {
    io::Error::from_raw_os_error(libc::EINVAL)
}

/// A program's BTF for `BPF_PROG_LOAD`: the loaded BTF object and the records that point
/// into it (`bpf_func_info`: 8 bytes each, `bpf_line_info`: 16 bytes each).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ProgBtfExt<'a> {
    /// The fd `BPF_BTF_LOAD` returned.
    pub(crate) btf_fd: BorrowedFd<'a>,
    /// `bpf_func_info` records.
    pub(crate) func_info: &'a [u8],
    /// `bpf_line_info` records.
    pub(crate) line_info: &'a [u8],
}

/// Size of one `bpf_func_info` record (`insn_off`, `type_id`).
pub(crate) const FUNC_INFO_REC_SIZE: usize = 8;
/// Size of one `bpf_line_info` record (`insn_off`, `file_name_off`, `line_off`, `line_col`).
pub(crate) const LINE_INFO_REC_SIZE: usize = 16;

/// `BPF_BTF_LOAD`: loads a BTF blob; the log buffer (if any) receives the kernel's
/// complaints. The kernel's `btf_log_true_size` is left in `attr`.
pub(crate) fn btf_load(
    attr: &mut BtfLoadAttr,
    blob: &[u8],
    log: Option<&mut [u8]>,
) -> io::Result<OwnedFd> {
    attr.btf = ptr(blob);
    attr.btf_size = u32::try_from(blob.len()).map_err(|_| einval())?;
    match log {
        Some(buf) if !buf.is_empty() => {
            attr.btf_log_size = u32::try_from(buf.len()).map_err(|_| einval())?;
            attr.btf_log_buf = buf.as_mut_ptr() as u64;
        }
        _ => {
            attr.btf_log_size = 0;
            attr.btf_log_buf = 0;
        }
    }
    attr.btf_log_true_size = 0;
    owned_fd(bpf(Cmd::BtfLoad, attr, 0)?)
}

/// `BPF_PROG_LOAD`. The instruction, license, log and BTF record pointers are set here
/// from the slices; pointer fields this crate does not support are forced to zero. The
/// kernel's `log_true_size` is left in `attr`.
pub(crate) fn prog_load(
    attr: &mut ProgLoadAttr,
    insns: &[u8],
    license: &CStr,
    log: Option<&mut [u8]>,
    btf: Option<ProgBtfExt<'_>>,
    fd_array: &[i32],
) -> io::Result<OwnedFd> {
    if !insns.len().is_multiple_of(8) {
        return Err(einval());
    }
    attr.insns = ptr(insns);
    attr.insn_cnt = u32::try_from(insns.len() / 8).map_err(|_| einval())?;
    attr.license = license.as_ptr() as u64;
    match log {
        Some(buf) if !buf.is_empty() => {
            attr.log_size = u32::try_from(buf.len()).map_err(|_| einval())?;
            attr.log_buf = buf.as_mut_ptr() as u64;
        }
        _ => {
            attr.log_size = 0;
            attr.log_buf = 0;
        }
    }
    match btf {
        Some(b)
            if b.func_info.len().is_multiple_of(FUNC_INFO_REC_SIZE)
                && b.line_info.len().is_multiple_of(LINE_INFO_REC_SIZE) =>
        {
            attr.prog_btf_fd = fd_u32(b.btf_fd);
            attr.func_info_rec_size = FUNC_INFO_REC_SIZE as u32;
            attr.func_info = ptr(b.func_info);
            attr.func_info_cnt =
                u32::try_from(b.func_info.len() / FUNC_INFO_REC_SIZE).map_err(|_| einval())?;
            attr.line_info_rec_size = LINE_INFO_REC_SIZE as u32;
            attr.line_info = ptr(b.line_info);
            attr.line_info_cnt =
                u32::try_from(b.line_info.len() / LINE_INFO_REC_SIZE).map_err(|_| einval())?;
        }
        Some(_) => return Err(einval()),
        None => {
            attr.prog_btf_fd = 0;
            attr.func_info = 0;
            attr.func_info_cnt = 0;
            attr.func_info_rec_size = 0;
            attr.line_info = 0;
            attr.line_info_cnt = 0;
            attr.line_info_rec_size = 0;
        }
    }
    // Read by the kernel at the indices the instructions name (kfunc module BTFs).
    attr.fd_array = if fd_array.is_empty() {
        0
    } else {
        ptr(fd_array)
    };
    attr.core_relos = 0;
    attr.signature = 0;
    attr.log_true_size = 0;
    owned_fd(bpf(Cmd::ProgLoad, attr, PROG_LOAD_EAGAIN_RETRIES)?)
}

/// Buffers of one `BPF_PROG_TEST_RUN`.
pub(crate) struct TestRunBufs<'a> {
    pub(crate) data_in: &'a [u8],
    pub(crate) data_out: Option<&'a mut [u8]>,
    /// Mutable: syscall programs write their results back into `ctx_in`.
    pub(crate) ctx_in: &'a mut [u8],
    pub(crate) ctx_out: Option<&'a mut [u8]>,
}

/// `BPF_PROG_TEST_RUN`; the buffer pointers and sizes in `attr` are set from `bufs`.
/// On return `attr` holds retval, duration and the output sizes the kernel wrote.
pub(crate) fn prog_test_run(attr: &mut TestRunAttr, bufs: TestRunBufs<'_>) -> io::Result<()> {
    let len = |n: usize| u32::try_from(n).map_err(|_| einval());
    attr.data_in = ptr(bufs.data_in);
    attr.data_size_in = len(bufs.data_in.len())?;
    match bufs.data_out {
        Some(out) => {
            attr.data_size_out = len(out.len())?;
            attr.data_out = ptr_mut(out);
        }
        None => (attr.data_size_out, attr.data_out) = (0, 0),
    }
    attr.ctx_in = ptr_mut(bufs.ctx_in);
    attr.ctx_size_in = len(bufs.ctx_in.len())?;
    match bufs.ctx_out {
        Some(out) => {
            attr.ctx_size_out = len(out.len())?;
            attr.ctx_out = ptr_mut(out);
        }
        None => (attr.ctx_size_out, attr.ctx_out) = (0, 0),
    }
    bpf(Cmd::ProgTestRun, attr, 0).map(drop)
}

/// `BPF_OBJ_PIN`.
pub(crate) fn obj_pin(fd: BorrowedFd<'_>, path: &CStr) -> io::Result<()> {
    let mut a = ObjAttr {
        pathname: path.as_ptr() as u64,
        bpf_fd: fd_u32(fd),
        ..Default::default()
    };
    bpf(Cmd::ObjPin, &mut a, 0).map(drop)
}

/// `BPF_OBJ_GET` with `file_flags` (`BPF_F_RDONLY`, `BPF_F_WRONLY` or 0).
pub(crate) fn obj_get(path: &CStr, file_flags: u32) -> io::Result<OwnedFd> {
    let mut a = ObjAttr {
        pathname: path.as_ptr() as u64,
        file_flags,
        ..Default::default()
    };
    owned_fd(bpf(Cmd::ObjGet, &mut a, 0)?)
}

/// `BPF_*_GET_NEXT_ID`: the next id after `start`, or `None` at the end.
pub(crate) fn get_next_id(cmd: Cmd, start: u32) -> io::Result<Option<u32>> {
    let mut a = IdAttr {
        id: start,
        ..Default::default()
    };
    match bpf(cmd, &mut a, 0) {
        Ok(_) => Ok(Some(a.next_id)),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `BPF_*_GET_FD_BY_ID`.
pub(crate) fn get_fd_by_id(cmd: Cmd, id: u32, open_flags: u32) -> io::Result<OwnedFd> {
    let mut a = IdAttr {
        id,
        open_flags,
        ..Default::default()
    };
    owned_fd(bpf(cmd, &mut a, 0)?)
}

/// `BPF_OBJ_GET_INFO_BY_FD` into a zeroed info struct (no output pointers set).
pub(crate) fn obj_info<T: InfoStruct>(fd: BorrowedFd<'_>) -> io::Result<T> {
    let mut info = T::default();
    let mut a = InfoAttr {
        bpf_fd: fd_u32(fd),
        info_len: size_of::<T>() as u32,
        info: (&mut info as *mut T) as u64,
    };
    bpf(Cmd::ObjGetInfoByFd, &mut a, 0)?;
    Ok(info)
}

/// A BTF object's id, name (e.g. `vmlinux`, a module's name) and whether it is the
/// kernel's own (`kernel_btf`), from `BPF_OBJ_GET_INFO_BY_FD`.
pub(crate) fn btf_name(fd: BorrowedFd<'_>) -> io::Result<(u32, String, bool)> {
    // Module names are at most MODULE_NAME_LEN (56) bytes; vmlinux is shorter.
    let mut name = [0u8; 64];
    let mut info = BtfInfoRaw {
        name: name.as_mut_ptr() as u64,
        name_len: name.len() as u32,
        ..Default::default()
    };
    let mut a = InfoAttr {
        bpf_fd: fd_u32(fd),
        info_len: size_of::<BtfInfoRaw>() as u32,
        info: (&mut info as *mut BtfInfoRaw) as u64,
    };
    // The kernel writes at most `name_len` bytes to `name`, which lives until the call
    // returns; `btf` is 0, so it copies no BTF data.
    bpf(Cmd::ObjGetInfoByFd, &mut a, 0)?;
    let len = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    let text = String::from_utf8_lossy(&name[..len]).into_owned();
    Ok((info.id, text, info.kernel_btf != 0))
}

/// Copies a program's translated instructions into `buf`; returns the full length the
/// kernel has (which may exceed `buf.len()`).
pub(crate) fn prog_xlated_insns(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    let mut info = ProgInfoRaw {
        xlated_prog_len: u32::try_from(buf.len()).map_err(|_| einval())?,
        xlated_prog_insns: ptr_mut(buf),
        ..Default::default()
    };
    let mut a = InfoAttr {
        bpf_fd: fd_u32(fd),
        info_len: size_of::<ProgInfoRaw>() as u32,
        info: (&mut info as *mut ProgInfoRaw) as u64,
    };
    bpf(Cmd::ObjGetInfoByFd, &mut a, 0)?;
    Ok(info.xlated_prog_len as usize)
}

/// Copies a program's `jited_ksyms` (the address of each subprogram's JIT image, by
/// subprogram index) into `buf`; returns how many the kernel has (may exceed `buf.len()`).
pub(crate) fn prog_jited_ksyms(fd: BorrowedFd<'_>, buf: &mut [u64]) -> io::Result<usize> {
    let mut info = ProgInfoRaw {
        nr_jited_ksyms: u32::try_from(buf.len()).map_err(|_| einval())?,
        jited_ksyms: ptr_mut(buf),
        ..Default::default()
    };
    let mut a = InfoAttr {
        bpf_fd: fd_u32(fd),
        info_len: size_of::<ProgInfoRaw>() as u32,
        info: (&mut info as *mut ProgInfoRaw) as u64,
    };
    bpf(Cmd::ObjGetInfoByFd, &mut a, 0)?;
    Ok(info.nr_jited_ksyms as usize)
}

/// The filesystem magic number (`statfs.f_type`) of the filesystem holding `path`.
pub(crate) fn fs_magic(path: &CStr) -> io::Result<i64> {
    // SAFETY: an all-zero `statfs` is a valid value of this plain C struct.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is NUL-terminated and `st` is a valid, writable statfs.
    let ret = unsafe { libc::statfs(path.as_ptr(), &mut st) };
    if ret == 0 {
        Ok(st.f_type as i64)
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The system page size.
pub(crate) fn page_size() -> usize {
    // SAFETY: sysconf only reads a system constant.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n).ok().filter(|&n| n > 0).unwrap_or(4096)
}

#[cfg(test)]
mod retry_tests {
    use super::*;

    /// Issue 15, row 7: a test run interrupted by a signal is reported, not restarted
    /// from zero; everything else is issued again as before.
    #[test]
    fn only_test_runs_report_eintr() {
        assert!(!retries_eintr(Cmd::ProgTestRun));
        for cmd in [
            Cmd::ProgLoad,
            Cmd::MapCreate,
            Cmd::MapLookupElem,
            Cmd::ObjPin,
        ] {
            assert!(retries_eintr(cmd), "{cmd:?}");
        }
        assert!(crate::hint(Cmd::ProgTestRun, libc::EINTR).contains("signal"));
    }
}
