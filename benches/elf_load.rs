//! Loading a multi-program object that clang compiled (`benches/c/multi.c`: eight programs
//! in four sections, three BTF maps, two `.text` functions called by every program), side
//! by side in one run (issue 13): ebpf-loader (`CollectionSpec::from_elf` + `load`, in
//! process), aya (`Ebpf::load` + each program's `load`, in process) and libbpf (`bpftool
//! prog loadall`, a whole process).
//!
//! Run as root: `cargo bench -p ebpf-asm-benches --bench elf_load`.
//!
//! The figure that compares loaders is **user-space CPU time** (`ru_utime`): it counts
//! parsing, relocating, linking subprograms and building the syscalls' arguments, and
//! leaves out the verifier and map creation, which run in the kernel (system time, shown
//! beside it) and cost the same for every loader. Wall time per load is shown too. The
//! goal is to be no slower than aya.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ebpf_loader::CollectionSpec;

const ROUNDS: u32 = 200;
const BPFTOOL_ROUNDS: u32 = 50;

/// User and system CPU time of this process (`who` = RUSAGE_SELF) or of its waited-for
/// children (RUSAGE_CHILDREN).
fn cpu(who: i32) -> (Duration, Duration) {
    // SAFETY: getrusage writes one `rusage` into the zeroed struct it is given.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(who, &mut ru), 0);
        ru
    };
    let d = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (d(ru.ru_utime), d(ru.ru_stime))
}

/// Per-round user, system and wall time of `n` rounds of `f`.
struct Measured {
    user: Duration,
    sys: Duration,
    wall: Duration,
}

fn measure(who: i32, n: u32, mut f: impl FnMut()) -> Measured {
    let (u0, s0) = cpu(who);
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    let wall = t.elapsed();
    let (u1, s1) = cpu(who);
    Measured {
        user: (u1 - u0) / n,
        sys: (s1 - s0) / n,
        wall: wall / n,
    }
}

fn compile() -> Option<Vec<u8>> {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/c/multi.c");
    let out = std::env::temp_dir().join(format!("elf-load-bench-{}.o", std::process::id()));
    let ok = Command::new("clang-19")
        .args(["-target", "bpf", "-O2", "-g", "-c"])
        .arg("-I/usr/include/x86_64-linux-gnu")
        .arg(src)
        .arg("-o")
        .arg(&out)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let bytes = ok.then(|| std::fs::read(&out).ok()).flatten();
    let _ = std::fs::remove_file(&out);
    bytes
}

fn ours(bytes: &[u8]) {
    let coll = CollectionSpec::from_elf(bytes)
        .expect("ours reads the object")
        .load()
        .expect("ours loads the object");
    assert_eq!(coll.programs().count(), 8);
}

/// aya as users call it (`Ebpf::load`, which reads and parses the kernel's BTF on every
/// call), or with the kernel's BTF parsed once by the caller (`EbpfLoader::btf`).
fn aya(bytes: &[u8], kernel_btf: Option<&aya::Btf>) {
    use aya::programs::Program;
    let mut ebpf = match kernel_btf {
        None => aya::Ebpf::load(bytes),
        Some(btf) => aya::EbpfLoader::new().btf(Some(btf)).load(bytes),
    }
    .expect("aya reads the object");
    let mut loaded = 0;
    for (name, prog) in ebpf.programs_mut() {
        match prog {
            Program::Xdp(p) => p.load(),
            Program::SocketFilter(p) => p.load(),
            Program::RawTracePoint(p) => p.load(),
            _ => panic!("unexpected program type for {name}"),
        }
        .unwrap_or_else(|e| panic!("aya loads {name}: {e}"));
        loaded += 1;
    }
    assert_eq!(loaded, 8);
}

/// A private bpffs for bpftool's pins; unmounted and removed on drop.
struct Bpffs(PathBuf);

impl Bpffs {
    fn mount() -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("elf-load-bench-fs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let fs = Bpffs(dir);
        let ok = Command::new("mount")
            .args(["-t", "bpf", "bpf"])
            .arg(&fs.0)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then_some(fs)
    }
}

impl Drop for Bpffs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn bpftool(object: &Path, fs: &Bpffs) {
    let pins = fs.0.join("progs");
    let ok = Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(object)
        .arg(&pins)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "bpftool prog loadall failed");
    let n = std::fs::read_dir(&pins).map(|d| d.count()).unwrap_or(0);
    assert_eq!(n, 8, "bpftool pinned {n} programs");
    std::fs::remove_dir_all(&pins).expect("unpin");
}

fn show(name: &str, m: &Measured, anchor: &Measured) {
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{name:<30} user {:>8.1} µs ({:>6.3}x aya)   system {:>8.1} µs   wall {:>8.1} µs",
        us(m.user),
        us(m.user) / us(anchor.user),
        us(m.sys),
        us(m.wall),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing we use.
    let Some(bytes) = compile() else {
        eprintln!("skipped: clang-19 is needed to compile benches/c/multi.c");
        return;
    };
    // Warm up both in-process loaders (the kernel's BTF, page cache, allocator).
    for _ in 0..10 {
        ours(&bytes);
        aya(&bytes, None);
    }
    let kernel_btf = aya::Btf::from_sys_fs().expect("aya reads the kernel's BTF");
    let parse = measure(libc::RUSAGE_SELF, ROUNDS * 10, || {
        std::hint::black_box(CollectionSpec::from_elf(&bytes).expect("reads"));
    });
    let o = measure(libc::RUSAGE_SELF, ROUNDS, || ours(&bytes));
    let a = measure(libc::RUSAGE_SELF, ROUNDS, || aya(&bytes, None));
    let a_btf = measure(libc::RUSAGE_SELF, ROUNDS, || aya(&bytes, Some(&kernel_btf)));
    println!(
        "{} bytes of ELF, 8 programs, 3 maps; {ROUNDS} rounds in process",
        bytes.len()
    );
    show("aya Ebpf::load + load x8", &a, &a);
    show("aya, kernel BTF parsed once", &a_btf, &a);
    show("ebpf-loader from_elf + load", &o, &a);
    show("ebpf-loader from_elf only", &parse, &a);

    let object = std::env::temp_dir().join(format!("elf-load-bench-{}.o", std::process::id()));
    std::fs::write(&object, &bytes).expect("write the object");
    match Bpffs::mount() {
        Some(fs) => {
            let b = measure(libc::RUSAGE_CHILDREN, BPFTOOL_ROUNDS, || {
                bpftool(&object, &fs)
            });
            show("bpftool prog loadall (proc)", &b, &a);
        }
        None => eprintln!("bpftool: skipped, no bpffs could be mounted"),
    }
    let _ = std::fs::remove_file(&object);
}
