//! Maps of clang objects beyond the plain definitions: `.maps` pinned by name, prog arrays
//! and maps of maps with initial values (`__array(values, ...)`), cilium's and gobpf's
//! legacy definitions. C sources in `tests/elf/`, loaded and test-run on the kernel.

mod common;

use common::clang::{compile, elf_message};
use common::BpffsMount;

use ebpf_loader::{CollectionSpec, LoadOptions, MapSlot, MapSpec, MapType, Pinning, TestRun};

fn run(coll: &ebpf_loader::Collection, prog: &str) -> u32 {
    coll.program(prog)
        .unwrap_or_else(|| panic!("program {prog} loaded"))
        .test_run(&TestRun {
            data_in: &[0; 64],
            ..Default::default()
        })
        .expect("test run")
        .retval
}

fn spec_of(name: &str) -> Option<CollectionSpec> {
    let obj = compile(name)?;
    Some(CollectionSpec::from_elf(&obj).unwrap_or_else(|e| panic!("reads {name}.o: {e}")))
}

#[test]
fn pinning_by_name_is_read() {
    let Some(spec) = spec_of("pinned") else {
        return;
    };
    let m = &spec.maps()[0];
    assert_eq!(m.name, "pinned_counts");
    assert_eq!(m.pinning, Pinning::ByName);
    // Its key/value BTF is the object's (elf_btf.rs checks what it gives).
    assert!(m.spec.btf.is_some());
    let without_btf = MapSpec {
        btf: None,
        ..m.spec.clone()
    };
    assert_eq!(without_btf, MapSpec::new(MapType::Array, 4, 8, 1));
}

#[test]
fn pinned_map_is_created_then_reused() {
    require_root!();
    let Some(spec) = spec_of("pinned") else {
        return;
    };
    let Some(fs) = BpffsMount::new("elf-pin") else {
        return;
    };
    let opts = LoadOptions {
        pin_dir: Some(fs.path().to_path_buf()),
        ..Default::default()
    };
    let path = fs.path().join("pinned_counts");
    {
        let coll = spec.load_with(&opts).expect("first load pins");
        assert!(path.exists(), "pinned at {}", path.display());
        assert_eq!(run(&coll, "count"), 1);
        assert_eq!(run(&coll, "count"), 2);
    }
    // The collection is gone; the pin keeps the map and its count.
    let coll = spec.load_with(&opts).expect("second load reuses the pin");
    assert_eq!(run(&coll, "count"), 3);
    let pinned = ebpf_loader::Map::from_pinned(&path).expect("open pin");
    let here = coll.map("pinned_counts").expect("map");
    assert_eq!(
        pinned.info().expect("info").id,
        here.info().expect("info").id,
        "the collection uses the pinned map itself"
    );
    drop(coll);

    // Another definition under the same name: an error naming map, path and field.
    let Some(other) = spec_of("pinned_other") else {
        return;
    };
    let e = other.load_with(&opts).expect_err("definitions differ");
    let msg = e.with_causes().to_string();
    assert!(msg.contains("map `pinned_counts`"), "{msg}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("type: pinned array, object hash"), "{msg}");
    assert!(msg.contains("max_entries: pinned 1, object 8"), "{msg}");
    ebpf_loader::unpin(&path).expect("unpin");
}

#[test]
fn pinning_outside_bpffs_names_the_map() {
    require_root!();
    let Some(spec) = spec_of("pinned") else {
        return;
    };
    let dir = std::env::temp_dir();
    let opts = LoadOptions {
        pin_dir: Some(dir.clone()),
        ..Default::default()
    };
    let e = spec.load_with(&opts).expect_err("not a bpffs");
    let msg = e.with_causes().to_string();
    assert!(msg.contains("bpf"), "{msg}");
    assert!(msg.contains("map `pinned_counts`"), "{msg}");
    assert!(!dir.join("pinned_counts").exists());
}

#[test]
fn prog_array_values_are_read() {
    let Some(spec) = spec_of("tail_calls") else {
        return;
    };
    let m = &spec.maps()[0];
    assert_eq!(m.name, "jump_table");
    assert_eq!(m.spec, MapSpec::new(MapType::ProgArray, 4, 4, 4));
    assert_eq!(m.slots, [(1, MapSlot::Program("second".into()))]);
}

#[test]
fn prog_array_values_make_tail_calls_reach_the_program() {
    require_root!();
    let Some(spec) = spec_of("tail_calls") else {
        return;
    };
    let coll = spec.load().expect("loads");
    // `entry` tail-calls slot 0 (empty, falls through), then slot 1: `second`'s 42.
    assert_eq!(run(&coll, "entry"), 42);
    assert_eq!(run(&coll, "second"), 42);
    let table = coll.map("jump_table").expect("map");
    assert_eq!(table.lookup(&0u32.to_ne_bytes()).expect("lookup"), None);
    let id = table
        .lookup(&1u32.to_ne_bytes())
        .expect("lookup")
        .expect("set");
    let second = coll
        .program("second")
        .expect("loaded")
        .info()
        .expect("info");
    assert_eq!(u32::from_ne_bytes(id[..4].try_into().unwrap()), second.id);

    // Without `second`, its slot stays empty and `entry` falls through.
    let mut only_entry = spec.clone();
    only_entry.retain_programs(|p| p.name == "entry");
    let coll = only_entry.load().expect("loads");
    assert_eq!(run(&coll, "entry"), 1);
}

#[test]
fn map_in_map_values_are_read() {
    let Some(spec) = spec_of("map_in_map") else {
        return;
    };
    let mut names: Vec<&str> = spec.maps().iter().map(|m| m.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["inner_a", "inner_b", "outer"]);
    let outer = spec
        .maps()
        .iter()
        .find(|m| m.name == "outer")
        .expect("outer");
    assert_eq!(outer.spec, MapSpec::new(MapType::ArrayOfMaps, 4, 4, 2));
    assert_eq!(
        outer.inner_spec,
        Some(MapSpec::new(MapType::Array, 4, 8, 1))
    );
    assert_eq!(outer.slots, [(1, MapSlot::Map("inner_b".into()))]);
}

#[test]
fn map_in_map_lookup_reaches_the_inner_value() {
    require_root!();
    let Some(spec) = spec_of("map_in_map") else {
        return;
    };
    let coll = spec.load().expect("loads");
    let inner_b = coll.map("inner_b").expect("map");
    inner_b
        .update(&0u32.to_ne_bytes(), &77u64.to_ne_bytes(), 0)
        .expect("update");
    assert_eq!(run(&coll, "through_outer"), 77);
    let outer = coll.map("outer").expect("map");
    assert_eq!(outer.lookup(&0u32.to_ne_bytes()).expect("lookup"), None);
    let id = outer
        .lookup(&1u32.to_ne_bytes())
        .expect("lookup")
        .expect("set");
    assert_eq!(
        u32::from_ne_bytes(id[..4].try_into().unwrap()),
        inner_b.info().expect("info").id
    );
}

#[test]
fn cilium_legacy_definitions_load() {
    let Some(spec) = spec_of("legacy_cilium") else {
        return;
    };
    let m = &spec.maps()[0];
    assert_eq!(m.name, "cilium_counts");
    assert_eq!(m.spec, MapSpec::new(MapType::Hash, 4, 8, 32).flags(1));
    // iproute2's PIN_GLOBAL_NS is not libbpf's pinning: not pinned.
    assert_eq!(m.pinning, Pinning::None);
    require_root!();
    let coll = spec.load().expect("loads");
    assert_eq!(run(&coll, "legacy_count"), 1);
    assert_eq!(run(&coll, "legacy_count"), 2);
    assert_eq!(run(&coll, "legacy_count"), 3);
}

#[test]
fn gobpf_map_sections_load() {
    let Some(spec) = spec_of("gobpf_maps") else {
        return;
    };
    let maps: Vec<(&str, &MapSpec)> = spec
        .maps()
        .iter()
        .map(|m| (m.name.as_str(), &m.spec))
        .collect();
    assert_eq!(
        maps,
        [
            ("gobpf_counts", &MapSpec::new(MapType::Array, 4, 8, 2)),
            (
                "gobpf_flags",
                &MapSpec::new(MapType::Hash, 4, 4, 8).flags(1)
            ),
        ]
    );
    require_root!();
    let coll = spec.load().expect("loads");
    let prog = coll.program("gobpf_socket").expect("loaded");
    let out = prog
        .test_run(&TestRun {
            data_in: &[0; 64],
            ..Default::default()
        })
        .expect("run");
    assert_eq!(out.retval, 0);
    let v = coll
        .map("gobpf_counts")
        .expect("map")
        .lookup(&1u32.to_ne_bytes())
        .expect("lookup")
        .expect("array slot");
    // A socket filter sees the packet from the IP header: 64 - 14 bytes.
    assert_eq!(u64::from_ne_bytes(v[..8].try_into().unwrap()), 50);
}

#[test]
fn bad_values_name_the_map() {
    let Some(obj) = compile("bad_values") else {
        return;
    };
    let msg = elf_message(CollectionSpec::from_elf(&obj));
    assert!(
        msg.contains("map `not_a_table` in section `.maps`"),
        "{msg}"
    );
    assert!(msg.contains("not hash"), "{msg}");
}

#[test]
fn unknown_pinning_names_the_map() {
    let Some(obj) = compile("bad_pinning") else {
        return;
    };
    let msg = elf_message(CollectionSpec::from_elf(&obj));
    assert!(msg.contains("map `global_ns` in section `.maps`"), "{msg}");
    assert!(msg.contains("`pinning` is 2"), "{msg}");
}

#[test]
fn corrupted_map_objects_never_panic() {
    for name in ["tail_calls", "map_in_map", "gobpf_maps"] {
        let Some(obj) = compile(name) else {
            return;
        };
        let mut errors = 0;
        for at in (0..obj.len()).step_by(5) {
            for value in [0x00, 0xff] {
                let mut bad = obj.clone();
                bad[at] = value;
                // Either reads (the byte did not matter) or is an error; never a panic.
                errors += usize::from(CollectionSpec::from_elf(&bad).is_err());
            }
        }
        assert!(errors > 0, "{name}: no corruption was noticed");
    }
}
