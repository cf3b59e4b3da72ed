//! What carrying BTF (func_info + line_info) costs a program load: loads one program N
//! times with its BTF and N times without, and prints the mean time of each.
//!
//! `cargo run --release -p ebpf-loader --example btf_overhead [N]` (needs root).

use std::time::{Duration, Instant};

use ebpf_loader::{ProgramSpec, ProgramType};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = std::env::args().nth(1).map_or(Ok(200), |a| a.parse())?;
    // 100 instructions in a main program and a subprogram, each with a source line.
    let mut src = String::from("main:\n  r6 = r1\n");
    for i in 0..48 {
        src.push_str(&format!("  r0 = {i}\n"));
    }
    src.push_str("  r1 = 1\n  call sub\n  exit\nsub:\n  r0 = r1\n");
    for i in 0..45 {
        src.push_str(&format!("  r0 += {i}\n"));
    }
    src.push_str("  exit\n");
    let prog = ebpf_asm::assemble_named("overhead.s", &src)?;
    let with = ProgramSpec::from_program("overhead", ProgramType::SocketFilter, &prog)?;
    let without = with.clone().btf(None);
    let slots = with.insns.len();
    let lines = with.btf.as_ref().map_or(0, |b| b.line_count());
    let time = |spec: &ProgramSpec| -> Result<Duration, ebpf_loader::Error> {
        let start = Instant::now();
        for _ in 0..n {
            drop(spec.load()?);
        }
        Ok(start.elapsed() / n)
    };
    // Warm up, then alternate so both see the same machine.
    time(&with)?;
    let (mut a, mut b) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..3 {
        a += time(&without)?;
        b += time(&with)?;
    }
    let blob = with
        .btf
        .as_ref()
        .map(|b| b.blob().to_vec())
        .unwrap_or_default();
    let btf_load = Instant::now();
    for _ in 0..n {
        drop(ebpf_loader::BtfObject::load(&blob)?);
    }
    let btf_load = btf_load.elapsed() / n;
    let build = Instant::now();
    for _ in 0..n {
        ProgramSpec::from_program("overhead", ProgramType::SocketFilter, &prog)?;
    }
    let build = build.elapsed() / n;
    println!("{slots} slots, {lines} line records, {n} loads x 3 rounds:");
    println!(
        "  without BTF: {:>8.1} us per load",
        a.as_secs_f64() * 1e6 / 3.0
    );
    println!(
        "  with BTF:    {:>8.1} us per load (BPF_BTF_LOAD + BPF_PROG_LOAD)",
        b.as_secs_f64() * 1e6 / 3.0
    );
    println!(
        "  BPF_BTF_LOAD alone ({} bytes): {:.1} us",
        blob.len(),
        btf_load.as_secs_f64() * 1e6
    );
    println!(
        "  building the spec with its BTF: {:.1} us",
        build.as_secs_f64() * 1e6
    );
    Ok(())
}
