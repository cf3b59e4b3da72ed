//! Reader of a `BPF_MAP_TYPE_PERF_EVENT_ARRAY`: one `PERF_COUNT_SW_BPF_OUTPUT` event per
//! online CPU, each with a mmapped ring (1 metadata page + 2^n data pages), its fd stored
//! in the map at the CPU's index, and one epoll set over all of them.
//!
//! Records are handed out borrowed from the ring when contiguous; a record that wraps
//! around the end of the ring is copied into one reused buffer. The tail is written back
//! (release) after each batch, so nothing is allocated per event.
//!
//! Samples carry the raw data as the kernel stores it: padded so that the raw size plus
//! its 4-byte length field is a multiple of 8 (a 16-byte output arrives as 20 bytes).

use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::flags::BPF_ANY;
use crate::maps::{Map, MapType};
use crate::sys::perf::{perf_event_open, perf_ioctl, PerfEventAttr, IOC_ENABLE};
use crate::sys::{self, epoll::Epoll, ring, Mmap};

/// `PERF_TYPE_SOFTWARE`.
const PERF_TYPE_SOFTWARE: u32 = 1;
/// `PERF_COUNT_SW_BPF_OUTPUT`.
const PERF_COUNT_SW_BPF_OUTPUT: u64 = 10;
/// `PERF_SAMPLE_RAW`.
const PERF_SAMPLE_RAW: u64 = 1 << 10;
/// `attr.watermark` bit: `wakeup` counts bytes, not events.
const FLAG_WATERMARK: u64 = 1 << 14;
/// `PERF_RECORD_LOST`.
const PERF_RECORD_LOST: u32 = 2;
/// `PERF_RECORD_SAMPLE`.
const PERF_RECORD_SAMPLE: u32 = 9;
/// Offsets of `data_head` and `data_tail` in `struct perf_event_mmap_page`.
const DATA_HEAD: usize = 1024;
const DATA_TAIL: usize = 1032;

/// One event read from a perf ring.
#[derive(Debug, PartialEq, Eq)]
pub enum PerfEvent<'a> {
    /// A sample written by `bpf_perf_event_output` on `cpu` (borrowed; padded by the
    /// kernel, see the module docs).
    Sample {
        /// The CPU whose ring held it.
        cpu: u32,
        /// The raw data.
        data: &'a [u8],
    },
    /// The kernel dropped `count` samples on `cpu` because the ring was full.
    Lost {
        /// The CPU whose ring overflowed.
        cpu: u32,
        /// How many samples were lost.
        count: u64,
    },
}

/// Options of a [`PerfReader`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PerfReaderOptions {
    /// Data pages per CPU (a power of two).
    pub pages: usize,
    /// Wake the reader after this many samples (`wakeup_events`); 0 with
    /// `watermark_bytes` set wakes by fill level instead.
    pub wakeup_events: u32,
    /// Wake the reader when this many bytes are waiting (0 = use `wakeup_events`).
    pub watermark_bytes: u32,
}

impl Default for PerfReaderOptions {
    fn default() -> Self {
        PerfReaderOptions {
            pages: 8,
            wakeup_events: 1,
            watermark_bytes: 0,
        }
    }
}

#[derive(Debug)]
struct PerfRing {
    cpu: u32,
    mem: Mmap,
    fd: OwnedFd,
    data_off: usize,
    data_size: usize,
}

/// Totals since the reader was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PerfStats {
    /// Samples handed out.
    pub samples: u64,
    /// Samples the kernel reported lost.
    pub lost: u64,
}

/// Reader over all online CPUs' rings of a perf event array.
#[derive(Debug)]
pub struct PerfReader {
    rings: Vec<PerfRing>,
    epoll: Epoll,
    ready: Vec<usize>,
    scratch: Vec<u8>,
    stats: PerfStats,
}

/// The online CPUs, from `/sys/devices/system/cpu/online` (e.g. `0-3,6`).
pub fn online_cpus() -> Result<Vec<u32>> {
    const ONLINE: &str = "/sys/devices/system/cpu/online";
    let text = std::fs::read_to_string(ONLINE).map_err(|source| Error::Io {
        what: format!("read {ONLINE}"),
        source,
    })?;
    parse_cpu_ranges(&text)
        .ok_or_else(|| Error::InvalidArgument(format!("cannot parse {ONLINE}: {text:?}")))
}

/// Parses a kernel CPU list such as `0-3,6` into the CPU numbers.
pub fn parse_cpu_ranges(text: &str) -> Option<Vec<u32>> {
    let mut cpus = Vec::new();
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        let (lo, hi): (u32, u32) = match part.split_once('-') {
            Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
            None => {
                let n = part.parse().ok()?;
                (n, n)
            }
        };
        if hi < lo {
            return None;
        }
        cpus.extend(lo..=hi);
    }
    Some(cpus)
}

impl PerfReader {
    /// Opens one BPF-output perf event per online CPU with `pages` data pages each, and
    /// stores their fds in `map` (a perf event array with an entry per CPU).
    pub fn new(map: &Map, options: PerfReaderOptions) -> Result<PerfReader> {
        if map.map_type() != MapType::PerfEventArray {
            return Err(Error::InvalidArgument(format!(
                "map `{}` is {}, not perf_event_array",
                map.name(),
                map.map_type().name()
            )));
        }
        if !options.pages.is_power_of_two() {
            return Err(Error::InvalidArgument(format!(
                "perf ring of {} pages: must be a power of two",
                options.pages
            )));
        }
        let page = sys::page_size();
        let data_size = options.pages * page;
        let io = |what: String| move |source| Error::Io { what, source };
        let mut epoll = Epoll::new().map_err(io("epoll_create1".into()))?;
        let mut rings = Vec::new();
        for cpu in online_cpus()? {
            if cpu >= map.max_entries() {
                return Err(Error::InvalidArgument(format!(
                    "perf event array `{}` has {} entries, CPU {cpu} is online",
                    map.name(),
                    map.max_entries()
                )));
            }
            let (flags, wakeup) = if options.watermark_bytes > 0 {
                (FLAG_WATERMARK, options.watermark_bytes)
            } else {
                (0, options.wakeup_events.max(1))
            };
            let attr = PerfEventAttr {
                type_: PERF_TYPE_SOFTWARE,
                config: PERF_COUNT_SW_BPF_OUTPUT,
                sample_period: 1,
                sample_type: PERF_SAMPLE_RAW,
                flags,
                wakeup,
                ..Default::default()
            };
            let fd = perf_event_open(&attr, -1, cpu as i32)
                .map_err(io(format!("perf_event_open (bpf output, cpu {cpu})")))?;
            let mem = Mmap::new(fd.as_fd(), page + data_size, 0, true)
                .map_err(io(format!("mmap of the perf ring of cpu {cpu}")))?;
            perf_ioctl(fd.as_fd(), IOC_ENABLE, 0)
                .map_err(io(format!("PERF_EVENT_IOC_ENABLE (cpu {cpu})")))?;
            epoll
                .add(fd.as_fd(), rings.len() as u64)
                .map_err(io("epoll_ctl".into()))?;
            let value = fd.as_raw_fd() as u32;
            map.update(&cpu.to_ne_bytes(), &value.to_ne_bytes(), BPF_ANY)?;
            rings.push(PerfRing {
                cpu,
                mem,
                fd,
                data_off: page,
                data_size,
            });
        }
        Ok(PerfReader {
            ready: Vec::with_capacity(rings.len()),
            rings,
            epoll,
            scratch: Vec::new(),
            stats: PerfStats::default(),
        })
    }

    /// Samples and lost samples so far.
    pub fn stats(&self) -> PerfStats {
        self.stats
    }

    /// The CPUs read, in ring order.
    pub fn cpus(&self) -> impl Iterator<Item = u32> + '_ {
        self.rings.iter().map(|r| r.cpu)
    }

    /// Reads every event waiting in every ring, without blocking; returns how many were
    /// handed to `f`.
    pub fn read(&mut self, mut f: impl FnMut(PerfEvent<'_>)) -> Result<usize> {
        let mut n = 0;
        for ring in &self.rings {
            n += read_ring(ring, &mut self.scratch, &mut self.stats, &mut f)?;
        }
        Ok(n)
    }

    /// Waits up to `timeout` (`None` = forever) for a ring to be readable, then reads the
    /// readable rings; returns how many events were handed to `f` (0 on timeout).
    pub fn poll(
        &mut self,
        timeout: Option<Duration>,
        mut f: impl FnMut(PerfEvent<'_>),
    ) -> Result<usize> {
        self.ready.clear();
        let ready = self.epoll.wait(timeout).map_err(|source| Error::Io {
            what: "epoll_wait on the perf rings".into(),
            source,
        })?;
        self.ready.extend(ready.map(|t| t as usize));
        let mut n = 0;
        for &i in &self.ready {
            if let Some(ring) = self.rings.get(i) {
                n += read_ring(ring, &mut self.scratch, &mut self.stats, &mut f)?;
            }
        }
        Ok(n)
    }
}

/// Drains one ring: from the tail (ours) to the head (the kernel's, acquire), then writes
/// the tail back with release ordering.
fn read_ring(
    ring: &PerfRing,
    scratch: &mut Vec<u8>,
    stats: &mut PerfStats,
    f: &mut impl FnMut(PerfEvent<'_>),
) -> Result<usize> {
    let head = ring::load_acquire_u64(&ring.mem, DATA_HEAD);
    let mut tail = ring::load_relaxed_u64(&ring.mem, DATA_TAIL);
    let size = ring.data_size as u64;
    let mut n = 0;
    let corrupt = |what: &str| {
        Error::InvalidArgument(format!("corrupt perf ring of cpu {}: {what}", ring.cpu))
    };
    while tail < head {
        let off = (tail % size) as usize;
        // Records are 8-byte aligned and the ring size is a multiple of 8, so the header
        // never wraps.
        let hdr =
            ring::bytes(&ring.mem, ring.data_off + off, 8).ok_or_else(|| corrupt("header"))?;
        let kind = u32::from_ne_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]);
        let len = usize::from(u16::from_ne_bytes([hdr[6], hdr[7]]));
        if len < 8 || len as u64 > head - tail {
            return Err(corrupt("record size"));
        }
        let rec: &[u8] = if off + len <= ring.data_size {
            ring::bytes(&ring.mem, ring.data_off + off, len).ok_or_else(|| corrupt("record"))?
        } else {
            // Wraps: copy both parts into the reused buffer.
            let first = ring.data_size - off;
            let a = ring::bytes(&ring.mem, ring.data_off + off, first)
                .ok_or_else(|| corrupt("record"))?;
            let b = ring::bytes(&ring.mem, ring.data_off, len - first)
                .ok_or_else(|| corrupt("record"))?;
            scratch.clear();
            scratch.extend_from_slice(a);
            scratch.extend_from_slice(b);
            scratch
        };
        match kind {
            PERF_RECORD_SAMPLE => {
                let raw = rec.get(8..12).ok_or_else(|| corrupt("sample"))?;
                let raw_len = u32::from_ne_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize;
                let data = rec
                    .get(12..12 + raw_len)
                    .ok_or_else(|| corrupt("sample size"))?;
                stats.samples += 1;
                f(PerfEvent::Sample {
                    cpu: ring.cpu,
                    data,
                });
                n += 1;
            }
            PERF_RECORD_LOST => {
                let c = rec.get(16..24).ok_or_else(|| corrupt("lost record"))?;
                let count = u64::from_ne_bytes(c.try_into().map_err(|_| corrupt("lost record"))?);
                stats.lost += count;
                f(PerfEvent::Lost {
                    cpu: ring.cpu,
                    count,
                });
                n += 1;
            }
            _ => {} // other record types are not requested; skip them
        }
        tail += len as u64;
    }
    ring::store_release_u64(&ring.mem, DATA_TAIL, tail);
    let _ = &ring.fd;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ranges() {
        assert_eq!(parse_cpu_ranges("0-3,6\n"), Some(vec![0, 1, 2, 3, 6]));
        assert_eq!(parse_cpu_ranges("0"), Some(vec![0]));
        assert_eq!(parse_cpu_ranges("3-1"), None);
        assert_eq!(parse_cpu_ranges("x"), None);
    }
}
