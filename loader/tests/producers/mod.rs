//! Event producers for the reader tests and benchmark: socket filter programs run with
//! BPF_PROG_TEST_RUN that write numbered records of a chosen size to a ringbuf
//! (`bpf_ringbuf_output`) or a perf event array (`bpf_perf_event_output`).
//!
//! The record's first u64 is a sequence number (1, 2, 3, ...) kept in the first 8 bytes
//! of a one-element array `buf` whose value is the record; the second u64 of `buf`
//! counts outputs that failed (ring full).
#![allow(dead_code)]

use ebpf_asm::RawInsn;
use ebpf_loader::{LoadedProgram, Map, MapSpec, MapType, ProgramSpec, ProgramType, TestRun};

/// A producer: the program, its record buffer map, and the record size.
pub struct Producer {
    pub prog: LoadedProgram,
    pub buf: Map,
    pub size: u32,
}

fn assemble(src: &str, maps: &[(&str, &Map)]) -> Vec<RawInsn> {
    let mut p = ebpf_asm::assemble(src).expect("assemble producer");
    for (name, map) in maps {
        p.editor().rewrite_map(name, &map).expect("rewrite map");
    }
    p.to_raw()
}

fn buf_map(size: u32) -> Map {
    MapSpec::new(MapType::Array, 4, size.max(16), 1)
        .name("buf")
        .create()
        .expect("buf map")
}

/// Looks up buf[0] into r7 (exits when missing) and bumps the sequence number.
const PROLOGUE: &str = "
    r6 = r1
    r1 = 0
    *(u32 *)(r10 - 4) = r1
    r2 = r10
    r2 += -4
    r1 = buf ll
    call 1
    if r0 == 0 goto out
    r7 = r0
    r1 = 1
    lock *(u64 *)(r7 + 0) += r1
";

/// Counts a failed output in buf[8..16].
const EPILOGUE: &str = "
    if r0 == 0 goto out
    r1 = 1
    lock *(u64 *)(r7 + 8) += r1
    out:
    r0 = 2
    exit
";

/// `size`-byte records into ringbuf `rb` with `bpf_ringbuf_output`.
pub fn ringbuf_producer(rb: &Map, size: u32) -> Producer {
    let buf = buf_map(size);
    let src = format!(
        "{PROLOGUE}
         r1 = rb ll
         r2 = r7
         r3 = {size}
         r4 = 0
         call 130
         {EPILOGUE}"
    );
    let prog = ProgramSpec::new(
        "rb_prod",
        ProgramType::SocketFilter,
        assemble(&src, &[("buf", &buf), ("rb", rb)]),
    )
    .license("MIT")
    .load()
    .expect("load ringbuf producer");
    Producer { prog, buf, size }
}

/// 16-byte records via reserve + submit for even and reserve + discard for odd sequence
/// numbers (so half the records carry the discard bit).
pub fn ringbuf_discarding_producer(rb: &Map) -> Producer {
    let buf = buf_map(16);
    let src = format!(
        "{PROLOGUE}
         r8 = *(u64 *)(r7 + 0)
         r1 = rb ll
         r2 = 16
         r3 = 0
         call 131
         if r0 == 0 goto out
         *(u64 *)(r0 + 0) = r8
         r1 = r0
         r2 = 0
         r8 &= 1
         if r8 != 0 goto discard
         call 132
         goto out
         discard:
         call 133
         out:
         r0 = 2
         exit"
    );
    let prog = ProgramSpec::new(
        "rb_disc",
        ProgramType::SocketFilter,
        assemble(&src, &[("buf", &buf), ("rb", rb)]),
    )
    .license("MIT")
    .load()
    .expect("load discarding producer");
    Producer {
        prog,
        buf,
        size: 16,
    }
}

/// `size`-byte samples into perf event array `events` on the current CPU.
pub fn perf_producer(events: &Map, size: u32) -> Producer {
    let buf = buf_map(size);
    let src = format!(
        "{PROLOGUE}
         r1 = r6
         r2 = events ll
         r3 = 0xffffffff ll
         r4 = r7
         r5 = {size}
         call 25
         {EPILOGUE}"
    );
    let prog = ProgramSpec::new(
        "perf_prod",
        ProgramType::SocketFilter,
        assemble(&src, &[("buf", &buf), ("events", events)]),
    )
    .license("GPL")
    .load()
    .expect("load perf producer");
    Producer { prog, buf, size }
}

impl Producer {
    /// Runs the program `n` times (one BPF_PROG_TEST_RUN with repeat = n).
    pub fn run(&self, n: u32) {
        let data = [0u8; 64];
        self.prog
            .test_run(&TestRun {
                data_in: &data,
                data_out_size: Some(0),
                repeat: n,
                ..Default::default()
            })
            .expect("test run");
    }

    fn word(&self, i: usize) -> u64 {
        let v = self
            .buf
            .lookup(&0u32.to_ne_bytes())
            .expect("lookup")
            .expect("buf[0]");
        u64::from_ne_bytes(v[i * 8..i * 8 + 8].try_into().expect("8 bytes"))
    }

    /// Records produced so far (the last sequence number).
    pub fn produced(&self) -> u64 {
        self.word(0)
    }

    /// Outputs that failed because the ring was full.
    pub fn failed(&self) -> u64 {
        self.word(1)
    }
}

/// The sequence number at the start of a record.
pub fn seq(record: &[u8]) -> u64 {
    u64::from_ne_bytes(record[..8].try_into().expect("record of at least 8 bytes"))
}

/// An empty perf event array with an entry per possible CPU.
pub fn perf_array() -> Map {
    let cpus = ebpf_loader::possible_cpus().expect("possible cpus") as u32;
    MapSpec::new(MapType::PerfEventArray, 4, 4, cpus)
        .name("events")
        .create()
        .expect("perf event array")
}

/// A ringbuf of `bytes` bytes.
pub fn ringbuf(bytes: u32) -> Map {
    MapSpec::new(MapType::Ringbuf, 0, 0, bytes)
        .name("rb")
        .create()
        .expect("ringbuf map")
}
