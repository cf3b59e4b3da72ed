//! In-process throughput of the text assembler and of decode + print, on the same
//! 1,000,000-line workload that `loader/benches/cli_vs_llvm.rs` gives the command-line tool.
//!
//! ```text
//! cargo bench -p ebpf-asm-core --bench throughput
//! ```
//!
//! Criterion reports `thrpt` in lines (instructions) per second; target: assemble at
//! 10 M lines/s or more. `assemble` forms a `Program` (instructions, labels, source map);
//! `assemble_bytecode` gives the bytes only, as `bpfasm asm` does. Both parse inputs of a
//! megabyte or more on every CPU. `encode` and `decode` alone show where time goes.

mod common;

use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ebpf_asm_core::{assemble, assemble_bytecode, decode_iter, slots_of};

const LINES: usize = 1_000_000;

fn throughput(c: &mut Criterion) {
    let text = common::workload::assembly(LINES);
    let program = assemble(&text).expect("the workload assembles");
    assert_eq!(program.len(), LINES, "one instruction per line");
    let bytes = program.to_bytes();
    let slots = slots_of(&bytes).expect("whole slots");

    let mut g = c.benchmark_group("1M_lines");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(LINES as u64));

    g.bench_function("assemble", |b| {
        b.iter(|| assemble(black_box(&text)).expect("assembles"))
    });
    g.bench_function("assemble_bytecode", |b| {
        b.iter(|| assemble_bytecode("<input>", black_box(&text)).expect("assembles"))
    });
    g.bench_function("encode (Program::to_bytes)", |b| {
        b.iter(|| black_box(&program).to_bytes())
    });
    g.bench_function("decode", |b| {
        b.iter(|| decode_iter(black_box(&slots)).filter(|r| r.is_ok()).count())
    });
    let mut out = Vec::with_capacity(text.len() + text.len() / 4);
    g.bench_function("decode+print", |b| {
        b.iter(|| {
            out.clear();
            for r in decode_iter(black_box(&slots)) {
                let (_, insn) = r.expect("decodes");
                writeln!(out, "{insn}").expect("Vec grows");
            }
            out.len()
        })
    });
    g.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
