//! Our BTF parser against libbpf (bpftool) on the running kernel's BTF.
//!
//! ```text
//! cargo bench -p ebpf-btf --bench vmlinux
//! ```
//!
//! - `parse_lookup_100`: parse the blob (already in memory) and look up 100 type names
//!   (the first lookup builds the name index);
//! - `read_parse_lookup_100`: the same, reading `/sys/kernel/btf/vmlinux` first;
//! - `read_parse_dump_all`: read, parse, decode every type and format it as text
//!   (`[id] KIND 'name' ...`, one line per member) into /dev/null: the work bpftool does;
//! - `bpftool_btf_dump`: the whole `bpftool btf dump file /sys/kernel/btf/vmlinux`
//!   process, output to /dev/null (libbpf parses, bpftool formats every type).

use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use ebpf_btf::{Btf, VMLINUX_PATH};

/// 100 names spread over the whole blob.
fn names(btf: &Btf) -> Vec<String> {
    let named: Vec<String> = btf
        .ids()
        .map(|id| btf.name_of(id).expect("name").to_owned())
        .filter(|n| !n.is_empty())
        .collect();
    named
        .iter()
        .step_by(named.len() / 100)
        .take(100)
        .cloned()
        .collect()
}

fn lookup_all(btf: &Btf, names: &[String]) -> usize {
    names
        .iter()
        .map(|n| btf.ids_by_name(n).expect("lookup").len())
        .sum()
}

fn dump_all(btf: &Btf, out: &mut impl Write) {
    for t in btf.types() {
        let (id, t) = t.expect("type decodes");
        writeln!(out, "[{id}] {t}").expect("write");
    }
}

fn bench(c: &mut Criterion) {
    let Ok(bytes) = std::fs::read(VMLINUX_PATH) else {
        eprintln!("skipped: {VMLINUX_PATH} is missing");
        return;
    };
    let names = names(&Btf::parse(bytes.clone()).expect("vmlinux parses"));
    let mut g = c.benchmark_group("vmlinux_btf");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("parse_lookup_100", |b| {
        b.iter_batched(
            || bytes.clone(),
            |data| {
                let btf = Btf::parse(data).expect("parses");
                assert!(lookup_all(&btf, &names) >= 100);
                btf
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("read_parse_lookup_100", |b| {
        b.iter(|| {
            let btf = Btf::from_file(VMLINUX_PATH).expect("parses");
            assert!(lookup_all(&btf, &names) >= 100);
        })
    });
    g.bench_function("read_parse_dump_all", |b| {
        b.iter(|| {
            let btf = Btf::from_file(VMLINUX_PATH).expect("parses");
            let mut out = BufWriter::new(File::create("/dev/null").expect("/dev/null"));
            dump_all(&btf, &mut out);
            out.flush().expect("flush");
        })
    });
    let bpftool = || {
        Command::new("bpftool")
            .args(["btf", "dump", "file", VMLINUX_PATH])
            .stdout(Stdio::null())
            .status()
    };
    match bpftool() {
        Ok(s) if s.success() => {
            g.bench_function("bpftool_btf_dump", |b| {
                b.iter(|| assert!(black_box(bpftool()).expect("runs").success()))
            });
        }
        other => eprintln!("skipped bpftool_btf_dump: bpftool did not run ({other:?})"),
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
