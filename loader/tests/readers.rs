//! The ringbuf and perf event readers against real producers (socket filter programs driven by
//! BPF_PROG_TEST_RUN): every record read exactly once, in order, across wraparound; the
//! discard bit honoured; lost samples counted when the perf consumer is too slow.

mod common;
mod producers;

use std::time::Duration;

use ebpf_loader::{PerfEvent, PerfReader, PerfReaderOptions, RingBuf};
use producers::*;

#[test]
fn ringbuf_reads_every_record_once_in_order_across_wraparound() {
    require_root!();
    // One page; 100-byte records take 112 ring bytes, so 36 fit and positions straddle
    // the end of the data area again and again.
    let rb_map = ringbuf(4096);
    let prod = ringbuf_producer(&rb_map, 100);
    let mut rb = RingBuf::new(&rb_map).unwrap();
    assert_eq!(rb.capacity(), 4096);
    let mut expect = 1u64;
    for round in 0..200 {
        prod.run(30);
        let mut n = 0;
        // Alternate the two APIs: borrowed records and the draining callback.
        if round % 2 == 0 {
            while let Some(rec) = rb.next() {
                assert_eq!(rec.len(), 100);
                assert_eq!(seq(&rec), expect, "round {round}");
                expect += 1;
                n += 1;
            }
        } else {
            rb.consume(|rec| {
                assert_eq!(rec.len(), 100);
                assert_eq!(seq(rec), expect, "round {round}");
                expect += 1;
                n += 1;
            })
            .unwrap();
        }
        assert_eq!(n, 30, "round {round}");
    }
    assert_eq!(prod.produced(), 6000);
    assert_eq!(prod.failed(), 0);
    assert!(rb.next().is_none());
}

#[test]
fn ringbuf_blocking_reader_keeps_up_with_a_concurrent_producer() {
    require_root!();
    let rb_map = ringbuf(8192);
    let prod = ringbuf_producer(&rb_map, 16);
    let mut rb = RingBuf::new(&rb_map).unwrap();
    rb.set_commit_batch(0);
    let producer = std::thread::spawn(move || {
        for _ in 0..500 {
            prod.run(20);
        }
        (prod.produced(), prod.failed())
    });
    let mut last = 0u64;
    let mut read = 0u64;
    // Records dropped by a full ring leave gaps; what was read must be strictly increasing.
    while let Some(rec) = rb.next_timeout(Some(Duration::from_millis(500))).unwrap() {
        let s = seq(&rec);
        assert!(s > last, "{s} after {last}");
        last = s;
        read += 1;
    }
    let (produced, failed) = producer.join().unwrap();
    assert_eq!(produced, 10_000);
    assert_eq!(read + failed, produced, "read {read}, failed {failed}");
    // Nothing more within a short timeout.
    assert!(rb
        .next_timeout(Some(Duration::from_millis(10)))
        .unwrap()
        .is_none());
}

#[test]
fn ringbuf_skips_discarded_records() {
    require_root!();
    let rb_map = ringbuf(4096);
    let prod = ringbuf_discarding_producer(&rb_map);
    let mut rb = RingBuf::new(&rb_map).unwrap();
    let mut got = Vec::new();
    for _ in 0..20 {
        prod.run(50);
        while let Some(rec) = rb.next() {
            got.push(seq(&rec));
        }
    }
    // Odd sequence numbers were discarded: only the even ones arrive, in order.
    assert_eq!(got, (1..=500).map(|i| i * 2).collect::<Vec<u64>>());
}

#[test]
fn ringbuf_record_commit_and_drop_release_space() {
    require_root!();
    let rb_map = ringbuf(4096);
    let prod = ringbuf_producer(&rb_map, 3000);
    let mut rb = RingBuf::new(&rb_map).unwrap();
    rb.set_commit_batch(1 << 20);
    prod.run(1);
    // 3008 bytes per record: a second one does not fit until the first is released.
    prod.run(1);
    assert_eq!(prod.failed(), 1);
    let rec = rb.next().unwrap();
    assert_eq!(seq(&rec), 1);
    rec.commit(); // written back at once despite the huge batch
    prod.run(1);
    assert_eq!(prod.failed(), 1, "space released by commit");
    assert_eq!(seq(&rb.next().unwrap()), 3);
    assert!(rb.next().is_none());
}

#[cfg(feature = "tokio")]
#[test]
fn async_ringbuf_reads_records() {
    require_root!();
    let rb_map = ringbuf(4096);
    let prod = ringbuf_producer(&rb_map, 16);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut rb = ebpf_loader::AsyncRingBuf::new(RingBuf::new(&rb_map).unwrap()).unwrap();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            prod.run(3);
        });
        for i in 1..=3 {
            let rec = rb.next().await.unwrap();
            assert_eq!(seq(&rec), i);
        }
        t.join().unwrap();
    });
}

fn drain_perf(
    reader: &mut PerfReader,
    per_cpu_last: &mut std::collections::HashMap<u32, u64>,
    seen: &mut Vec<u64>,
    size: usize,
) -> u64 {
    let mut lost = 0;
    reader
        .read(|ev| match ev {
            PerfEvent::Sample { cpu, data } => {
                // The kernel pads raw data so that size + 4 is a multiple of 8.
                assert_eq!(data.len(), (size + 4).next_multiple_of(8) - 4);
                let s = seq(data);
                let last = per_cpu_last.entry(cpu).or_default();
                assert!(s > *last, "cpu {cpu}: {s} after {last}");
                *last = s;
                seen.push(s);
            }
            PerfEvent::Lost { count, .. } => lost += count,
        })
        .unwrap();
    lost
}

#[test]
fn perf_reader_reads_every_sample_once_across_wraparound() {
    require_root!();
    let events = perf_array();
    // 100 bytes of data: 112-byte records in a one-page ring (36 fit, they straddle).
    let prod = perf_producer(&events, 100);
    let mut reader = PerfReader::new(
        &events,
        PerfReaderOptions {
            pages: 1,
            ..Default::default()
        },
    )
    .unwrap();
    let mut last = Default::default();
    let mut seen = Vec::new();
    let mut lost = 0;
    for _ in 0..200 {
        prod.run(30);
        lost += drain_perf(&mut reader, &mut last, &mut seen, 100);
    }
    assert_eq!(lost, 0);
    assert_eq!(prod.failed(), 0);
    seen.sort_unstable();
    assert_eq!(
        seen,
        (1..=6000).collect::<Vec<u64>>(),
        "each sample exactly once"
    );
    assert_eq!(reader.stats().samples, 6000);
}

#[test]
fn perf_reader_reports_lost_samples_when_the_consumer_is_slow() {
    require_root!();
    let events = perf_array();
    let prod = perf_producer(&events, 256);
    let mut reader = PerfReader::new(
        &events,
        PerfReaderOptions {
            pages: 1,
            ..Default::default()
        },
    )
    .unwrap();
    // Ten full rings' worth without reading.
    prod.run(200);
    let failed = prod.failed();
    assert!(
        failed > 0,
        "a one-page ring cannot hold 200 samples of 256 bytes"
    );
    let mut last = Default::default();
    let mut seen = Vec::new();
    let mut lost = drain_perf(&mut reader, &mut last, &mut seen, 256);
    // The kernel writes the LOST record once there is room again: before the next sample.
    prod.run(5);
    lost += drain_perf(&mut reader, &mut last, &mut seen, 256);
    assert_eq!(lost, failed, "lost records report every failed output");
    assert_eq!(
        seen.len() as u64 + lost,
        205,
        "samples {} + lost {lost}",
        seen.len()
    );
    assert_eq!(reader.stats().lost, lost);
    assert_eq!(&seen[seen.len() - 5..], &[201, 202, 203, 204, 205]);
}

#[test]
fn perf_reader_poll_wakes_on_samples() {
    require_root!();
    let events = perf_array();
    let prod = perf_producer(&events, 16);
    let mut reader = PerfReader::new(&events, PerfReaderOptions::default()).unwrap();
    assert_eq!(
        reader
            .poll(Some(Duration::from_millis(10)), |_| {})
            .unwrap(),
        0
    );
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        prod.run(4);
    });
    let mut n = 0;
    while n < 4 {
        let got = reader
            .poll(Some(Duration::from_secs(5)), |ev| {
                assert!(matches!(ev, PerfEvent::Sample { .. }))
            })
            .unwrap();
        assert!(got > 0, "timed out");
        n += got;
    }
    t.join().unwrap();
}
