//! The kernel's 8-byte `struct bpf_insn` slot.

use std::fmt;

/// One 8-byte instruction slot as the kernel lays it out (`struct bpf_insn`).
///
/// ```text
///  byte 0   byte 1          bytes 2-3     bytes 4-7
/// +------+--------+-------+-------------+------------------+
/// | code | src  4 | dst 4 |  off (i16)  |    imm (i32)     |   little endian
/// +------+--------+-------+-------------+------------------+
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RawInsn {
    /// Opcode byte.
    pub code: u8,
    /// Destination register nibble (0..=15).
    pub dst: u8,
    /// Source register nibble (0..=15).
    pub src: u8,
    /// Signed 16-bit offset.
    pub off: i16,
    /// Signed 32-bit immediate.
    pub imm: i32,
}

impl RawInsn {
    /// A slot from its fields; register numbers are masked to 4 bits.
    pub const fn new(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> RawInsn {
        RawInsn {
            code,
            dst: dst & 0xf,
            src: src & 0xf,
            off,
            imm,
        }
    }

    /// The slot's bytes in the kernel's (little-endian) layout.
    pub const fn to_bytes(self) -> [u8; 8] {
        let off = self.off.to_le_bytes();
        let imm = self.imm.to_le_bytes();
        [
            self.code,
            (self.dst & 0xf) | (self.src << 4),
            off[0],
            off[1],
            imm[0],
            imm[1],
            imm[2],
            imm[3],
        ]
    }

    /// A slot from its bytes.
    pub const fn from_bytes(b: [u8; 8]) -> RawInsn {
        RawInsn {
            code: b[0],
            dst: b[1] & 0xf,
            src: b[1] >> 4,
            off: i16::from_le_bytes([b[2], b[3]]),
            imm: i32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        }
    }

    /// The slot as one little-endian 64-bit word (the value `.8byte` takes).
    pub const fn to_u64(self) -> u64 {
        u64::from_le_bytes(self.to_bytes())
    }

    /// A slot from a little-endian 64-bit word.
    pub const fn from_u64(w: u64) -> RawInsn {
        RawInsn::from_bytes(w.to_le_bytes())
    }
}

impl fmt::Debug for RawInsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RawInsn {{ code: {:#04x}, dst: {}, src: {}, off: {}, imm: {} }}",
            self.code, self.dst, self.src, self.off, self.imm
        )
    }
}

/// The encoding of one instruction: one slot, or two for ld_imm64.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Encoded {
    slots: [RawInsn; 2],
    len: u8,
}

impl Encoded {
    /// A one-slot encoding.
    pub const fn one(a: RawInsn) -> Encoded {
        Encoded {
            slots: [a, RawInsn::new(0, 0, 0, 0, 0)],
            len: 1,
        }
    }
    /// A two-slot encoding.
    pub const fn two(a: RawInsn, b: RawInsn) -> Encoded {
        Encoded {
            slots: [a, b],
            len: 2,
        }
    }
    /// The slots.
    pub fn slots(&self) -> &[RawInsn] {
        &self.slots[..self.len as usize]
    }
    /// Appends the bytes of every slot to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        for s in self.slots() {
            out.extend_from_slice(&s.to_bytes());
        }
    }
}
