//! Shared test support: finding LLVM 19, running it, hex helpers and a seeded RNG.
//!
//! Tests that need LLVM call [`llvm`]; when `llvm-mc-19`/`llvm-objdump-19` are missing they
//! print why and skip, unless `EBPF_ASM_NO_SKIP=1` (CI) turns the skip into a failure.
#![allow(dead_code)]

pub mod forms;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The LLVM 19 tools the tests compare against.
pub struct Llvm {
    /// `llvm-mc-19`.
    pub mc: PathBuf,
    /// `llvm-objdump-19`.
    pub objdump: PathBuf,
    /// `llvm-objcopy-19`, to cut `.text` out of an object file.
    pub objcopy: PathBuf,
}

fn find_tool(name: &str) -> Option<PathBuf> {
    let versioned = format!("{name}-19");
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let p = dir.join(&versioned);
        if p.is_file() {
            return Some(p);
        }
    }
    let p = Path::new("/usr/lib/llvm-19/bin").join(name);
    p.is_file().then_some(p)
}

/// The LLVM 19 tools, or `None` after printing a skip reason for `test`.
///
/// Panics instead of skipping when `EBPF_ASM_NO_SKIP=1`.
pub fn llvm(test: &str) -> Option<Llvm> {
    let found = (
        find_tool("llvm-mc"),
        find_tool("llvm-objdump"),
        find_tool("llvm-objcopy"),
    );
    match found {
        (Some(mc), Some(objdump), Some(objcopy)) => Some(Llvm {
            mc,
            objdump,
            objcopy,
        }),
        _ => {
            let reason = format!(
                "{test}: llvm-mc-19, llvm-objdump-19 or llvm-objcopy-19 not found \
                 (apt-get install llvm-19)"
            );
            ebpf_asm_test_support::skip(&reason);
            None
        }
    }
}

/// A fresh scratch directory for one test.
pub fn scratch_dir(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("ebpf-asm-core-tests-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Result of assembling a file with llvm-mc-19.
pub struct LlvmOutput {
    /// The bytes of `.text`.
    pub text: Vec<u8>,
    /// llvm-objdump-19's instruction text, one entry per instruction, normalised with
    /// [`normalize_objdump_line`].
    pub disasm: Vec<String>,
}

impl Llvm {
    /// Assembles `source` with `llvm-mc-19 -triple bpf -mcpu=v4 -filetype=obj` in `dir`,
    /// returns `.text` and llvm-objdump-19's text for it.
    pub fn assemble(&self, dir: &Path, source: &str) -> Result<LlvmOutput, String> {
        let s = dir.join("input.s");
        let o = dir.join("input.o");
        let bin = dir.join("text.bin");
        std::fs::write(&s, source).map_err(|e| e.to_string())?;
        run(Command::new(&self.mc)
            .args(["-triple", "bpf", "-mcpu=v4", "-filetype=obj"])
            .arg(&s)
            .arg("-o")
            .arg(&o))?;
        run(Command::new(&self.objcopy)
            .args(["-O", "binary", "--only-section=.text"])
            .arg(&o)
            .arg(&bin))?;
        let text = std::fs::read(&bin).map_err(|e| e.to_string())?;
        let dump = run(Command::new(&self.objdump)
            .args(["-d", "--mcpu=v4", "--no-print-imm-hex", "-z"])
            .arg(&o))?;
        let disasm = dump.lines().filter_map(normalize_objdump_line).collect();
        Ok(LlvmOutput { text, disasm })
    }
}

/// The instruction text of one llvm-objdump line (`   12:\t07 01 00 00 05 00 00 00\tr1 += 5`),
/// without address, bytes and ` <.text+0x..>` annotation, whitespace runs made one space.
/// `None` for lines that are not instructions.
pub fn normalize_objdump_line(line: &str) -> Option<String> {
    let (addr, rest) = line.split_once(':')?;
    let addr = addr.trim();
    if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = rest.strip_prefix('\t')?;
    let (bytes, text) = rest.split_once('\t')?;
    if !bytes
        .split(' ')
        .all(|b| b.len() == 2 && b.bytes().all(|c| c.is_ascii_hexdigit()))
    {
        return None;
    }
    let mut text = text.trim_end();
    // ` <.text+0x78>` after jump targets; `<` inside the text (`if r1 < r2`) is never
    // followed by `>` before the end, so only the trailing annotation matches.
    if text.ends_with('>') {
        if let Some(at) = text.rfind(" <") {
            if !text[at + 2..].contains('<') {
                text = &text[..at];
            }
        }
    }
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Lowercase hex of bytes, no separators.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex (whitespace ignored). Panics on bad hex: test data only.
pub fn unhex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd hex length: {s}");
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).expect("hex"))
        .collect()
}

/// xorshift64* — small, seeded, reproducible.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a fixed non-zero value).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    /// A random element.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
    /// True with probability 1/n.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
    /// An i32 biased toward edge values.
    pub fn i32_edge(&mut self) -> i32 {
        match self.below(8) {
            0 => self.pick(&[0, -1, 1, i32::MIN, i32::MAX, i32::MIN + 1, i32::MAX - 1]),
            1 => self.below(64) as i32 - 32,
            2 => self.next_u64() as i16 as i32,
            3 => self.next_u64() as i8 as i32,
            _ => self.next_u64() as i32,
        }
    }
    /// An i16 biased toward edge values.
    pub fn i16_edge(&mut self) -> i16 {
        match self.below(6) {
            0 => self.pick(&[0, -1, 1, i16::MIN, i16::MAX]),
            1 => self.below(64) as i16 - 32,
            _ => self.next_u64() as i16,
        }
    }
    /// An i64 biased toward edge values.
    pub fn i64_edge(&mut self) -> i64 {
        match self.below(6) {
            0 => self.pick(&[0, -1, 1, i64::MIN, i64::MAX, u32::MAX as i64, 1 << 32]),
            1 => self.i32_edge() as i64,
            2 => self.i32_edge() as u32 as i64,
            _ => self.next_u64() as i64,
        }
    }
}

/// The seed for a randomised test: `EBPF_ASM_SEED` if set (decimal or 0x hex), else
/// `default`. Printed so a failure can be reproduced.
pub fn seed(test: &str, default: u64) -> u64 {
    let seed = match std::env::var("EBPF_ASM_SEED") {
        Ok(s) => {
            let s = s.trim();
            let parsed = match s.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16),
                None => s.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("EBPF_ASM_SEED={s:?} is not a number"))
        }
        Err(_) => default,
    };
    eprintln!("{test}: seed {seed:#x} (set EBPF_ASM_SEED to override)");
    seed
}
