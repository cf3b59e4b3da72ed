//! A deterministic, realistic assembly workload shared by the benchmarks
//! (`asm-core/benches/throughput.rs` and `loader/benches/cli_vs_llvm.rs`).
//!
//! One instruction per line, in the proportions compiled BPF code roughly has: moves and
//! ALU, stack loads and stores, conditional jumps (by offset and by label), helper calls,
//! 64-bit immediates, a few atomics, byte swaps and exits. Every 64th line carries a label
//! (`L7: r0 = 1`), and some lines a trailing comment. Everything in it is accepted by
//! llvm-mc-19 (-mcpu=v4) and gives the same bytes there and in ebpf-asm.

use std::fmt::Write;

/// A small xorshift64* generator: the same workload on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const ALU_OPS: &[&str] = &[
    "+=", "-=", "*=", "/=", "%=", "|=", "&=", "<<=", ">>=", "s>>=", "^=", "=", "s/=", "s%=",
];
const COMMON_ALU_OPS: &[&str] = &["+=", "=", "=", "=", "+=", "-=", "&=", "|=", "<<=", ">>="];
const CONDS: &[&str] = &[
    "==", "!=", ">", ">=", "<", "<=", "s>", "s>=", "s<", "s<=", "&",
];
const SIZES: &[&str] = &["u8", "u16", "u32", "u64"];

/// Appends one register-or-32-bit operand name: `r3` or `w3`.
fn reg(out: &mut String, wide: bool, n: u64) {
    let _ = write!(out, "{}{n}", if wide { 'r' } else { 'w' });
}

/// A plausible immediate: mostly small, sometimes negative or large.
fn imm(rng: &mut Rng) -> i64 {
    match rng.below(10) {
        0..=5 => rng.below(64) as i64,
        6 | 7 => -(rng.below(512) as i64) - 1,
        8 => rng.below(1 << 16) as i64,
        _ => (rng.next() as i32) as i64,
    }
}

/// A stack or pointer operand `(r10 - 16)` / `(r1 + 8)`.
fn mem(out: &mut String, rng: &mut Rng, size_bytes: u64) {
    if rng.below(3) != 0 {
        let slot = 1 + rng.below(64);
        let _ = write!(out, "(r10 - {})", slot * size_bytes);
    } else {
        let base = 1 + rng.below(9);
        let _ = write!(out, "(r{base} + {})", rng.below(32) * size_bytes);
    }
}

/// Generates `lines` lines of assembly, each holding exactly one instruction.
pub fn assembly(lines: usize) -> String {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = String::with_capacity(lines * 28);
    let labels = lines.div_ceil(64) as u64;
    for i in 0..lines {
        let here = (i / 64) as u64;
        if i % 64 == 0 {
            let _ = write!(out, "L{here}:");
        }
        out.push('\t');
        let dst = rng.below(10);
        let src = rng.below(10);
        match rng.below(100) {
            // Moves and ALU with an immediate (64-bit, sometimes 32-bit).
            0..=21 => {
                let wide = rng.below(4) != 0;
                reg(&mut out, wide, dst);
                let op = rng.pick(COMMON_ALU_OPS);
                let v = if op.contains("<<") || op.contains(">>") {
                    rng.below(if wide { 64 } else { 32 }) as i64
                } else {
                    imm(&mut rng)
                };
                let _ = write!(out, " {op} {v}");
            }
            // ALU with a register (any op).
            22..=33 => {
                let wide = rng.below(4) != 0;
                reg(&mut out, wide, dst);
                let _ = write!(out, " {} ", rng.pick(ALU_OPS));
                reg(&mut out, wide, src);
            }
            // Loads.
            34..=47 => {
                let size = rng.below(4);
                if rng.below(8) == 0 && size < 3 {
                    let _ = write!(out, "r{dst} = *(s{} *)", 8 << size);
                } else {
                    let wide = size == 3;
                    reg(&mut out, wide, dst);
                    let _ = write!(out, " = *({} *)", SIZES[size as usize]);
                }
                mem(&mut out, &mut rng, 1 << size);
            }
            // Stores of a register or an immediate.
            48..=59 => {
                let size = rng.below(4);
                let _ = write!(out, "*({} *)", SIZES[size as usize]);
                mem(&mut out, &mut rng, 1 << size);
                if rng.below(3) == 0 {
                    let _ = write!(out, " = {}", imm(&mut rng));
                } else {
                    out.push_str(" = ");
                    reg(&mut out, size == 3, src);
                }
            }
            // Conditional jumps, by offset or to a nearby label.
            60..=75 => {
                let wide = rng.below(5) != 0;
                out.push_str("if ");
                reg(&mut out, wide, dst);
                let _ = write!(out, " {} ", rng.pick(CONDS));
                if rng.below(2) == 0 {
                    reg(&mut out, wide, src);
                } else {
                    let _ = write!(out, "{}", imm(&mut rng));
                }
                out.push_str(" goto ");
                jump_target(&mut out, &mut rng, here, labels);
            }
            76..=80 => {
                out.push_str("goto ");
                jump_target(&mut out, &mut rng, here, labels);
            }
            81..=86 => {
                let _ = write!(out, "call {}", 1 + rng.below(200));
            }
            87..=89 => {
                let v: i64 = match rng.below(3) {
                    0 => rng.below(1000) as i64,
                    1 => rng.next() as i64,
                    _ => -(rng.below(1 << 40) as i64),
                };
                let _ = write!(out, "r{dst} = {v} ll");
            }
            90..=92 => {
                let wide = rng.below(2) == 0;
                let (size, bytes) = if wide { ("u64", 8) } else { ("u32", 4) };
                match rng.below(4) {
                    0 => {
                        let _ = write!(out, "lock *({size} *)");
                        mem(&mut out, &mut rng, bytes);
                        let _ = write!(out, " {} ", rng.pick(&["+=", "|=", "&=", "^="]));
                        reg(&mut out, wide, src);
                    }
                    1 => {
                        reg(&mut out, wide, src);
                        let f = rng.pick(&["add", "or", "and", "xor"]);
                        let _ = write!(out, " = atomic_fetch_{f}(({size} *)");
                        mem(&mut out, &mut rng, bytes);
                        out.push_str(", ");
                        reg(&mut out, wide, src);
                        out.push(')');
                    }
                    2 => {
                        reg(&mut out, wide, src);
                        let suffix = if wide { "_64" } else { "32_32" };
                        let _ = write!(out, " = xchg{suffix}(r10 - {}, ", 8 * (1 + rng.below(8)));
                        reg(&mut out, wide, src);
                        out.push(')');
                    }
                    _ => {
                        let (r0, suffix) = if wide { ("r0", "_64") } else { ("w0", "32_32") };
                        let _ = write!(
                            out,
                            "{r0} = cmpxchg{suffix}(r10 - {}, {r0}, ",
                            8 * (1 + rng.below(8))
                        );
                        reg(&mut out, wide, 1 + src % 9);
                        out.push(')');
                    }
                }
            }
            93..=94 => {
                let what = rng.pick(&["be", "le", "bswap"]);
                let bits = rng.pick(&["16", "32", "64"]);
                let _ = write!(out, "r{dst} = {what}{bits} r{dst}");
            }
            95..=96 => {
                let _ = write!(out, "r{dst} = -r{dst}");
            }
            97 => {
                let from = rng.pick(&["s8", "s16", "s32"]);
                let _ = write!(out, "r{dst} = ({from})r{src}");
            }
            _ => out.push_str("exit"),
        }
        if rng.below(16) == 0 {
            out.push_str(" // note");
        }
        out.push('\n');
    }
    out
}

/// A jump target: a small offset, or a label at most two labels away.
fn jump_target(out: &mut String, rng: &mut Rng, here: u64, labels: u64) {
    if rng.below(2) == 0 {
        let off = rng.below(64) as i64 - 16;
        if off >= 0 {
            let _ = write!(out, "+{off}");
        } else {
            let _ = write!(out, "{off}");
        }
    } else {
        let lo = here.saturating_sub(2);
        let hi = (here + 2).min(labels - 1);
        let _ = write!(out, "L{}", lo + rng.below(hi - lo + 1));
    }
}
