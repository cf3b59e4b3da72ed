//! The bits of the opcode byte, as RFC 9669 lays them out.
//!
//! ```text
//! ALU / JMP classes:        LD / LDX / ST / STX classes:
//!   +------+---+-------+      +------+------+-------+
//!   | op 4 |s 1| cls 3 |      |mode 3|size 2| cls 3 |
//!   +------+---+-------+      +------+------+-------+
//!    7    4  3  2     0        7    5 4    3 2     0
//! ```
//! `s` is the source bit: 0 = immediate (`BPF_K`), 1 = register (`BPF_X`).
//! These constants and [`OpCode`]'s field masks are the only place the numbers appear;
//! encode and decode use them.

/// An opcode byte, read field by field. Which fields apply depends on the class: ALU and
/// JMP opcodes have [`op`](OpCode::op) and [`source`](OpCode::source); LD, LDX, ST and
/// STX opcodes have [`mode`](OpCode::mode) and [`size`](OpCode::size).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct OpCode(pub u8);

impl OpCode {
    /// The class (low 3 bits), one of [`class`]'s constants.
    pub const fn class(self) -> u8 {
        self.0 & 0x07
    }

    /// The source bit of ALU and JMP opcodes, one of [`source`]'s constants.
    pub const fn source(self) -> u8 {
        self.0 & 0x08
    }

    /// The operation of ALU and JMP opcodes (high 4 bits), one of [`alu`]'s or [`jmp`]'s
    /// constants.
    pub const fn op(self) -> u8 {
        self.0 & 0xf0
    }

    /// The access size of load and store opcodes (bits 3-4), one of [`size`]'s constants.
    pub const fn size(self) -> u8 {
        self.0 & 0x18
    }

    /// The mode of load and store opcodes (bits 5-7), one of [`mode`]'s constants.
    pub const fn mode(self) -> u8 {
        self.0 & 0xe0
    }
}

/// Instruction classes (low 3 bits).
pub mod class {
    /// `BPF_LD`: ld_imm64, legacy ld_abs/ld_ind.
    pub const LD: u8 = 0x00;
    /// `BPF_LDX`: loads from memory into a register.
    pub const LDX: u8 = 0x01;
    /// `BPF_ST`: stores of an immediate.
    pub const ST: u8 = 0x02;
    /// `BPF_STX`: stores of a register, and atomics.
    pub const STX: u8 = 0x03;
    /// `BPF_ALU`: 32-bit arithmetic.
    pub const ALU: u8 = 0x04;
    /// `BPF_JMP`: 64-bit jumps, calls, exit.
    pub const JMP: u8 = 0x05;
    /// `BPF_JMP32`: 32-bit jumps and gotol.
    pub const JMP32: u8 = 0x06;
    /// `BPF_ALU64`: 64-bit arithmetic.
    pub const ALU64: u8 = 0x07;
}

/// Source bit of ALU and JMP opcodes.
pub mod source {
    /// `BPF_K`: operand is the immediate.
    pub const K: u8 = 0x00;
    /// `BPF_X`: operand is the source register.
    pub const X: u8 = 0x08;
}

/// ALU operation codes (high 4 bits).
pub mod alu {
    /// `+=`
    pub const ADD: u8 = 0x00;
    /// `-=`
    pub const SUB: u8 = 0x10;
    /// `*=`
    pub const MUL: u8 = 0x20;
    /// `/=` (off 1: `s/=`)
    pub const DIV: u8 = 0x30;
    /// `|=`
    pub const OR: u8 = 0x40;
    /// `&=`
    pub const AND: u8 = 0x50;
    /// `<<=`
    pub const LSH: u8 = 0x60;
    /// `>>=`
    pub const RSH: u8 = 0x70;
    /// `= -dst`
    pub const NEG: u8 = 0x80;
    /// `%=` (off 1: `s%=`)
    pub const MOD: u8 = 0x90;
    /// `^=`
    pub const XOR: u8 = 0xa0;
    /// `=` (off 8/16/32: sign-extending move; off 1 on ALU64 X: addr_space_cast)
    pub const MOV: u8 = 0xb0;
    /// `s>>=`
    pub const ARSH: u8 = 0xc0;
    /// Byte swap: ALU K = to little endian, ALU X = to big endian, ALU64 K = bswap.
    pub const END: u8 = 0xd0;
}

/// Jump operation codes (high 4 bits).
pub mod jmp {
    /// `goto` (JMP32: `gotol`)
    pub const JA: u8 = 0x00;
    /// `==`
    pub const JEQ: u8 = 0x10;
    /// `>`
    pub const JGT: u8 = 0x20;
    /// `>=`
    pub const JGE: u8 = 0x30;
    /// `&`
    pub const JSET: u8 = 0x40;
    /// `!=`
    pub const JNE: u8 = 0x50;
    /// `s>`
    pub const JSGT: u8 = 0x60;
    /// `s>=`
    pub const JSGE: u8 = 0x70;
    /// `call`
    pub const CALL: u8 = 0x80;
    /// `exit`
    pub const EXIT: u8 = 0x90;
    /// `<`
    pub const JLT: u8 = 0xa0;
    /// `<=`
    pub const JLE: u8 = 0xb0;
    /// `s<`
    pub const JSLT: u8 = 0xc0;
    /// `s<=`
    pub const JSLE: u8 = 0xd0;
    /// `may_goto` (`BPF_JCOND`)
    pub const JCOND: u8 = 0xe0;
}

/// Load/store size field (bits 3–4).
pub mod size {
    /// `BPF_W`: 4 bytes.
    pub const W: u8 = 0x00;
    /// `BPF_H`: 2 bytes.
    pub const H: u8 = 0x08;
    /// `BPF_B`: 1 byte.
    pub const B: u8 = 0x10;
    /// `BPF_DW`: 8 bytes.
    pub const DW: u8 = 0x18;
}

/// Load/store mode field (bits 5–7).
pub mod mode {
    /// `BPF_IMM`: ld_imm64.
    pub const IMM: u8 = 0x00;
    /// `BPF_ABS`: legacy packet access at a constant offset.
    pub const ABS: u8 = 0x20;
    /// `BPF_IND`: legacy packet access at a register offset.
    pub const IND: u8 = 0x40;
    /// `BPF_MEM`: regular load/store.
    pub const MEM: u8 = 0x60;
    /// `BPF_MEMSX`: sign-extending load.
    pub const MEMSX: u8 = 0x80;
    /// `BPF_ATOMIC`: atomic operation, selected by imm.
    pub const ATOMIC: u8 = 0xc0;
}

/// Atomic operation codes carried in the immediate of `BPF_STX | BPF_ATOMIC`.
pub mod atomic {
    /// `BPF_FETCH` flag: the old value is written back into the source register.
    pub const FETCH: i32 = 0x01;
    /// `BPF_ADD`
    pub const ADD: i32 = 0x00;
    /// `BPF_OR`
    pub const OR: i32 = 0x40;
    /// `BPF_AND`
    pub const AND: i32 = 0x50;
    /// `BPF_XOR`
    pub const XOR: i32 = 0xa0;
    /// `BPF_XCHG` (= 0xe0 | FETCH)
    pub const XCHG: i32 = 0xe1;
    /// `BPF_CMPXCHG` (= 0xf0 | FETCH)
    pub const CMPXCHG: i32 = 0xf1;
    /// `BPF_LOAD_ACQ`
    pub const LOAD_ACQ: i32 = 0x100;
    /// `BPF_STORE_REL`
    pub const STORE_REL: i32 = 0x110;
}

/// `src_reg` values of ld_imm64 (`BPF_PSEUDO_*`).
pub mod pseudo {
    /// `BPF_PSEUDO_MAP_FD`: imm is a map fd.
    pub const MAP_FD: u8 = 1;
    /// `BPF_PSEUDO_MAP_VALUE`: imm is a map fd, the second imm an offset into its value.
    pub const MAP_VALUE: u8 = 2;
    /// `BPF_PSEUDO_BTF_ID`: imm is a BTF id, the second imm a module BTF fd (0: vmlinux).
    pub const BTF_ID: u8 = 3;
    /// `BPF_PSEUDO_FUNC`: imm is the relative offset of a subprogram.
    pub const FUNC: u8 = 4;
    /// `BPF_PSEUDO_MAP_IDX`: imm is an index into the fd_array.
    pub const MAP_IDX: u8 = 5;
    /// `BPF_PSEUDO_MAP_IDX_VALUE`: like `MAP_VALUE` with an fd_array index.
    pub const MAP_IDX_VALUE: u8 = 6;
    /// `BPF_PSEUDO_CALL`: a call's imm is a relative offset to a subprogram.
    pub const CALL: u8 = 1;
    /// `BPF_PSEUDO_KFUNC_CALL`: a call's imm is a kernel function's BTF id.
    pub const KFUNC_CALL: u8 = 2;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_of_every_opcode_byte_add_up_to_it() {
        for b in 0..=u8::MAX {
            let c = OpCode(b);
            assert_eq!(
                c.op() | c.source() | c.class(),
                b,
                "ALU/JMP fields of {b:#04x}"
            );
            assert_eq!(
                c.mode() | c.size() | c.class(),
                b,
                "LD/ST fields of {b:#04x}"
            );
            assert_eq!(c.op() & c.source(), 0);
            assert_eq!(c.mode() & c.size(), 0);
        }
        assert_eq!(OpCode(0x85).op(), jmp::CALL);
        assert_eq!(OpCode(0x85).class(), class::JMP);
        assert_eq!(OpCode(0x79).mode(), mode::MEM);
        assert_eq!(OpCode(0x79).size(), size::DW);
        assert_eq!(OpCode(0x1f).source(), source::X);
    }
}
