//! Golden test of issue 14: llvm-mc-19 assembles a varied program, llvm-objdump-19
//! prints it (with and without raw bytes and relocations), and `bpfasm asm` reads each
//! listing, whole, back to llvm-mc's bytes, byte for byte.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every instruction class llvm-objdump-19 prints (32-bit atomic fetch operations it
/// prints as `<unknown>`: see the unit tests).
const BODY: &str = "
\tr1 = 42
\tw2 = -1
\tr3 = 0x123456789abcdef ll
\tr4 = m ll
\tr1 += r2
\tw1 -= 7
\tr1 *= 3
\tr1 /= r3
\tr1 s/= r3
\tr1 s%= 5
\tw1 <<= 3
\tr1 s>>= 2
\tr1 ^= r2
\tr1 = -r1
\tr1 = be16 r1
\tr1 = le64 r1
\tr1 = bswap32 r1
\tr1 = (s8)r2
\tw1 = (s16)w2
\tr0 = *(u64 *)(r1 + 8)
\tw0 = *(u8 *)(r10 - 1)
\tr0 = *(s32 *)(r1 + 4)
\t*(u32 *)(r10 - 4) = w1
\t*(u64 *)(r10 - 16) = 99
\tlock *(u64 *)(r1 + 0) += r2
\tlock *(u32 *)(r1 + 4) += w2
\tr2 = atomic_fetch_and((u64 *)(r1 + 0), r2)
\tr2 = xchg_64(r1 + 8, r2)
\tr0 = cmpxchg_64(r1 + 0, r0, r2)
\tr0 = *(u16 *)skb[12]
\tr0 = *(u32 *)skb[r1]
L1:
\tif r1 == 0 goto L2
\tif w1 s> w2 goto L1
\tif r1 & 4 goto L2
\tgotol L2
\tcall 1
\tr1 = addr_space_cast(r2, 1, 0)
L2:
\tr0 = 0
\texit
";

/// A call of a function in the same section: objdump prints `call 0x2`, like helper 2,
/// so only the raw bytes tell.
const LOCAL_CALL: &str = "\tcall sub\n\texit\nsub:\n\tr0 = 1\n\texit\n";
/// A call of an undefined function: `call -0x1` and, with -r, an R_BPF_64_32 line.
const EXTERN_CALL: &str = "\tcall ext\n\texit\n";

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("paste_objdump");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir.join(name)
}

/// llvm-mc-19's object for `text`, and the bytes of its .text section.
fn llvm_mc(name: &str, text: &str) -> (PathBuf, Vec<u8>) {
    let (s, o, bin) = (
        scratch(&format!("{name}.s")),
        scratch(&format!("{name}.o")),
        scratch(&format!("{name}.bin")),
    );
    std::fs::write(&s, format!("\t.text\n\t.globl prog\nprog:{text}")).expect("written");
    run(Command::new("llvm-mc-19")
        .args(["-triple", "bpf", "-mcpu=v4", "-filetype=obj", "-o"])
        .args([&o, &s]));
    run(Command::new("llvm-objcopy-19")
        .args(["-O", "binary", "--only-section=.text"])
        .args([&o, &bin]));
    (o.clone(), std::fs::read(&bin).expect("the .text bytes"))
}

/// `bpfasm asm ARGS FILE` with `--bin`.
fn bpfasm(args: &[&str], file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bpfasm"))
        .arg("asm")
        .arg("--bin")
        .args(args)
        .arg(file)
        .output()
        .expect("bpfasm runs")
}

/// Prints `object` with llvm-objdump-19 `flags`, feeds the listing to `bpfasm asm
/// --extract`, and checks the bytes are `expected`. Returns the listing.
fn round_trip(object: &Path, flags: &[&str], expected: &[u8]) -> String {
    let listing = run(Command::new("llvm-objdump-19").args(flags).arg(object)).stdout;
    let path = scratch(&format!("listing{}.txt", flags.join("").replace('-', "_")));
    std::fs::write(&path, &listing).expect("written");
    let out = bpfasm(&["--extract"], &path);
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).as_ref()
        ),
        (Some(0), ""),
        "llvm-objdump-19 {flags:?}"
    );
    assert!(
        out.stdout == expected,
        "llvm-objdump-19 {flags:?}: bytes differ"
    );
    String::from_utf8(listing).expect("UTF-8")
}

#[test]
fn objdump_listings_assemble_to_llvm_mcs_bytes() {
    for tool in ["llvm-mc-19", "llvm-objdump-19", "llvm-objcopy-19"] {
        if !have(tool) {
            return ebpf_asm_test_support::skip(&format!("needs {tool}"));
        }
    }
    let (all, all_bytes) = llvm_mc("all", &format!("{BODY}{LOCAL_CALL}{EXTERN_CALL}"));
    let listing = round_trip(&all, &["-d"], &all_bytes);
    round_trip(&all, &["-d", "-r"], &all_bytes);
    round_trip(&all, &["-d", "--no-print-imm-hex"], &all_bytes);
    // Without raw bytes, a call of an undefined function is told by its relocation.
    let (ext, ext_bytes) = llvm_mc("ext", &format!("{BODY}{EXTERN_CALL}"));
    round_trip(&ext, &["-d", "-r", "--no-show-raw-insn"], &ext_bytes);
    let (body, body_bytes) = llvm_mc("body", BODY);
    round_trip(&body, &["-d", "--no-show-raw-insn"], &body_bytes);

    // Without --extract, the headers are errors that say to use it; the instruction
    // lines alone (as pasted into a file) need no flag.
    let path = scratch("whole.txt");
    std::fs::write(&path, &listing).expect("written");
    let out = bpfasm(&[], &path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(
            ":2:1: error: not an instruction but a header line of llvm-objdump's: `--extract`"
        ),
        "{stderr}"
    );
    let lines: String = listing
        .lines()
        .filter(|l| l.starts_with(" ") && l.contains(":\t"))
        .map(|l| format!("{l}\n"))
        .collect();
    let path = scratch("lines.txt");
    std::fs::write(&path, lines).expect("written");
    let out = bpfasm(&[], &path);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout == all_bytes);
}

/// The README's example, exactly.
#[test]
fn readme_paste_example() {
    let path = scratch("readme.txt");
    std::fs::write(
        &path,
        "5: (b7) r1 = r11   ; R1_w=1\n6: (85) call bpf_map_lookup_elem#2\n",
    )
    .expect("written");
    let out = bpfasm(&[], &path);
    let p = path.display();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "{p}:1:14: error: register `r11` does not exist: registers are r0..r10 (w0..w10 \
             for 32 bits)\n{p}:2:34: error: `call bpf_map_lookup_elem#2` names two helpers: \
             bpf_map_lookup_elem is helper 1, and helper 2 is bpf_map_update_elem: write \
             `call bpf_map_lookup_elem` or `call 2`\n"
        )
    );
    assert!(out.stdout.is_empty());
}
