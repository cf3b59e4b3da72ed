//! Issue 15, rows 3 and 4: what a hostile input costs, asserted on sizes, not times.
//!
//! Each case resets the process's peak resident size (`5 > /proc/self/clear_refs`) after
//! building its input, assembles it, and reads the new peak (`VmHWM`): the growth is what
//! the assembler needed. Debug builds are slow: the inputs are as large as the bounds
//! need. One test runs the cases in turn so that no other test's memory shows in the
//! peak. Before the fixes: 10 MB of `+` peaked 545 MB above its input and a
//! million bad lines 300 MB; now both stay within a few MB. Labels: 20 to 29 times the
//! input before, 8 to 14 now (each label case runs in a process of its own).

use ebpf_asm_core::{assemble_bytecode, assemble_named, AsmError, Program, MAX_KEPT_ERRORS};

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

/// Assembles `src` both ways and returns the error and how far the peak rose, in bytes,
/// for the costlier way (each measured from its own start).
fn cost(src: &str) -> (AsmError, u64) {
    let before = reset_peak();
    let e = assemble_named("hostile.s", src).expect_err("the input has errors");
    let named = peak().saturating_sub(before);
    let before = reset_peak();
    let bytecode = assemble_bytecode("hostile.s", src).expect_err("the input has errors");
    let slots = peak().saturating_sub(before);
    assert_eq!(e, bytecode, "both paths give the same diagnostics");
    (e, named.max(slots))
}

/// Assembles `src`, which has no error, into a program, and returns it and how far the
/// peak rose (the program included).
fn program_cost(src: &str) -> (Program, u64) {
    let before = reset_peak();
    let p = assemble_named("labels.s", src).expect("the input assembles");
    (p, peak().saturating_sub(before))
}

/// Fails unless `grew`, the peak growth for `src`, is at most `limit`.
fn assert_within(what: &str, src: &str, grew: u64, limit: u64) {
    eprintln!(
        "{what}: {:.1} MB of input, peak grew {:.1} MB ({:.1}x)",
        src.len() as f64 / MB as f64,
        grew as f64 / MB as f64,
        grew as f64 / src.len() as f64
    );
    assert!(
        grew <= limit,
        "{what}: the peak grew {grew} bytes, over {limit}, for {} bytes of input",
        src.len()
    );
}

fn check_bounded(what: &str, src: &str, limit: u64) -> AsmError {
    let (e, grew) = cost(src);
    assert_within(what, src, grew, limit);
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
}

/// The label cases, each in a process of its own (see [`label_case`]): in one process,
/// memory an earlier case freed and the allocator kept would hide part of a later
/// case's growth, and what a case leaves would hide the growth of the cases above.
#[test]
fn labels_take_bounded_memory() {
    for case in ["undefined", "undefined-bytecode", "sequential"] {
        let out = std::process::Command::new(std::env::current_exe().expect("own path"))
            .args(["--ignored", "--exact", "label_case", "--nocapture"])
            .env("RESOURCES_LABEL_CASE", case)
            .output()
            .expect("run the case in a child process");
        let text = String::from_utf8_lossy(&out.stderr);
        eprint!("{text}");
        assert!(out.status.success(), "{case}: {text}");
        assert!(text.contains("peak grew"), "{case} did not run: {text}");
    }
}

/// One label case, chosen by `RESOURCES_LABEL_CASE`; run by [`labels_take_bounded_memory`].
#[test]
#[ignore = "run by labels_take_bounded_memory, in a process of its own"]
fn label_case() {
    let Ok(case) = std::env::var("RESOURCES_LABEL_CASE") else {
        eprintln!("no RESOURCES_LABEL_CASE: labels_take_bounded_memory runs the cases");
        return;
    };
    match case.as_str() {
        "undefined" | "undefined-bytecode" => undefined_labels(case == "undefined"),
        "sequential" => sequential_labels(),
        _ => panic!("RESOURCES_LABEL_CASE={case:?}: undefined, undefined-bytecode or sequential"),
    }
}

/// Errors found after parsing, when the labels are resolved: jumps to labels nobody
/// defines. Each error goes to the bounded list as it is found; what remains is the
/// instructions (40 bytes each), their positions (12), the reference's name (a 32-byte
/// allocation), where it was written (16) and the slot offsets (8): 108 bytes a 12-byte
/// line, and while the parts of a large input are joined, a copy of the last part's
/// instructions. Before: 22 times the input in release builds, 29 in debug builds (a
/// `ProgramError` and a `ParseError` were formed per undefined label, and the input was
/// parsed again in one piece).
fn undefined_labels(named: bool) {
    let src: String = (0..200_000).map(|i| format!("goto L{i}\n")).collect();
    let before = reset_peak();
    let e = match named {
        true => assemble_named("hostile.s", &src),
        false => assemble_bytecode("hostile.s", &src).map(|_| Program::default()),
    }
    .expect_err("undefined labels");
    let grew = peak().saturating_sub(before);
    // `assemble_bytecode` first tries its own way, which fails at the end, then this one.
    let limit = if named { 11 } else { 14 };
    let what = match named {
        true => "200k undefined labels, assemble_named",
        false => "200k undefined labels, assemble_bytecode",
    };
    assert_within(what, &src, grew, limit * src.len() as u64);
    assert_eq!(e.diagnostics.len(), MAX_KEPT_ERRORS);
    assert_eq!(e.omitted, 200_000 - MAX_KEPT_ERRORS);
    assert_eq!(e.diagnostics[0].message, "undefined label `L0`");
}

/// Sequential labels through the `Program` path: each name is held once (shared by the
/// definition, the jump to it and the program's list of labels), and the program finds
/// labels through 4-byte positions. A 20-byte line costs about 156 bytes: the
/// instruction (40), its position (12), the name (32), the label's entry (32), where it
/// was defined (8), 8 of index, the reference (16) and the slot offset (8). Before: 20
/// to 27 times the input (three copies of every name, two hash maps, whole tokens).
fn sequential_labels() {
    let labels: String = (0..200_000).map(|i| format!("L{i}: goto L{i}\n")).collect();
    let (p, grew) = program_cost(&labels);
    assert_within(
        "200k sequential labels",
        &labels,
        grew,
        10 * labels.len() as u64,
    );
    assert_eq!(p.len(), 200_000);
    assert_eq!(p.label("L199999"), Some(199_999));
    assert_eq!(p.labels().len(), 200_000);
}
