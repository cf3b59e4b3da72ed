//! `bpfasm load` and `bpfasm run` as processes, on the loader's object files
//! (loader/tests/asm/) and a few written here.

#[path = "../../loader/tests/common/mod.rs"]
mod common;

use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn bpfasm(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_bpfasm"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../loader/tests/asm"))
        .output()
        .expect("bpfasm runs");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

#[test]
fn load_prints_each_program_with_statistics() {
    require_root!();
    let r = bpfasm(&["load", "counter.s"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert_eq!(lines[0], "count: ok (25 insns)");
    assert!(
        lines[1].starts_with("  processed ") && lines[1].contains("(limit 1000000)"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "filter: ok (13 insns)");
    assert!(lines[3].starts_with("  processed "), "{}", lines[3]);
}

#[test]
fn load_with_a_trace_log_prints_it() {
    require_root!();
    let r = bpfasm(&["load", "--log-level", "2", "pass.s"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("pass: ok (2 insns)\n"), "{}", r.stdout);
    assert!(r.stdout.contains("  0: (b7) r0 = 2"), "{}", r.stdout);
}

#[test]
fn a_rejected_program_names_its_source_line() {
    require_root!();
    let r = bpfasm(&["load", "rejected.s"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "uninit: rejected\n");
    assert!(
        r.stderr
            .starts_with("rejected.s:5:2: error: program `uninit` was rejected: BPF_PROG_LOAD of program `uninit` failed: EACCES"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("R2 !read_ok"), "{}", r.stderr);
    assert!(
        r.stderr.contains("--> rejected.s:5:2 (instruction 1)"),
        "{}",
        r.stderr
    );
}

#[test]
fn file_errors_are_positioned_and_exit_1() {
    let r = bpfasm(&["load", "badmap.s"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "badmap.s:1:13: error: unknown map type `hsah` (did you mean `hash`?)\n"
    );
}

#[test]
fn unreadable_files_have_one_spelling_in_every_subcommand() {
    for command in ["asm", "disasm", "dot", "load", "run"] {
        let r = bpfasm(&[command, "missing.s"]);
        assert_eq!(r.code, 1, "{command}");
        assert_eq!(
            r.stderr, "missing.s: error: cannot read: No such file or directory (os error 2)\n",
            "{command}"
        );
    }
}

/// Writes `contents` to a file of this test's own under Cargo's scratch directory.
fn scratch(name: &str, contents: &[u8]) -> String {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_load");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("scratch file written");
    path.to_str().expect("UTF-8 path").to_owned()
}

#[test]
fn an_elf_object_is_named_as_such() {
    // The start of an ELF64 little-endian relocatable file, as clang writes for BPF.
    let path = scratch(
        "prog.o",
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x01\0\xf7\0",
    );
    for command in ["asm", "dot"] {
        let r = bpfasm(&[command, &path]);
        assert_eq!(r.code, 1, "{command}");
        assert_eq!(
            r.stderr,
            format!(
                "{path}: error: this is an ELF object file, which is not supported yet: \
                 give LLVM-syntax assembly text\n"
            ),
            "{command}"
        );
    }
    // load and run read ELF: these 20 bytes are a truncated one.
    for command in ["load", "run"] {
        let r = bpfasm(&[command, &path]);
        assert_eq!(r.code, 1, "{command}");
        assert!(
            r.stderr.starts_with(&format!(
                "{path}: error: ELF object: cannot parse the ELF headers: "
            )),
            "{command}: {}",
            r.stderr
        );
    }
}

/// Compiles loader/tests/elf/NAME.c with clang-19 into the scratch directory; `None`
/// (after `skip`) when clang-19 is missing.
fn clang_object(name: &str) -> Option<String> {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/../loader/tests/elf/").to_owned() + name + ".c";
    let out = scratch(&format!("{name}.o"), b"");
    let status = Command::new("clang-19")
        .args([
            "-target",
            "bpf",
            "-O2",
            "-g",
            "-c",
            "-I/usr/include/x86_64-linux-gnu",
        ])
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
fn load_and_run_a_clang_object() {
    require_root!();
    let Some(obj) = clang_object("counters") else {
        return;
    };
    let r = bpfasm(&["load", &obj]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    let names: Vec<&str> = r.stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        names,
        [
            "xdp_pass: ok (18 insns)",
            "xdp_drop: ok (16 insns)",
            "sock_len: ok (17 insns)"
        ]
    );
    let data = "00".repeat(64);
    // sock_len returns twice skb->len: the 64 bytes seen from the IP header, 50.
    for (prog, retval) in [("xdp_pass", 2), ("xdp_drop", 1), ("sock_len", 100)] {
        let r = bpfasm(&["run", &obj, "--program", prog, "--data-hex", &data]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{prog}");
        assert!(
            r.stdout.starts_with(&format!("retval: {retval}\n")),
            "{prog}: {}",
            r.stdout
        );
    }
}

#[test]
fn load_names_a_non_bpf_elf_file() {
    let r = bpfasm(&["load", "/bin/true"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("/bin/true: error: ELF object: e_machine is ")
            && r.stderr
                .contains(", not EM_BPF (247): this is not a BPF object"),
        "{}",
        r.stderr
    );
}

/// Returns its first argument, `args[0]`, plus 1: `r0 = *(u64 *)(r1 + 0); r0 += 1`.
const RAW_TP: &str = "\
.section raw_tp/sys_enter
first_arg:
\tr0 = *(u64 *)(r1 + 0)
\tr0 += 1
\texit
";

#[test]
fn run_raw_tracepoint_takes_its_arguments_as_context() {
    require_root!();
    let path = scratch("raw_tp.s", RAW_TP.as_bytes());
    let arg0 = 41u64
        .to_ne_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let r = bpfasm(&[
        "run",
        &path,
        "--ctx-hex",
        &format!("{arg0}{}", "00".repeat(8)),
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert_eq!(lines[0], "retval: 42");
    assert!(lines[1].starts_with("duration_ns: "), "{}", lines[1]);

    // Without its argument the kernel refuses the run; the hint says what to pass.
    let r = bpfasm(&["run", &path]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("EINVAL"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("raw tracepoint programs take their arguments as --ctx-hex")
            && !r.stderr.contains("packet"),
        "{}",
        r.stderr
    );
    // Packet data is refused before the kernel is asked.
    let r = bpfasm(&[
        "run",
        &path,
        "--ctx-hex",
        &arg0,
        "--data-hex",
        &"00".repeat(14),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no data_in"), "{}", r.stderr);
}

#[test]
fn run_xdp_rewrites_a_byte() {
    require_root!();
    let r = bpfasm(&[
        "run",
        "counter.s",
        "--program",
        "count",
        "--data-hex",
        "0a0b0c0d0e0f10111213141516171819",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert_eq!(lines[0], "retval: 2");
    let ns = lines[1]
        .strip_prefix("duration_ns: ")
        .expect("duration line");
    assert!(ns.parse::<u32>().is_ok(), "{ns}");
    assert_eq!(lines[2], "data_out: 0b0b0c0d0e0f10111213141516171819");
}

#[test]
fn run_socket_filter_and_repeat() {
    require_root!();
    let data = "00".repeat(20);
    let r = bpfasm(&[
        "run",
        "counter.s",
        "--program",
        "filter",
        "--data-hex",
        &data,
        "--repeat",
        "5",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(
        r.stdout.starts_with("retval: 0\nduration_ns: "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.ends_with(&format!("data_out: {data}\n")),
        "{}",
        r.stdout
    );
    // Without data there is no data_out line.
    let r = bpfasm(&["run", "pass.s", "--data-hex", &"ff".repeat(14)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("retval: 2\n"), "{}", r.stdout);
}

#[test]
fn run_needs_a_program_choice_and_valid_hex() {
    require_root!();
    // Usage errors: exit status 2, like clap's.
    let r = bpfasm(&["run", "counter.s"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "counter.s: error: the file has 2 programs (count, filter): choose one with --program NAME\n"
    );
    let r = bpfasm(&["run", "counter.s", "--program", "nope"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "counter.s: error: no program named `nope`; the file has: count, filter\n"
    );
    let r = bpfasm(&["run", "pass.s", "--data-hex", "0g"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("bpfasm: error: --data-hex: character "),
        "{}",
        r.stderr
    );
    let r = bpfasm(&["run", "pass.s", "--data-hex", "00"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("at least 14 bytes"), "{}", r.stderr);
    let r = bpfasm(&["run", "rejected.s"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("rejected.s:5:2: error: program `uninit` was rejected"),
        "{}",
        r.stderr
    );
}

#[test]
fn load_pins_programs_and_maps_by_name() {
    require_root!();
    let Some(mount) = common::BpffsMount::new("cli-pin") else {
        return;
    };
    let dir = mount.path().to_str().expect("UTF-8 temp path");
    let r = bpfasm(&["load", "counter.s", "--pin", dir]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    for (kind, name) in [
        ("program", "count"),
        ("program", "filter"),
        ("map", "counts"),
        ("map", "lengths"),
    ] {
        let path = mount.path().join(name);
        assert!(
            r.stdout
                .contains(&format!("pinned {kind} {name} at {}", path.display())),
            "{}",
            r.stdout
        );
        // The object outlived bpfasm: the pin opens it.
        let opened = match kind {
            "program" => {
                ebpf_loader::LoadedProgram::from_pinned(&path).map(|p| p.name().to_owned())
            }
            _ => ebpf_loader::Map::from_pinned(&path).map(|m| m.name().to_owned()),
        };
        assert_eq!(opened.expect("pinned object opens"), name);
        std::fs::remove_file(&path).expect("unpinned");
    }
    // Pinning again over existing files is an error naming the path.
    let r = bpfasm(&["load", "pass.s", "--pin", dir]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = bpfasm(&["load", "pass.s", "--pin", dir]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("cannot pin program `pass`") && r.stderr.contains("EEXIST"),
        "{}",
        r.stderr
    );
    std::fs::remove_file(mount.path().join("pass")).expect("unpinned");
}

/// Issue 14: `bpftool prog dump xlated id N file F` writes a loaded program's translated
/// bytes; `bpfasm disasm --bin --xlated --kallsyms /proc/kallsyms F` prints them as
/// `bpftool prog dump xlated id N` does. The file has no `jited_ksyms`, so a bpf-to-bpf
/// call prints `call pc+N` without bpftool's `#bpf_prog_<tag>_<name>`.
#[test]
fn disasm_xlated_of_a_bpftool_dump_file_prints_as_bpftool() {
    require_root!();
    use ebpf_loader::{MapSpec, MapType, ProgramSpec, ProgramType};
    let hash = MapSpec::new(MapType::Hash, 4, 8, 4).create().expect("map");
    let mut p = ebpf_asm_core::assemble_named(
        "x.s",
        "r1 = 0\n*(u32 *)(r10 - 4) = r1\nr2 = r10\nr2 += -4\nr1 = h ll\n\
         call bpf_map_lookup_elem\ncall sub\nr0 = 2\nexit\n\
         sub:\ncall bpf_ktime_get_ns\nr0 = 0\nexit\n",
    )
    .expect("assembles");
    p.editor().rewrite_map("h", &hash).expect("rewrite");
    let loaded = ProgramSpec::from_program("xlated_cli", ProgramType::Xdp, &p)
        .expect("resolved")
        .load()
        .expect("loads");
    let id = loaded.info().expect("info").id.to_string();
    let dump = scratch("xlated.bin", b"");
    let _ = std::fs::remove_file(&dump);
    let bpftool = |args: &[&str]| Command::new("bpftool").args(args).output();
    let theirs = match bpftool(&["prog", "dump", "xlated", "id", &id]) {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        Ok(out) => panic!("bpftool: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => return common::skip(&format!("needs bpftool: {e}")),
    };
    let wrote = bpftool(&["prog", "dump", "xlated", "id", &id, "file", &dump]).expect("bpftool");
    assert!(
        wrote.status.success(),
        "{}",
        String::from_utf8_lossy(&wrote.stderr)
    );
    let r = bpfasm(&[
        "disasm",
        "--bin",
        "--xlated",
        "--kallsyms",
        "/proc/kallsyms",
        &dump,
    ]);
    let _ = std::fs::remove_file(&dump);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    let ours: Vec<&str> = r.stdout.lines().collect();
    // Without bpftool's lines from BTF (`long xlated_cli():`, `; source`), which start
    // without a space and which the dump file does not carry.
    let theirs: Vec<String> = theirs
        .lines()
        .filter(|l| l.starts_with(' '))
        .map(|l| match l.split_once("call pc") {
            Some((head, rest)) => format!("{head}call pc{}", rest.split('#').next().unwrap_or("")),
            None => l.to_string(),
        })
        .collect();
    assert_eq!(ours, theirs);
    assert!(
        r.stdout.contains("call __htab_map_lookup_elem#"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("call pc+"), "{}", r.stdout);
}

/// The issue 12 example through the CLI: CO-RE resolved against this kernel, run as a
/// raw tracepoint with an argument block.
#[test]
fn run_resolves_core_offsets_against_the_kernel() {
    require_root!();
    let r = bpfasm(&["run", "core_tgid.s", "--ctx-hex", "0000000000000000"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    assert!(r.stdout.starts_with("retval: 1\n"), "{}", r.stdout);
}

#[test]
fn a_field_the_kernel_lacks_names_it_and_its_line() {
    require_root!();
    let dir = std::env::temp_dir().join(format!("bpfasm-core-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bad_core.s");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../loader/tests/asm/core_tgid.s"
    ))
    .expect("example");
    std::fs::write(&path, text.replace("tgid)", "tgidd)")).expect("write");
    let r = bpfasm(&["load", path.to_str().expect("UTF-8 path")]);
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "bad_core.s:9:2: `offsetof(task_struct, tgidd)`: `task_struct` has no field \
             `tgidd` in this kernel"
        ),
        "{}",
        r.stderr
    );
}
