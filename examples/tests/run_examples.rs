//! Runs the examples as a newcomer would and checks what they print.
//!
//! Examples that load into the kernel need root; without it they are skipped with a
//! printed reason, unless EBPF_ASM_NO_SKIP=1 (CI), which turns the skip into a failure.

use std::path::PathBuf;
use std::process::Command;

/// The built example binary (cargo builds examples before it runs integration tests).
fn example(name: &str) -> Command {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/run_examples-HASH → target/<profile>/examples/NAME
    let dir: PathBuf = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target directory")
        .join("examples");
    Command::new(dir.join(name))
}

fn is_root() -> bool {
    // /proc/self/status: "Uid:\treal\teffective\t..."
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

fn require_root(what: &str) -> bool {
    if is_root() {
        return true;
    }
    let msg = format!("{what} needs root to load eBPF programs");
    if std::env::var_os("EBPF_ASM_NO_SKIP").is_some_and(|v| v == "1") {
        panic!("{msg} (EBPF_ASM_NO_SKIP=1 turns this skip into a failure)");
    }
    eprintln!("SKIPPED: {msg}");
    false
}

#[test]
fn xdp_counter_counts_its_own_loopback_traffic() {
    if !require_root("xdp_counter") {
        return;
    }
    let out = example("xdp_counter")
        .args(["--traffic", "--seconds", "2"])
        .output()
        .expect("xdp_counter runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("xdp_counter: 11 instructions loaded and attached to lo"),
        "{stdout}"
    );
    assert_eq!(lines.len(), 3, "{stdout}");
    // `lo:   2 s:    196 packets/s,      387 in all`: the total grows and is not zero.
    let total = |l: &str| -> u64 {
        l.split(',')
            .nth(1)
            .and_then(|t| t.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no total in {l:?}"))
    };
    let (t1, t2) = (total(lines[1]), total(lines[2]));
    assert!(t1 > 0 && t2 > t1, "counts did not grow: {stdout}");
    // Dropping the link detached the program: lo has no XDP program left.
    let link = Command::new("ip").args(["link", "show", "lo"]).output();
    if let Ok(link) = link {
        let text = String::from_utf8_lossy(&link.stdout);
        assert!(!text.contains("xdp"), "still attached: {text}");
    }
}

#[test]
fn xdp_counter_rejects_bad_arguments_with_a_usage_hint() {
    let out = example("xdp_counter")
        .args(["--seconds", "soon"])
        .output()
        .expect("xdp_counter runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "xdp_counter: --seconds takes a whole number, not `soon`\n"
    );
}

#[test]
fn dsl_tour_runs_without_root_and_shows_each_step() {
    let out = example("dsl_tour").output().expect("dsl_tour runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for needle in [
        "== the program (14 instructions)\n.extern count_bytes\n",
        "instruction 7 (`if r0 == 0 goto out`) was written at examples/dsl_tour.rs:28:9",
        "still unresolved: examples/dsl_tour.rs:32:9: unresolved call to `count_bytes`",
        "the map load now reads: ld_pseudo r1, 1, 7",
        "== linked: 19 instructions, `count_bytes` at Some(14)",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }
}
