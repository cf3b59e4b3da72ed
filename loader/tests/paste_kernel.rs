//! Golden tests of issue 14 against this kernel: a program loaded with the loader,
//! dumped with `bpftool prog dump xlated` (plain, `opcodes`, `linum`) and read back by the
//! assembler; the verifier's log of an accepted program (level 2) and of a rejected one,
//! read back. The result is compared with the program that was loaded, instruction by
//! instruction, except where the kernel rewrote it (map references: bpftool prints a map
//! by id, the verifier the kernel's pointer).

mod common;

use std::process::Command;

use ebpf_asm::{Assembler, Imm64, Insn, Program};
use ebpf_loader::flags::BPF_LOG_LEVEL2;
use ebpf_loader::{resolve_map_ids, Error, Map, MapSpec, MapType, ProgramSpec, ProgramType};

/// Helpers the kernel neither inlines nor calls under another name, atomics of both
/// widths, a 64-bit constant, a map and a map value, and a subprogram.
const PROGRAM: &str = "
    r1 = arr ll
    r2 = arr_value ll
    r3 = *(u64 *)(r2 + 0)
    r3 += 1
    lock *(u64 *)(r2 + 0) += r3
    r3 = atomic_fetch_add((u64 *)(r2 + 0), r3)
    r3 = xchg_64(r2 + 0, r3)
    r0 = 0
    r0 = cmpxchg_64(r2 + 0, r0, r3)
    w3 = 1
    lock *(u32 *)(r2 + 4) += w3
    w3 = atomic_fetch_or((u32 *)(r2 + 4), w3)
    w3 = xchg32_32(r2 + 4, w3)
    w0 = cmpxchg32_32(r2 + 4, w0, w3)
    call bpf_ktime_get_ns
    call bpf_get_numa_node_id
    if w0 > 5 goto +2
    r0 = 0x123456789 ll
    r1 = 5
    call sub
    r0 = 0
    exit
sub:
    r0 = r1
    r0 *= 3
    exit
";

/// The array map the program refers to, and the program with its references resolved.
fn program() -> (Map, Program) {
    let map = MapSpec::new(MapType::Array, 4, 16, 1)
        .create()
        .expect("array map");
    let mut prog = ebpf_asm::assemble(PROGRAM).expect("assembles");
    let mut editor = prog.editor();
    editor.rewrite_map("arr", &map).expect("arr");
    editor
        .rewrite_map_value("arr_value", &map, 8)
        .expect("arr_value");
    editor.finish().expect("resolved");
    (map, prog)
}

/// The instructions of `p`, labels resolved.
fn resolved(p: &Program) -> Vec<Insn> {
    (0..p.len()).map(|i| p.resolved(i)).collect()
}

/// The kernel's one addition to this program: after a 32-bit cmpxchg, whose r0 only the
/// low half is written, it zero-extends r0 with `w0 = w0`.
fn without_zext(insns: Vec<Insn>) -> Vec<Insn> {
    let zext = ebpf_asm::assemble("w0 = w0").expect("zext").insns()[0].clone();
    let cmpxchg32 = |i: &Insn| i.to_string().starts_with("w0 = cmpxchg32_32");
    let mut out: Vec<Insn> = Vec::with_capacity(insns.len());
    for insn in insns {
        if insn == zext && out.last().is_some_and(cmpxchg32) {
            continue;
        }
        out.push(insn);
    }
    out
}

/// `pasted` equals `original` but for its map references, which `map_ref` checks.
fn same_but_maps(pasted: &[Insn], original: &[Insn], map_ref: impl Fn(usize, &Imm64)) {
    assert_eq!(pasted.len(), original.len(), "{pasted:?}");
    for (i, (p, o)) in pasted.iter().zip(original).enumerate() {
        match (p, o) {
            (
                Insn::LdImm64 { dst, imm },
                Insn::LdImm64 {
                    dst: d,
                    imm: Imm64::MapFd(_) | Imm64::MapValue { .. },
                },
            ) if dst == d => map_ref(i, imm),
            (p, o) => assert_eq!(p, o, "instruction {i}"),
        }
    }
}

fn bpftool_xlated(id: u32, option: Option<&str>) -> String {
    let id = id.to_string();
    let mut args = vec!["prog", "dump", "xlated", "id", &id];
    args.extend(option);
    let out = Command::new("bpftool")
        .args(&args)
        .output()
        .expect("bpftool runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn bpftool_xlated_dumps_read_back_as_the_loaded_program() {
    require_root!();
    if !common::have_tool("bpftool") {
        return;
    }
    let (map, prog) = program();
    let loaded = ProgramSpec::from_program("paste_xlated", ProgramType::SocketFilter, &prog)
        .expect("spec")
        .load()
        .expect("loads");
    let (id, map_id) = (
        loaded.info().expect("info").id,
        map.info().expect("info").id,
    );
    for option in [None, Some("opcodes"), Some("linum")] {
        let dump = bpftool_xlated(id, option);
        // The loader gives the program line info: bpftool prints its source lines too.
        let pasted = Assembler::new("xlated")
            .extract(true)
            .program(&dump)
            .unwrap_or_else(|e| panic!("{option:?}: {e}\n{dump}"));
        assert_eq!(pasted.len(), prog.len() + 1, "the kernel's zero extension");
        let pasted = without_zext(resolved(&pasted));
        same_but_maps(&pasted, &resolved(&prog), |i, imm| {
            let expected = match i {
                0 => format!("map_id_{map_id}"),
                _ => format!("map_id_{map_id}_value_8"),
            };
            assert_eq!(imm, &Imm64::Symbol(expected.as_str().into()), "{option:?}");
        });
    }
    // Maps by id resolve with the maps opened by their ids: the program loads again.
    let dump = bpftool_xlated(id, None);
    let mut again = Assembler::new("xlated")
        .extract(true)
        .program(&dump)
        .expect("reads");
    let _maps = resolve_map_ids(&mut again).expect("the maps by id");
    let reloaded = ProgramSpec::from_program("paste_again", ProgramType::SocketFilter, &again)
        .expect("spec")
        .load()
        .expect("the read-back program loads");
    // The same program, with the kernel's zero extension now written out, which the
    // kernel zero-extends once more: one slot longer.
    assert_eq!(
        reloaded.xlated_insns().expect("xlated").len(),
        loaded.xlated_insns().expect("xlated").len() + 8
    );
}

#[test]
fn an_accepted_programs_level_2_log_reads_back() {
    require_root!();
    let (_map, prog) = program();
    let loaded = ProgramSpec::from_program("paste_log", ProgramType::SocketFilter, &prog)
        .expect("spec")
        .log(BPF_LOG_LEVEL2, 1 << 20)
        .load()
        .expect("loads");
    let log = loaded.verifier_log().expect("a log").to_string();
    let pasted = Assembler::new("log")
        .extract(true)
        .program(&log)
        .unwrap_or_else(|e| panic!("{e}\n{log}"));
    // The verifier prints a map reference as the kernel's pointer to it.
    same_but_maps(&resolved(&pasted), &resolved(&prog), |_, imm| {
        assert!(matches!(imm, Imm64::Const(c) if *c < 0), "{imm:?}")
    });
    let e = Assembler::new("log").program(&log).unwrap_err().to_string();
    assert!(e.contains("error: not an instruction but "), "{e}");
}

#[test]
fn a_rejected_programs_log_reads_back_up_to_the_rejection() {
    require_root!();
    let text = "r1 = 1\nr2 = 0x100000000 ll\nr1 += r2\n*(u64 *)(r10 - 8) = r1\nr1 = r3\nexit";
    let prog = ebpf_asm::assemble(text).expect("assembles");
    let err = ProgramSpec::from_program("paste_reject", ProgramType::SocketFilter, &prog)
        .expect("spec")
        .load()
        .expect_err("r3 is read before it is written");
    let Error::Verifier(v) = err else {
        panic!("a verifier error: {err}")
    };
    let pasted = Assembler::new("log")
        .extract(true)
        .program(v.log())
        .unwrap_or_else(|e| panic!("{e}\n{}", v.log()));
    // Up to and including the instruction the verifier stopped at.
    assert_eq!(pasted.insns(), &prog.insns()[..5], "{}", v.log());
}

/// A C program without map helpers (the kernel calls its own functions for those, which
/// cannot be read back), with a global variable (a map value), a helper, an atomic and a
/// subprogram.
const C_PROGRAM: &str = r#"
#include <linux/bpf.h>
#define SEC(x) __attribute__((section(x), used))
static unsigned long long (*bpf_ktime_get_ns)(void) = (void *) 5;
long counter = 0;
static __attribute__((noinline)) int sub(int x) { return x * 3 + (int)bpf_ktime_get_ns(); }
SEC("socket") int prog(void *ctx) {
  __sync_fetch_and_add(&counter, 1);
  return sub((int)counter & 1) & 2;
}
char _license[] SEC("license") = "GPL";
"#;

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn bpftool_dumps_of_a_clang_object_with_source_lines_read_back_to_its_bytes() {
    require_root!();
    for tool in ["clang-19", "llvm-objcopy-19", "bpftool"] {
        if !common::have_tool(tool) {
            return;
        }
    }
    let Some(fs) = common::BpffsMount::new("paste") else {
        return;
    };
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("paste_kernel");
    std::fs::create_dir_all(&dir).expect("scratch");
    let (c, o) = (dir.join("p.c"), dir.join("p.o"));
    std::fs::write(&c, C_PROGRAM).expect("written");
    run(Command::new("clang-19")
        .args([
            "-O2",
            "-g",
            "-target",
            "bpf",
            "-mcpu=v3",
            "-I/usr/include/x86_64-linux-gnu",
        ])
        .args(["-c".as_ref(), c.as_os_str(), "-o".as_ref(), o.as_os_str()]));
    // libbpf loads the program's section with the subprograms of .text after it, and
    // writes the call's offset (-1 and a relocation in the object).
    let mut object_bytes = Vec::new();
    let mut sub_slot = 0;
    for section in ["socket", ".text"] {
        sub_slot = object_bytes.len() / 8;
        let path = dir.join(section);
        run(Command::new("llvm-objcopy-19")
            .args(["-O", "binary", &format!("--only-section={section}")])
            .args([&o, &path]));
        object_bytes.extend(std::fs::read(&path).expect("the section's bytes"));
    }
    let calls: Vec<usize> = (0..object_bytes.len() / 8)
        .filter(|s| object_bytes[s * 8..s * 8 + 8] == [0x85, 0x10, 0, 0, 0xff, 0xff, 0xff, 0xff])
        .collect();
    assert_eq!(calls.len(), 1, "one call of sub");
    let offset = (sub_slot - calls[0] - 1) as i32;
    object_bytes[calls[0] * 8 + 4..calls[0] * 8 + 8].copy_from_slice(&offset.to_le_bytes());
    let pin = fs.path().join("p");
    run(Command::new("bpftool")
        .args(["prog", "load"])
        .arg(&o)
        .arg(&pin));
    for option in [None, Some("opcodes"), Some("linum")] {
        let mut args = vec!["prog".as_ref(), "dump".as_ref(), "xlated".as_ref()];
        args.extend(["pinned".as_ref(), pin.as_os_str()]);
        args.extend(option.map(std::ffi::OsStr::new));
        let dump = String::from_utf8(run(Command::new("bpftool").args(&args))).expect("UTF-8");
        let pasted = Assembler::new("xlated")
            .extract(true)
            .program(&dump)
            .unwrap_or_else(|e| panic!("{option:?}: {e}\n{dump}"));
        // The global's map value reads back as `map_id_N_value_0`, 0 until resolved, as
        // the object's relocated slot is.
        assert!(
            pasted.to_bytes() == object_bytes,
            "{option:?}:\n{dump}\n{pasted}"
        );
        let e = Assembler::new("xlated")
            .program(&dump)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("xlated:1:1: error: not an instruction but a function header"),
            "{e}"
        );
        assert!(
            e.contains("xlated:2:1: error: not an instruction but a C source line"),
            "{e}"
        );
    }
    let _ = std::fs::remove_file(&pin);
}
