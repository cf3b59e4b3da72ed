//! Views of shared ring memory (ringbuf and perf rings): positions as atomics with
//! acquire/release ordering, and records as borrowed byte slices.
//!
//! The producer (kernel or BPF program) and the consumer (us) share these pages; each side
//! writes only its own position, and bytes between the consumer and producer positions
//! are not written by the producer until the consumer position moves past them. That is
//! what makes handing out a `&[u8]` to a record sound while the position is held.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use super::Mmap;

#[inline]
fn in_range(m: &Mmap, offset: usize, len: usize, align: usize) -> bool {
    offset.is_multiple_of(align) && offset.checked_add(len).is_some_and(|end| end <= m.len())
}

#[inline]
fn atomic_u64(m: &Mmap, offset: usize) -> &AtomicU64 {
    assert!(
        in_range(m, offset, 8, 8),
        "ring position offset {offset} out of range"
    );
    // SAFETY: the offset is 8-aligned (the mapping is page-aligned) and inside the live
    // mapping, which outlives the returned reference; the memory is only ever accessed
    // atomically by both sides (the kernel uses smp_load_acquire/smp_store_release).
    unsafe { AtomicU64::from_ptr(m.as_ptr().add(offset).cast::<u64>()) }
}

/// Loads the u64 position at `offset` with acquire ordering.
#[inline]
pub(crate) fn load_acquire_u64(m: &Mmap, offset: usize) -> u64 {
    atomic_u64(m, offset).load(Ordering::Acquire)
}

/// Loads the u64 at `offset` relaxed (our own position, written only by us).
#[inline]
pub(crate) fn load_relaxed_u64(m: &Mmap, offset: usize) -> u64 {
    atomic_u64(m, offset).load(Ordering::Relaxed)
}

/// Stores the u64 position at `offset` with release ordering, so the producer sees our
/// reads of the released bytes as finished. Panics on a read-only mapping (a bug here).
#[inline]
pub(crate) fn store_release_u64(m: &Mmap, offset: usize, value: u64) {
    assert!(m.is_writable(), "store to a read-only ring mapping");
    atomic_u64(m, offset).store(value, Ordering::Release);
}

/// Loads the u32 record header at `offset` with acquire ordering (the ringbuf producer
/// clears the busy bit with a release store after writing the record).
#[inline]
pub(crate) fn load_acquire_u32(m: &Mmap, offset: usize) -> u32 {
    assert!(
        in_range(m, offset, 4, 4),
        "ring header offset {offset} out of range"
    );
    // SAFETY: 4-aligned and in range of the live mapping (checked above); accessed only
    // atomically by both sides.
    unsafe { AtomicU32::from_ptr(m.as_ptr().add(offset).cast::<u32>()) }.load(Ordering::Acquire)
}

/// `len` bytes at `offset`, borrowed from the mapping; `None` if out of range.
///
/// Callers hand out such slices only for bytes between the consumer and producer
/// positions that they have not released yet (see the module docs).
#[inline]
pub(crate) fn bytes(m: &Mmap, offset: usize, len: usize) -> Option<&[u8]> {
    if !in_range(m, offset, len, 1) {
        return None;
    }
    // SAFETY: in range of the live mapping, which the slice borrows; the producer does
    // not write these bytes until the caller releases them by moving its position, which
    // it cannot do while the slice is borrowed.
    Some(unsafe { std::slice::from_raw_parts(m.as_ptr().add(offset), len) })
}

/// The `len` bytes of a ring record at `offset`, borrowed from the mapping.
///
/// Unlike [`bytes`], the caller has already bounded the record by the ring size, so the
/// range check here can only fail on a bug: it panics instead of returning `None`, and
/// it is cheap (`offset` and `len` come from a masked position and a u32).
#[inline(always)]
pub(crate) fn record_bytes(m: &Mmap, offset: usize, len: usize) -> &[u8] {
    let end = offset.wrapping_add(len);
    if end < offset || end > m.len() {
        record_out_of_range(offset, len);
    }
    // SAFETY: `offset..offset + len` is inside the live mapping (checked above, no
    // overflow), which the slice borrows; as for `bytes`, the producer does not write
    // these bytes until the caller releases them by moving its position.
    unsafe { std::slice::from_raw_parts(m.as_ptr().add(offset), len) }
}

#[cold]
#[inline(never)]
fn record_out_of_range(offset: usize, len: usize) -> ! {
    panic!("ring record of {len} bytes at offset {offset} out of range")
}

/// Asks the CPU to start loading the cache line at `offset` (a hint: no effect on what is
/// read, and nothing happens for an offset outside the mapping).
#[inline(always)]
pub(crate) fn prefetch(m: &Mmap, offset: usize) {
    #[cfg(target_arch = "x86_64")]
    if offset < m.len() {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: the pointer is inside the live mapping (checked above); a prefetch never
        // faults and does not change memory, so no access is made through it.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(m.as_ptr().add(offset).cast::<i8>()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (m, offset);
}
