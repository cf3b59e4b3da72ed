//! C test objects: `tests/elf/NAME.c` compiled by `clang-19 -target bpf -O2 -g -c`.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Tests of one process may compile the same source at once: each output is its own.
static OUTPUTS: AtomicUsize = AtomicUsize::new(0);

/// Compiles `tests/elf/NAME.c` (with `tests/elf/` on the include path, so sources can
/// share `bpf_test.h`); `None` (after `skip`) when clang-19 is missing.
pub fn compile(name: &str) -> Option<Vec<u8>> {
    let dir = format!("{}/tests/elf", env!("CARGO_MANIFEST_DIR"));
    let src = format!("{dir}/{name}.c");
    let n = OUTPUTS.fetch_add(1, Ordering::Relaxed);
    let out: PathBuf =
        std::env::temp_dir().join(format!("ebpf-elf-{}-{n}-{name}.o", std::process::id()));
    let status = Command::new("clang-19")
        .args([
            "-target",
            "bpf",
            "-O2",
            "-g",
            "-c",
            "-I/usr/include/x86_64-linux-gnu",
        ])
        .arg(format!("-I{dir}"))
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .status();
    match status {
        Err(e) => {
            super::skip(&format!(
                "clang-19 is not runnable ({e}): cannot compile {src}"
            ));
            None
        }
        Ok(s) => {
            assert!(s.success(), "clang-19 failed on {src}");
            let bytes = std::fs::read(&out).expect("clang wrote the object");
            let _ = std::fs::remove_file(&out);
            Some(bytes)
        }
    }
}

/// The message of the `Error::Elf` that reading an object must give.
pub fn elf_message(r: Result<ebpf_loader::CollectionSpec, ebpf_loader::Error>) -> String {
    match r {
        Err(ebpf_loader::Error::Elf(m)) => m,
        Err(e) => panic!("expected Error::Elf, got {e:?}"),
        Ok(_) => panic!("expected an error, the object was read"),
    }
}
