//! Build-time cost of `program!`: two throwaway crates, one with a 10,000-instruction
//! `program!` block, one with the same program as a `[u8; N]` byte array. Dependencies
//! are built once; then each crate's `lib.rs` is touched and rebuilt (best of 3), in the
//! dev and release profiles. Target: under 1 s extra for the macro.
//!
//! `cargo bench -p ebpf-asm --bench macro_build_time` (set `BENCH_INSNS` to change the size,
//! `BENCH_KEEP=1` to keep the generated crates for profiling).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 3;

fn main() {
    let n: usize = std::env::var("BENCH_INSNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let asm_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let workspace = asm_dir.parent().expect("asm/ is inside the workspace");
    let root = std::env::temp_dir().join(format!("ebpf-asm-build-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);

    let text = program_text(n);
    let program = ebpf_asm::assemble(&text).unwrap_or_else(|e| panic!("generated program: {e}"));
    assert_eq!(program.len(), n);
    let bytes = program.to_bytes();

    let macro_src = format!(
        "pub fn program() -> ebpf_asm::Program {{\n    ebpf_asm::program! {{\n{text}    }}\n}}\n"
    );
    let mut array_src = format!("pub static BYTES: [u8; {}] = [", bytes.len());
    for (i, b) in bytes.iter().enumerate() {
        if i % 16 == 0 {
            array_src.push_str("\n   ");
        }
        let _ = write!(array_src, " {b},");
    }
    array_src.push_str(
        "\n];\n\npub fn program() -> ebpf_asm::Program {\n    \
         ebpf_asm::Program::from_bytes(&BYTES).expect(\"valid bytes\")\n}\n",
    );

    let target = root.join("target");
    let with_macro = make_crate(&root, "with_macro", &macro_src, &asm_dir, workspace);
    let with_array = make_crate(&root, "with_array", &array_src, &asm_dir, workspace);

    println!(
        "program: {n} instructions, {} slots; macro source {} KiB, array source {} KiB",
        program.slot_count(),
        macro_src.len() / 1024,
        array_src.len() / 1024
    );
    for release in [false, true] {
        let profile = if release { "release" } else { "dev" };
        let m = best_rebuild(&with_macro, &target, release);
        let a = best_rebuild(&with_array, &target, release);
        println!(
            "{profile:>7}: program! {:6.2} s   byte array {:6.2} s   extra {:+6.2} s",
            m.as_secs_f64(),
            a.as_secs_f64(),
            m.as_secs_f64() - a.as_secs_f64()
        );
    }
    if std::env::var_os("BENCH_KEEP").is_some() {
        println!("kept the crates in {} (for profiling)", root.display());
    } else {
        let _ = std::fs::remove_dir_all(&root);
    }
}

/// A realistic mix: ALU in both widths, loads and stores, forward jumps to labels every
/// 50 instructions, helper calls, atomics, 64-bit loads and map references.
fn program_text(n: usize) -> String {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m
    };
    let ops = ["+=", "-=", "*=", "|=", "&=", "^=", "<<=", ">>=", "="];
    let conds = ["==", "!=", ">", ">=", "<", "s<", "s>=", "&"];
    let sizes = ["u8", "u16", "u32", "u64"];
    let mut s = String::new();
    for i in 0..n {
        if i % 50 == 0 {
            let _ = writeln!(s, "    l{}:", i / 50);
        }
        let r = next(10);
        let r2 = next(10);
        let line = match next(10) {
            0 | 1 => format!("r{r} {} r{r2}", ops[next(9) as usize]),
            2 => format!("w{r} {} {}", ops[next(9) as usize], next(1000)),
            3 => format!(
                "r{r} = *({} *)(r{r2} + {})",
                sizes[next(4) as usize],
                next(512)
            ),
            4 => format!(
                "*({} *)(r10 - {}) = r{r}",
                sizes[next(4) as usize],
                8 + next(500)
            ),
            5 if i + 1 < n => format!(
                "if r{r} {} {} goto l{}",
                conds[next(8) as usize],
                next(64),
                i / 50 + 1
            ),
            6 => "call bpf_ktime_get_ns".to_owned(),
            7 => format!("lock *(u64 *)(r{r} + {}) += r{r2}", 8 * next(8)),
            8 if i + 1 < n => format!("r{r} = {} ll", next(u64::MAX)),
            9 if i + 1 < n => format!("r{r} = map{} ll", next(4)),
            _ => "r0 = 0".to_owned(),
        };
        let _ = writeln!(s, "        {line}");
    }
    let _ = writeln!(s, "    l{}:", n.div_ceil(50));
    s
}

fn make_crate(root: &Path, name: &str, lib: &str, asm_dir: &Path, workspace: &Path) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("src")).expect("temp dir");
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nebpf-asm = {{ path = {:?} }}\n\n[workspace]\n",
        asm_dir.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write manifest");
    std::fs::write(dir.join("src/lib.rs"), lib).expect("write lib.rs");
    // The workspace's lock file pins the same dependency versions, so nothing is fetched.
    let _ = std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock"));
    dir
}

/// Builds once (dependencies), then rebuilds only the crate `RUNS` times; the best time.
fn best_rebuild(dir: &Path, target: &Path, release: bool) -> Duration {
    build(dir, target, release);
    (0..RUNS)
        .map(|_| {
            let lib = dir.join("src/lib.rs");
            let text = std::fs::read(&lib).expect("read lib.rs");
            std::fs::write(&lib, text).expect("touch lib.rs");
            build(dir, target, release)
        })
        .min()
        .expect("RUNS > 0")
}

fn build(dir: &Path, target: &Path, release: bool) -> Duration {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.arg("build")
        .arg("--quiet")
        .arg("--offline")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target);
    if release {
        cmd.arg("--release");
    }
    let start = Instant::now();
    let status = cmd.status().expect("run cargo");
    let took = start.elapsed();
    assert!(status.success(), "cargo build failed in {}", dir.display());
    took
}
