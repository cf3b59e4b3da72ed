//! Issue 15, rows 3 and 4: what a hostile input costs, asserted on sizes, not times.
//!
//! Each case resets the process's peak resident size (`5 > /proc/self/clear_refs`) after
//! building its input, assembles it, and reads the new peak (`VmHWM`): the growth is what
//! the assembler needed. Debug builds are slow: the inputs are as large as the bounds need. One test runs the cases in turn so that no other test's memory
//! shows in the peak. Before the fixes: 10 MB of `+` peaked 545 MB above its input and a
//! million bad lines 300 MB; now both stay within a few MB.

use ebpf_asm_core::{assemble_bytecode, assemble_named, AsmError, MAX_KEPT_ERRORS};

const MB: u64 = 1 << 20;

/// The peak resident size since the last reset, in bytes.
fn peak() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status");
    kb * 1024
}

/// Resets the peak to the current resident size and returns it.
fn reset_peak() -> u64 {
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak with clear_refs");
    peak()
}

/// Assembles `src` both ways and returns the error and how far the peak rose, in bytes.
fn cost(src: &str) -> (AsmError, u64) {
    let before = reset_peak();
    let e = assemble_named("hostile.s", src).expect_err("the input has errors");
    let bytecode = assemble_bytecode("hostile.s", src).expect_err("the input has errors");
    assert_eq!(e, bytecode, "both paths give the same diagnostics");
    (e, peak().saturating_sub(before))
}

fn check_bounded(what: &str, src: &str, limit: u64) -> AsmError {
    let (e, grew) = cost(src);
    eprintln!(
        "{what}: {} MB of input, peak grew {:.1} MB",
        src.len() as u64 / MB,
        grew as f64 / MB as f64
    );
    assert!(
        grew <= limit,
        "{what}: the peak grew {grew} bytes, over {limit}, for {} bytes of input",
        src.len()
    );
    e
}

#[test]
fn hostile_inputs_take_bounded_memory() {
    // Row 3: one statement of 10 million tokens is cut at the limit and said to be too long.
    let plus = "+".repeat(10_000_000);
    let e = check_bounded("10 MB of `+`", &plus, 8 * MB);
    assert_eq!(e.diagnostics.len(), 1);
    let d = &e.diagnostics[0];
    assert_eq!((d.line, d.column), (1, 65_537));
    assert!(
        d.message.contains("more than 65536 tokens"),
        "{}",
        d.message
    );
    drop(plus);

    // Row 4: a million bad lines keep the first errors in full and count the rest.
    let bad = "r11 = 1\n".repeat(1_000_000);
    let e = check_bounded("a million bad registers", &bad, 16 * MB);
    assert_eq!(e.diagnostics.len(), MAX_KEPT_ERRORS);
    assert_eq!(e.omitted, 1_000_000 - MAX_KEPT_ERRORS);
    let lines: Vec<u32> = e.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, (1..=MAX_KEPT_ERRORS as u32).collect::<Vec<_>>());
    let text = e.to_string();
    assert!(
        text.ends_with(
            "hostile.s: error: 999000 more errors after line 1000, not shown (only the first \
             1000 are kept): fix these and assemble again"
        ),
        "{}",
        &text[text.len() - 200..]
    );
    drop(bad);

    // Row 4: two million lines of a stray character (4 MB).
    let at = "@\n".repeat(2_000_000);
    let e = check_bounded("two million `@` lines", &at, 16 * MB);
    assert_eq!(e.diagnostics.len() + e.omitted, 2_000_000);
    drop(at);

    // Errors found after parsing, when the labels are resolved: jumps to labels nobody
    // defines. Their diagnostics are bounded too, but this path forms the whole `Program`
    // (instructions, label names, positions, one `ProgramError` each) before it reports:
    // about 22 times its input at its peak in release builds (288 MB for 1M lines, 12.9
    // MB), 29 in debug builds.
    let undefined: String = (0..200_000).map(|i| format!("goto L{i}\n")).collect();
    let e = check_bounded(
        "200k undefined labels",
        &undefined,
        40 * undefined.len() as u64,
    );
    assert_eq!(e.diagnostics.len(), MAX_KEPT_ERRORS);
    assert_eq!(e.omitted, 200_000 - MAX_KEPT_ERRORS);
    assert_eq!(e.diagnostics[0].message, "undefined label `L0`");
}
