//! Whole-process comparison with LLVM, side by side in one run:
//! `bpfasm asm` vs `llvm-mc-19 -triple bpf -mcpu=v4 -filetype=obj` on a 1,000,000-line file,
//! and `bpfasm disasm --bin` vs `llvm-objdump-19 -d --mcpu=v4` on the same 1,000,000
//! instructions. Best of several runs each, wall-clock and CPU time (user + system, which
//! other load on the machine disturbs less); target: bpfasm at least 20x faster in both.
//!
//! ```text
//! cargo bench -p bpfasm --bench cli_vs_llvm
//! ```
//!
//! Cargo builds `bpfasm` with the bench (release) profile and hands its path to this program
//! (`CARGO_BIN_EXE_bpfasm`). Before timing, the benchmark checks that llvm-mc's `.text` and
//! bpfasm's bytes are identical. Without `--bench` (as under `cargo test --benches`) it runs
//! a small smoke version. `EBPF_ASM_BENCH_LINES` changes the size. When the LLVM tools are
//! missing it skips with a reason, or fails if `EBPF_ASM_NO_SKIP=1`.

#[path = "../../asm-core/benches/common/workload.rs"]
mod workload;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const BPFASM: &str = env!("CARGO_BIN_EXE_bpfasm");
const LLVM_MC: &str = "llvm-mc-19";
const LLVM_OBJDUMP: &str = "llvm-objdump-19";
const LLVM_OBJCOPY: &str = "llvm-objcopy-19";
/// How much faster than LLVM we mean to be.
const TARGET_RATIO: f64 = 20.0;

/// Wall-clock and CPU (user + system) time of one process.
#[derive(Clone, Copy)]
struct Took {
    wall: Duration,
    cpu: Duration,
}

/// CPU time used so far by this process's waited-for children.
fn children_cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills in the rusage the pointer points at; it is zeroed and sized.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    assert_eq!(rc, 0, "getrusage: {}", std::io::Error::last_os_error());
    // SAFETY: zero-initialised and then written by the kernel: every field is valid.
    let usage = unsafe { usage.assume_init() };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Runs `program args` with stdout to `stdout` (a file path); panics unless it succeeds.
fn run(program: &str, args: &[&dyn AsRef<std::ffi::OsStr>], stdout: &Path) -> Took {
    let out = File::create(stdout).expect("output file");
    let cpu_before = children_cpu();
    let start = Instant::now();
    let result = Command::new(program)
        .args(args.iter().map(|a| a.as_ref()))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let took = Took {
        wall: start.elapsed(),
        cpu: children_cpu() - cpu_before,
    };
    assert!(
        result.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    took
}

/// The shortest wall-clock and the smallest CPU time of `n` runs.
fn best_of(n: usize, mut f: impl FnMut() -> Took) -> Took {
    let runs: Vec<Took> = (0..n).map(|_| f()).collect();
    Took {
        wall: runs.iter().map(|t| t.wall).min().expect("n > 0"),
        cpu: runs.iter().map(|t| t.cpu).min().expect("n > 0"),
    }
}

fn available(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Prints one comparison; true when the wall-clock ratio meets the target.
fn report(what: &str, ours: Took, theirs: Took, tool: &str, lines: usize) -> bool {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let ratio = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64();
    let wall_ratio = ratio(ours.wall, theirs.wall);
    let met = wall_ratio >= TARGET_RATIO;
    println!(
        "{what:<7} {:<16}{:>9.1} ms wall {:>9.1} ms cpu  ({:.1} M lines/s wall)\n        \
         {tool:<16}{:>9.1} ms wall {:>9.1} ms cpu\n        \
         {:<16}{:>9.1}x    wall {:>9.1}x    cpu  (target >= {TARGET_RATIO}x wall: {})",
        "bpfasm",
        ms(ours.wall),
        ms(ours.cpu),
        lines as f64 / ours.wall.as_secs_f64() / 1e6,
        ms(theirs.wall),
        ms(theirs.cpu),
        "ratio",
        wall_ratio,
        ratio(ours.cpu, theirs.cpu),
        if met { "met" } else { "MISSED" },
    );
    met
}

fn main() -> ExitCode {
    let full = std::env::args().any(|a| a == "--bench");
    let lines: usize = std::env::var("EBPF_ASM_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 1_000_000 } else { 10_000 });
    let (ours_runs, llvm_runs) = if full { (7, 3) } else { (1, 1) };

    for tool in [LLVM_MC, LLVM_OBJDUMP, LLVM_OBJCOPY] {
        if !available(tool) {
            if std::env::var("EBPF_ASM_NO_SKIP").as_deref() == Ok("1") {
                eprintln!("cli_vs_llvm: {tool} is missing and EBPF_ASM_NO_SKIP=1 forbids skipping");
                return ExitCode::FAILURE;
            }
            println!("cli_vs_llvm: skipped: {tool} is not installed (apt-get install llvm-19)");
            return ExitCode::SUCCESS;
        }
    }
    if cfg!(debug_assertions) {
        println!("cli_vs_llvm: note: built without optimisations; numbers are not meaningful");
    }

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_vs_llvm");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let p = |name: &str| dir.join(name);
    let source = workload::assembly(lines);
    std::fs::write(p("workload.s"), &source).expect("workload written");
    let null = p("null");

    // The same bytes from both assemblers, and an object for objdump without symbols.
    run(
        BPFASM,
        &[&"asm", &"--bin", &p("workload.s")],
        &p("ours.bin"),
    );
    run(
        LLVM_MC,
        &[
            &"-triple",
            &"bpf",
            &"-mcpu=v4",
            &"-filetype=obj",
            &p("workload.s"),
            &"-o",
            &p("llvm.o"),
        ],
        &null,
    );
    run(
        LLVM_OBJCOPY,
        &[
            &"-O",
            &"binary",
            &"--only-section=.text",
            &p("llvm.o"),
            &p("llvm.bin"),
        ],
        &null,
    );
    run(
        LLVM_OBJCOPY,
        &[&"--strip-all", &p("llvm.o"), &p("stripped.o")],
        &null,
    );
    let ours = std::fs::read(p("ours.bin")).expect("our bytes");
    let theirs = std::fs::read(p("llvm.bin")).expect("LLVM's bytes");
    if ours != theirs {
        let at = ours.iter().zip(&theirs).position(|(a, b)| a != b);
        eprintln!(
            "cli_vs_llvm: bpfasm and llvm-mc disagree (lengths {} and {}, first difference at \
             byte {at:?}); see {}",
            ours.len(),
            theirs.len(),
            dir.display()
        );
        return ExitCode::FAILURE;
    }
    println!(
        "workload: {lines} lines = {lines} instructions = {} slots, {:.1} MB of text ({})",
        ours.len() / 8,
        source.len() as f64 / 1e6,
        p("workload.s").display()
    );

    let asm_ours = best_of(ours_runs, || {
        run(BPFASM, &[&"asm", &p("workload.s")], &p("ours.hex"))
    });
    let asm_llvm = best_of(llvm_runs, || {
        run(
            LLVM_MC,
            &[
                &"-triple",
                &"bpf",
                &"-mcpu=v4",
                &"-filetype=obj",
                &p("workload.s"),
                &"-o",
                &p("timed.o"),
            ],
            &null,
        )
    });
    let dis_ours = best_of(ours_runs, || {
        run(
            BPFASM,
            &[&"disasm", &"--bin", &p("ours.bin")],
            &p("ours.txt"),
        )
    });
    let dis_llvm = best_of(llvm_runs, || {
        run(
            LLVM_OBJDUMP,
            &[&"-d", &"--mcpu=v4", &p("stripped.o")],
            &p("llvm.txt"),
        )
    });
    println!("best of {ours_runs} (bpfasm) and {llvm_runs} (LLVM) whole-process runs:");
    let a = report("asm", asm_ours, asm_llvm, LLVM_MC, lines);
    let d = report("disasm", dis_ours, dis_llvm, LLVM_OBJDUMP, lines);
    if !(a && d) {
        println!("cli_vs_llvm: a target was missed (reported, not a failure)");
    }
    ExitCode::SUCCESS
}
