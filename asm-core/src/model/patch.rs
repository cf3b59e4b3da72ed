//! Filling an instruction's immediate or offset after parsing: the `program!` macro's
//! interpolated Rust expressions.

use crate::model::insn::{Call, Imm64, Insn, Src};

/// Which field of an instruction a macro-interpolated expression fills.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FixField {
    /// The 32-bit immediate.
    Imm,
    /// The 16-bit offset.
    Off,
    /// The 64-bit constant of ld_imm64.
    Imm64,
}

impl Insn {
    /// Sets the field an interpolation fills; other fields are untouched.
    pub(crate) fn patch(&mut self, field: FixField, value: i64) {
        match (field, self) {
            (
                FixField::Imm,
                Insn::Alu {
                    src: Src::Imm(i), ..
                },
            )
            | (
                FixField::Imm,
                Insn::Jump {
                    src: Src::Imm(i), ..
                },
            )
            | (
                FixField::Imm,
                Insn::Store {
                    src: Src::Imm(i), ..
                },
            )
            | (FixField::Imm, Insn::Call(Call::Helper(i)))
            | (FixField::Imm, Insn::Call(Call::Kfunc { btf_id: i, .. }))
            | (FixField::Imm, Insn::LdAbs { imm: i, .. })
            | (FixField::Imm, Insn::LdInd { imm: i, .. }) => *i = value as i32,
            (FixField::Off, Insn::Load { off, .. })
            | (FixField::Off, Insn::LoadSx { off, .. })
            | (FixField::Off, Insn::Store { off, .. })
            | (FixField::Off, Insn::Atomic { off, .. })
            | (FixField::Off, Insn::LoadAcquire { off, .. })
            | (FixField::Off, Insn::StoreRelease { off, .. })
            | (FixField::Off, Insn::Call(Call::Kfunc { module: off, .. })) => *off = value as i16,
            (
                FixField::Imm64,
                Insn::LdImm64 {
                    imm: Imm64::Const(v),
                    ..
                },
            ) => *v = value,
            _ => {}
        }
    }
}
