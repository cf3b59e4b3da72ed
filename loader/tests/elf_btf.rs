//! The BTF of clang objects: `.BTF` loaded with the programs and maps (so `bpftool`
//! prints map values by field and program lines by C line), `.BTF.ext` func_info and
//! line_info (the verifier's log quotes the C source), CO-RE relocations resolved
//! against the running kernel, and kprobe sections.

mod common;

use common::clang::compile;

use ebpf_loader::{BtfFeatures, CollectionSpec, Error, ProgramType, TestRun};

fn spec(name: &str) -> Option<CollectionSpec> {
    let obj = compile(name)?;
    Some(CollectionSpec::from_elf(&obj).unwrap_or_else(|e| panic!("reads {name}.o: {e}")))
}

/// `bpftool ARGS` output, or `None` (after `skip`) when bpftool is missing.
fn bpftool(args: &[&str]) -> Option<String> {
    match std::process::Command::new("bpftool").args(args).output() {
        Ok(out) => {
            assert!(out.status.success(), "bpftool {args:?}: {out:?}");
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(e) => {
            common::skip(&format!("bpftool not runnable: {e}"));
            None
        }
    }
}

/// Raw tracepoint arguments as the kernel takes them: u64 values.
fn raw_tp_args(args: &[u64]) -> Vec<u8> {
    args.iter().flat_map(|a| a.to_ne_bytes()).collect()
}

#[test]
fn func_and_line_info_follow_the_text_subprogram_into_the_program() {
    let Some(spec) = spec("btf_info") else {
        return;
    };
    let p = &spec.programs()[0];
    let btf = p.btf.as_ref().expect("the program has the object's BTF");
    let funcs: Vec<(&str, bool)> = btf
        .funcs()
        .iter()
        .map(|f| (f.name.as_str(), f.slot > 0))
        .collect();
    assert_eq!(funcs, [("count_packets", false), ("bump", true)]);
    // `bump` lands after the program: its records moved there, in slot order.
    let bump = btf.funcs()[1].slot as usize;
    assert_eq!(
        p.program.label("bump").and_then(|i| p.program.slot_of(i)),
        Some(bump)
    );
    let slots: Vec<u32> = btf
        .line_info()
        .chunks(16)
        .map(|r| u32::from_ne_bytes(r[..4].try_into().expect("4 bytes")))
        .collect();
    assert!(slots.windows(2).all(|w| w[0] < w[1]), "{slots:?}");
    assert!(slots.contains(&(bump as u32)), "{slots:?}");
    // Each instruction knows its C line: bump's first is in its body (lines 21-23).
    let at = p
        .program
        .location(p.program.label("bump").expect("bump"))
        .expect("located");
    assert!(at.file.ends_with("btf_info.c"), "{at}");
    assert!((21..=23).contains(&at.line), "{at}");
    // The map's key and value types come from the object's BTF.
    let map_btf = spec.maps()[0].spec.btf.as_ref().expect("map BTF");
    assert_ne!(map_btf.value_type_id(), 0);
}

#[test]
fn object_btf_reaches_the_kernel_with_programs_and_maps() {
    require_root!();
    let Some(spec) = spec("btf_info") else {
        return;
    };
    let coll = spec.load().expect("loads");
    let prog = coll.program("count_packets").expect("program");
    assert!(prog.btf().is_some(), "{prog:?}");
    assert_eq!(prog.btf_fallback(), None);
    for _ in 0..3 {
        let out = prog
            .test_run(&TestRun {
                data_in: &[0; 64],
                ..Default::default()
            })
            .expect("runs");
        assert_eq!(out.retval, 2, "XDP_PASS");
    }
    let info = prog.info().expect("info");
    assert_ne!(info.btf_id, 0, "{info:?}");
    let map = coll.map("stats").expect("map");
    let map_info = map.info().expect("map info");
    assert_ne!(map_info.btf_id, 0, "{map_info:?}");
    let Some(dump) = bpftool(&["map", "dump", "id", &map_info.id.to_string()]) else {
        return;
    };
    println!("{dump}");
    // Printed by field: bump ran three times on 64-byte packets.
    assert!(dump.contains("\"packets\": 3"), "{dump}");
    assert!(dump.contains("\"last_len\": 64"), "{dump}");
    assert!(dump.contains("\"calls\": 3"), "{dump}");
    let Some(xlated) = bpftool(&[
        "prog",
        "dump",
        "xlated",
        "id",
        &info.id.to_string(),
        "linum",
    ]) else {
        return;
    };
    println!("{xlated}");
    // The subprogram's C line, with its file and line number, in the loaded program.
    assert!(xlated.contains("s->packets += 1;"), "{xlated}");
    assert!(xlated.contains("btf_info.c line_num:21"), "{xlated}");
    assert!(
        xlated.contains("int bump(struct packet_stats * s, __u32 len):"),
        "{xlated}"
    );
}

#[test]
fn a_verifier_rejection_quotes_the_c_line() {
    require_root!();
    let Some(spec) = spec("null_deref") else {
        return;
    };
    let Err(Error::Verifier(v)) = spec.load() else {
        panic!("the verifier should refuse a map value read without a NULL check");
    };
    let log = v.log();
    println!("{log}");
    assert!(
        log.contains(
            "; return *total > 10 ? XDP_DROP : XDP_PASS; /* no NULL check */ @ null_deref.c:17"
        ),
        "{log}"
    );
    assert!(
        log.contains("invalid mem access 'map_value_or_null'"),
        "{log}"
    );
    // Our summary names the C line too (from the line records).
    let summary = v.to_string();
    assert!(summary.contains("null_deref.c:17:"), "{summary}");
}

#[test]
fn core_relocations_are_read_as_named_expressions() {
    let Some(spec) = spec("core_task") else {
        return;
    };
    let p = &spec.programs()[0];
    let exprs: Vec<String> = p
        .program
        .core_relos()
        .iter()
        .map(|r| r.expr.to_string())
        .collect();
    assert_eq!(
        exprs,
        [
            "offsetof(task_struct, tgid)",
            "field_exists(task_struct, tgid)",
            "field_exists(task_struct___future, no_such_field)",
            "type_exists(task_struct)",
            "type_exists(not_in_this_kernel)",
            "sizeof(task_struct)",
            "fieldsize(task_struct, tgid)",
            "enumval(bpf_map_type___local, BPF_MAP_TYPE_RINGBUF)",
            "enumval_exists(bpf_map_type___local, BPF_MAP_TYPE_RINGBUF)",
            "enumval_exists(bpf_map_type___local, NOT_A_MAP_TYPE)",
            "type_id(task_struct)",
            "offsetof(task_struct, [1].tgid)",
        ]
    );
}

#[test]
fn core_relocations_resolve_against_the_running_kernel() {
    require_root!();
    let Some(spec) = spec("core_task") else {
        return;
    };
    // TYPE_ID_LOCAL: the id of `struct task_struct` in the object's own BTF.
    let blob = spec.programs()[0].btf.as_ref().expect("program BTF").blob();
    let local = ebpf_btf::Btf::parse(blob.to_vec()).expect("object BTF");
    let local_task = local
        .id_by_name_kind("task_struct", ebpf_btf::Kind::Struct)
        .expect("lookup")
        .expect("the object's task_struct");
    let coll = spec.load().expect("loads");
    let out = coll
        .program("core_tgid")
        .expect("program")
        .test_run(&TestRun {
            ctx_in: &raw_tp_args(&[0, 0]),
            ..Default::default()
        })
        .expect("runs");
    assert_eq!(
        out.retval, 1,
        "task->tgid read through CO-RE equals the pid"
    );
    let results = coll.map("results").expect("map");
    let get = |k: u32| {
        let v = results
            .lookup(&k.to_ne_bytes())
            .expect("lookup")
            .expect("value");
        u64::from_ne_bytes(v.try_into().expect("8 bytes"))
    };
    let vmlinux = ebpf_btf::vmlinux().expect("vmlinux BTF");
    let task = vmlinux
        .id_by_name_kind("task_struct", ebpf_btf::Kind::Struct)
        .expect("lookup")
        .expect("task_struct");
    assert_eq!(get(0), u64::from(std::process::id()), "tgid");
    assert_eq!(get(1), 1, "task_struct has tgid");
    assert_eq!(get(2), 0, "no task_struct has no_such_field");
    assert_eq!(get(3), 1, "task_struct exists");
    assert_eq!(get(4), 0, "not_in_this_kernel does not");
    assert_eq!(
        get(5),
        u64::from(vmlinux.size_of(task).expect("size")),
        "sizeof"
    );
    assert_eq!(get(6), 4, "fieldsize(tgid)");
    assert_eq!(
        get(7),
        27,
        "BPF_MAP_TYPE_RINGBUF in the kernel (99 locally)"
    );
    assert_eq!(
        get(8),
        1,
        "the kernel's bpf_map_type has BPF_MAP_TYPE_RINGBUF"
    );
    assert_eq!(get(9), 0, "and no NOT_A_MAP_TYPE");
    assert_eq!(get(10), u64::from(local_task), "TYPE_ID_LOCAL");
    assert_ne!(
        local_task, task,
        "the ids differ, so the test tells them apart"
    );
    assert_eq!(
        get(11),
        u64::from(task),
        "TYPE_ID_TARGET: vmlinux's task_struct"
    );
}

#[test]
fn bitfields_are_read_through_core_shifts_from_the_running_kernel() {
    require_root!();
    let Some(spec) = spec("core_bitfield") else {
        return;
    };
    let kinds: Vec<String> = spec.programs()[0]
        .program
        .core_relos()
        .iter()
        .map(|r| r.expr.to_string())
        .collect();
    for want in [
        "field_lshift(bpf_insn___core, dst_reg)",
        "field_rshift(bpf_insn___core, src_reg)",
        "field_signed(bpf_insn___core, off)",
    ] {
        assert!(kinds.iter().any(|k| k == want), "{want} in {kinds:?}");
    }
    let coll = spec.load().expect("loads");
    let out = coll
        .program("core_bitfield")
        .expect("program")
        .test_run(&TestRun {
            ctx_in: &raw_tp_args(&[0, 0]),
            ..Default::default()
        })
        .expect("runs");
    assert_eq!(out.retval, 1);
    let results = coll.map("results").expect("map");
    let get = |k: u32| {
        let v = results
            .lookup(&k.to_ne_bytes())
            .expect("lookup")
            .expect("value");
        u64::from_ne_bytes(v.try_into().expect("8 bytes"))
    };
    assert_eq!(get(0), 3, "dst_reg, the low 4 bits of byte 1");
    assert_eq!(get(1), 10, "src_reg, the high 4 bits of byte 1");
    assert_eq!(
        get(2) as i64,
        -2,
        "off, signed: shifted back arithmetically"
    );
    assert_eq!(get(3), 7, "imm");
}

/// `core_matches.c`'s answers, in `results` order: libbpf's rules against this kernel.
const TYPE_MATCHES: [(&str, u64); 9] = [
    ("type_matches(task_struct___m)", 1),
    ("type_matches(task_struct___wrong_type)", 0),
    ("type_matches(task_struct___missing)", 0),
    ("type_matches(bpf_map_type___m)", 1),
    ("type_matches(bpf_map_type___bad)", 0),
    ("type_matches(bpf_map_type)", 1),
    // clang names `__s16`'s int `short`, the kernel's BTF (gcc, pahole) `short int`;
    // libbpf compares the names of ints too, and says 0 as well.
    ("type_matches(bpf_insn)", 0),
    ("type_matches(pid_t)", 1),
    ("type_matches(pid_t___unsigned)", 0),
];

#[test]
fn type_matches_is_read_with_the_objects_own_types() {
    let Some(spec) = spec("core_matches") else {
        return;
    };
    let p = &spec.programs()[0].program;
    let exprs: Vec<String> = p.core_relos().iter().map(|r| r.expr.to_string()).collect();
    let want: Vec<&str> = TYPE_MATCHES.iter().map(|(e, _)| *e).collect();
    assert_eq!(exprs, want);
    // The object's `.BTF` travels with the program: the definitions compared.
    let local =
        ebpf_btf::Btf::parse(p.local_btf().expect("the object's BTF").to_vec()).expect("parses");
    let id = local
        .id_by_name_kind("task_struct___m", ebpf_btf::Kind::Struct)
        .expect("lookup");
    assert!(id.is_some(), "task_struct___m is in the program's own BTF");
}

#[test]
fn type_matches_resolves_against_the_running_kernel() {
    require_root!();
    let Some(spec) = spec("core_matches") else {
        return;
    };
    let coll = spec.load().expect("loads");
    let out = coll
        .program("type_matches")
        .expect("program")
        .test_run(&TestRun {
            ctx_in: &raw_tp_args(&[0, 0]),
            ..Default::default()
        })
        .expect("runs");
    assert_eq!(out.retval, 1);
    let results = coll.map("results").expect("map");
    for (k, (expr, want)) in TYPE_MATCHES.iter().enumerate() {
        let v = results
            .lookup(&(k as u32).to_ne_bytes())
            .expect("lookup")
            .expect("value");
        let got = u64::from_ne_bytes(v.try_into().expect("8 bytes"));
        assert_eq!(got, *want, "{expr}");
    }
}

/// The instruction bytes with the 64-bit loads' immediates (map ids) zeroed.
fn without_map_ids(xlated: &[u8]) -> Vec<u8> {
    let mut out = xlated.to_vec();
    let mut at = 0;
    while at + 16 <= out.len() {
        if out[at] == 0x18 {
            out[at + 4..at + 8].fill(0);
            out[at + 12..at + 16].fill(0);
            at += 16;
        } else {
            at += 8;
        }
    }
    out
}

#[test]
fn type_matches_agrees_with_libbpf() {
    require_root!();
    if !common::have_tool("bpftool") {
        return;
    }
    let Some(obj) = compile("core_matches") else {
        return;
    };
    let Some(fs) = common::BpffsMount::new("typematch") else {
        return;
    };
    // libbpf's load (`bpftool prog loadall`) and its translated instructions.
    let file = fs.path().with_extension("o");
    std::fs::write(&file, &obj).expect("write the object");
    let pins = fs.path().join("progs");
    let dump = fs.path().with_extension("xlated");
    let run = |args: &[&std::ffi::OsStr]| {
        let out = std::process::Command::new("bpftool")
            .args(args)
            .output()
            .expect("bpftool runs");
        assert!(out.status.success(), "bpftool {args:?}: {out:?}");
    };
    run(&[
        "prog".as_ref(),
        "loadall".as_ref(),
        file.as_os_str(),
        pins.as_os_str(),
    ]);
    let prog = pins.join("type_matches");
    run(&[
        "prog".as_ref(),
        "dump".as_ref(),
        "xlated".as_ref(),
        "pinned".as_ref(),
        prog.as_os_str(),
        "file".as_ref(),
        dump.as_os_str(),
    ]);
    let libbpf = std::fs::read(&dump).expect("the dump");
    let _ = std::fs::remove_dir_all(&pins);
    let _ = (std::fs::remove_file(&file), std::fs::remove_file(&dump));
    // Ours, from the same object.
    let coll = CollectionSpec::from_elf(&obj)
        .expect("reads")
        .load()
        .expect("loads");
    let ours = coll
        .program("type_matches")
        .expect("program")
        .xlated_insns()
        .expect("xlated");
    assert_eq!(libbpf.len(), ours.len(), "same number of instructions");
    assert_eq!(
        without_map_ids(&libbpf),
        without_map_ids(&ours),
        "the same values in the same instructions (map ids aside)"
    );
}

#[test]
fn an_unresolvable_relocation_names_the_program_line_and_field() {
    require_root!();
    let Some(spec) = spec("core_missing") else {
        return;
    };
    let e = spec
        .load()
        .expect_err("the kernel's task_struct has no no_such_field");
    let msg = e.to_string();
    println!("{msg}");
    assert!(matches!(e, Error::KernelBtf { .. }), "{e:?}");
    assert!(msg.starts_with("program `read_missing`: "), "{msg}");
    // The C line of the instruction the relocation patches.
    assert!(msg.contains("core_missing.c:15:"), "{msg}");
    assert!(
        msg.contains(
            "`offsetof(task_struct, no_such_field)`: `task_struct` has no field `no_such_field`"
        ),
        "{msg}"
    );
}

#[test]
fn kprobe_sections_load_and_attaching_says_what_the_kernel_lacks() {
    let Some(spec) = spec("kprobes") else {
        return;
    };
    let kinds: Vec<(&str, ProgramType)> = spec
        .programs()
        .iter()
        .map(|p| (p.name.as_str(), p.prog_type))
        .collect();
    assert_eq!(
        kinds,
        [
            ("enter_nanosleep", ProgramType::Kprobe),
            ("leave_nanosleep", ProgramType::Kprobe)
        ]
    );
    require_root!();
    let coll = spec
        .load()
        .expect("kprobe programs load without CONFIG_KPROBES");
    let prog = coll.program("enter_nanosleep").expect("program");
    assert_eq!(prog.prog_type(), ProgramType::Kprobe);
    if std::path::Path::new("/sys/bus/event_source/devices/kprobe").exists() {
        common::skip("this kernel has kprobes: the refusal cannot be shown");
        return;
    }
    let e = prog
        .attach_kprobe("do_nanosleep", false)
        .expect_err("no kprobes here");
    let msg = e.to_string();
    assert!(matches!(e, Error::Unsupported { .. }), "{e:?}");
    assert!(msg.contains("CONFIG_KPROBES"), "{msg}");
}

#[test]
fn malformed_btf_ext_is_an_error_naming_it() {
    let Some(mut obj) = compile("btf_info") else {
        return;
    };
    // `.BTF.ext` starts with its magic, version 1, flags 0 and a 32-byte header.
    let at = obj
        .windows(8)
        .position(|w| w == [0x9f, 0xeb, 1, 0, 32, 0, 0, 0])
        .expect(".BTF.ext header");
    obj[at + 5] = 0xff;
    let e = CollectionSpec::from_elf(&obj).expect_err("a broken header");
    let msg = e.to_string();
    assert!(
        msg.contains("section `.BTF.ext`: header length 65312"),
        "{msg}"
    );
}

#[test]
fn this_kernel_accepts_every_btf_kind_so_nothing_is_replaced() {
    require_root!();
    assert_eq!(ebpf_loader::kernel_btf_features(), BtfFeatures::ALL);
}

#[test]
fn btf_sanitized_for_an_old_kernel_still_loads() {
    require_root!();
    let Some(obj) = compile("btf_info") else {
        return;
    };
    // Every kind newer than plain types replaced, as for a kernel before 5.0.
    let spec = CollectionSpec::from_elf_with(&obj, BtfFeatures::NONE).expect("reads");
    assert!(spec.programs()[0].btf.is_none(), "no FUNC: no func_info");
    let coll = spec.load().expect("loads");
    let out = coll
        .program("count_packets")
        .expect("program")
        .test_run(&TestRun {
            data_in: &[0; 64],
            ..Default::default()
        })
        .expect("runs");
    assert_eq!(out.retval, 2);
    // The map's BTF (DATASEC now a STRUCT, VARs INTs) was accepted with its types.
    let info = coll.map("stats").expect("map").info().expect("info");
    assert_ne!(info.btf_id, 0, "{info:?}");
    let Some(dump) = bpftool(&["map", "dump", "id", &info.id.to_string()]) else {
        return;
    };
    assert!(dump.contains("\"packets\": 1"), "{dump}");
}

#[test]
fn clangs_btf_needs_its_datasec_sizes_filled_in() {
    require_root!();
    let Some(obj) = compile("btf_info") else {
        return;
    };
    // `.BTF` as clang wrote it: the 24-byte header says how long the rest is.
    let at = obj
        .windows(8)
        .position(|w| w == [0x9f, 0xeb, 1, 0, 24, 0, 0, 0])
        .expect(".BTF header");
    let word =
        |i: usize| u32::from_le_bytes(obj[at + i..at + i + 4].try_into().expect("4")) as usize;
    let raw = &obj[at..at + 24 + word(16) + word(20)];
    let e = ebpf_loader::BtfObject::load(raw).expect_err("DATASEC `.maps` has size 0");
    let msg = format!("{e:#}");
    println!("{msg}");
    assert!(msg.contains("size == 0"), "{msg}");
    // The same BTF fixed up from the ELF symbols is what the programs got, and loads.
    let spec = CollectionSpec::from_elf(&obj).expect("reads");
    let blob = spec.programs()[0].btf.as_ref().expect("btf").blob();
    ebpf_loader::BtfObject::load(blob).expect("the fixed-up BTF loads");
}
