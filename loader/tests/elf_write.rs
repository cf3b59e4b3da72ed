//! Writing objects: the object files of `tests/asm/` written as BPF ELF
//! (`CollectionSpec::to_elf`), then read back by our reader, disassembled by
//! `llvm-objdump-19 -d -r` and linked again from its printout, loaded by libbpf
//! (`bpftool prog loadall`) and test-run by `bpftool prog run` against our own load of
//! the same text, with `bpftool prog dump xlated linum` showing the source lines.

mod common;
mod elf_write_clang;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{have_tool, BpffsMount};
use ebpf_asm::{Assembler, RawInsn};
use ebpf_btf::{Btf, BtfType, Kind, TypeKind};
use ebpf_loader::{
    CollectionSpec, Error, MapBtf, MapSlot, MapSpec, MapType, Pinning, ProgramType, TestRun,
};

/// Object files with maps (one with flags), subprograms calling subprograms, two
/// programs with a subprogram of the same name, a global function.
const READ_BACK: &[&str] = &["counter.s", "elf_write.s"];
/// ... and a function address (`r2 = step ll` for bpf_loop): our reader does not read
/// `R_BPF_64_64` against `.text` yet, libbpf does.
const ALL: &[&str] = &["counter.s", "elf_write.s", "elf_callback.s"];

fn source(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/asm")
        .join(name)
}

/// The spec of `tests/asm/NAME` and its ELF bytes.
fn written(name: &str) -> (CollectionSpec, Vec<u8>) {
    let spec = CollectionSpec::from_asm_file(source(name)).expect("assembles");
    let elf = spec.to_elf().expect("writes");
    (spec, elf)
}

#[test]
fn written_objects_read_back_to_the_same_programs_and_maps() {
    for name in READ_BACK {
        let (spec, elf) = written(name);
        let back = CollectionSpec::from_elf(&elf).expect("our reader reads it");
        assert_eq!(back.license(), spec.license(), "{name}");
        let maps = |s: &CollectionSpec| -> Vec<(String, MapSpec)> {
            s.maps()
                .iter()
                .map(|m| (m.name.clone(), m.spec.clone()))
                .collect()
        };
        assert_eq!(maps(&back), maps(&spec), "{name}");
        assert_eq!(back.programs().len(), spec.programs().len(), "{name}");
        for (b, p) in back.programs().iter().zip(spec.programs()) {
            assert_eq!(
                (&b.name, &b.section, b.prog_type),
                (&p.name, &p.section, p.prog_type),
                "{name}"
            );
            assert_eq!(
                b.program.to_bytes(),
                p.program.to_bytes(),
                "{name}: {}",
                p.name
            );
            let refs = |prog: &ebpf_asm::Program| -> Vec<(usize, String)> {
                prog.references().map(|(i, l)| (i, l.to_string())).collect()
            };
            assert_eq!(refs(&b.program), refs(&p.program), "{name}: {}", p.name);
        }
    }
}

/// One function of `llvm-objdump -d -r`'s printout.
struct DumpFunc {
    section: String,
    name: String,
    /// Offset in its section.
    offset: u64,
    /// Its instruction lines, as printed.
    lines: Vec<String>,
    /// Relocations: offset in the section, type, symbol.
    relocs: Vec<(u64, String, String)>,
}

fn objdump(elf: &Path) -> Vec<DumpFunc> {
    let out = Command::new("llvm-objdump-19")
        .args(["-d", "-r"])
        .arg(elf)
        .output()
        .expect("llvm-objdump-19 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let mut funcs: Vec<DumpFunc> = Vec::new();
    let mut section = String::new();
    for line in text.lines() {
        if let Some(s) = line.strip_prefix("Disassembly of section ") {
            section = s.trim_end_matches(':').to_owned();
        } else if let Some((addr, rest)) = line
            .split_once(" <")
            .filter(|_| !line.starts_with(char::is_whitespace))
        {
            if let (Ok(offset), Some(name)) =
                (u64::from_str_radix(addr, 16), rest.strip_suffix(">:"))
            {
                funcs.push(DumpFunc {
                    section: section.clone(),
                    name: name.to_owned(),
                    offset,
                    lines: Vec::new(),
                    relocs: Vec::new(),
                });
            }
        } else if line.contains("R_BPF_") {
            let w: Vec<&str> = line.split_whitespace().collect();
            let off = u64::from_str_radix(w[0].trim_end_matches(':'), 16).expect("offset");
            let f = funcs.last_mut().expect("a function before its relocations");
            f.relocs.push((off, w[1].to_owned(), w[2].to_owned()));
        } else if line
            .trim_start()
            .split(':')
            .next()
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        {
            let f = funcs
                .last_mut()
                .expect("a function before its instructions");
            f.lines.push(line.to_owned());
        }
    }
    funcs
}

/// The slots objdump printed for `f`, read back by our assembler from the printed text
/// (pasted tool output: it checks that the text means the printed bytes).
fn printed_slots(f: &DumpFunc) -> Vec<RawInsn> {
    let code = Assembler::new(&f.name)
        .extract(true)
        .bytecode(&f.lines.join("\n"))
        .unwrap_or_else(|e| panic!("objdump's text of {} assembles: {e}", f.name));
    code.instructions().flatten().copied().collect()
}

/// Links program `entry` from objdump's printout as libbpf does: the entry function,
/// then every `.text` function it reaches through relocations, in `.text` order; calls
/// and function addresses pointed at them. Returns the slots and the map loads.
fn link_printed(funcs: &[DumpFunc], entry: &str) -> (Vec<RawInsn>, Vec<(usize, String)>) {
    let by_name = |n: &str| funcs.iter().find(|f| f.name == n).expect("function");
    let text_at = |off: u64| {
        funcs
            .iter()
            .find(|f| f.section == ".text" && f.offset == off)
            .expect("a .text function at the address")
    };
    let slots: BTreeMap<&str, Vec<RawInsn>> = funcs
        .iter()
        .map(|f| (f.name.as_str(), printed_slots(f)))
        .collect();
    let target = |f: &DumpFunc, off: u64, ty: &str, sym: &str| -> Option<&DumpFunc> {
        match (ty, sym) {
            ("R_BPF_64_32", s) => Some(by_name(s)),
            ("R_BPF_64_64", ".text") => {
                let at = ((off - f.offset) / 8) as usize;
                Some(text_at(slots[f.name.as_str()][at].imm as u64))
            }
            _ => None,
        }
    };
    let mut order = vec![by_name(entry)];
    let mut i = 0;
    while i < order.len() {
        let f = order[i];
        for (off, ty, sym) in &f.relocs {
            if let Some(t) = target(f, *off, ty, sym) {
                if !order.iter().any(|o| o.name == t.name) {
                    order.push(t);
                }
            }
        }
        order[1..].sort_by_key(|f| f.offset);
        i += 1;
    }
    let mut base = BTreeMap::new();
    let mut linked = Vec::new();
    for f in &order {
        base.insert(f.name.as_str(), linked.len());
        linked.extend_from_slice(&slots[f.name.as_str()]);
    }
    let mut maps = Vec::new();
    for f in &order {
        for (off, ty, sym) in &f.relocs {
            let slot = base[f.name.as_str()] + ((off - f.offset) / 8) as usize;
            match target(f, *off, ty, sym) {
                Some(t) => {
                    linked[slot].imm = (base[t.name.as_str()] as i64 - slot as i64 - 1) as i32;
                    if ty == "R_BPF_64_64" {
                        linked[slot].src = 4; // BPF_PSEUDO_FUNC, as libbpf sets it
                    }
                }
                None => {
                    assert_eq!(ty, "R_BPF_64_64", "{sym}");
                    maps.push((slot, sym.clone()));
                }
            }
        }
    }
    (linked, maps)
}

#[test]
fn objdump_prints_our_instructions_and_names_the_relocations() {
    if !have_tool("llvm-objdump-19") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("elf-write-objdump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for name in ALL {
        let (spec, elf) = written(name);
        let path = dir.join(name).with_extension("o");
        std::fs::write(&path, &elf).expect("write");
        let funcs = objdump(&path);
        for p in spec.programs() {
            let entry = funcs
                .iter()
                .find(|f| f.name == p.name)
                .expect("entry symbol");
            assert_eq!(entry.section, p.section.clone().expect("section"), "{name}");
            let (linked, maps) = link_printed(&funcs, &p.name);
            assert_eq!(linked, p.program.to_raw(), "{name}: {}", p.name);
            let want: Vec<(usize, String)> = p
                .program
                .references()
                .map(|(i, l)| (p.program.slot_of(i).expect("slot"), l.to_string()))
                .collect();
            assert_eq!(
                maps, want,
                "{name}: {}: R_BPF_64_64 against the maps",
                p.name
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `bpftool prog run pinned PATH data_in ... data_out ...`: the return value and the
/// output data.
fn bpftool_run(pinned: &Path, data: &[u8], tag: &str) -> (u32, Vec<u8>) {
    let tmp = std::env::temp_dir();
    let file = |what: &str| tmp.join(format!("elf-write-{tag}-{}.{what}", std::process::id()));
    let (din, dout) = (file("in"), file("out"));
    std::fs::write(&din, data).expect("write data_in");
    let out = Command::new("bpftool")
        .args(["prog", "run", "pinned"])
        .arg(pinned)
        .arg("data_in")
        .arg(&din)
        .arg("data_out")
        .arg(&dout)
        .output()
        .expect("bpftool runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let retval = text
        .split("Return value: ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .and_then(|r| r.trim().parse().ok())
        .unwrap_or_else(|| panic!("no return value in {text:?}"));
    let data_out = std::fs::read(&dout).expect("data_out");
    let _ = (std::fs::remove_file(&din), std::fs::remove_file(&dout));
    (retval, data_out)
}

/// `bpftool prog loadall` of the object into a private bpffs: the directory of the pinned
/// programs.
fn loadall(elf: &[u8], fs: &BpffsMount, tag: &str) -> PathBuf {
    loadall_with(elf, fs, tag, &[])
}

/// [`loadall`] with more arguments (`pinmaps DIR`).
fn loadall_with(elf: &[u8], fs: &BpffsMount, tag: &str, more: &[&Path]) -> PathBuf {
    let obj = fs.path().with_extension(format!("{tag}.o"));
    std::fs::write(&obj, elf).expect("write the object");
    let dir = fs.path().join(tag);
    let out = Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(&obj)
        .arg(&dir)
        .args(more)
        .output()
        .expect("bpftool runs");
    let _ = std::fs::remove_file(&obj);
    assert!(
        out.status.success(),
        "bpftool prog loadall {tag}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// Removes the pinned programs (the mount goes with the guard).
fn unpin(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bpftool_loads_them_and_runs_them_as_we_do() {
    require_root!();
    if !have_tool("bpftool") {
        return;
    }
    let Some(fs) = BpffsMount::new("elf-write-run") else {
        return;
    };
    let packet: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(7)).collect();
    for name in ALL {
        let (spec, elf) = written(name);
        let dir = loadall(&elf, &fs, name.trim_end_matches(".s"));
        let ours = spec.load().expect("we load the text");
        for p in spec.programs() {
            let (retval, data_out) = bpftool_run(&dir.join(&p.name), &packet, "run");
            let run = ours
                .program(&p.name)
                .expect("loaded")
                .test_run(&TestRun {
                    data_in: &packet,
                    ..Default::default()
                })
                .expect("test run");
            assert_eq!(retval, run.retval, "{name}: {}", p.name);
            assert_eq!(Some(data_out), run.data_out, "{name}: {}", p.name);
        }
        unpin(&dir);
    }
}

#[test]
fn expected_results_of_the_written_programs() {
    require_root!();
    if !have_tool("bpftool") {
        return;
    }
    let Some(fs) = BpffsMount::new("elf-write-values") else {
        return;
    };
    let packet = [0u8; 64];
    for (name, prog, want) in [
        ("elf_write.s", "arith", 13),              // clamp(square(3) + 4)
        ("elf_write.s", "tc_len", 64 + 2 * 2 + 1), // skb->len + tc_len's own square(2)
        ("elf_callback.s", "sum_loop", 1 + 2 + 3 + 4),
        ("elf_callback.s", "seven", 7), // the second program of section `socket`
        ("counter.s", "count", 2),
    ] {
        let (_, elf) = written(name);
        let dir = loadall(&elf, &fs, prog);
        assert_eq!(
            bpftool_run(&dir.join(prog), &packet, "values").0,
            want,
            "{prog}"
        );
        unpin(&dir);
    }
}

#[test]
fn bpftool_shows_the_source_lines_of_the_object() {
    require_root!();
    if !have_tool("bpftool") {
        return;
    }
    let Some(fs) = BpffsMount::new("elf-write-linum") else {
        return;
    };
    for name in READ_BACK {
        let (spec, elf) = written(name);
        let dir = loadall(&elf, &fs, name.trim_end_matches(".s"));
        let path = source(name);
        let text = std::fs::read_to_string(&path).expect("source");
        let lines: Vec<&str> = text.lines().collect();
        let ours = spec.load().expect("we load the text");
        for p in spec.programs() {
            let pinned = dir.join(&p.name).to_string_lossy().to_string();
            let seen = shown_lines(&["pinned", &pinned], &path, &lines);
            let id = ours
                .program(&p.name)
                .expect("ours")
                .info()
                .expect("info")
                .id;
            let direct = shown_lines(&["id", &id.to_string()], &path, &lines);
            let mut want: Vec<u32> = (0..p.program.len())
                .filter_map(|i| p.program.location(i).map(|l| l.line))
                .collect();
            want.sort_unstable();
            want.dedup();
            // The verifier drops dead code (and its lines) alike in both loads.
            assert_eq!(
                seen, direct,
                "{name}: {}: lines as when we load the text",
                p.name
            );
            assert!(seen.len() + 2 >= want.len(), "{name}: {}: {seen:?}", p.name);
            assert!(seen.iter().all(|l| want.contains(l)), "{name}: {}", p.name);
        }
        unpin(&dir);
    }
}

/// The source lines `bpftool prog dump xlated PROG linum` shows (sorted), each checked to
/// name `path` and show its line of `lines`.
fn shown_lines(prog: &[&str], path: &Path, lines: &[&str]) -> Vec<u32> {
    let out = Command::new("bpftool")
        .args(["prog", "dump", "xlated"])
        .args(prog)
        .arg("linum")
        .output()
        .expect("bpftool runs");
    let dump = String::from_utf8_lossy(&out.stdout).to_string();
    let mut seen = Vec::new();
    for l in dump.lines().filter(|l| l.starts_with("; ")) {
        let (shown, info) = l[2..].rsplit_once(" [file:").expect("linum");
        let (file, rest) = info.split_once(" line_num:").expect("line_num");
        let n: usize = rest
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("n");
        assert_eq!(file, path.to_string_lossy(), "{l}");
        assert_eq!(shown, lines[n - 1].trim(), "line {n}");
        seen.push(n as u32);
    }
    seen.sort_unstable();
    seen.dedup();
    assert!(!seen.is_empty(), "no line info in {dump}");
    seen
}

/// A map value type with Rust-derived BTF.
#[repr(C)]
#[derive(BtfType, Clone, Copy)]
struct Pair {
    packets: u64,
    bytes: u64,
}

#[test]
fn maps_with_rust_btf_are_written_with_their_types() {
    let mut spec = CollectionSpec::new();
    let btf = MapBtf::of::<u32, Pair>().expect("BTF");
    spec.add_map("pairs", MapSpec::new(MapType::Hash, 4, 16, 8).btf(btf));
    spec.add_map("plain", MapSpec::new(MapType::Array, 4, 8, 1));
    let prog = ebpf_asm::assemble("r1 = pairs ll\nr1 = plain ll\nr0 = 0\nexit").expect("asm");
    spec.add_program("uses", ProgramType::SocketFilter, prog);
    let elf = spec.to_elf().expect("writes");
    let back = CollectionSpec::from_elf(&elf).expect("reads");
    let sizes: Vec<_> = back
        .maps()
        .iter()
        .map(|m| (m.name.as_str(), m.spec.key_size, m.spec.value_size))
        .collect();
    assert_eq!(sizes, [("pairs", 4, 16), ("plain", 4, 8)]);
    assert_eq!(back.programs()[0].section.as_deref(), Some("socket"));
    let btf = Btf::parse(btf_section(&elf)).expect(".BTF parses");
    let def = |map: &str| -> Vec<String> {
        let var = btf
            .id_by_name_kind(map, Kind::Var)
            .expect("ok")
            .expect("VAR");
        let TypeKind::Var(v) = btf.type_by_id(var).expect("var").kind else {
            panic!("not a VAR")
        };
        let TypeKind::Struct(s) = btf.type_by_id(v.ty).expect("def").kind else {
            panic!("not a struct")
        };
        s.members.iter().map(|m| m.name.to_owned()).collect()
    };
    assert_eq!(def("pairs"), ["type", "key", "value", "max_entries"]);
    assert_eq!(
        def("plain"),
        ["type", "key_size", "value_size", "max_entries"]
    );
    let pair = btf.id_by_name_kind("Pair", Kind::Struct).expect("ok");
    assert!(pair.is_some(), "the value type is in .BTF");
}

#[test]
fn pinning_maps_of_maps_and_initial_values_are_written() {
    let mut spec = CollectionSpec::new();
    spec.add_map("pinned", MapSpec::new(MapType::Array, 4, 8, 1));
    spec.map_mut("pinned").expect("map").pinning = Pinning::ByName;
    let inner = MapSpec::new(MapType::Hash, 4, 8, 16);
    spec.add_map("inner", inner.clone());
    spec.add_map_of_maps(
        "outer",
        MapSpec::new(MapType::ArrayOfMaps, 4, 4, 2),
        "inner",
    );
    spec.map_mut("outer").expect("map").slots = vec![(1, MapSlot::Map("inner".into()))];
    spec.add_map("jumps", MapSpec::new(MapType::ProgArray, 4, 4, 4));
    spec.map_mut("jumps").expect("map").slots = vec![
        (0, MapSlot::Program("p".into())),
        (3, MapSlot::Program("q".into())),
    ];
    let asm = |t: &str| ebpf_asm::assemble(t).expect("asm");
    spec.add_program("p", ProgramType::Xdp, asm("r1 = outer ll\nr0 = 1\nexit"));
    spec.add_program("q", ProgramType::Xdp, asm("r1 = jumps ll\nr0 = 2\nexit"));
    let back = CollectionSpec::from_elf(&spec.to_elf().expect("writes")).expect("reads");
    let map = |name: &str| back.maps().iter().find(|m| m.name == name).expect("map");
    assert_eq!(map("pinned").pinning, Pinning::ByName);
    // The inner map named by `inner` is written as the values' definition, as clang's
    // `__array(values, struct inner)`: it reads back as that shape.
    assert_eq!(map("outer").inner_spec, Some(inner));
    assert_eq!(map("outer").slots, [(1, MapSlot::Map("inner".into()))]);
    assert_eq!(map("outer").spec.value_size, 4);
    assert_eq!(
        map("jumps").slots,
        [
            (0, MapSlot::Program("p".into())),
            (3, MapSlot::Program("q".into()))
        ]
    );
}

#[test]
fn names_become_symbols_the_kernel_accepts() {
    let mut spec = CollectionSpec::new();
    spec.add_map("my-map", MapSpec::new(MapType::Array, 4, 8, 1));
    let prog = ebpf_asm::assemble("r0 = 1\nexit").expect("asm");
    spec.add_program("cgroup_skb/ingress", ProgramType::CgroupSkb, prog);
    let back = CollectionSpec::from_elf(&spec.to_elf().expect("writes")).expect("reads");
    assert_eq!(back.programs()[0].name, "cgroup_skb_ingress");
    assert_eq!(back.maps()[0].name, "my_map");
}

fn btf_section(elf: &[u8]) -> Vec<u8> {
    use object::{Object, ObjectSection};
    let file = object::File::parse(elf).expect("ELF");
    let sec = file.section_by_name(".BTF").expect(".BTF");
    sec.data().expect("data").to_vec()
}

#[test]
fn what_an_object_cannot_hold_is_an_error() {
    let err = |spec: &CollectionSpec| match spec.to_elf() {
        Err(Error::Elf(m)) => m,
        r => panic!("expected Error::Elf, got {:?}", r.map(|b| b.len())),
    };
    let asm = |t: &str| ebpf_asm::assemble(t).expect("asm");

    let mut spec = CollectionSpec::new();
    spec.add_program(
        "p",
        ProgramType::SocketFilter,
        asm("r1 = nosuch ll\nr0 = 0\nexit"),
    );
    let m = err(&spec);
    assert!(
        m.contains("`p`") && m.contains("`nosuch`") && m.contains("not a map"),
        "{m}"
    );

    let mut spec = CollectionSpec::new();
    spec.add_map("p", MapSpec::new(MapType::Array, 4, 8, 1));
    spec.add_program("p", ProgramType::SocketFilter, asm("r0 = 0\nexit"));
    let m = err(&spec);
    assert!(
        m.contains("another map or program has the symbol name `p`"),
        "{m}"
    );

    let mut spec = CollectionSpec::new();
    spec.add_map_of_maps(
        "outer",
        MapSpec::new(MapType::ArrayOfMaps, 4, 4, 1),
        "inner",
    );
    let m = err(&spec);
    assert!(
        m.contains("`outer`: its inner map `inner` is not a map of the collection"),
        "{m}"
    );

    let mut spec = CollectionSpec::new();
    spec.add_map("counts", MapSpec::new(MapType::Array, 4, 8, 1));
    spec.map_mut("counts").expect("map").slots = vec![(0, MapSlot::Map("counts".into()))];
    let m = err(&spec);
    assert!(
        m.contains("`counts`: initial values are for prog_array, array_of_maps and hash_of_maps"),
        "{m}"
    );

    let mut spec = CollectionSpec::new();
    let kfunc = asm("call bpf_rcu_read_lock\nr0 = 0\nexit");
    spec.add_program("k", ProgramType::SocketFilter, kfunc);
    let m = err(&spec);
    assert!(m.contains("kernel function `bpf_rcu_read_lock`"), "{m}");

    let mut spec = CollectionSpec::new();
    spec.add_program(
        "fd",
        ProgramType::SocketFilter,
        asm("ld_pseudo r1, 1, 3\nr0 = 0\nexit"),
    );
    let m = err(&spec);
    assert!(m.contains("resolved kernel object"), "{m}");
}

#[test]
fn a_rejected_object_is_named_by_bpftool_with_our_line() {
    require_root!();
    if !have_tool("bpftool") {
        return;
    }
    let Some(fs) = BpffsMount::new("elf-write-reject") else {
        return;
    };
    let (_, elf) = written("rejected.s");
    let obj = fs.path().with_extension("rejected.o");
    std::fs::write(&obj, &elf).expect("write");
    let out = Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(&obj)
        .arg(fs.path().join("r"))
        .output()
        .expect("bpftool runs");
    let _ = std::fs::remove_file(&obj);
    unpin(&fs.path().join("r"));
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        log.contains("@ rejected.s:"),
        "the verifier log shows our lines: {log}"
    );
}
