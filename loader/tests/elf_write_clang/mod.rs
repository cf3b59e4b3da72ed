//! Writing back what we read from clang: the C objects of `tests/elf/` with global data,
//! maps of maps, prog arrays with initial values and a map pinned by name, read with
//! `CollectionSpec::from_elf`, written with `to_elf`, then read again by our reader and
//! loaded and run by libbpf (`bpftool`), against our own load of clang's object.

use std::path::Path;
use std::process::Command;

use super::common;
use super::common::clang::compile;
use super::common::{have_tool, BpffsMount};
use super::{bpftool_run, loadall_with, unpin};
use ebpf_btf::Btf;
use ebpf_loader::{CollectionSpec, Error, MapSlot, TestRun};

/// The C objects whose collections are written back.
const OBJECTS: &[&str] = &[
    "global_data",
    "data_sections",
    "map_in_map",
    "tail_calls",
    "pinned",
];

/// clang's object `tests/elf/NAME.c` read by our reader; `None` after a skip.
fn read(name: &str) -> Option<CollectionSpec> {
    let obj = compile(name)?;
    Some(CollectionSpec::from_elf(&obj).unwrap_or_else(|e| panic!("{name}.o reads: {e}")))
}

/// What a collection holds that an object can say, in comparable form.
fn summary(s: &CollectionSpec) -> String {
    let mut out = format!(
        "license {:?} version {:#x}\n",
        s.license(),
        s.kern_version()
    );
    for m in s.maps() {
        // Key/value BTF is the object's (each object its own blob): compare the sizes.
        let mut spec = m.spec.clone();
        let btf = spec.btf.take().map(|b| {
            let btf = Btf::parse(b.blob()).expect("map BTF parses");
            let size = |id| btf.size_of(id).expect("sized");
            (size(b.key_type_id()), size(b.value_type_id()))
        });
        out += &format!(
            "map {} {spec:?} btf {btf:?} inner {:?} pin {:?} slots {:?}\n",
            m.name, m.inner_spec, m.pinning, m.slots
        );
    }
    for d in s.data_sections() {
        out += &format!("data {d:?}\n");
    }
    for p in s.programs() {
        let refs: Vec<(usize, String)> = p
            .program
            .references()
            .map(|(i, l)| (i, l.to_string()))
            .collect();
        out += &format!(
            "prog {} {:?} {:?} {:?} {:02x?} refs {refs:?}\n",
            p.name,
            p.section,
            p.prog_type,
            p.expected_attach_type,
            p.program.to_bytes()
        );
    }
    out
}

#[test]
fn clang_objects_written_back_read_the_same() {
    for name in OBJECTS {
        let Some(spec) = read(name) else {
            return;
        };
        let elf = spec
            .to_elf()
            .unwrap_or_else(|e| panic!("{name}: writes: {e}"));
        let back = CollectionSpec::from_elf(&elf).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(summary(&back), summary(&spec), "{name}");
    }
}

#[test]
fn written_objects_hold_what_clang_wrote_for_data_and_slots() {
    let Some(spec) = read("data_sections") else {
        return;
    };
    let data = section_summary(&spec.to_elf().expect("writes"));
    for want in [
        // (name, ELF type, flags W/A/X/M/S as readelf's letters)
        ".data PROGBITS WA",
        ".rodata PROGBITS A",
        ".rodata.str1.1 PROGBITS AMS",
        ".data.tally_of_runs PROGBITS WA",
        ".bss NOBITS WA",
        "version PROGBITS WA",
    ] {
        assert!(data.sections.contains(&want.to_owned()), "{want}: {data:?}");
    }
    // `answer` is global (libbpf finds it by its symbol); the loads of `.rodata` are
    // against the section symbol with the offset in the immediate, as for clang's
    // static `wide`.
    assert!(data
        .symbols
        .contains(&"answer OBJECT GLOBAL .rodata 0 4".to_owned()));
    assert!(data
        .symbols
        .contains(&"wide OBJECT GLOBAL .rodata 8 8".to_owned()));
    assert!(data
        .relocs
        .contains(&"socket R_BPF_64_64 .rodata".to_owned()));
    assert!(data.relocs.contains(&"socket R_BPF_64_64 .bss".to_owned()));

    let Some(spec) = read("tail_calls") else {
        return;
    };
    let tail = section_summary(&spec.to_elf().expect("writes"));
    // jump_table: type, key_size, max_entries, values (24 bytes), then slots 0 and 1.
    assert!(
        tail.relocs
            .contains(&".maps R_BPF_64_ABS64 second @ 0x20".to_owned()),
        "{tail:?}"
    );
    assert!(
        tail.symbols
            .contains(&"jump_table OBJECT GLOBAL .maps 0 40".to_owned()),
        "{tail:?}"
    );
}

/// `llvm-readelf-19 -S -s -r` of an object, reduced to what the tests compare.
#[derive(Debug, Default)]
struct ReadElf {
    /// "NAME TYPE FLAGS".
    sections: Vec<String>,
    /// "NAME TYPE BIND SECTION VALUE SIZE".
    symbols: Vec<String>,
    /// "SECTION TYPE SYMBOL" (code) or "SECTION TYPE SYMBOL @ OFFSET" (`.maps`).
    relocs: Vec<String>,
}

fn section_summary(elf: &[u8]) -> ReadElf {
    use object::{Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget};
    let file = object::File::parse(elf).expect("ELF");
    let mut out = ReadElf::default();
    for sec in file.sections() {
        let object::SectionFlags::Elf { sh_flags } = sec.flags() else {
            continue;
        };
        let flags: String = [(1, 'W'), (2, 'A'), (4, 'X'), (0x10, 'M'), (0x20, 'S')]
            .iter()
            .filter(|(bit, _)| sh_flags & bit != 0)
            .map(|(_, c)| c)
            .collect();
        let kind = match sec.kind() {
            object::SectionKind::UninitializedData => "NOBITS",
            _ => "PROGBITS",
        };
        let name = sec.name().unwrap_or("");
        out.sections.push(format!("{name} {kind} {flags}"));
        for (offset, rel) in sec.relocations() {
            let RelocationTarget::Symbol(i) = rel.target() else {
                continue;
            };
            let sym = file.symbol_by_index(i).expect("symbol");
            let target = match sym.name() {
                Ok(n) if !n.is_empty() => n.to_owned(),
                _ => sym
                    .section_index()
                    .and_then(|i| file.section_by_index(i).ok())
                    .and_then(|s| s.name().ok().map(str::to_owned))
                    .unwrap_or_default(),
            };
            let RelocationFlags::Elf { r_type } = rel.flags() else {
                continue;
            };
            let ty = match r_type {
                1 => "R_BPF_64_64",
                2 => "R_BPF_64_ABS64",
                10 => "R_BPF_64_32",
                _ => "other",
            };
            out.relocs.push(match name {
                ".maps" => format!("{name} {ty} {target} @ {offset:#x}"),
                _ => format!("{name} {ty} {target}"),
            });
        }
    }
    for sym in file.symbols() {
        let sec = sym
            .section_index()
            .and_then(|i| file.section_by_index(i).ok())
            .and_then(|s| s.name().ok().map(str::to_owned))
            .unwrap_or_default();
        let kind = match sym.kind() {
            object::SymbolKind::Data => "OBJECT",
            object::SymbolKind::Text => "FUNC",
            _ => continue,
        };
        let bind = if sym.is_global() { "GLOBAL" } else { "LOCAL" };
        out.symbols.push(format!(
            "{} {kind} {bind} {sec} {} {}",
            sym.name().unwrap_or(""),
            sym.address(),
            sym.size()
        ));
    }
    out
}

#[test]
fn constants_set_before_writing_are_in_the_object() {
    let Some(mut spec) = read("data_sections") else {
        return;
    };
    spec.set_constant("answer", 40u32).expect("answer is a u32");
    spec.set_constant("step", 10u32).expect(".data too");
    let back = CollectionSpec::from_elf(&spec.to_elf().expect("writes")).expect("reads");
    let value = |s: &CollectionSpec, sec: &str| -> Vec<u8> {
        let d = s.data_sections().iter().find(|d| d.map == sec);
        d.expect("section").value()
    };
    assert_eq!(value(&back, ".rodata")[..4], 40u32.to_ne_bytes());
    assert_eq!(value(&back, ".data")[..4], 10u32.to_ne_bytes());
    // The variables keep their C types, so the read-back object checks them as clang's.
    let mut back = back;
    back.set_constant("answer", 41u32).expect("by name again");
    let e = back.set_constant("answer", 1u64).unwrap_err().to_string();
    assert!(
        e.contains("`answer` (`const volatile __u32` in `.rodata`) is 4 bytes"),
        "{e}"
    );
}

#[test]
fn what_cannot_be_written_back_is_an_error_naming_it() {
    let err = |spec: &CollectionSpec| match spec.to_elf() {
        Err(Error::Elf(m)) => m,
        r => panic!("expected Error::Elf, got {:?}", r.map(|b| b.len())),
    };
    let Some(mut spec) = read("data_sections") else {
        return;
    };
    spec.set_constant("hits", 1000u64).expect("a .bss u64");
    let m = err(&spec);
    assert!(
        m.contains("writing `.bss`: variable `hits` is set to a value other than zero"),
        "{m}"
    );

    let Some(mut spec) = read("tail_calls") else {
        return;
    };
    let table = spec.map_mut("jump_table").expect("map");
    table.slots.push((3, MapSlot::Program("nosuch".into())));
    let m = err(&spec);
    assert!(
        m.contains("`jump_table`: initial value `values[3]`: `nosuch` is not a program"),
        "{m}"
    );
    let table = spec.map_mut("jump_table").expect("map");
    table.slots = vec![(4, MapSlot::Program("second".into()))];
    assert!(err(&spec).contains("`values[4]`: past max_entries (4)"));

    // `.kconfig` externs hold this kernel's values; an object must leave them to libbpf.
    let Some(spec) = read("kconfig") else {
        return;
    };
    let m = err(&spec);
    assert!(
        m.contains("writing `.kconfig`: `.kconfig` externs are not written to objects yet"),
        "{m}"
    );

    let Some(mut spec) = read("map_in_map") else {
        return;
    };
    spec.map_mut("outer").expect("map").slots = vec![(0, MapSlot::Program("x".into()))];
    let m = err(&spec);
    assert!(
        m.contains("`values[0]`: program `x` cannot go in a map of type array_of_maps"),
        "{m}"
    );
    let outer = spec.map_mut("outer").expect("map");
    outer.inner_spec = None;
    let m = err(&spec);
    assert!(
        m.contains("`outer`: a map of maps needs the shape of its values"),
        "{m}"
    );
}

/// Test-runs `prog` of our load of `spec` on a 64-byte packet.
fn our_run(coll: &ebpf_loader::Collection, prog: &str) -> u32 {
    coll.program(prog)
        .unwrap_or_else(|| panic!("{prog} loaded"))
        .test_run(&TestRun {
            data_in: &[0; 64],
            ..Default::default()
        })
        .expect("test run")
        .retval
}

#[test]
fn bpftool_runs_written_clang_objects_as_we_run_clangs() {
    crate::require_root!();
    if !have_tool("bpftool") {
        return;
    }
    let Some(fs) = BpffsMount::new("elf-write-clang") else {
        return;
    };
    let packet = [0u8; 64];
    // (object, program, what it returns: ours on clang's object, bpftool on ours)
    let cases = [
        ("global_data", "count_hits", 2),                  // XDP_PASS
        ("data_sections", "count_hits", 40 + 5),           // answer (set below) + wide
        ("data_sections", "string_byte", u32::from(b'P')), // "eBPF"[pick = 2]
        ("tail_calls", "entry", 42),                       // slot 1 holds `second`
    ];
    for (name, prog, want) in cases {
        let Some(mut spec) = read(name) else {
            return;
        };
        if name == "data_sections" {
            spec.set_constant("answer", 40u32).expect("a u32");
        }
        let ours = spec.load().expect("we load clang's object");
        assert_eq!(our_run(&ours, prog), want, "{name}: {prog}, our load");
        // Pinned maps: the kernel empties a prog array when no fd or pin holds it.
        let maps = fs.path().join(format!("{prog}-maps"));
        let elf = spec.to_elf().expect("writes");
        let dir = loadall_with(&elf, &fs, prog, &[Path::new("pinmaps"), &maps]);
        let again = CollectionSpec::from_elf(&elf).expect("we read our object");
        let again = again.load().expect("we load our object");
        assert_eq!(
            our_run(&again, prog),
            want,
            "{name}: {prog}, our load of our object"
        );
        let (retval, _) = bpftool_run(&dir.join(prog), &packet, "clang");
        assert_eq!(retval, want, "{name}: {prog}, libbpf's load of our object");
        unpin(&dir);
        unpin(&maps);
    }
}

#[test]
fn bpftool_fills_the_outer_map_we_wrote() {
    crate::require_root!();
    if !have_tool("bpftool") {
        return;
    }
    let Some(fs) = BpffsMount::new("elf-write-outer") else {
        return;
    };
    let Some(spec) = read("map_in_map") else {
        return;
    };
    let ours = spec.load().expect("we load clang's object");
    let inner_b = ours.map("inner_b").expect("map");
    inner_b
        .update(&0u32.to_ne_bytes(), &77u64.to_ne_bytes(), 0)
        .expect("update");
    assert_eq!(our_run(&ours, "through_outer"), 77);

    let maps = fs.path().join("outer-maps");
    let dir = loadall_with(
        &spec.to_elf().expect("writes"),
        &fs,
        "outer",
        &[Path::new("pinmaps"), &maps],
    );
    let update = Command::new("bpftool")
        .args(["map", "update", "pinned"])
        .arg(maps.join("inner_b"))
        .args([
            "key", "0", "0", "0", "0", "value", "77", "0", "0", "0", "0", "0", "0", "0",
        ])
        .output()
        .expect("bpftool runs");
    assert!(
        update.status.success(),
        "{}",
        String::from_utf8_lossy(&update.stderr)
    );
    let (retval, _) = bpftool_run(&dir.join("through_outer"), &[0; 64], "outer");
    assert_eq!(retval, 77, "libbpf put inner_b in outer[1]");
    unpin(&dir);
    unpin(&maps);
}

#[test]
fn libbpf_pins_the_written_map_by_name_and_reuses_it() {
    crate::require_root!();
    if !have_tool("bpftool") || !have_tool("unshare") {
        return;
    }
    let Some(spec) = read("pinned") else {
        return;
    };
    let tmp = std::env::temp_dir().join(format!("elf-write-pinned-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let obj = tmp.join("pinned.o");
    std::fs::write(&obj, spec.to_elf().expect("writes")).expect("write");
    std::fs::write(tmp.join("packet"), [0u8; 64]).expect("write");
    // libbpf pins LIBBPF_PIN_BY_NAME maps under /sys/fs/bpf: a bpffs of our own there, in
    // a mount namespace of our own, gone (with the pins) when the shell exits. The second
    // load finds the pin and reuses the map: the count goes on.
    let script = r#"set -e
mount -t bpf bpf /sys/fs/bpf
for n in 1 2; do
  bpftool prog loadall "$1/pinned.o" /sys/fs/bpf/p$n
  bpftool prog run pinned /sys/fs/bpf/p$n/count data_in "$1/packet"
  bpftool prog run pinned /sys/fs/bpf/p$n/count data_in "$1/packet"
done
ls /sys/fs/bpf
"#;
    let out = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", script, "sh"])
        .arg(&tmp)
        .output()
        .expect("unshare runs");
    let _ = std::fs::remove_dir_all(&tmp);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let retvals: Vec<&str> = text
        .split("Return value: ")
        .skip(1)
        .filter_map(|r| r.split(',').next())
        .collect();
    assert_eq!(retvals, ["1", "2", "3", "4"], "{text}");
    assert!(text.lines().any(|l| l == "pinned_counts"), "{text}");
}

/// Global data declared in object text (`.value`, `.var`), as `bpfasm disasm` prints a
/// clang object's: `limit` in `.rodata`, a `.bss` counter.
const TEXT_DATA: &str = r#"
.map .rodata array key=4 value=8 entries=1 flags=0x80
.value .rodata "0700000000000000" frozen
.var limit .rodata offset=0 size=4 type="const volatile __u32"
.map .bss array key=4 value=8 entries=1
.value .bss ""
.var runs .bss offset=0 size=8
.section socket
limit_plus_runs:
	r1 = .rodata_value_0 ll
	r0 = *(u32 *)(r1 + 0)
	r2 = .bss_value_0 ll
	r3 = *(u64 *)(r2 + 0)
	r3 += 1
	*(u64 *)(r2 + 0) = r3
	r0 += r3
	exit
"#;

#[test]
fn global_data_of_object_text_is_written_as_clang_writes_it() {
    let mut spec = CollectionSpec::from_asm("data.s", TEXT_DATA).expect("assembles");
    spec.set_constant("limit", 9u32).expect("a u32");
    let elf = spec.to_elf().expect("writes");
    let back = CollectionSpec::from_elf(&elf).expect("reads");
    // Text has a type's name, not its BTF: the written VARs are `unsigned char [N]`.
    let untyped = |s: &CollectionSpec| {
        let mut d = s.data_sections().to_vec();
        d.iter_mut()
            .flat_map(|d| &mut d.variables)
            .for_each(|v| v.type_name = None);
        d
    };
    assert_eq!(untyped(&back), untyped(&spec));
    let limit = &back.data_sections()[0].variables[0];
    assert_eq!(limit.type_name.as_deref(), Some("unsigned char [4]"));
    let sections = section_summary(&elf).sections;
    assert!(
        sections.contains(&".rodata PROGBITS A".to_owned()),
        "{sections:?}"
    );
    assert!(
        sections.contains(&".bss NOBITS WA".to_owned()),
        "{sections:?}"
    );

    let err = |text: &str| match CollectionSpec::from_asm("bad.s", text)
        .expect("asm")
        .to_elf()
    {
        Err(Error::Elf(m)) => m,
        r => panic!("expected Error::Elf, got {:?}", r.map(|b| b.len())),
    };
    let m = err(".map counts array key=4 value=4 entries=1\n.value counts \"01\"\n");
    assert!(
        m.contains("writing `counts`: an initial value (`.value`) is written only as global data"),
        "{m}"
    );
    let m = err(".map .data array key=4 value=4 entries=2\n.value .data \"01\"\n");
    assert!(
        m.contains("writing `.data`: a map with an initial value is written as global data, a one-entry array"),
        "{m}"
    );
}

#[test]
fn bpftool_runs_the_global_data_of_object_text() {
    crate::require_root!();
    if !have_tool("bpftool") {
        return;
    }
    let Some(fs) = BpffsMount::new("elf-write-text-data") else {
        return;
    };
    let mut spec = CollectionSpec::from_asm("data.s", TEXT_DATA).expect("assembles");
    spec.set_constant("limit", 9u32).expect("a u32");
    let ours = spec.load().expect("we load the text");
    assert_eq!(our_run(&ours, "limit_plus_runs"), 9 + 1);
    let dir = loadall_with(&spec.to_elf().expect("writes"), &fs, "text-data", &[]);
    let pinned = dir.join("limit_plus_runs");
    let runs: Vec<u32> = (0..2)
        .map(|_| bpftool_run(&pinned, &[0; 64], "text-data").0)
        .collect();
    assert_eq!(
        runs,
        [9 + 1, 9 + 2],
        "libbpf: `limit` as set, `.bss` counting from 0"
    );
    unpin(&dir);
}
