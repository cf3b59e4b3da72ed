//! Hostile inputs at two sizes (issue 15): time and peak memory must grow linearly, and
//! memory stay a small multiple of the input. A bench binary, not criterion: each case
//! needs its own peak-memory reading (the process's `VmHWM`, reset through
//! `/proc/self/clear_refs` after the input is built), and a few runs of seconds each.
//!
//! `cargo bench -p ebpf-asm-core --bench adversarial` prints, per case and size: the input,
//! the best of three user (CPU) times, the peak growth, and the ratios of the larger size to the
//! smaller (2.0 is linear) and of peak growth to input.

use std::time::Duration;

use ebpf_asm_core::assemble_named;

fn peak_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn reset_peak() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    peak_bytes()
}

/// The CPU time this process has spent in user mode, from `/proc/self/stat` (in clock
/// ticks of 10 ms): on a shared machine, wall time says more about the neighbours.
fn user_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses: utime is the 14th field.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after
        .split_whitespace()
        .nth(11)
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Best user time of three assemblies of `src`, and the largest peak growth among them.
fn measure(src: &str) -> (Duration, u64, bool) {
    let mut best = Duration::MAX;
    let mut grew = 0;
    let mut ok = false;
    for _ in 0..3 {
        let before = reset_peak();
        let t = user_time();
        let r = assemble_named("adversarial.s", src);
        best = best.min(user_time().saturating_sub(t));
        grew = grew.max(peak_bytes().saturating_sub(before));
        ok = r.is_ok();
        drop(r);
    }
    (best, grew, ok)
}

/// The inputs, by case name.
fn make(case: &str, n: usize) -> String {
    match case {
        "sequential-labels" => (0..n).map(|i| format!("L{i}: goto L{i}\n")).collect(),
        "one-error-per-line" => "r11 = 1\n".repeat(n),
        "one-long-statement" => "+".repeat(n),
        "undefined-labels" => (0..n).map(|i| format!("goto L{i}\n")).collect(),
        _ => panic!("unknown case {case}"),
    }
}

/// Runs `case` at size `n` in a process of its own, so that no earlier case's freed
/// memory hides this one's peak; returns its time and peak growth.
fn in_child(case: &str, n: usize) -> (f64, u64) {
    let out = std::process::Command::new(std::env::current_exe().expect("own path"))
        .args(["--case", case, &n.to_string()])
        .output()
        .expect("run the case");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{case} {n}: {text}");
    print!("{text}");
    let mut words = text.split_whitespace().rev();
    let grew: u64 = words.next().and_then(|w| w.parse().ok()).expect("peak");
    let ms: f64 = words.next().and_then(|w| w.parse().ok()).expect("time");
    (ms, grew)
}

/// The child: builds the input, measures, prints a line that ends in `MS PEAK_BYTES`.
fn child(case: &str, n: usize) {
    let src = make(case, n);
    let (t, grew, ok) = measure(&src);
    let mb = |b: u64| b as f64 / (1 << 20) as f64;
    println!(
        "{case:<20} n={n:<9} input {:>6.1} MB, {}: peak +{:>6.1} MB ({:>4.1}x input) {:.1} {grew}",
        mb(src.len() as u64),
        if ok { "assembled" } else { "errors" },
        mb(grew),
        grew as f64 / src.len() as f64,
        t.as_secs_f64() * 1e3,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, case, n] = &args[..] {
        if flag == "--case" {
            return child(case, n.parse().expect("a size"));
        }
    }
    // `cargo test --benches` runs this binary without `--bench`: only a smoke run.
    let scale = if args.iter().any(|a| a == "--bench") {
        1
    } else {
        100
    };
    for (case, n) in [
        ("sequential-labels", 1_000_000),
        ("one-error-per-line", 500_000),
        ("one-long-statement", 50_000_000),
        ("undefined-labels", 500_000),
    ] {
        let n = n / scale;
        let (t1, p1) = in_child(case, n);
        let (t2, p2) = in_child(case, 2 * n);
        println!(
            "{case:<20} 2n/n: time {:.2}x, peak {:.2}x (ms, bytes)",
            t2 / t1,
            p2 as f64 / p1.max(1) as f64
        );
    }
}
