//! Registers r0–r10 and the operand widths that decide how they are spelled (`r1` or `w1`).

use core::fmt;

/// One of the eleven eBPF registers. r10 is the read-only frame pointer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
#[repr(u8)]
pub enum Reg {
    /// Return value and scratch.
    R0 = 0,
    /// First argument; the context pointer on entry.
    R1 = 1,
    /// Second argument.
    R2 = 2,
    /// Third argument.
    R3 = 3,
    /// Fourth argument.
    R4 = 4,
    /// Fifth argument.
    R5 = 5,
    /// Callee-saved.
    R6 = 6,
    /// Callee-saved.
    R7 = 7,
    /// Callee-saved.
    R8 = 8,
    /// Callee-saved.
    R9 = 9,
    /// Read-only frame pointer.
    R10 = 10,
}

pub use Reg::*;

impl Reg {
    /// All registers in order.
    pub const ALL: [Reg; 11] = [R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10];

    /// The register with this number, or `None` for 11..=15.
    pub const fn from_index(n: u8) -> Option<Reg> {
        if n <= 10 {
            Some(Self::ALL[n as usize])
        } else {
            None
        }
    }

    /// The register number as encoded in an instruction's register nibble.
    pub const fn index(self) -> u8 {
        self as u8
    }

    /// A view of this register at `width`, for printing (`r1` or `w1`).
    pub const fn at(self, width: Width) -> RegAt {
        RegAt { reg: self, width }
    }
}

const R_NAMES: [&str; 11] = [
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
];
const W_NAMES: [&str; 11] = [
    "w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9", "w10",
];

impl Reg {
    /// The register's name at `width`: `"r3"` or `"w3"`.
    pub const fn name(self, width: Width) -> &'static str {
        match width {
            Width::W64 => R_NAMES[self as usize],
            Width::W32 => W_NAMES[self as usize],
        }
    }
}

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name(Width::W64))
    }
}

/// Operation width: 32-bit (`BPF_ALU`, `BPF_JMP32`, `wN` registers) or 64-bit
/// (`BPF_ALU64`, `BPF_JMP`, `rN` registers).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Width {
    /// 32-bit: registers are spelled `w0`..`w10`.
    W32,
    /// 64-bit: registers are spelled `r0`..`r10`.
    W64,
}

impl Width {
    /// The register-name prefix for this width (`'w'` or `'r'`).
    pub const fn prefix(self) -> char {
        match self {
            Width::W32 => 'w',
            Width::W64 => 'r',
        }
    }
}

/// A register as spelled at a width: prints `w3` or `r3`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RegAt {
    /// The register.
    pub reg: Reg,
    /// The width that picks its spelling.
    pub width: Width,
}

impl fmt::Display for RegAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reg.name(self.width))
    }
}
