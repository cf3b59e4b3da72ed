//! The kernel's BTF parsed and searched in process: ebpf-btf against aya-obj's parser
//! (issue 12). Both get the same bytes of `/sys/kernel/btf/vmlinux`, already in memory, and
//! look up the same 100 struct names spread over the blob by kind and name.
//!
//! ```text
//! cargo bench -p ebpf-asm-benches --bench btf_vs_aya
//! ```
//!
//! aya-obj parses every type eagerly and finds a name by scanning all types; ebpf-btf
//! indexes lazily and builds a name index at the first lookup.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ebpf_btf::{Btf, Kind, VMLINUX_PATH};

/// 100 struct names spread over the whole blob.
fn struct_names(btf: &Btf) -> Vec<String> {
    let named: Vec<String> = btf
        .ids()
        .filter(|&id| btf.kind_of(id).ok().flatten() == Some(Kind::Struct))
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

fn bench(c: &mut Criterion) {
    let Ok(bytes) = std::fs::read(VMLINUX_PATH) else {
        eprintln!("skipped: {VMLINUX_PATH} is missing");
        return;
    };
    let ours = Btf::parse(bytes.clone()).expect("vmlinux parses");
    let names = struct_names(&ours);
    // The two agree on every id before anything is timed.
    let aya = aya_obj::btf::Btf::parse(&bytes, object::Endianness::default()).expect("aya parses");
    for n in &names {
        let a = aya
            .id_by_type_name_kind(n, aya_obj::btf::BtfKind::Struct)
            .expect("aya finds");
        let o = ours
            .id_by_name_kind(n, Kind::Struct)
            .expect("lookup")
            .expect("found");
        assert_eq!(o, a, "{n}");
    }
    let mut g = c.benchmark_group("vmlinux_btf_in_process");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.bench_function("ebpf_btf_parse_lookup_100", |b| {
        b.iter_batched(
            || bytes.clone(),
            |data| {
                let btf = Btf::parse(data).expect("parses");
                for n in &names {
                    black_box(btf.id_by_name_kind(n, Kind::Struct).expect("lookup"));
                }
                btf
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("aya_obj_parse_lookup_100", |b| {
        b.iter(|| {
            let btf =
                aya_obj::btf::Btf::parse(&bytes, object::Endianness::default()).expect("parses");
            for n in &names {
                black_box(
                    btf.id_by_type_name_kind(n, aya_obj::btf::BtfKind::Struct)
                        .ok(),
                );
            }
            btf
        })
    });
    g.bench_function("ebpf_btf_parse_only", |b| {
        b.iter_batched(
            || bytes.clone(),
            |data| Btf::parse(data).expect("parses"),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("aya_obj_parse_only", |b| {
        b.iter(|| aya_obj::btf::Btf::parse(&bytes, object::Endianness::default()).expect("parses"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
