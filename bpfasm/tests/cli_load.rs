//! `bpfasm load` and `bpfasm run` as processes, on the loader's object files
//! (loader/tests/asm/).

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
    let r = bpfasm(&["run", "missing.s"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("missing.s: error: reading missing.s: "),
        "{}",
        r.stderr
    );
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
    let r = bpfasm(&["run", "counter.s"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "counter.s: error: the file has 2 programs (count, filter): choose one with --program NAME\n"
    );
    let r = bpfasm(&["run", "counter.s", "--program", "nope"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "counter.s: error: no program named `nope`; the file has: count, filter\n"
    );
    let r = bpfasm(&["run", "pass.s", "--data-hex", "0g"]);
    assert_eq!(r.code, 1);
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
