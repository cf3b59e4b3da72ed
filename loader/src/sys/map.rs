//! The map commands of the bpf() syscall: create, element lookup/update/delete/next key,
//! freeze and the batch operations. Key and value buffers are checked against the map's
//! [`MapLayout`] before the kernel sees their pointers.

use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};

use super::attr::{MapBatchAttr, MapCreateAttr, MapElemAttr};
use super::{bpf, einval, fd_u32, owned_fd, ptr, ptr_mut, Cmd};

/// `BPF_MAP_CREATE`. The attribute holds no pointers.
pub(crate) fn map_create(attr: &MapCreateAttr) -> io::Result<OwnedFd> {
    let mut a = *attr;
    owned_fd(bpf(Cmd::MapCreate, &mut a, 0)?)
}

/// Buffer sizes the kernel reads and writes for one map, taken from the kernel's own
/// answer (map creation or `bpf_map_info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MapLayout {
    /// Key size in bytes.
    pub(crate) key_size: usize,
    /// Size of the user buffer for one value (per-CPU maps: rounded and times CPUs).
    pub(crate) value_buf: usize,
}

fn check_key(layout: &MapLayout, key: &[u8]) -> io::Result<()> {
    if key.len() == layout.key_size {
        Ok(())
    } else {
        Err(einval())
    }
}

fn check_value(layout: &MapLayout, value: &[u8]) -> io::Result<()> {
    if value.len() == layout.value_buf {
        Ok(())
    } else {
        Err(einval())
    }
}

/// `BPF_MAP_LOOKUP_ELEM`: copies the value for `key` into `value`.
pub(crate) fn map_lookup(
    fd: BorrowedFd<'_>,
    layout: &MapLayout,
    key: &[u8],
    value: &mut [u8],
    flags: u64,
) -> io::Result<()> {
    copy_out(Cmd::MapLookupElem, fd, layout, key, value, flags)
}

/// A command that copies the value for `key` into `value` (lookup, lookup and delete).
fn copy_out(
    cmd: Cmd,
    fd: BorrowedFd<'_>,
    layout: &MapLayout,
    key: &[u8],
    value: &mut [u8],
    flags: u64,
) -> io::Result<()> {
    check_key(layout, key)?;
    check_value(layout, value)?;
    let mut a = MapElemAttr {
        map_fd: fd_u32(fd),
        key: ptr(key),
        value: ptr_mut(value),
        flags,
        ..Default::default()
    };
    bpf(cmd, &mut a, 0).map(drop)
}

/// `BPF_MAP_UPDATE_ELEM`.
pub(crate) fn map_update(
    fd: BorrowedFd<'_>,
    layout: &MapLayout,
    key: &[u8],
    value: &[u8],
    flags: u64,
) -> io::Result<()> {
    check_key(layout, key)?;
    check_value(layout, value)?;
    let mut a = MapElemAttr {
        map_fd: fd_u32(fd),
        key: ptr(key),
        value: ptr(value),
        flags,
        ..Default::default()
    };
    bpf(Cmd::MapUpdateElem, &mut a, 0).map(drop)
}

/// `BPF_MAP_DELETE_ELEM`.
pub(crate) fn map_delete(fd: BorrowedFd<'_>, layout: &MapLayout, key: &[u8]) -> io::Result<()> {
    check_key(layout, key)?;
    let mut a = MapElemAttr {
        map_fd: fd_u32(fd),
        key: ptr(key),
        ..Default::default()
    };
    bpf(Cmd::MapDeleteElem, &mut a, 0).map(drop)
}

/// `BPF_MAP_GET_NEXT_KEY`: `key == None` asks for the first key.
pub(crate) fn map_next_key(
    fd: BorrowedFd<'_>,
    layout: &MapLayout,
    key: Option<&[u8]>,
    next: &mut [u8],
) -> io::Result<()> {
    if let Some(k) = key {
        check_key(layout, k)?;
    }
    if next.len() != layout.key_size {
        return Err(einval());
    }
    let mut a = MapElemAttr {
        map_fd: fd_u32(fd),
        key: key.map_or(0, ptr),
        value: ptr_mut(next),
        ..Default::default()
    };
    bpf(Cmd::MapGetNextKey, &mut a, 0).map(drop)
}

/// `BPF_MAP_LOOKUP_AND_DELETE_ELEM` (queue and stack maps have an empty key).
pub(crate) fn map_lookup_and_delete(
    fd: BorrowedFd<'_>,
    layout: &MapLayout,
    key: &[u8],
    value: &mut [u8],
    flags: u64,
) -> io::Result<()> {
    copy_out(Cmd::MapLookupAndDeleteElem, fd, layout, key, value, flags)
}

/// `BPF_MAP_FREEZE`.
pub(crate) fn map_freeze(fd: BorrowedFd<'_>) -> io::Result<()> {
    let mut a = MapElemAttr {
        map_fd: fd_u32(fd),
        ..Default::default()
    };
    bpf(Cmd::MapFreeze, &mut a, 0).map(drop)
}

/// Buffers of one batch operation; the kernel reports how many elements it handled
/// even when it fails, so the count is returned next to the result.
pub(crate) struct Batch<'a> {
    /// Where the previous call stopped (`None` for the first call).
    pub(crate) in_batch: Option<&'a [u8]>,
    /// Receives where this call stopped.
    pub(crate) out_batch: &'a mut [u8],
    /// Receives up to `count` keys.
    pub(crate) keys: &'a mut [u8],
    /// Receives up to `count` values.
    pub(crate) values: &'a mut [u8],
    /// Maximum number of elements.
    pub(crate) count: u32,
}

/// Smallest size of an `in_batch`/`out_batch` buffer: a key or a u32 bucket index.
pub(crate) fn batch_token_size(layout: &MapLayout) -> usize {
    layout.key_size.max(8)
}

/// `BPF_MAP_LOOKUP_BATCH` or `BPF_MAP_LOOKUP_AND_DELETE_BATCH` of up to `count`
/// elements; returns the number handled and the result.
pub(crate) fn map_lookup_batch(
    cmd: Cmd,
    fd: BorrowedFd<'_>,
    layout: &MapLayout,
    batch: Batch<'_>,
    elem_flags: u64,
) -> (u32, io::Result<()>) {
    let Batch {
        in_batch,
        out_batch,
        keys,
        values,
        count,
    } = batch;
    let n = count as usize;
    let token = batch_token_size(layout);
    if !matches!(cmd, Cmd::MapLookupBatch | Cmd::MapLookupAndDeleteBatch)
        || keys.len() < n.saturating_mul(layout.key_size)
        || values.len() < n.saturating_mul(layout.value_buf)
        || out_batch.len() < token
        || in_batch.is_some_and(|b| b.len() < token)
    {
        return (0, Err(einval()));
    }
    let mut a = MapBatchAttr {
        in_batch: in_batch.map_or(0, ptr),
        out_batch: ptr_mut(out_batch),
        keys: ptr_mut(keys),
        values: ptr_mut(values),
        count,
        map_fd: fd_u32(fd),
        elem_flags,
        flags: 0,
    };
    let r = bpf(cmd, &mut a, 0).map(drop);
    (a.count.min(count), r)
}

/// `BPF_MAP_UPDATE_BATCH` (`values = Some`) or `BPF_MAP_DELETE_BATCH` (`values = None`).
pub(crate) fn map_write_batch(
    fd: BorrowedFd<'_>,
    layout: &MapLayout,
    keys: &[u8],
    values: Option<&[u8]>,
    count: u32,
    elem_flags: u64,
) -> (u32, io::Result<()>) {
    let n = count as usize;
    if keys.len() < n.saturating_mul(layout.key_size)
        || values.is_some_and(|v| v.len() < n.saturating_mul(layout.value_buf))
    {
        return (0, Err(einval()));
    }
    let cmd = if values.is_some() {
        Cmd::MapUpdateBatch
    } else {
        Cmd::MapDeleteBatch
    };
    let mut a = MapBatchAttr {
        keys: ptr(keys),
        values: values.map_or(0, ptr),
        count,
        map_fd: fd_u32(fd),
        elem_flags,
        ..Default::default()
    };
    let r = bpf(cmd, &mut a, 0).map(drop);
    (a.count.min(count), r)
}
