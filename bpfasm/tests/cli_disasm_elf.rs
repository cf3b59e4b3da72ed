//! `bpfasm disasm FILE.o`: clang objects (loader/tests/elf/*.c) printed in the object
//! text format; the printout loads again (library and `bpfasm load`) to the same
//! translated instructions and test-run results as the object — global data, pinning
//! by name, prog-array and map-of-maps slots included; print → parse → print is a fixed
//! point; and `bpfasm load --pin` of an object whose map is pinned by name.

#[path = "../../loader/tests/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use ebpf_loader::{Collection, CollectionSpec, TestRun};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn bpfasm(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_bpfasm"))
        .args(args)
        .output()
        .expect("bpfasm runs");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A file of this test's own under Cargo's scratch directory.
fn scratch(name: &str, contents: &[u8]) -> String {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_disasm_elf");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("scratch file written");
    path.to_str().expect("UTF-8 path").to_owned()
}

/// Compiles loader/tests/elf/NAME.c (with its `bpf_test.h`) into a file of the caller's
/// own (tests run in parallel); `None` (after `skip`) without clang-19.
fn clang_object(name: &str) -> Option<String> {
    static OUTPUTS: AtomicUsize = AtomicUsize::new(0);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../loader/tests/elf");
    let src = format!("{dir}/{name}.c");
    let n = OUTPUTS.fetch_add(1, Ordering::Relaxed);
    let out = scratch(&format!("{name}-{n}.o"), b"");
    let status = Command::new("clang-19")
        .args(["-target", "bpf", "-O2", "-g", "-c"])
        .args(["-I/usr/include/x86_64-linux-gnu", &format!("-I{dir}")])
        .args([&src, "-o", &out])
        .status();
    match status {
        Ok(s) => {
            assert!(s.success(), "clang-19 failed on {src}");
            Some(out)
        }
        Err(e) => {
            common::skip(&format!("clang-19 is not runnable ({e})"));
            None
        }
    }
}

#[test]
fn disasm_of_a_clang_object_is_object_text() {
    let Some(obj) = clang_object("counters") else {
        return;
    };
    let r = bpfasm(&["disasm", &obj]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    let text = &r.stdout;
    for want in [
        ".license \"GPL\"\n",
        ".map legacy_counts array key=4 value=8 entries=4\n",
        ".map btf_counts hash key=4 value=8 entries=16\n",
        "\n.section xdp\nxdp_pass:\n\tr1 = 1\n\tcall bump\n",
        "\n.section socket\nsock_len:\n",
        "\tr1 = legacy_counts ll\n\tcall bpf_map_lookup_elem\n",
        "\tif r0 == 0 goto L17\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    // The printout is what the text assembler reads: same programs, same maps.
    let printed = CollectionSpec::from_asm("counters.s", text).expect("the printout parses");
    let object = CollectionSpec::from_elf(&std::fs::read(&obj).expect("object")).expect("reads");
    let names = |s: &CollectionSpec| -> Vec<(String, Option<String>)> {
        s.programs()
            .iter()
            .map(|p| (p.name.clone(), p.section.clone()))
            .collect()
    };
    assert_eq!(names(&printed), names(&object));
    for (a, b) in printed.maps().iter().zip(object.maps()) {
        // The object's BTF-defined maps carry its key/value BTF; object text has none.
        let without_btf = ebpf_loader::MapSpec {
            btf: None,
            ..b.spec.clone()
        };
        assert_eq!((&a.name, &a.spec), (&b.name, &without_btf));
    }
    for (a, b) in printed.programs().iter().zip(object.programs()) {
        assert_eq!(a.program.to_bytes(), b.program.to_bytes(), "{}", a.name);
    }
}

/// The translated instructions of `coll`'s program `name`, map ids replaced by the
/// map's name (two loads create different maps).
fn xlated(coll: &Collection, name: &str) -> Vec<(u64, Option<String>)> {
    let ids: HashMap<u32, String> = coll
        .maps()
        .map(|(n, m)| (m.info().expect("map info").id, n.to_owned()))
        .collect();
    let bytes = coll
        .program(name)
        .expect("loaded")
        .xlated_insns()
        .expect("xlated");
    let mut out = Vec::new();
    for slot in bytes.chunks_exact(8) {
        let mut word = u64::from_le_bytes(slot.try_into().unwrap());
        let mut map = None;
        // ld_imm64 of a map (BPF_PSEUDO_MAP_FD / _VALUE): the kernel shows the map's id.
        if slot[0] == 0x18 && matches!(slot[1] >> 4, 1 | 2) {
            let id = u32::from_le_bytes(slot[4..8].try_into().unwrap());
            map = Some(ids.get(&id).cloned().unwrap_or_else(|| format!("id {id}")));
            word &= 0xffff_ffff;
        }
        out.push((word, map));
    }
    out
}

#[test]
fn the_printout_loads_to_the_same_programs() {
    require_root!();
    let Some(obj) = clang_object("counters") else {
        return;
    };
    let r = bpfasm(&["disasm", &obj]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let printout = scratch("counters.s", r.stdout.as_bytes());
    let object = CollectionSpec::from_elf(&std::fs::read(&obj).expect("object"))
        .expect("reads")
        .load()
        .expect("object loads");
    let printed = CollectionSpec::from_asm_file(&printout)
        .expect("parses")
        .load()
        .expect("printout loads");
    let data = [0u8; 64];
    for name in ["xdp_pass", "xdp_drop", "sock_len"] {
        let a = xlated(&object, name);
        assert!(a.iter().any(|(_, m)| m.is_some()), "{name} uses a map");
        assert_eq!(a, xlated(&printed, name), "{name}");
        let run = |c: &Collection| {
            c.program(name)
                .expect("loaded")
                .test_run(&TestRun {
                    data_in: &data,
                    ..Default::default()
                })
                .expect("test run")
                .retval
        };
        assert_eq!(run(&object), run(&printed), "{name}");
    }
    // And through the command line.
    let r = bpfasm(&["load", &printout]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    assert!(
        r.stdout.starts_with("xdp_pass: ok (18 insns)\n"),
        "{}",
        r.stdout
    );
}

/// `bpfasm disasm OBJ`, which must succeed with nothing on standard error; the printout
/// is also written to a scratch file, whose path is returned with it.
fn printout(obj: &str, name: &str) -> (String, String) {
    let r = bpfasm(&["disasm", obj]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    let path = scratch(&format!("{name}.s"), r.stdout.as_bytes());
    (r.stdout, path)
}

#[test]
fn pins_slots_and_global_data_are_printed() {
    for (object, lines) in [
        (
            "tail_calls",
            &[
                ".map jump_table prog_array key=4 value=4 entries=4\n",
                ".slot jump_table 1 program second\n",
                "\tcall bpf_tail_call\n",
            ][..],
        ),
        (
            "pinned",
            &[".map pinned_counts array key=4 value=8 entries=1 pin=name\n"][..],
        ),
        (
            "map_in_map",
            &[
                ".map outer_inner array key=4 value=8 entries=1\n",
                ".map outer array_of_maps key=4 value=4 entries=2 inner=outer_inner\n",
                ".slot outer 1 map inner_b\n",
            ][..],
        ),
        (
            "data_sections",
            &[
                ".version 0x60c00\n",
                ".map .rodata array key=4 value=16 entries=1 flags=0x80\n",
                ".map \".data.tally_of_runs\" array key=4 value=4 entries=1\n",
                ".value .rodata \"0700000000000000 0500000000000000\" frozen\n",
                ".var answer .rodata offset=0 size=4 type=\"const volatile __u32\"\n",
                ".value \".rodata.str1.1\" \"6542504600\" frozen\n",
                ".value .bss \"\"\n.var hits .bss offset=0 size=8 type=\"__u64\"\n",
                "\tr1 = \".data.tally_of_runs_value_0\" ll\n",
                "\tr2 = \".rodata.str1.1_value_0\" ll\n",
                "\tr1 = .rodata_value_8 ll\n",
            ][..],
        ),
    ] {
        let Some(obj) = clang_object(object) else {
            return;
        };
        let (text, _) = printout(&obj, object);
        for want in lines {
            assert!(
                text.contains(want),
                "{object}: missing {want:?} in:\n{text}"
            );
        }
        // Only the first line is a comment, but for the declared inner map's note.
        let comments = text.lines().filter(|l| l.starts_with("//")).count();
        assert_eq!(comments, 1 + usize::from(object == "map_in_map"), "{text}");
    }
}

#[test]
fn what_object_text_cannot_name_is_an_error() {
    let mut spec = CollectionSpec::new();
    spec.add_map(
        "a\"b",
        ebpf_loader::MapSpec::new(ebpf_loader::MapType::Array, 4, 4, 1),
    );
    let printed = spec.to_asm().expect("prints");
    assert_eq!(
        printed.problems,
        [
            "the name \"a\\\"b\" cannot be written in object text (a map name holds a quote, \
          backslash or line break, or a program name is not one word): loading this printout \
          fails"
        ]
    );
    spec.set_license("a\"b");
    let e = spec.to_asm().expect_err("a license with a quote");
    assert!(
        e.to_string().contains("which `.license` cannot hold"),
        "{e}"
    );
}

/// Every object of loader/tests/elf that the loader reads prints without problems, and
/// its printout, read back and printed again, is the same text (comments aside: an
/// inner map declared to give a shape is a map of its own once read back) with the same
/// instructions.
#[test]
fn print_parse_print_is_a_fixed_point_for_every_test_object() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../loader/tests/elf");
    let mut sources: Vec<_> = std::fs::read_dir(dir)
        .expect("loader/tests/elf")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    sources.sort();
    let mut printed = Vec::new();
    for src in &sources {
        let name = src
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 name");
        let Some(obj) = clang_object_quiet(name) else {
            continue;
        };
        let Ok(spec) = CollectionSpec::from_elf(&std::fs::read(&obj).expect("object")) else {
            continue;
        };
        let first = spec.to_asm().expect("prints");
        assert_eq!(first.problems, Vec::<String>::new(), "{name}");
        let back = CollectionSpec::from_asm(name, &first.text).unwrap_or_else(|e| {
            panic!("{name}: the printout does not parse:\n{e}\n{}", first.text)
        });
        let second = back.to_asm().expect("prints again");
        assert_eq!(second.text, first.text, "{name}");
        assert_eq!(second.problems, Vec::<String>::new(), "{name}");
        for (a, b) in back.programs().iter().zip(spec.programs()) {
            // CO-RE fields hold clang's local values in the object and 0 in the printout
            // until the load resolves them; the text above holds their expressions.
            let core = b.program.core_relos().len();
            assert_eq!(a.program.core_relos().len(), core, "{name}: {}", a.name);
            if core == 0 {
                let bytes = a.program.to_bytes();
                assert_eq!(bytes, b.program.to_bytes(), "{name}: {}", a.name);
            }
        }
        assert_eq!(back.data_sections(), spec.data_sections(), "{name}");
        printed.push(name.to_owned());
    }
    for needed in [
        "data_sections",
        "global_data",
        "map_in_map",
        "pinned",
        "tail_calls",
    ] {
        if clang_object_quiet(needed).is_none() {
            return; // no clang: skipped above
        }
        assert!(
            printed.iter().any(|p| p == needed),
            "{needed} in {printed:?}"
        );
    }
    assert!(printed.len() >= 15, "{printed:?}");
}

/// [`clang_object`] without the assertion: `None` for a source clang refuses (some
/// sources exist to make clang or the reader fail).
fn clang_object_quiet(name: &str) -> Option<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../loader/tests/elf");
    let out = scratch(&format!("{name}-quiet.o"), b"");
    let status = Command::new("clang-19")
        .args(["-target", "bpf", "-O2", "-g", "-c"])
        .args(["-I/usr/include/x86_64-linux-gnu", &format!("-I{dir}")])
        .args([&format!("{dir}/{name}.c"), "-o", &out])
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    status.success().then_some(out)
}

/// Loads the object `obj` and its printout `printout` (with `opts`), and checks that
/// each program of `names` has the same translated instructions and test-run result in
/// both; returns the two collections.
fn load_both(obj: &str, printout: &str, names: &[&str], data: &[u8]) -> (Collection, Collection) {
    let object = CollectionSpec::from_elf(&std::fs::read(obj).expect("object"))
        .expect("reads")
        .load()
        .expect("object loads");
    let printed = CollectionSpec::from_asm_file(printout)
        .expect("parses")
        .load()
        .expect("printout loads");
    for name in names {
        assert_eq!(xlated(&object, name), xlated(&printed, name), "{name}");
        assert_eq!(
            run(&object, name, data),
            run(&printed, name, data),
            "{name}"
        );
    }
    (object, printed)
}

/// The test run's return value of program `name` of `c` on `data`.
fn run(c: &Collection, name: &str, data: &[u8]) -> u32 {
    c.program(name)
        .expect("loaded")
        .test_run(&TestRun {
            data_in: data,
            ..Default::default()
        })
        .expect("test run")
        .retval
}

#[test]
fn global_data_printouts_load_to_the_same_results() {
    require_root!();
    let Some(obj) = clang_object("data_sections") else {
        return;
    };
    let (_, path) = printout(&obj, "data_sections");
    let data = [0u8; 64];
    let (object, printed) = load_both(&obj, &path, &["count_hits", "string_byte"], &data);
    // answer + wide = 7 + 5; "eBPF"[pick = 2] = 'P'.
    assert_eq!(run(&printed, "count_hits", &data), 12);
    assert_eq!(run(&printed, "string_byte", &data), u32::from(b'P'));
    // hits += step (3): once in the object (in load_both), twice in the printout.
    for (c, hits) in [(&object, 3u64), (&printed, 6)] {
        let bss = c.map(".bss").expect(".bss").lookup(&0u32.to_ne_bytes());
        assert_eq!(bss.expect("lookup"), Some(hits.to_ne_bytes().to_vec()));
        let e = c
            .map(".rodata")
            .expect(".rodata")
            .update(&0u32.to_ne_bytes(), &[0; 16], 0)
            .expect_err(".rodata is frozen");
        assert!(e.with_causes().to_string().contains("EPERM"), "{e}");
    }
    // set_constant finds the variables of the printout as of the object.
    for spec in [
        CollectionSpec::from_elf(&std::fs::read(&obj).expect("object")).expect("reads"),
        CollectionSpec::from_asm_file(&path).expect("parses"),
    ] {
        let mut spec = spec;
        spec.set_constant("answer", 35u32)
            .expect("answer is a variable");
        assert_eq!(run(&spec.load().expect("loads"), "count_hits", &data), 40);
    }

    let Some(obj) = clang_object("global_data") else {
        return;
    };
    let (_, path) = printout(&obj, "global_data");
    let (_, printed) = load_both(&obj, &path, &["count_hits"], &data);
    run(&printed, "count_hits", &data);
    run(&printed, "count_hits", &data);
    let bss = printed.map(".bss").expect(".bss");
    assert_eq!(
        bss.lookup(&0u32.to_ne_bytes()).expect("lookup"),
        Some(3u32.to_ne_bytes().to_vec()),
        "three runs of the printout's program"
    );
}

#[test]
fn tail_call_and_map_in_map_printouts_load_to_the_same_results() {
    require_root!();
    let data = [0u8; 64];
    let Some(obj) = clang_object("tail_calls") else {
        return;
    };
    let (_, path) = printout(&obj, "tail_calls");
    let (_, printed) = load_both(&obj, &path, &["entry", "second"], &data);
    assert_eq!(run(&printed, "entry", &data), 42, "slot 1 reaches `second`");

    let Some(obj) = clang_object("map_in_map") else {
        return;
    };
    let (_, path) = printout(&obj, "map_in_map");
    let (object, printed) = load_both(&obj, &path, &[], &data);
    for c in [&object, &printed] {
        let inner_b = c.map("inner_b").expect("inner_b");
        inner_b
            .update(&0u32.to_ne_bytes(), &77u64.to_ne_bytes(), 0)
            .expect("update");
    }
    assert_eq!(
        xlated(&object, "through_outer"),
        xlated(&printed, "through_outer")
    );
    assert_eq!(run(&object, "through_outer", &data), 77);
    assert_eq!(
        run(&printed, "through_outer", &data),
        77,
        "outer[1] is inner_b"
    );
}

#[test]
fn a_pinned_printout_reuses_its_pin() {
    require_root!();
    let Some(obj) = clang_object("pinned") else {
        return;
    };
    let (_, path) = printout(&obj, "pinned");
    let Some(fs) = common::BpffsMount::new("cli-printout-pin") else {
        return;
    };
    let opts = ebpf_loader::LoadOptions {
        pin_dir: Some(fs.path().to_path_buf()),
        ..Default::default()
    };
    let pin = fs.path().join("pinned_counts");
    let spec = CollectionSpec::from_asm_file(&path).expect("parses");
    let data = [0u8; 64];
    let first_id = {
        let coll = spec.load_with(&opts).expect("first load pins");
        assert_eq!(run(&coll, "count", &data), 1);
        coll.map("pinned_counts")
            .expect("map")
            .info()
            .expect("info")
            .id
    };
    assert!(pin.exists(), "pinned at {}", pin.display());
    let coll = spec.load_with(&opts).expect("second load reuses the pin");
    assert_eq!(
        run(&coll, "count", &data),
        2,
        "the count survived in the pin"
    );
    let id = coll
        .map("pinned_counts")
        .expect("map")
        .info()
        .expect("info")
        .id;
    assert_eq!(id, first_id, "the same map");
    drop(coll);
    // The object, loaded with the same pin directory, shares it too.
    let object = CollectionSpec::from_elf(&std::fs::read(&obj).expect("object")).expect("reads");
    let coll = object.load_with(&opts).expect("the object reuses the pin");
    assert_eq!(run(&coll, "count", &data), 3);
    drop(coll);
    // And through the command line.
    let dir = fs.path().to_str().expect("UTF-8").to_owned();
    let r = bpfasm(&["load", "--pin", &dir, &path]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    let map = ebpf_loader::Map::from_pinned(&pin).expect("pinned map");
    assert_eq!(map.info().expect("info").id, first_id);
    for name in ["count", "pinned_counts"] {
        std::fs::remove_file(fs.path().join(name)).expect("unpin");
    }
}

#[test]
fn a_truncated_object_is_an_error() {
    let path = scratch(
        "trunc.o",
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x01\0\xf7\0",
    );
    let r = bpfasm(&["disasm", &path]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with(&format!(
            "{path}: error: ELF object: cannot parse the ELF headers"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
}

#[test]
fn load_pin_dir_is_where_maps_pinned_by_name_go() {
    require_root!();
    let Some(obj) = clang_object("pinned") else {
        return;
    };
    let Some(fs) = common::BpffsMount::new("cli-pin-by-name") else {
        return;
    };
    let dir = fs.path().to_str().expect("UTF-8").to_owned();
    let map_path = fs.path().join("pinned_counts");
    let r = bpfasm(&["load", "--pin", &dir, &obj]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    assert!(
        r.stdout
            .contains(&format!("pinned program count at {dir}/count\n")),
        "{}",
        r.stdout
    );
    // Pinned by the loader, not a second time by --pin.
    assert!(!r.stdout.contains("pinned map"), "{}", r.stdout);
    let id = |p: &std::path::Path| {
        ebpf_loader::Map::from_pinned(p)
            .expect("pinned map")
            .info()
            .expect("info")
            .id
    };
    let first = id(&map_path);
    std::fs::remove_file(fs.path().join("count")).expect("unpin the program");
    let r = bpfasm(&["load", "--pin", &dir, &obj]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    assert_eq!(
        id(&map_path),
        first,
        "the second load reused the pinned map"
    );
    for name in ["count", "pinned_counts"] {
        std::fs::remove_file(fs.path().join(name)).expect("unpin");
    }
}
