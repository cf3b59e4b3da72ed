//! `bpfasm disasm FILE.o`: clang objects (loader/tests/elf/*.c) printed in the object
//! text format; the printout loads again (library and `bpfasm load`) to the same
//! translated instructions and test-run results as the object; and `bpfasm load --pin`
//! of an object whose map is pinned by name.

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

#[test]
fn what_object_text_cannot_say_is_an_error_and_a_comment() {
    let Some(obj) = clang_object("tail_calls") else {
        return;
    };
    let r = bpfasm(&["disasm", &obj]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(
        r.stderr,
        format!(
            "{obj}: error: map `jump_table` has initial values ([1] = program second), \
             which `.map` cannot say yet: loading this printout leaves them empty\n"
        )
    );
    assert!(
        r.stdout
            .contains("// bpfasm disasm: map `jump_table` has initial values"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("\tcall bpf_tail_call\n"), "{}", r.stdout);

    let Some(obj) = clang_object("pinned") else {
        return;
    };
    let r = bpfasm(&["disasm", &obj]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("map `pinned_counts` is pinned by name"),
        "{}",
        r.stderr
    );

    let Some(obj) = clang_object("map_in_map") else {
        return;
    };
    let r = bpfasm(&["disasm", &obj]);
    assert!(
        r.stdout
            .contains(".map outer array_of_maps key=4 value=4 entries=2 inner=outer_inner\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(".map outer_inner array key=4 value=8 entries=1\n"),
        "{}",
        r.stdout
    );
    // The declared shape parses as an object of its own.
    CollectionSpec::from_asm("map_in_map.s", &r.stdout).expect("the printout parses");
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
