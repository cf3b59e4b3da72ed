//! Global data, constants set before load, `version` and function pointers of clang
//! objects: C sources in `tests/elf/` compiled by clang-19, read, loaded and test-run.

mod common;

use common::clang::{compile, elf_message};

use ebpf_asm::{Imm64, Insn, Target};
use ebpf_loader::flags::BPF_F_RDONLY_PROG;
use ebpf_loader::{Collection, CollectionSpec, Error, MapType, TestRun, Variable};

fn run(coll: &Collection, name: &str) -> u32 {
    let p = coll.program(name).expect("program is loaded");
    p.test_run(&TestRun {
        data_in: &[0; 64],
        ..Default::default()
    })
    .expect("test run")
    .retval
}

fn value(coll: &Collection, map: &str) -> Vec<u8> {
    let m = coll.map(map).expect("map exists");
    m.lookup(&0u32.to_ne_bytes())
        .expect("lookup")
        .expect("key 0 of an array is there")
}

/// data_sections.o without its kprobe (loaded on its own in `version_is_read_and_passed`).
fn data_sections() -> Option<CollectionSpec> {
    let obj = compile("data_sections")?;
    let mut spec = CollectionSpec::from_elf(&obj).expect("reads data_sections.o");
    spec.retain_programs(|p| p.name != "probe");
    Some(spec)
}

#[test]
fn data_sections_are_array_maps_named_as_cilium_names_them() {
    let Some(spec) = data_sections() else {
        return;
    };
    let maps: Vec<(&str, MapType, u32, u32, u32, u32)> = spec
        .maps()
        .iter()
        .map(|m| {
            let s = &m.spec;
            let (t, k, v, n, f) = (s.map_type, s.key_size, s.value_size, s.max_entries, s.flags);
            (m.name.as_str(), t, k, v, n, f)
        })
        .collect();
    let ro = BPF_F_RDONLY_PROG;
    assert_eq!(
        maps,
        [
            (".data", MapType::Array, 4, 8, 1, 0),
            (".rodata", MapType::Array, 4, 16, 1, ro),
            (".data.tally_of_runs", MapType::Array, 4, 4, 1, 0),
            (".bss", MapType::Array, 4, 8, 1, 0),
            (".rodata.str1.1", MapType::Array, 4, 5, 1, ro),
        ]
    );
    let rodata = &spec.data_sections()[1];
    let data_of = |name: &str| {
        let d = spec.data_sections().iter().find(|d| d.map == name);
        d.expect("data section").clone()
    };
    assert_eq!(rodata.map, ".rodata");
    assert!(rodata.read_only);
    let mut want = 7u32.to_le_bytes().to_vec();
    want.extend([0; 4]);
    want.extend(5u64.to_le_bytes());
    assert_eq!(rodata.value(), want);
    let var = |name: &str, offset, size, ty: &str| Variable {
        name: name.into(),
        offset,
        size,
        type_name: Some(ty.into()),
    };
    assert_eq!(
        rodata.variables,
        [
            var("answer", 0, 4, "const volatile __u32"),
            var("wide", 8, 8, "const volatile __u64"),
        ]
    );
    assert_eq!(data_of(".rodata.str1.1").contents, b"eBPF\0");
    let bss = &data_of(".bss");
    assert_eq!((bss.contents.len(), bss.value()), (0, vec![0; 8]));
}

#[test]
fn bss_counter_bumped_by_the_program_is_read_back() {
    require_root!();
    let Some(obj) = compile("global_data") else {
        return;
    };
    let coll = CollectionSpec::from_elf(&obj)
        .expect("reads global_data.o")
        .load()
        .expect("loads");
    for _ in 0..3 {
        assert_eq!(run(&coll, "count_hits"), 2); // XDP_PASS
    }
    assert_eq!(value(&coll, ".bss"), 3u32.to_ne_bytes());
    // Writable from user space after load: the program goes on from what we wrote.
    let bss = coll.map(".bss").expect(".bss");
    bss.update(&0u32.to_ne_bytes(), &40u32.to_ne_bytes(), 0)
        .expect(".bss is writable");
    run(&coll, "count_hits");
    assert_eq!(value(&coll, ".bss"), 41u32.to_ne_bytes());
}

#[test]
fn data_rodata_and_string_literals_reach_the_program() {
    require_root!();
    let Some(spec) = data_sections() else {
        return;
    };
    let coll = spec.load().expect("loads");
    assert_eq!(run(&coll, "count_hits"), 7 + 5);
    assert_eq!(run(&coll, "count_hits"), 7 + 5);
    assert_eq!(value(&coll, ".bss"), (2 * 3u64).to_ne_bytes());
    assert_eq!(value(&coll, ".data.tally_of_runs"), 102u32.to_ne_bytes());
    assert_eq!(run(&coll, "string_byte"), u32::from(b'P'));
    // `.data` is writable from user space: `pick` is at offset 4.
    let data = coll.map(".data").expect(".data");
    let mut v = value(&coll, ".data");
    v[4..8].copy_from_slice(&1u32.to_ne_bytes());
    data.update(&0u32.to_ne_bytes(), &v, 0)
        .expect("update .data");
    assert_eq!(run(&coll, "string_byte"), u32::from(b'B'));
}

#[test]
fn rodata_is_frozen_and_read_only_for_programs() {
    require_root!();
    let Some(spec) = data_sections() else {
        return;
    };
    let coll = spec.load().expect("loads");
    for name in [".rodata", ".rodata.str1.1"] {
        let m = coll.map(name).expect("map");
        let info = m.info().expect("map info");
        assert_eq!(info.flags & BPF_F_RDONLY_PROG, BPF_F_RDONLY_PROG, "{name}");
        let e = m
            .update(&0u32.to_ne_bytes(), &vec![0; m.value_size() as usize], 0)
            .expect_err("a frozen map refuses updates");
        assert!(format!("{e:#}").contains("EPERM"), "{name}: {e:#}");
    }
    // The kernel's names: the section's, cut at 15 bytes.
    let names: Vec<String> = coll.maps().map(|(_, m)| m.info().unwrap().name).collect();
    assert_eq!(
        names,
        [
            ".data",
            ".rodata",
            ".data.tally_of_",
            ".bss",
            ".rodata.str1.1"
        ]
    );
}

#[test]
fn constants_rewritten_before_load_are_what_the_program_returns() {
    require_root!();
    let Some(mut spec) = data_sections() else {
        return;
    };
    spec.set_constant("answer", 40u32).expect("answer is a u32");
    spec.set_variable("wide", &2u64.to_ne_bytes())
        .expect("wide is a u64 (a static variable)");
    spec.set_constant("step", 10u32).expect(".data too");
    spec.set_constant("hits", 1000u64).expect("and .bss");
    let coll = spec.load().expect("loads");
    assert_eq!(run(&coll, "count_hits"), 42);
    assert_eq!(value(&coll, ".bss"), 1010u64.to_ne_bytes());
}

#[test]
fn constant_errors_name_the_variable_and_sizes_or_the_known_names() {
    let Some(mut spec) = data_sections() else {
        return;
    };
    let e = spec.set_constant("answer", 1u64).unwrap_err().to_string();
    assert!(
        e.contains("`answer` (`const volatile __u32` in `.rodata`) is 4 bytes")
            && e.contains("given is 8 bytes"),
        "{e}"
    );
    let e = spec.set_constant("anser", 1u32).unwrap_err().to_string();
    assert!(e.contains("no variable named `anser`"), "{e}");
    for known in ["answer", "wide", "step", "pick", "hits", "tally"] {
        assert!(e.contains(known), "{known} missing from: {e}");
    }
    // Nothing was written by the failed calls.
    assert_eq!(spec.data_sections()[1].contents[..4], 7u32.to_le_bytes());
}

#[test]
fn version_is_read_and_passed() {
    let Some(obj) = compile("data_sections") else {
        return;
    };
    let mut spec = CollectionSpec::from_elf(&obj).expect("reads data_sections.o");
    assert_eq!(spec.kern_version(), 0x060c00);
    require_root!();
    // A kprobe (the type old kernels checked kern_version for) loads with it.
    spec.retain_programs(|p| p.name == "probe");
    let coll = spec
        .load()
        .expect("the kprobe program loads with kern_version");
    assert!(coll.program("probe").is_some());
}

/// The function whose address the first `BPF_PSEUDO_FUNC` ld_imm64 of `program` loads.
fn callback(spec: &CollectionSpec, program: &str) -> Option<String> {
    let p = spec.programs().iter().find(|p| p.name == program)?;
    p.program.insns().iter().find_map(|i| match i {
        Insn::LdImm64 {
            imm: Imm64::Func(Target::Label(l)),
            ..
        } => Some(l.to_string()),
        _ => None,
    })
}

#[test]
fn bpf_loop_callback_and_global_functions() {
    let Some(obj) = compile("func_pointers") else {
        return;
    };
    let spec = CollectionSpec::from_elf(&obj).expect("reads func_pointers.o");
    assert_eq!(callback(&spec, "loop_sum").as_deref(), Some("add_index"));
    assert_eq!(
        callback(&spec, "loop_global").as_deref(),
        Some("count_calls")
    );
    let p = &spec.programs()[1];
    assert_eq!(p.name, "double_three");
    // The call is linked to the copy of `global_double` appended to the program.
    assert_eq!(p.program.label("global_double"), Some(3));
    assert!(p.program.unresolved().is_empty());
    assert_eq!(p.program.to_bytes()[8..16], [0x85, 0x10, 0, 0, 1, 0, 0, 0]); // call pc+1
    require_root!();
    let coll = spec.load().expect("loads");
    // bpf_loop adds 0+1+2+3+4; global_is_short(skb) is 1.
    assert_eq!(run(&coll, "loop_sum"), 10 + 1);
    assert_eq!(run(&coll, "double_three"), 6);
    assert_eq!(run(&coll, "loop_global"), 7);
}

#[test]
fn data_section_too_big_for_the_kernel() {
    let Some(obj) = compile("huge_bss") else {
        return;
    };
    let m = elf_message(CollectionSpec::from_elf(&obj));
    assert!(m.contains("section `.bss` is 2147483648 bytes"), "{m}");
    assert!(m.contains("`huge`, is 2147483648 bytes"), "{m}");
    assert!(m.contains("at most 2147483647"), "{m}");
}

#[test]
fn reference_into_a_section_that_is_not_data() {
    let Some(obj) = compile("foreign_data") else {
        return;
    };
    let m = elf_message(CollectionSpec::from_elf(&obj));
    assert!(m.contains("function `read_stash`"), "{m}");
    assert!(
        m.contains("ld_imm64 of `stash` in section `stash_area`"),
        "{m}"
    );
    assert!(
        m.contains("global variables (`.data*`, `.rodata*`, `.bss*`)"),
        "{m}"
    );
}

fn refused_for_the_unchecked_read(r: Result<Collection, Error>) {
    match r {
        Err(Error::Verifier(v)) => {
            let log = v.log().to_string();
            assert!(log.contains("map_value_or_null"), "{log}");
        }
        r => panic!("expected the verifier to refuse the unchecked read: {r:?}"),
    }
}

#[test]
fn frozen_rodata_is_a_constant_to_the_verifier() {
    require_root!();
    let Some(obj) = compile("rodata_dead_code") else {
        return;
    };
    let all = CollectionSpec::from_elf(&obj).expect("reads rodata_dead_code.o");
    let only = |name: &'static str| {
        let mut spec = all.clone();
        spec.retain_programs(|p| p.name == name);
        spec
    };
    // `unchecked` is 0: the branch without the NULL check is dead, and not walked.
    let coll = only("maybe_unchecked")
        .load()
        .expect("the dead branch is pruned");
    assert_eq!(run(&coll, "maybe_unchecked"), 0); // the hash map is empty
    let mut spec = only("maybe_unchecked");
    spec.set_constant("unchecked", 1u32).expect("a u32");
    refused_for_the_unchecked_read(spec.load());
    // `.data` is not frozen: its 0 may change, so the verifier walks the branch.
    refused_for_the_unchecked_read(only("maybe_unchecked_rw").load());
}

#[test]
fn pointer_in_global_data_is_named() {
    let Some(obj) = compile("data_pointer") else {
        return;
    };
    let m = elf_message(CollectionSpec::from_elf(&obj));
    assert!(
        m.contains("section `.data`, variable `greeting`, holds the address of `.rodata.str1.1`"),
        "{m}"
    );
}
