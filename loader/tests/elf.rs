//! Reading clang's BPF objects: C sources in `tests/elf/` compiled by `clang-19 -target
//! bpf -O2 -g -c` here, read into a `CollectionSpec`, loaded and test-run on the kernel;
//! and the errors for what is not a BPF object or not readable yet.

mod common;

use common::clang::{compile, elf_message};

use ebpf_loader::{CollectionSpec, MapType, ProgramType, TestRun};

#[test]
fn reads_programs_maps_and_license() {
    let Some(obj) = compile("counters") else {
        return;
    };
    let spec = CollectionSpec::from_elf(&obj).expect("reads counters.o");
    assert_eq!(spec.license(), "GPL");
    let progs: Vec<(&str, ProgramType, Option<&str>)> = spec
        .programs()
        .iter()
        .map(|p| (p.name.as_str(), p.prog_type, p.section.as_deref()))
        .collect();
    assert_eq!(
        progs,
        [
            ("xdp_pass", ProgramType::Xdp, Some("xdp")),
            ("xdp_drop", ProgramType::Xdp, Some("xdp")),
            ("sock_len", ProgramType::SocketFilter, Some("socket")),
        ]
    );
    let maps: Vec<(&str, MapType, u32, u32, u32)> = spec
        .maps()
        .iter()
        .map(|m| {
            let s = &m.spec;
            (
                m.name.as_str(),
                s.map_type,
                s.key_size,
                s.value_size,
                s.max_entries,
            )
        })
        .collect();
    assert_eq!(
        maps,
        [
            ("legacy_counts", MapType::Array, 4, 8, 4),
            ("btf_counts", MapType::Hash, 4, 8, 16),
        ]
    );
    // Instructions (an ld_imm64 is one): xdp_pass (5) calls bump (9) and add_twice (3),
    // both copied in; xdp_drop (6) calls only bump; sock_len (13) only add_twice.
    let len = |n: &str| {
        spec.programs()
            .iter()
            .find(|p| p.name == n)
            .unwrap()
            .program
            .len()
    };
    assert_eq!(len("xdp_pass"), 5 + 9 + 3);
    assert_eq!(len("xdp_drop"), 6 + 9);
    assert_eq!(len("sock_len"), 13 + 3);
}

#[test]
fn counters_run_on_the_kernel() {
    require_root!();
    let Some(obj) = compile("counters") else {
        return;
    };
    let coll = CollectionSpec::from_elf(&obj)
        .expect("reads")
        .load()
        .expect("loads");
    let run = |name: &str, data: &[u8]| {
        let p = coll.program(name).expect("loaded");
        p.test_run(&TestRun {
            data_in: data,
            ..Default::default()
        })
        .expect("test run")
        .retval
    };
    let packet = [0u8; 64];
    assert_eq!(run("xdp_pass", &packet), 2, "XDP_PASS from add_twice(1)");
    assert_eq!(run("xdp_drop", &packet), 1, "XDP_DROP");
    let legacy = coll.map("legacy_counts").expect("map");
    let value = |k: u32| legacy.lookup(&k.to_ne_bytes()).expect("lookup");
    assert_eq!(
        value(1).as_deref(),
        Some(&1u64.to_ne_bytes()[..]),
        "bump(1) once"
    );
    assert_eq!(
        value(2).as_deref(),
        Some(&2u64.to_ne_bytes()[..]),
        "bump(2) twice"
    );
    assert_eq!(value(0).as_deref(), Some(&0u64.to_ne_bytes()[..]));

    // No entry for key 7: add_twice(skb->len), the packet seen from the IP header.
    assert_eq!(run("sock_len", &packet), 2 * (64 - 14));
    let btf_counts = coll.map("btf_counts").expect("map");
    btf_counts
        .update(&7u32.to_ne_bytes(), &5u64.to_ne_bytes(), 0)
        .expect("update");
    assert_eq!(
        run("sock_len", &packet),
        5,
        "the value of key 7 in btf_counts"
    );
}

#[test]
fn one_btf_object_per_collection_as_libbpf_loads_it() {
    require_root!();
    let Some(obj) = compile("counters") else {
        return;
    };
    let spec = CollectionSpec::from_elf(&obj).expect("reads");
    let btf_ids = |coll: &ebpf_loader::Collection| -> Vec<u32> {
        let mut ids: Vec<u32> = coll
            .programs()
            .map(|(_, p)| p.info().expect("program info").btf_id)
            .collect();
        let map = coll.map("btf_counts").expect("BTF map");
        ids.push(map.info().expect("map info").btf_id);
        ids
    };
    let first = spec.load().expect("loads");
    let ids = btf_ids(&first);
    assert_eq!(ids.len(), 4, "three programs and the BTF map: {ids:?}");
    assert_ne!(ids[0], 0, "the programs carry the object's BTF: {ids:?}");
    assert!(
        ids.iter().all(|&id| id == ids[0]),
        "every program and the map share one BTF object: {ids:?}"
    );
    // The sharing is per load: a second collection has its own.
    let second = spec.load().expect("loads again");
    let again = btf_ids(&second);
    assert!(again.iter().all(|&id| id == again[0]), "{again:?}");
    assert_ne!(again[0], ids[0], "a new load, a new BTF object");
}

#[test]
fn not_an_elf_file() {
    let m = elf_message(CollectionSpec::from_elf(b"r0 = 0\nexit\n"));
    assert!(m.contains("not an ELF file"), "{m}");
}

#[test]
fn not_a_bpf_object() {
    let Ok(bytes) = std::fs::read("/bin/true") else {
        common::skip("/bin/true is not readable");
        return;
    };
    let m = elf_message(CollectionSpec::from_elf(&bytes));
    assert!(m.contains("not EM_BPF"), "{m}");
}

#[test]
fn truncated_objects_are_errors_not_panics() {
    let Some(obj) = compile("counters") else {
        return;
    };
    for len in (0..obj.len()).step_by(7) {
        let r = CollectionSpec::from_elf(&obj[..len]);
        assert!(r.is_err(), "a {len}-byte prefix of {} was read", obj.len());
    }
    let m = elf_message(CollectionSpec::from_elf(&obj[..100]));
    assert!(m.contains("cannot parse the ELF headers"), "{m}");
}

#[test]
fn corrupted_bytes_never_panic() {
    let Some(obj) = compile("counters") else {
        return;
    };
    let mut errors = 0;
    for at in (0..obj.len()).step_by(13) {
        for value in [0x00, 0xff] {
            let mut bad = obj.clone();
            bad[at] = value;
            // Either reads (the byte did not matter) or is an error; never a panic.
            errors += usize::from(CollectionSpec::from_elf(&bad).is_err());
        }
    }
    assert!(errors > 0, "no corruption was noticed");
}

#[test]
fn short_legacy_map_definition() {
    let Some(obj) = compile("short_map") else {
        return;
    };
    let m = elf_message(CollectionSpec::from_elf(&obj));
    assert!(m.contains("map `short_def` in section `maps`"), "{m}");
    assert!(m.contains("definition is 8 bytes"), "{m}");
}

#[test]
fn file_errors_name_the_file() {
    let path = format!("{}/tests/elf/counters.c", env!("CARGO_MANIFEST_DIR"));
    let m = elf_message(CollectionSpec::from_elf_file(&path));
    assert!(m.starts_with(&path) && m.contains("not an ELF file"), "{m}");
}

#[test]
fn text_functions_calling_each_other_are_linked_into_each_section() {
    let Some(obj) = compile("subprograms") else {
        return;
    };
    let spec = CollectionSpec::from_elf(&obj).expect("reads subprograms.o");
    assert_eq!(spec.license(), "Dual MIT/GPL");
    let limits = &spec.maps()[0];
    assert_eq!(limits.name, "limits");
    let s = &limits.spec;
    // BPF_F_RDONLY_PROG: the program may only read it.
    assert_eq!(
        (s.map_type, s.key_size, s.value_size, s.max_entries, s.flags),
        (MapType::Array, 4, 8, 2, 1 << 7)
    );
    let types: Vec<(&str, ProgramType)> = spec
        .programs()
        .iter()
        .map(|p| (p.name.as_str(), p.prog_type))
        .collect();
    assert_eq!(
        types,
        [
            ("xdp_square", ProgramType::Xdp),
            ("tc_square", ProgramType::SchedCls)
        ]
    );
    // square_plus calls square without a relocation (one section): both are copied.
    for p in spec.programs() {
        let labels: Vec<&str> = p.program.labels().iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["square_plus", "square"], "{}", p.name);
    }
    if !common::have_bpf_privileges() {
        return;
    }
    let coll = spec.load().expect("loads");
    let run = |name: &str| {
        let p = coll.program(name).expect("loaded");
        p.test_run(&TestRun {
            data_in: &[0; 64],
            ..Default::default()
        })
        .expect("run")
        .retval
    };
    assert_eq!(run("xdp_square"), 2, "square(1) + 1");
    assert_eq!(run("tc_square"), 9, "square(3) + limits[1] (0)");
    let limits = coll.map("limits").expect("map");
    limits
        .update(&1u32.to_ne_bytes(), &7u64.to_ne_bytes(), 0)
        .expect("update");
    assert_eq!(run("tc_square"), 16, "square(3) + limits[1] (7)");
}

#[test]
fn an_unknown_section_is_named() {
    let Some(obj) = compile("unknown_section") else {
        return;
    };
    let m = elf_message(CollectionSpec::from_elf(&obj));
    assert!(m.contains("section `xdpp` (program `misspelt`)"), "{m}");
    assert!(m.contains("did you mean `xdp`?"), "{m}");
}
