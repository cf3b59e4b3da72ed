//! Ringbuf and perf reader throughput, against aya 0.13's readers on the same maps and the
//! same producer, with allocations per event counted by a counting global allocator.
//!
//! The producer is a socket filter program run with BPF_PROG_TEST_RUN (repeat = n) that
//! writes numbered records of 16 B, 256 B or 4 KiB. Each round fills the ring (no reader
//! running), then the reader under test drains it; only the drain is timed, so the
//! numbers are the readers' cost, not the producer's. Run as root:
//! `cargo bench -p ebpf-asm-benches --bench readers`.

#[path = "../loader/tests/producers/mod.rs"]
mod producers;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ebpf_loader::perf_reader::online_cpus;
use ebpf_loader::{Map, PerfEvent, PerfReader, PerfReaderOptions, RingBuf};
use producers::*;

/// Counts every allocation (and reallocation).
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const RING_BYTES: u32 = 16 << 20;
const PERF_PAGES: usize = 4096;
/// Events drained per (size, reader) at least.
const MIN_EVENTS: u64 = 1_000_000;
const MIN_ROUNDS: u32 = 8;

/// Drain timing of one reader: events, time and allocations inside the timed drains.
#[derive(Default)]
struct Measure {
    events: u64,
    time: Duration,
    allocs: u64,
}

impl Measure {
    fn rate(&self) -> f64 {
        self.events as f64 / self.time.as_secs_f64()
    }

    fn allocs_per_event(&self) -> f64 {
        self.allocs as f64 / self.events.max(1) as f64
    }

    /// Runs `fill` then times `drain` (which returns the events it read) until enough
    /// events were read.
    fn run(per_round: u32, mut fill: impl FnMut(u32), mut drain: impl FnMut() -> u64) -> Measure {
        // Warm-up round: first-touch page faults and buffer growth are not measured.
        fill(per_round);
        drain();
        let mut m = Measure::default();
        let mut rounds = 0;
        while m.events < MIN_EVENTS || rounds < MIN_ROUNDS {
            let f = Instant::now();
            fill(per_round);
            if std::env::var_os("READERS_BENCH_TRACE").is_some() {
                eprintln!("fill {per_round}: {:?}", f.elapsed());
            }
            let a = ALLOCS.load(Ordering::Relaxed);
            let t = Instant::now();
            let n = drain();
            m.time += t.elapsed();
            if std::env::var_os("READERS_BENCH_TRACE").is_some() {
                eprintln!("drain {n}: {:?}", t.elapsed());
            }
            m.allocs += ALLOCS.load(Ordering::Relaxed) - a;
            assert_eq!(
                n,
                u64::from(per_round),
                "the drain must read the whole round"
            );
            m.events += n;
            rounds += 1;
        }
        m
    }
}

/// Records per round: 90% of what fits.
fn per_round(record_bytes: u64, ring_bytes: u64) -> u32 {
    (ring_bytes * 9 / 10 / record_bytes) as u32
}

fn dup(map: &Map) -> std::os::fd::OwnedFd {
    map.as_fd().try_clone_to_owned().expect("dup")
}

fn bench_ringbuf(size: u32) -> (Measure, Measure, Measure) {
    let map = ringbuf(RING_BYTES);
    let prod = ringbuf_producer(&map, size);
    let n = per_round(
        (u64::from(size) + 8).next_multiple_of(8),
        u64::from(RING_BYTES),
    );

    // aya first: aya 0.13.1 starts its producer-position cache at 0, so on a ring whose
    // consumer position is not 0 (as after another reader) it reads stale records forever.
    let aya = {
        let data = aya::maps::MapData::from_fd(dup(&map)).expect("aya MapData::from_fd");
        let mut rb =
            aya::maps::RingBuf::try_from(aya::maps::Map::RingBuf(data)).expect("aya RingBuf");
        Measure::run(
            n,
            |k| prod.run(k),
            || {
                let mut n = 0;
                while let Some(item) = rb.next() {
                    black_box(seq(&item));
                    n += 1;
                }
                n
            },
        )
    };
    let ours_next = {
        let mut rb = RingBuf::new(&map).expect("ringbuf");
        Measure::run(
            n,
            |k| prod.run(k),
            || {
                let mut n = 0;
                while let Some(rec) = rb.next() {
                    black_box(seq(&rec));
                    n += 1;
                }
                n
            },
        )
    };
    let ours_consume = {
        let mut rb = RingBuf::new(&map).expect("ringbuf");
        Measure::run(
            n,
            |k| prod.run(k),
            || {
                rb.consume(|rec| {
                    black_box(seq(rec));
                })
                .expect("consume") as u64
            },
        )
    };
    assert_eq!(prod.failed(), 0, "the ring never overflowed");
    (ours_next, ours_consume, aya)
}

fn bench_perf(size: u32) -> (Measure, Measure) {
    let map = perf_array();
    let prod = perf_producer(&map, size);
    let record = 12 + (u64::from(size) + 4).next_multiple_of(8) - 4;
    let n = per_round(record, (PERF_PAGES * 4096) as u64);

    let ours = {
        let mut reader = PerfReader::new(
            &map,
            PerfReaderOptions {
                pages: PERF_PAGES,
                ..Default::default()
            },
        )
        .expect("perf reader");
        Measure::run(
            n,
            |k| prod.run(k),
            || {
                let mut n = 0;
                reader
                    .read(|ev| {
                        if let PerfEvent::Sample { data, .. } = ev {
                            black_box(seq(data));
                            n += 1;
                        }
                    })
                    .expect("read");
                n
            },
        )
    };
    let aya = {
        let data = aya::maps::MapData::from_fd(dup(&map)).expect("aya MapData::from_fd");
        let mut array = aya::maps::PerfEventArray::try_from(aya::maps::Map::PerfEventArray(data))
            .expect("aya PerfEventArray");
        let mut bufs: Vec<_> = online_cpus()
            .expect("cpus")
            .into_iter()
            .map(|cpu| array.open(cpu, Some(PERF_PAGES)).expect("aya open"))
            .collect();
        let mut out = vec![Default::default(); 64];
        Measure::run(
            n,
            |k| prod.run(k),
            || {
                let mut n = 0;
                for buf in &mut bufs {
                    loop {
                        let ev = buf.read_events(&mut out).expect("aya read_events");
                        for b in &out[..ev.read] {
                            black_box(seq(b));
                        }
                        n += ev.read as u64;
                        if ev.read == 0 {
                            break;
                        }
                    }
                }
                n
            },
        )
    };
    assert_eq!(prod.failed(), 0, "the ring never overflowed");
    (ours, aya)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a list; there is nothing to list
    }
    let caps = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if !caps.contains("CapEff:\t000001ffffffffff") && !caps.contains("CapEff:\t000001fffeffffff") {
        eprintln!("note: needs root (CAP_BPF, CAP_PERFMON); trying anyway");
    }
    println!(
        "ringbuf ({} MiB), drain rate in Mevents/s, allocations per event",
        RING_BYTES >> 20
    );
    println!(
        "{:>6}  {:>12} {:>12} {:>12}  {:>7}  {:>12}",
        "size", "ours next()", "ours consume", "aya next()", "ratio", "allocs/ev"
    );
    for size in [16, 256, 4096] {
        let (next, consume, aya) = bench_ringbuf(size);
        println!(
            "{size:>6}  {:>12.2} {:>12.2} {:>12.2}  {:>6.2}x  {:>5.3} {:>5.3} {:>5.3}",
            next.rate() / 1e6,
            consume.rate() / 1e6,
            aya.rate() / 1e6,
            next.rate() / aya.rate(),
            next.allocs_per_event(),
            consume.allocs_per_event(),
            aya.allocs_per_event(),
        );
    }
    println!();
    println!("perf event array ({PERF_PAGES} pages per CPU), drain rate in Mevents/s");
    println!(
        "{:>6}  {:>12} {:>12}  {:>7}  {:>12}",
        "size", "ours read()", "aya read_ev", "ratio", "allocs/ev"
    );
    for size in [16, 256, 4096] {
        let (ours, aya) = bench_perf(size);
        println!(
            "{size:>6}  {:>12.2} {:>12.2}  {:>6.2}x  {:>5.3} {:>5.3}",
            ours.rate() / 1e6,
            aya.rate() / 1e6,
            ours.rate() / aya.rate(),
            ours.allocs_per_event(),
            aya.allocs_per_event(),
        );
    }
}
