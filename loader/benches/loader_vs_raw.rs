//! The loader against raw `libc::syscall(SYS_bpf, ...)`, side by side in one run:
//! program load overhead (goal ≤ 5 %), map lookup/update rate (goal ≥ 95 %), and batch
//! lookup vs per-key iteration over 1,000,000 entries (goal ≥ 10×).
//!
//! Run as root: `cargo bench -p ebpf-loader --bench loader_vs_raw`. The raw side needs
//! `unsafe`; it is the yardstick, not part of the library.

use std::hint::black_box;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

use ebpf_loader::{Map, MapSpec, MapType, ProgramSpec, ProgramType, BPF_ANY};

/// r0 = 0
/// exit
const RETURN_0: [u8; 16] = [
    0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
    0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

#[repr(C, align(8))]
struct Attr([u8; 168]);

impl Attr {
    fn new() -> Self {
        Attr([0; 168])
    }
    fn u32_at(&mut self, off: usize, v: u32) -> &mut Self {
        self.0[off..off + 4].copy_from_slice(&v.to_ne_bytes());
        self
    }
    fn u64_at(&mut self, off: usize, v: u64) -> &mut Self {
        self.0[off..off + 8].copy_from_slice(&v.to_ne_bytes());
        self
    }
    fn call(&mut self, cmd: i32) -> i64 {
        // SAFETY: a 168-byte bpf_attr whose pointers (set by the callers below) point at
        // live buffers of the sizes the kernel expects for the command.
        unsafe { libc::syscall(libc::SYS_bpf, cmd, self.0.as_mut_ptr(), 168u32) }
    }
}

fn raw_prog_load(insns: &[u8], license: &std::ffi::CStr) -> OwnedFd {
    let mut a = Attr::new();
    a.u32_at(0, ProgramType::SocketFilter.as_u32())
        .u32_at(4, (insns.len() / 8) as u32)
        .u64_at(8, insns.as_ptr() as u64)
        .u64_at(16, license.as_ptr() as u64);
    let fd = a.call(5);
    assert!(fd >= 0, "raw load: {}", std::io::Error::last_os_error());
    // SAFETY: the kernel returned a new fd that nothing else owns.
    unsafe { OwnedFd::from_raw_fd(fd as i32) }
}

fn raw_elem(cmd: i32, map: &Map, key: &[u8], value: *mut u8) -> i64 {
    let mut a = Attr::new();
    a.u32_at(0, map.as_fd().as_raw_fd() as u32)
        .u64_at(8, key.as_ptr() as u64)
        .u64_at(16, value as u64)
        .u64_at(24, 0);
    a.call(cmd)
}

fn time(n: u32, mut f: impl FnMut(u32)) -> Duration {
    let t = Instant::now();
    for i in 0..n {
        f(i);
    }
    t.elapsed()
}

fn report(what: &str, n: u32, loader: Duration, raw: Duration) {
    let per = |d: Duration| d.as_nanos() as f64 / f64::from(n);
    println!(
        "{what:<28} loader {:>9.0} ns/op   raw {:>9.0} ns/op   loader/raw {:>6.3}",
        per(loader),
        per(raw),
        loader.as_secs_f64() / raw.as_secs_f64()
    );
}

fn main() {
    let license = c"GPL";
    // Program load: interleave rounds to even out noise.
    let (mut l, mut r) = (Duration::ZERO, Duration::ZERO);
    let n = 2000;
    for _ in 0..4 {
        l += time(n / 4, |_| {
            black_box(
                ProgramSpec::new("", ProgramType::SocketFilter, RETURN_0)
                    .load()
                    .expect("load"),
            );
        });
        r += time(n / 4, |_| {
            black_box(raw_prog_load(&RETURN_0, license));
        });
    }
    report("program load", n, l, r);

    let map = MapSpec::new(MapType::Hash, 4, 8, 1024)
        .create()
        .expect("map");
    let n = 200_000;
    let mut v = [0u8; 8];
    let l = time(n, |i| {
        map.update(
            &(i % 1024).to_ne_bytes(),
            &u64::from(i).to_ne_bytes(),
            BPF_ANY,
        )
        .expect("u");
    });
    let r = time(n, |i| {
        let mut val = u64::from(i).to_ne_bytes();
        assert_eq!(
            raw_elem(2, &map, &(i % 1024).to_ne_bytes(), val.as_mut_ptr()),
            0
        );
    });
    report("map update", n, l, r);
    let l = time(n, |i| {
        black_box(
            map.lookup_into(&(i % 1024).to_ne_bytes(), &mut v, 0)
                .expect("l"),
        );
    });
    let r = time(n, |i| {
        assert_eq!(
            raw_elem(1, &map, &(i % 1024).to_ne_bytes(), v.as_mut_ptr()),
            0
        );
    });
    report("map lookup", n, l, r);

    let entries = 1_000_000u32;
    let big = MapSpec::new(MapType::Hash, 4, 8, entries)
        .create()
        .expect("big map");
    let keys: Vec<u8> = (0..entries).flat_map(|i| i.to_ne_bytes()).collect();
    let vals: Vec<u8> = (0..entries)
        .flat_map(|i| u64::from(i).to_ne_bytes())
        .collect();
    for (k, v) in keys.chunks(4 * 10_000).zip(vals.chunks(8 * 10_000)) {
        big.update_batch(k, v, 0).expect("fill");
    }
    // The batch size is the caller's choice; report a few, compare the best.
    let mut batch = std::time::Duration::MAX;
    for chunk in [10_000u32, 100_000, 1_000_000] {
        let t = Instant::now();
        let (k, _) = big.lookup_all_batched(chunk).expect("batch");
        let took = t.elapsed();
        assert_eq!(k.len(), 4 * entries as usize);
        println!("1M entries: batch lookup, {chunk} per call: {took:?}");
        batch = batch.min(took);
    }
    let t = Instant::now();
    let count = big.entries().count();
    let per_key = t.elapsed();
    assert_eq!(count, entries as usize);
    println!(
        "1M entries: batch {:?}, per-key {:?}, speed-up {:.1}x",
        batch,
        per_key,
        per_key.as_secs_f64() / batch.as_secs_f64()
    );
}
