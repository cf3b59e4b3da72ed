//! Reader of a `BPF_MAP_TYPE_RINGBUF` map: zero-copy records borrowed from the shared
//! mapping, batched consumer-position commits, blocking reads with a timeout (epoll) and,
//! with the `tokio` feature, an async reader.
//!
//! Memory layout (all offsets are file offsets of the map fd):
//!
//! ```text
//! 0          page: consumer_pos (u64)           RW, written by us (release)
//! page       page: producer_pos (u64)           RO, written by the kernel (release)
//! 2*page     data area (max_entries bytes)      RO, mapped twice in a row, so a record
//!            data area again                        that wraps is contiguous in memory
//! ```
//!
//! A record is an 8-byte header (u32 length with bit 31 = busy and bit 30 = discarded,
//! u32 page offset) followed by the data, the whole rounded up to 8 bytes.
//!
//! ```no_run
//! use ebpf_loader::{MapSpec, MapType, RingBuf};
//! # fn main() -> Result<(), ebpf_loader::Error> {
//! let map = MapSpec::new(MapType::Ringbuf, 0, 0, 4096).create()?;
//! let mut rb = RingBuf::new(&map)?;
//! while let Some(record) = rb.next_timeout(Some(std::time::Duration::from_millis(100)))? {
//!     println!("{} bytes", record.len());
//! } // a dropped record's space is released; the kernel is told in batches (see
//!   // `RingBuf::set_commit_batch`) and always before the reader waits or returns `None`
//! # Ok(())
//! # }
//! ```

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::maps::{Map, MapType};
use crate::sys::{self, epoll::Epoll, ring, Mmap};

/// Header bit: the record is reserved but not yet committed.
pub const BPF_RINGBUF_BUSY_BIT: u32 = 1 << 31;
/// Header bit: the record was discarded by the program; skip it.
pub const BPF_RINGBUF_DISCARD_BIT: u32 = 1 << 30;
/// Size of a record header.
pub const BPF_RINGBUF_HDR_SZ: u64 = 8;

/// The producer side of the ring: its position and the data, read-only.
#[derive(Debug)]
struct RingMem {
    /// Producer page plus the data area twice (RO).
    producer: Mmap,
    /// Offset of the data area in `producer` (one page).
    data_off: usize,
    /// Data area size - 1 (the size is a power of two).
    mask: u64,
}

/// Our read position, what the kernel has been told, and the page we tell it on.
///
/// A [`Record`] borrows only this (plus its bytes), so it is three words and the hot
/// `next()`/drop loop stays in registers.
#[derive(Debug)]
struct Cursor {
    /// Consumer page (RW).
    consumer: Mmap,
    /// Start of the next record to read.
    cons: u64,
    /// Last value written to the consumer page.
    committed: u64,
    /// Producer position last seen (avoids a shared-cache-line load per record).
    prod: u64,
    /// Commit once this many bytes are released (0 = every record).
    batch: u64,
}

impl Cursor {
    /// Publishes our position to the producer (a release store), if it moved.
    #[inline]
    fn commit(&mut self) {
        if self.cons != self.committed {
            ring::store_release_u64(&self.consumer, 0, self.cons);
            self.committed = self.cons;
        }
    }

    /// Releases `bytes` ring bytes locally; publishes once a batch has accumulated.
    #[inline(always)]
    fn release(&mut self, bytes: u64) {
        self.cons += bytes;
        if self.cons - self.committed >= self.batch {
            self.commit();
        }
    }
}

/// A reader over a ringbuf map. It owns a duplicate of the map fd, so it can outlive the
/// [`Map`] it was made from.
#[derive(Debug)]
pub struct RingBuf {
    fd: OwnedFd,
    mem: RingMem,
    cursor: Cursor,
    epoll: Option<Epoll>,
}

/// One record, borrowed from the shared mapping (no copy). Dropping it releases its
/// space locally; the consumer position is written back to the kernel in batches (see
/// [`RingBuf::set_commit_batch`]), and in any case when the reader finds the ring empty,
/// waits, is dropped, or on [`commit`](Record::commit) / [`RingBuf::commit`].
#[derive(Debug)]
pub struct Record<'a> {
    data: &'a [u8],
    cursor: &'a mut Cursor,
}

impl std::ops::Deref for Record<'_> {
    type Target = [u8];
    #[inline(always)]
    fn deref(&self) -> &[u8] {
        self.data
    }
}

impl AsRef<[u8]> for Record<'_> {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self.data
    }
}

impl Record<'_> {
    /// Ring bytes the record occupies (header and padding included).
    #[inline(always)]
    fn ring_size(&self) -> u64 {
        record_size(self.data.len() as u64)
    }

    /// Releases the record and writes the consumer position back now, instead of at the
    /// next batch boundary.
    pub fn commit(self) {
        // Not dropped: its release is done here, followed by the write-back.
        let mut this = std::mem::ManuallyDrop::new(self);
        let size = this.ring_size();
        this.cursor.cons += size;
        this.cursor.commit();
    }
}

impl Drop for Record<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        let size = self.ring_size();
        self.cursor.release(size);
    }
}

/// How many records ahead of the reader [`RingMem::head`] prefetches (by byte distance,
/// at least [`PREFETCH_MIN`] bytes).
const PREFETCH_RECORDS: u64 = 4;
/// Minimum prefetch distance in bytes.
const PREFETCH_MIN: u64 = 512;

/// What the header at the read position says.
enum Head {
    /// Nothing to read (or the next record is still being written).
    Empty,
    /// A committed record of `len` data bytes starting at data offset `off`.
    Ready { off: usize, len: u32 },
    /// A header whose length does not fit the ring.
    Corrupt { hdr: u32 },
}

/// A record header, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Header {
    /// Reserved, not committed yet: stop here.
    Busy,
    /// Discarded by the program: skip `size` bytes.
    Discarded { size: u64 },
    /// `len` data bytes in a record of `size` ring bytes (header and padding included).
    Record { len: u32, size: u64 },
}

/// Ring bytes of a record with `len` data bytes: header plus data, rounded up to 8.
#[inline(always)]
fn record_size(len: u64) -> u64 {
    (len + BPF_RINGBUF_HDR_SZ + 7) & !7
}

/// Decodes the u32 length word of a record header (a pure function of the bits).
#[inline(always)]
fn decode_header(hdr: u32) -> Header {
    if hdr & BPF_RINGBUF_BUSY_BIT != 0 {
        return Header::Busy;
    }
    let len = hdr & !(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
    let size = record_size(u64::from(len));
    if hdr & BPF_RINGBUF_DISCARD_BIT != 0 {
        Header::Discarded { size }
    } else {
        Header::Record { len, size }
    }
}

impl RingMem {
    /// Looks at the record at `cursor.cons`, skipping (and releasing) discarded ones.
    /// The producer position is loaded only when the cached one has been reached.
    #[inline(always)]
    fn head(&self, cursor: &mut Cursor) -> Head {
        loop {
            if cursor.cons == cursor.prod {
                cursor.prod = ring::load_acquire_u64(&self.producer, 0);
                if cursor.cons == cursor.prod {
                    return Head::Empty;
                }
            }
            let off = self.data_off + (cursor.cons & self.mask) as usize;
            let hdr = ring::load_acquire_u32(&self.producer, off);
            match decode_header(hdr) {
                Header::Busy => return Head::Empty,
                Header::Discarded { size } | Header::Record { size, .. }
                    if size > self.mask + 1 =>
                {
                    return Head::Corrupt { hdr }
                }
                Header::Discarded { size } => cursor.release(size),
                Header::Record { len, size } => {
                    // The next header depends on this one's length, so the CPU cannot
                    // run ahead on its own: fetch a few records ahead, guessing that the
                    // next ones are about this size.
                    // Once per cache line the reader enters is enough.
                    if (cursor.cons & 63) + size >= 64 {
                        let ahead = (size * PREFETCH_RECORDS).clamp(PREFETCH_MIN, self.mask + 1);
                        ring::prefetch(&self.producer, off + ahead as usize);
                    }
                    return Head::Ready {
                        off: off + BPF_RINGBUF_HDR_SZ as usize,
                        len,
                    };
                }
            }
        }
    }

    /// The data bytes of a record found by [`head`](Self::head). Always in range: the
    /// record starts inside the first copy of the data area and is at most the ring size
    /// long, so it ends inside the second copy.
    #[inline(always)]
    fn data(&self, off: usize, len: u32) -> &[u8] {
        ring::record_bytes(&self.producer, off, len as usize)
    }

    #[cold]
    fn corrupt(&self, hdr: u32, cursor: &Cursor) -> Error {
        Error::InvalidArgument(format!(
            "corrupt ringbuf record header {hdr:#x} at position {}",
            cursor.cons
        ))
    }
}

impl RingBuf {
    /// Maps the ring of `map` (which must be a ringbuf map).
    pub fn new(map: &Map) -> Result<RingBuf> {
        if map.map_type() != MapType::Ringbuf {
            return Err(Error::InvalidArgument(format!(
                "map `{}` is {}, not ringbuf",
                map.name(),
                map.map_type().name()
            )));
        }
        let fd = map
            .as_fd()
            .try_clone_to_owned()
            .map_err(|source| Error::Io {
                what: "dup of the ringbuf fd".into(),
                source,
            })?;
        let data_size = map.max_entries() as usize;
        let page = sys::page_size();
        if !data_size.is_power_of_two() || data_size < page {
            return Err(Error::InvalidArgument(format!(
                "ringbuf size {data_size} is not a power-of-two number of pages"
            )));
        }
        let mmap_err = |what: &str| {
            let what = format!("mmap of the ringbuf {what} of map `{}`", map.name());
            move |source| Error::Io { what, source }
        };
        let consumer = Mmap::new(fd.as_fd(), page, 0, true).map_err(mmap_err("consumer page"))?;
        let producer = Mmap::new(fd.as_fd(), page + 2 * data_size, page, false)
            .map_err(mmap_err("producer page and data"))?;
        let cons = ring::load_acquire_u64(&consumer, 0);
        let mem = RingMem {
            producer,
            data_off: page,
            mask: data_size as u64 - 1,
        };
        Ok(RingBuf {
            fd,
            cursor: Cursor {
                consumer,
                cons,
                committed: cons,
                prod: cons,
                batch: (data_size as u64 / 4).max(1),
            },
            mem,
            epoll: None,
        })
    }

    /// Size of the data area in bytes.
    pub fn capacity(&self) -> usize {
        (self.mem.mask + 1) as usize
    }

    /// Writes the consumer position back after this many released bytes (default: a
    /// quarter of the ring; 0 = after every record). Whatever the batch, the position is
    /// also written whenever the reader finds the ring empty (`next()` returning `None`),
    /// before it waits ([`wait`](Self::wait), [`next_timeout`](Self::next_timeout), the
    /// async reader), when it is dropped, and by [`commit`](Self::commit) /
    /// [`Record::commit`]; so a producer never waits on space we have finished with
    /// while we wait for it.
    pub fn set_commit_batch(&mut self, bytes: usize) {
        self.cursor.batch = bytes as u64;
    }

    /// Writes the consumer position back now.
    pub fn commit(&mut self) {
        self.cursor.commit();
    }

    /// The next committed record, without waiting; `None` when there is none (the
    /// consumer position is then written back) or the next header is corrupt (see
    /// [`try_next`](Self::try_next)). Discarded records are skipped.
    // Not `Iterator::next`: the record borrows the reader (a lending iterator).
    #[allow(clippy::should_implement_trait)]
    #[inline]
    pub fn next(&mut self) -> Option<Record<'_>> {
        match self.mem.head(&mut self.cursor) {
            Head::Ready { off, len } => Some(Record {
                data: self.mem.data(off, len),
                cursor: &mut self.cursor,
            }),
            Head::Empty => {
                self.cursor.commit();
                None
            }
            Head::Corrupt { .. } => None,
        }
    }

    /// Like [`next`](Self::next), but reports a corrupt record header as an error.
    #[inline]
    pub fn try_next(&mut self) -> Result<Option<Record<'_>>> {
        match self.mem.head(&mut self.cursor) {
            Head::Ready { off, len } => Ok(Some(Record {
                data: self.mem.data(off, len),
                cursor: &mut self.cursor,
            })),
            Head::Empty => {
                self.cursor.commit();
                Ok(None)
            }
            Head::Corrupt { hdr } => Err(self.mem.corrupt(hdr, &self.cursor)),
        }
    }

    /// Calls `f` on every record available now and releases them with one commit;
    /// returns how many were read. The fastest way to drain the ring.
    pub fn consume(&mut self, mut f: impl FnMut(&[u8])) -> Result<usize> {
        let mut n = 0;
        loop {
            match self.mem.head(&mut self.cursor) {
                Head::Ready { off, len } => {
                    f(self.mem.data(off, len));
                    self.cursor.cons += record_size(u64::from(len));
                    n += 1;
                }
                Head::Empty => break,
                Head::Corrupt { hdr } => {
                    self.cursor.commit();
                    return Err(self.mem.corrupt(hdr, &self.cursor));
                }
            }
        }
        self.cursor.commit();
        Ok(n)
    }

    /// Whether a committed record is waiting (discarded records are skipped).
    #[inline]
    pub fn is_ready(&mut self) -> Result<bool> {
        match self.mem.head(&mut self.cursor) {
            Head::Ready { .. } => Ok(true),
            Head::Empty => Ok(false),
            Head::Corrupt { hdr } => Err(self.mem.corrupt(hdr, &self.cursor)),
        }
    }

    /// Waits until a record is available or `timeout` passes (`None` = forever); returns
    /// whether one is available.
    pub fn wait(&mut self, timeout: Option<Duration>) -> Result<bool> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            // Tell the producer what we consumed (it only wakes us when it sees us caught
            // up), then look again: the full fence pairs with the producer's xchg on the
            // record header, so either it sees our position and wakes us, or we see its
            // record here.
            self.cursor.commit();
            std::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst);
            if self.is_ready()? {
                return Ok(true);
            }
            let remaining = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(r) if !r.is_zero() => Some(r),
                    _ => return Ok(false),
                },
                None => None,
            };
            let epoll = match &mut self.epoll {
                Some(e) => e,
                slot => {
                    let mut e = Epoll::new().map_err(epoll_err)?;
                    e.add(self.fd.as_fd(), 0).map_err(epoll_err)?;
                    slot.insert(e)
                }
            };
            epoll.wait(remaining).map_err(epoll_err)?.for_each(drop);
        }
    }

    /// The next record, waiting up to `timeout` (`None` = forever) for one.
    pub fn next_timeout(&mut self, timeout: Option<Duration>) -> Result<Option<Record<'_>>> {
        if self.wait(timeout)? {
            self.try_next()
        } else {
            Ok(None)
        }
    }
}

fn epoll_err(source: std::io::Error) -> Error {
    Error::Io {
        what: "epoll on the ringbuf fd".into(),
        source,
    }
}

impl AsFd for RingBuf {
    /// The map fd: readable (poll/epoll) when records are waiting.
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl Drop for RingBuf {
    fn drop(&mut self) {
        self.cursor.commit();
    }
}

/// An async ringbuf reader on tokio's reactor (feature `tokio`).
#[cfg(feature = "tokio")]
#[derive(Debug)]
pub struct AsyncRingBuf {
    reader: RingBuf,
    fd: tokio::io::unix::AsyncFd<OwnedFd>,
}

#[cfg(feature = "tokio")]
impl AsyncRingBuf {
    /// Registers the reader's fd with the current tokio runtime (call inside one).
    pub fn new(reader: RingBuf) -> Result<Self> {
        let io = |what: &str| {
            let what = what.to_owned();
            move |source| Error::Io { what, source }
        };
        let dup = reader.fd.try_clone().map_err(io("dup of the ringbuf fd"))?;
        let fd = sys::async_fd::register_readable(dup)
            .map_err(io("register the ringbuf fd with tokio"))?;
        Ok(AsyncRingBuf { reader, fd })
    }

    /// Waits until a record is available.
    pub async fn readable(&mut self) -> Result<()> {
        loop {
            // As in `RingBuf::wait`: publish our position, fence, then look.
            self.reader.commit();
            std::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst);
            if self.reader.is_ready()? {
                return Ok(());
            }
            let mut guard = self.fd.readable().await.map_err(|source| Error::Io {
                what: "wait for the ringbuf fd".into(),
                source,
            })?;
            if !self.reader.is_ready()? {
                guard.clear_ready();
            }
        }
    }

    /// The next record, waiting for one.
    pub async fn next(&mut self) -> Result<Record<'_>> {
        self.readable().await?;
        self.reader
            .try_next()?
            .ok_or_else(|| Error::InvalidArgument("ringbuf emptied while we held it".into()))
    }

    /// The synchronous reader, e.g. to drain with [`RingBuf::consume`] after
    /// [`readable`](Self::readable).
    pub fn get_mut(&mut self) -> &mut RingBuf {
        &mut self.reader
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_sizes_include_the_header_and_round_to_8() {
        assert_eq!(record_size(0), 8);
        assert_eq!(record_size(1), 16);
        assert_eq!(record_size(8), 16);
        assert_eq!(record_size(9), 24);
        assert_eq!(record_size(4096), 4104);
    }

    #[test]
    fn headers_decode_busy_discarded_and_records() {
        assert_eq!(decode_header(BPF_RINGBUF_BUSY_BIT | 16), Header::Busy);
        assert_eq!(
            decode_header(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT | 16),
            Header::Busy
        );
        assert_eq!(
            decode_header(BPF_RINGBUF_DISCARD_BIT | 13),
            Header::Discarded { size: 24 }
        );
        assert_eq!(decode_header(13), Header::Record { len: 13, size: 24 });
    }
}
