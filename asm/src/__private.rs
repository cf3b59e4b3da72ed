//! Support for code that `program!` expands to. Not a stable API.

use std::sync::Arc;

use crate::syntax::Field;
use crate::{Insn, Label, Program, SourceMap};

/// Integer types an interpolated `{expr}` may have.
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

/// Builds the program the macro checked at compile time.
pub fn program(
    insns: &'static [Insn],
    labels: &'static [(&'static str, usize)],
    file: &'static str,
    locations: &'static [(u32, u32)],
) -> Program {
    let file: Arc<str> = Arc::from(file);
    let mut map = SourceMap::with_capacity(insns.len());
    let id = map.file_id(&file);
    for (line, col) in locations {
        map.push_at(id, *line, *col);
    }
    let labels = labels.iter().map(|(l, i)| (Label::new(l), *i));
    match Program::with_locations(insns.to_vec(), labels, map) {
        Ok(p) => p,
        Err(e) => unreachable!("program! checked this program at compile time: {e:?}"),
    }
}
