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
//! } // each record releases its space when dropped
//! # Ok(())
//! # }
//! ```

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::map::{Map, MapType};
use crate::sys::{self, epoll::Epoll, ring, Mmap};

/// Header bit: the record is reserved but not yet committed.
pub const BPF_RINGBUF_BUSY_BIT: u32 = 1 << 31;
/// Header bit: the record was discarded by the program; skip it.
pub const BPF_RINGBUF_DISCARD_BIT: u32 = 1 << 30;
/// Size of a record header.
pub const BPF_RINGBUF_HDR_SZ: u64 = 8;

/// The two mappings of the ring.
#[derive(Debug)]
struct RingMem {
    /// Consumer page (RW).
    consumer: Mmap,
    /// Producer page plus the data area twice (RO).
    producer: Mmap,
    /// Offset of the data area in `producer` (one page).
    data_off: usize,
    /// Data area size - 1 (the size is a power of two).
    mask: u64,
}

/// Our read position and what the kernel has been told.
#[derive(Debug)]
struct Cursor {
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
    #[inline]
    fn commit(&mut self, mem: &RingMem) {
        if self.cons != self.committed {
            ring::store_release_u64(&mem.consumer, 0, self.cons);
            self.committed = self.cons;
        }
    }

    #[inline]
    fn release(&mut self, mem: &RingMem, bytes: u64) {
        self.cons += bytes;
        if self.cons - self.committed >= self.batch {
            self.commit(mem);
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

/// One record, borrowed from the shared mapping (no copy). Its space is released to the
/// producer when the record is dropped (the consumer position is written back in
/// batches; see [`RingBuf::set_commit_batch`]).
#[derive(Debug)]
pub struct Record<'a> {
    data: &'a [u8],
    cursor: &'a mut Cursor,
    mem: &'a RingMem,
    size: u64,
}

impl std::ops::Deref for Record<'_> {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.data
    }
}

impl AsRef<[u8]> for Record<'_> {
    fn as_ref(&self) -> &[u8] {
        self.data
    }
}

impl Record<'_> {
    /// Releases the record and writes the consumer position back now, instead of at the
    /// next batch boundary.
    pub fn commit(self) {
        // Not dropped: its release is done here, followed by the write-back.
        let mut this = std::mem::ManuallyDrop::new(self);
        let (mem, size) = (this.mem, this.size);
        this.cursor.release(mem, size);
        this.cursor.commit(mem);
    }
}

impl Drop for Record<'_> {
    #[inline]
    fn drop(&mut self) {
        self.cursor.release(self.mem, self.size);
    }
}

/// What the header at the read position says.
enum Head {
    /// Nothing to read (or the next record is still being written).
    Empty,
    /// A committed record of `len` data bytes occupying `size` ring bytes.
    Ready { len: u32, size: u64 },
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

/// Decodes the u32 length word of a record header (a pure function of the bits).
#[inline]
fn decode_header(hdr: u32) -> Header {
    if hdr & BPF_RINGBUF_BUSY_BIT != 0 {
        return Header::Busy;
    }
    let len = hdr & !(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
    let size = (u64::from(len) + BPF_RINGBUF_HDR_SZ).next_multiple_of(8);
    if hdr & BPF_RINGBUF_DISCARD_BIT != 0 {
        Header::Discarded { size }
    } else {
        Header::Record { len, size }
    }
}

impl RingMem {
    /// Looks at the record at `cursor.cons`, skipping (and releasing) discarded ones.
    #[inline]
    fn head(&self, cursor: &mut Cursor) -> Result<Head> {
        loop {
            if cursor.cons == cursor.prod {
                cursor.prod = ring::load_acquire_u64(&self.producer, 0);
                if cursor.cons == cursor.prod {
                    return Ok(Head::Empty);
                }
            }
            let off = self.data_off + (cursor.cons & self.mask) as usize;
            let hdr = ring::load_acquire_u32(&self.producer, off);
            match decode_header(hdr) {
                Header::Busy => return Ok(Head::Empty),
                Header::Discarded { size } | Header::Record { size, .. }
                    if size > self.mask + 1 =>
                {
                    return Err(Error::InvalidArgument(format!(
                        "corrupt ringbuf record header {hdr:#x} at position {}",
                        cursor.cons
                    )))
                }
                Header::Discarded { size } => cursor.release(self, size),
                Header::Record { len, size } => return Ok(Head::Ready { len, size }),
            }
        }
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
            consumer,
            producer,
            data_off: page,
            mask: data_size as u64 - 1,
        };
        Ok(RingBuf {
            fd,
            cursor: Cursor {
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
    /// quarter of the ring; 0 = after every record). The position is also written
    /// whenever the reader finds the ring empty, and by [`commit`](Self::commit).
    pub fn set_commit_batch(&mut self, bytes: usize) {
        self.cursor.batch = bytes as u64;
    }

    /// Writes the consumer position back now.
    pub fn commit(&mut self) {
        self.cursor.commit(&self.mem);
    }

    /// The next committed record, without waiting; `None` when there is none (the
    /// consumer position is then written back). Discarded records are skipped.
    // Not `Iterator::next`: the record borrows the reader (a lending iterator).
    #[allow(clippy::should_implement_trait)]
    #[inline]
    pub fn next(&mut self) -> Option<Record<'_>> {
        self.try_next().ok().flatten()
    }

    /// Like [`next`](Self::next), but reports a corrupt record header as an error.
    #[inline]
    pub fn try_next(&mut self) -> Result<Option<Record<'_>>> {
        match self.mem.head(&mut self.cursor)? {
            Head::Empty => {
                self.cursor.commit(&self.mem);
                Ok(None)
            }
            Head::Ready { len, size } => {
                let off = self.mem.data_off + (self.cursor.cons & self.mem.mask) as usize + 8;
                let data = ring::bytes(&self.mem.producer, off, len as usize).ok_or_else(|| {
                    Error::InvalidArgument(format!("ringbuf record of {len} bytes out of range"))
                })?;
                Ok(Some(Record {
                    data,
                    cursor: &mut self.cursor,
                    mem: &self.mem,
                    size,
                }))
            }
        }
    }

    /// Calls `f` on every record available now and releases them with one commit;
    /// returns how many were read. The fastest way to drain the ring.
    pub fn consume(&mut self, mut f: impl FnMut(&[u8])) -> Result<usize> {
        let mut n = 0;
        while let Head::Ready { len, size } = self.mem.head(&mut self.cursor)? {
            let off = self.mem.data_off + (self.cursor.cons & self.mem.mask) as usize + 8;
            let data = ring::bytes(&self.mem.producer, off, len as usize).ok_or_else(|| {
                Error::InvalidArgument(format!("ringbuf record of {len} bytes out of range"))
            })?;
            f(data);
            self.cursor.cons += size;
            n += 1;
        }
        self.cursor.commit(&self.mem);
        Ok(n)
    }

    /// Whether a committed record is waiting (discarded records are skipped).
    #[inline]
    pub fn is_ready(&mut self) -> Result<bool> {
        Ok(matches!(
            self.mem.head(&mut self.cursor)?,
            Head::Ready { .. }
        ))
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
            self.cursor.commit(&self.mem);
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
        self.cursor.commit(&self.mem);
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
