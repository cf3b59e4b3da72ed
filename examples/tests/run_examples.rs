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
    ebpf_asm_test_support::skip(&format!("{what} needs root to load eBPF programs"));
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
        "instruction 7 (`if r0 == 0 goto out`) was written at examples/dsl_tour.rs:39:9",
        "still unresolved: examples/dsl_tour.rs:43:9: unresolved call to `count_bytes`",
        "the map load now reads: ld_pseudo r1, 1, ",
        "== the unlinked program is refused\nexamples/dsl_tour.rs:43:9: unresolved call to `count_bytes`",
        "== ready to load: `dsl_tour`, 20 slots, slot 0 written at examples/dsl_tour.rs:",
        "== linked: 19 instructions, `count_bytes` at Some(14)",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }
}

/// Runs an example to completion; fails the test with its output unless it succeeded.
fn run_ok(name: &str, args: &[&str]) -> String {
    let out = example(name).args(args).output().expect("the example runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{name}: exit {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// `text` with every run of whitespace in a line collapsed to one space.
fn squeeze(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn syscall_counter_lists_processes_including_itself() {
    if !require_root("syscall_counter") {
        return;
    }
    let child = example("syscall_counter")
        .args(["--seconds", "2", "--top", "100000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("syscall_counter runs");
    let pid = child.id();
    let out = child.wait_with_output().expect("syscall_counter finishes");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("syscall_counter: 30 instructions loaded and attached to raw tracepoint sys_enter, counting for 2 s\n"),
        "{stdout}"
    );
    // Two reports; take the rows of the last one: `PID COMMAND... LAST-1s TOTAL`.
    let reports: Vec<&str> = stdout.split("\n-- ").skip(1).collect();
    assert_eq!(reports.len(), 2, "{stdout}");
    assert!(reports[1].starts_with("2 s: "), "{stdout}");
    let rows: Vec<(u32, String, u64)> = reports[1]
        .lines()
        .skip(2)
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let num = |s: &str| s.parse::<u64>().unwrap_or_else(|_| panic!("row {l:?}"));
            let pid = num(w[0]) as u32;
            (pid, w[1..w.len() - 2].join(" "), num(w[w.len() - 1]))
        })
        .collect();
    assert!(rows.iter().any(|r| r.2 > 0), "no counts: {stdout}");
    // The example makes syscalls itself (sleeping, reading the map, writing stdout).
    let me = rows
        .iter()
        .find(|r| r.0 == pid)
        .unwrap_or_else(|| panic!("pid {pid} not listed:\n{stdout}"));
    assert_eq!(me.1, "syscall_counter", "{stdout}");
    assert!(me.2 > 0, "{stdout}");
}

#[test]
fn tail_calls_dispatch_by_protocol_and_fall_through_on_empty_slots() {
    if !require_root("tail_calls") {
        return;
    }
    let stdout = squeeze(&run_ok("tail_calls", &[]));
    for needle in [
        "jump_table[ 1] = handle_icmp (11 instructions)",
        "jump_table[ 6] = handle_tcp (11 instructions)",
        "jump_table[ 17] = handle_udp (11 instructions)",
        "ICMP packet (protocol 1): handled by handle_icmp returned XDP_PASS",
        "TCP packet (protocol 6): handled by handle_tcp returned XDP_PASS",
        "UDP packet (protocol 17): handled by handle_udp returned XDP_PASS",
        "SCTP packet (protocol 132): handled by fall-through (empty slot) returned XDP_DROP",
        "deleted jump_table[17]; dispatch is not reloaded\n\
         UDP packet (protocol 17): handled by fall-through (empty slot) returned XDP_DROP",
        "counters:\n\
         slot 0 fall-through (empty slot) 2\n\
         slot 1 handle_icmp 1\n\
         slot 2 handle_tcp 1\n\
         slot 3 handle_udp 1",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }
}

#[test]
fn pinned_counter_child_increments_show_in_the_parent_and_nothing_is_left() {
    if !require_root("pinned_counter") {
        return;
    }
    let stdout = run_ok("pinned_counter", &["--count", "250"]);
    let line = |prefix: &str, needle: &str| -> &str {
        stdout
            .lines()
            .find(|l| l.starts_with(prefix) && l.contains(needle))
            .unwrap_or_else(|| panic!("no {prefix}…{needle} line in:\n{stdout}"))
    };
    // parent P: created map `shared_count` (id N), set it to 1000, pinned it at PATH
    let created = line("parent ", "pinned it at ");
    let pin = created.rsplit("pinned it at ").next().unwrap();
    let id = created
        .split("(id ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap();
    // The child opened the same map (same id), saw the parent's value and added 250.
    let opened = line("child ", "opened ");
    assert!(
        opened.contains(&format!("{pin} → map `shared_count` (id {id}), value 1000")),
        "{stdout}"
    );
    line("child ", "ran `bump` 250 times, value 1250");
    line(
        "parent ",
        "the counter now reads 1250 (1000 + 250 from the child)",
    );
    line("parent ", "(exists afterwards: false)");
    // No pin is left, and a private bpffs mount (if one was made) is gone.
    assert!(!std::path::Path::new(pin).exists(), "{pin} left behind");
    if let Some(l) = stdout
        .lines()
        .find(|l| l.contains("mounted a private one at "))
    {
        let dir = l.rsplit("mounted a private one at ").next().unwrap();
        let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
        assert!(!mounts.contains(dir), "{dir} still mounted");
        assert!(!std::path::Path::new(dir).exists(), "{dir} left behind");
        assert!(stdout.contains(&format!("unmounted {dir}\n")), "{stdout}");
    }
}

/// Runs an example in a network namespace of its own with `lo` up (`unshare -n`), so that
/// its XDP program or packet socket sees only its own traffic and cannot collide with
/// another test attached to the host's `lo` (EBUSY) or show up in that test's checks.
/// Falls back to the host namespace when `unshare` is missing. Returns (exit ok, stdout,
/// stderr); stderr ends with `ip -o link show lo` as seen after the example exited.
fn run_in_private_netns(name: &str, args: &[&str]) -> (bool, String, String) {
    let exe = example(name).get_program().to_owned();
    let script =
        r#"ip link set lo up || exit 90; "$0" "$@"; rc=$?; ip -o link show lo >&2; exit $rc"#;
    let out = Command::new("unshare")
        .args(["-n", "sh", "-c", script])
        .arg(&exe)
        .args(args)
        .output();
    let out = match out {
        Ok(out) if out.status.code() != Some(90) => out,
        _ => {
            eprintln!(
                "note: no private network namespace (unshare -n); running {name} on the host"
            );
            Command::new(&exe)
                .args(args)
                .output()
                .expect("the example runs")
        }
    };
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn show_ip_prints_its_own_udp_packets() {
    if !require_root("show_ip") {
        return;
    }
    let (ok, stdout, stderr) = run_in_private_netns("show_ip", &["--seconds", "2"]);
    assert!(ok, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("show_ip: 22 instructions loaded and attached to lo (generic XDP)"),
        "{stdout}"
    );
    // About 5 datagrams a second, each one line; nothing else runs in the namespace.
    let udp = lines
        .iter()
        .filter(|l| **l == "127.0.0.1 -> 127.0.0.1 proto 17 (UDP)")
        .count();
    assert!(udp >= 2, "too few UDP lines:\n{stdout}");
    let last = lines.last().copied().unwrap_or_default();
    assert!(
        last.starts_with("show_ip: ") && last.ends_with(" IPv4 packets seen on lo"),
        "{stdout}"
    );
    let seen: usize = last
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {last:?}"));
    assert_eq!(seen, lines.len() - 2, "{stdout}");
    // Dropping the link detached the program.
    assert!(!stderr.contains("xdp"), "still attached: {stderr}");
}

#[test]
fn sockex1_counts_tcp_udp_and_icmp_bytes() {
    if !require_root("sockex1") {
        return;
    }
    let (ok, stdout, stderr) = run_in_private_netns("sockex1", &["--seconds", "2"]);
    assert!(ok, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with(
            "sockex1: 18 instructions loaded and attached to a raw socket, counting bytes sent on lo"
        ),
        "{stdout}"
    );
    assert_eq!(lines.len(), 3, "{stdout}");
    // `  2 s:  TCP     3134 bytes  UDP     2300 bytes  ICMP     1660 bytes`
    let counts = |l: &str| -> Vec<(String, u64)> {
        let words: Vec<&str> = l.split_whitespace().collect();
        assert_eq!(words.len(), 11, "unexpected line {l:?}");
        (0..3)
            .map(|i| {
                let n = words[3 + 3 * i].parse().unwrap_or_else(|_| panic!("{l:?}"));
                (words[2 + 3 * i].to_string(), n)
            })
            .collect()
    };
    let (first, last) = (counts(lines[1]), counts(lines[2]));
    for ((name, a), (_, b)) in first.iter().zip(&last) {
        assert!(*a > 0 && b >= a, "{name} bytes {a} then {b}:\n{stdout}");
    }
    let names: Vec<&str> = last.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["TCP", "UDP", "ICMP"]);
    // Every UDP frame it sends is 14 + 20 + 8 + 18 or 13 bytes of payload: 60 or 55.
    assert!(last[1].1 >= 115, "{stdout}");
}

#[test]
fn verifier_error_names_the_rust_line_then_loads_the_fix() {
    if !require_root("verifier_error") {
        return;
    }
    let stdout = run_ok("verifier_error", &[]);
    // Where the wrong instruction is written in the example's source.
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("verifier_error.rs"),
    )
    .expect("the example's source");
    let (line, col) = source
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("// WRONG: r0 may be NULL here"))
        .map(|(i, l)| (i + 1, l.find("lock").expect("a lock instruction") + 1))
        .expect("the marked line");
    let at = format!("  --> examples/verifier_error.rs:{line}:{col} (instruction 8)\n");
    let kernel = "R0 invalid mem access 'map_value_or_null'";
    let fixed = "The kernel accepts it: program `fixed` loaded (11 instructions).\n";
    for needle in [
        "BPF_PROG_LOAD of program `wrong` failed: EACCES (errno 13)",
        kernel,
        &at,
        fixed,
        "the counter is now 1.\n",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }
    // First the rejection (the kernel's message, then the location), then the fix.
    let pos = |s: &str| stdout.find(s).unwrap_or(usize::MAX);
    assert!(pos(kernel) < pos(&at) && pos(&at) < pos(fixed), "{stdout}");
}

#[test]
fn verifier_error_shows_the_whole_log_on_request() {
    if !require_root("verifier_error") {
        return;
    }
    let stdout = run_ok("verifier_error", &["--full-log"]);
    // The whole log starts at instruction 0, which the short summary leaves out.
    assert!(stdout.contains("\nverifier log:\n"), "{stdout}");
    assert!(stdout.contains("0: R1=ctx() R10=fp0"), "{stdout}");
}

#[test]
fn clang_counter_loads_the_c_object_and_counts_packets_and_syscalls() {
    if !require_root("clang_counter") {
        return;
    }
    if Command::new("clang-19").arg("--version").output().is_err() {
        ebpf_asm_test_support::skip("clang_counter compiles its C source with clang-19");
        return;
    }
    let (ok, stdout, stderr) = run_in_private_netns("clang_counter", &["--seconds", "2"]);
    assert!(ok, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with(
            "clang_counter: examples/c/clang_counter.c (compiled by clang-19) loaded: 2 programs \
             (count_protocols in xdp, 23 insns, count_syscalls in raw_tracepoint/sys_enter, \
             13 insns), 2 maps; attached to lo"
        ),
        "{stdout}"
    );
    assert_eq!(lines.len(), 3, "{stdout}");
    // `  2 s: lo: tcp   362/s, udp   362/s, icmp   181/s; syscalls    77467/s`
    for line in &lines[1..] {
        let rates: Vec<u64> = line
            .split(['/', ':', ',', ';'])
            .filter_map(|f| f.split_whitespace().last()?.parse().ok())
            .collect();
        // tcp, udp, icmp, syscalls: every counter moved.
        assert_eq!(rates.len(), 4, "{line}");
        assert!(
            rates.iter().all(|&r| r > 0),
            "a counter did not move: {line}"
        );
    }
    assert!(
        !stderr.contains("xdp"),
        "lo still has an XDP program: {stderr}"
    );
}
