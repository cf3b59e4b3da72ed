//! Support for code that `program!` expands to. Not a stable API.

use std::sync::Arc;

use crate::syntax::Field;
use crate::{
    Call, CoreAccess, CoreExpr, CoreKind, CoreRelo, FixField, Imm64, Insn, Label, Program,
    SourceMap,
};

/// Integer types an interpolated `{expr}` may have.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an eBPF immediate or offset",
    label = "an integer is needed here",
    note = "interpolate an integer: i8..i128, u8..u128, isize or usize"
)]
pub trait ImmValue {
    /// The value, widened.
    fn to_i128(self) -> i128;
}

macro_rules! imm_value {
    ($($t:ty),*) => {$(
        impl ImmValue for $t {
            fn to_i128(self) -> i128 {
                self as i128
            }
        }
    )*};
}
imm_value!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, usize);

/// Range-checks an interpolated value; `loc` names where the expression was written.
///
/// # Panics
/// When the value does not fit the field: the message names the source location, the
/// value and the valid range.
#[track_caller]
pub fn fit<T: ImmValue>(value: T, range: Field, negate: bool, loc: &str) -> i64 {
    let v = value.to_i128();
    let v = if negate { -v } else { v };
    match range.check(v) {
        Ok(v) => v as i64,
        Err(m) => panic!("{loc}: interpolated value {m}"),
    }
}

/// The tables `program!` emits next to the encoded bytes.
pub struct Tables {
    /// Label definitions: `(name, instruction index)`.
    pub labels: &'static [(&'static str, usize)],
    /// Instructions whose target is a label: `(instruction index, label)`.
    pub targets: &'static [(usize, &'static str)],
    /// Symbol references (`rN = name ll`): `(instruction index, name)`.
    pub symbols: &'static [(usize, &'static str)],
    /// Instructions written as `.8byte`, kept verbatim.
    pub raw: &'static [usize],
    /// Calls of kernel functions by name: `(instruction index, name)`.
    pub kfuncs: &'static [(usize, &'static str)],
    /// CO-RE relocations: instruction index, field, kind, type name, and the member path
    /// (a field name, or "" and an array index).
    pub core: &'static [CoreEntry],
    /// The file every location is in.
    pub file: &'static str,
    /// `(line, column)` per instruction.
    pub locations: &'static [(u32, u32)],
    /// Labels declared `.globl`.
    pub globals: &'static [&'static str],
    /// The text of the lines instructions were written on (other lines empty), or "".
    pub text: &'static str,
}

/// One CO-RE relocation in [`Tables`].
pub type CoreEntry = (
    usize,
    FixField,
    CoreKind,
    &'static str,
    &'static [(&'static str, u32)],
);

fn core_relo(&(insn, field, kind, type_name, path): &CoreEntry) -> CoreRelo {
    let path = path
        .iter()
        .map(|&(name, index)| match name {
            "" => CoreAccess::Index(index),
            name => CoreAccess::Field(name.to_owned()),
        })
        .collect();
    CoreRelo {
        insn,
        field,
        expr: CoreExpr {
            kind,
            type_name: type_name.to_owned(),
            path,
        },
    }
}

/// Rebuilds the program the macro checked and encoded at compile time from its bytes and
/// tables. (Emitting bytes instead of one struct expression per instruction keeps the
/// user's build fast: a byte string costs the compiler nothing to type-check.)
pub fn program_from_encoding(bytes: &'static [u8], t: &Tables) -> Program {
    let slots = match crate::slots_of(bytes) {
        Ok(s) => s,
        Err(e) => unreachable!("program! emitted whole slots: {e}"),
    };
    let n = t.locations.len();
    let mut insns = Vec::with_capacity(n);
    let (mut at, mut raw) = (0, t.raw.iter().peekable());
    while insns.len() < n && at < slots.len() {
        if raw.next_if(|&&r| r == insns.len()).is_some() {
            insns.push(Insn::Raw(slots[at].to_u64()));
            at += 1;
            continue;
        }
        match crate::decode_one(&slots[at..], at) {
            Ok((insn, used)) => {
                insns.push(insn);
                at += used;
            }
            Err(e) => unreachable!("program! emitted an instruction that decodes: {e}"),
        }
    }
    for &(i, label) in t.targets {
        if let Some(mut target) = insns[i].target_mut() {
            target.set_label(Label::new(label));
        }
    }
    for &(i, name) in t.symbols {
        if let Insn::LdImm64 { imm, .. } = &mut insns[i] {
            *imm = Imm64::Symbol(Label::new(name));
        }
    }
    for &(i, name) in t.kfuncs {
        insns[i] = Insn::Call(Call::KfuncName(Label::new(name)));
    }
    let file: Arc<str> = Arc::from(t.file);
    let mut map = SourceMap::with_capacity(n);
    let id = map.file_id(&file);
    for (line, col) in t.locations {
        map.push_at(id, *line, *col);
    }
    let labels = t.labels.iter().map(|(l, i)| (Label::new(l), *i));
    match Program::with_locations(insns, labels, map) {
        Ok(p) => {
            let mut p = p
                .with_globals(t.globals.iter().copied())
                .with_core_relos(t.core.iter().map(core_relo));
            if !t.text.is_empty() {
                p.set_source_text(&file, Arc::from(t.text));
            }
            p
        }
        Err(e) => unreachable!("program! checked this program at compile time: {e:?}"),
    }
}
