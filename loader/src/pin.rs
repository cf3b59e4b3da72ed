//! Pinning maps and programs on a bpf filesystem, and opening pinned objects.

use std::ffi::CString;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::error::{Error, Result};
use crate::sys::{self, Cmd};

/// `statfs.f_type` of a bpf filesystem.
pub const BPF_FS_MAGIC: i64 = 0xcafe_4a11;

fn c_path(path: &Path) -> Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| Error::InvalidArgument(format!("path {} contains a NUL byte", path.display())))
}

/// Whether `dir` is on a bpf filesystem.
pub fn is_bpffs(dir: &Path) -> Result<bool> {
    let magic = sys::fs_magic(&c_path(dir)?).map_err(|source| Error::Io {
        what: format!("statfs {}", dir.display()),
        source,
    })?;
    Ok(magic == BPF_FS_MAGIC)
}

/// Checks that the directory holding `path` is on bpffs, else [`Error::NotBpffs`].
pub fn check_bpffs(path: &Path) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if is_bpffs(parent)? {
        Ok(())
    } else {
        Err(Error::NotBpffs {
            path: path.to_path_buf(),
        })
    }
}

/// Pins the object behind `fd` at `path` (which must be on bpffs and not exist yet).
pub fn pin_fd(fd: BorrowedFd<'_>, path: &Path) -> Result<()> {
    check_bpffs(path)?;
    sys::obj_pin(fd, &c_path(path)?).map_err(|e| Error::kernel(Cmd::ObjPin, e))
}

/// Removes a pin (the object lives on while other references exist).
pub fn unpin(path: &Path) -> Result<()> {
    check_bpffs(path)?;
    std::fs::remove_file(path).map_err(|source| Error::Io {
        what: format!("unpin {}", path.display()),
        source,
    })
}

/// Opens a pinned object; `file_flags` is 0, `BPF_F_RDONLY` or `BPF_F_WRONLY`.
pub fn open_pinned(path: &Path, file_flags: u32) -> Result<OwnedFd> {
    check_bpffs(path)?;
    sys::obj_get(&c_path(path)?, file_flags).map_err(|e| Error::kernel(Cmd::ObjGet, e))
}
