//! `bpfasm asm --elf -o OUT.o FILE.s` as a process: the object libbpf loads
//! (`bpftool prog loadall`) returns under `bpftool prog run` what `bpfasm run FILE.s`
//! returns, and `bpfasm load/run` read it back; usage and input errors.

#[path = "../../loader/tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn asm_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../loader/tests/asm")
}

fn bpfasm(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_bpfasm"))
        .args(args)
        .current_dir(asm_dir())
        .output()
        .expect("bpfasm runs");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A path in the temp dir for this test process.
fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("bpfasm-elf-{}-{name}", std::process::id()))
}

/// `bpfasm asm --elf -o OUT FILE`; the path of OUT (named after `tag`, the test).
fn write_elf(file: &str, tag: &str) -> PathBuf {
    let out = scratch(&format!("{tag}-{file}.o"));
    let r = bpfasm(&["asm", "--elf", "-o", &out.to_string_lossy(), file]);
    assert_eq!((r.code, r.stderr.as_str(), r.stdout.as_str()), (0, "", ""));
    out
}

const PROGRAMS: &[(&str, &str)] = &[
    ("counter.s", "count"),
    ("counter.s", "filter"),
    ("elf_write.s", "arith"),
    ("elf_write.s", "tc_len"),
    ("elf_callback.s", "sum_loop"),
    ("elf_callback.s", "seven"),
];

fn packet() -> Vec<u8> {
    (0..64u8).map(|i| i.wrapping_mul(7)).collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// `bpftool prog run pinned PROG data_in ... data_out ...`: retval and data_out as hex.
fn bpftool_run(pinned: &Path) -> (String, String) {
    let (din, dout) = (scratch("bpftool-data_in"), scratch("bpftool-data_out"));
    std::fs::write(&din, packet()).expect("write data_in");
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
    assert!(out.status.success(), "{text}");
    let retval = text
        .split("Return value: ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .unwrap_or_else(|| panic!("no return value in {text:?}"))
        .to_owned();
    let data = std::fs::read(&dout).expect("data_out");
    let _ = (std::fs::remove_file(&din), std::fs::remove_file(&dout));
    (retval, hex(&data))
}

/// `retval` and `data_out` of `bpfasm run FILE --program NAME --data-hex ...`.
fn bpfasm_run(file: &str, program: &str) -> (String, String) {
    let r = bpfasm(&[
        "run",
        file,
        "--program",
        program,
        "--data-hex",
        &hex(&packet()),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let field = |name: &str| {
        r.stdout
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {}", r.stdout))
            .to_owned()
    };
    (field("retval: "), field("data_out: "))
}

#[test]
fn bpftool_runs_the_written_object_as_bpfasm_runs_the_text() {
    require_root!();
    if !common::have_tool("bpftool") {
        return;
    }
    let Some(fs) = common::BpffsMount::new("bpfasm-elf") else {
        return;
    };
    for file in ["counter.s", "elf_write.s", "elf_callback.s"] {
        let obj = write_elf(file, "bpftool");
        let dir = fs.path().join(file.trim_end_matches(".s"));
        let out = Command::new("bpftool")
            .args(["prog", "loadall"])
            .arg(&obj)
            .arg(&dir)
            .output()
            .expect("bpftool runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (_, prog) in PROGRAMS.iter().filter(|(f, _)| *f == file) {
            let theirs = bpftool_run(&dir.join(prog));
            assert_eq!(theirs, bpfasm_run(file, prog), "{file}: {prog}");
        }
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_file(&obj);
    }
}

#[test]
fn bpfasm_runs_its_own_object_as_the_text() {
    require_root!();
    for file in ["counter.s", "elf_write.s"] {
        let obj = write_elf(file, "own");
        let obj_path = obj.to_string_lossy().into_owned();
        for (_, prog) in PROGRAMS.iter().filter(|(f, _)| *f == file) {
            assert_eq!(
                bpfasm_run(&obj_path, prog),
                bpfasm_run(file, prog),
                "{prog}"
            );
        }
        let _ = std::fs::remove_file(&obj);
    }
}

#[test]
fn elf_needs_an_output_file_and_object_text() {
    let r = bpfasm(&["asm", "--elf", "counter.s"]);
    assert_eq!(r.code, 2, "clap's usage error: {}", r.stderr);
    assert!(r.stderr.contains("--output"), "{}", r.stderr);
    let r = bpfasm(&["asm", "-o", "x.o", "counter.s"]);
    assert_eq!(r.code, 2, "-o is for --elf: {}", r.stderr);

    let src = scratch("bad.s");
    // Assembles, but an object cannot hold a kfunc call yet: the writer's error.
    std::fs::write(
        &src,
        ".section xdp\np:\n\tcall bpf_rcu_read_lock\n\tr0 = 2\n\texit\n",
    )
    .expect("write");
    let out = scratch("bad.o");
    let r = bpfasm(&[
        "asm",
        "--elf",
        "-o",
        &out.to_string_lossy(),
        &src.to_string_lossy(),
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("bad.s: error: ELF object: writing `p`: ")
            && r.stderr.contains("kernel function `bpf_rcu_read_lock`"),
        "{}",
        r.stderr
    );
    assert!(!out.exists(), "nothing written on error");

    std::fs::write(&src, ".section xdp\np:\n\tr0 = nosuch ll\n\texit\n").expect("write");
    let r = bpfasm(&[
        "asm",
        "--elf",
        "-o",
        &out.to_string_lossy(),
        &src.to_string_lossy(),
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("bad.s:3:7: error: `nosuch` is not a declared map"),
        "positioned: {}",
        r.stderr
    );
    let _ = std::fs::remove_file(&src);
}
