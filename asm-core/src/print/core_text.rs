//! Printing an instruction whose immediate or offset is a CO-RE expression: the field
//! reads `offsetof(task_struct, tgid)` instead of the 0 it holds until load time.

use crate::model::core_relo::{CoreRelo, FixField};
use crate::model::insn::Insn;

/// Values no printed instruction of ours contains as a whole number next to the field:
/// the field is printed with one, whose digits are then replaced by the expression.
const SENTINEL_IMM: i64 = 1_987_654_321;
const SENTINEL_OFF: i64 = 31_415;
const SENTINEL_IMM64: i64 = 1_987_654_323;

fn sentinel(field: FixField) -> i64 {
    match field {
        FixField::Imm => SENTINEL_IMM,
        FixField::Off => SENTINEL_OFF,
        FixField::Imm64 => SENTINEL_IMM64,
    }
}

/// `insn` printed with each relocated field spelled as its CO-RE expression.
pub(crate) fn insn_with_relos(insn: &Insn, relos: &[&CoreRelo]) -> String {
    let mut marked = insn.clone();
    for r in relos {
        marked.patch(r.field, sentinel(r.field));
    }
    let mut text = marked.to_string();
    for r in relos {
        text = replace_number(&text, sentinel(r.field), &r.expr.to_string());
    }
    text
}

/// `text` with the first whole-number occurrence of `n` replaced by `with`.
fn replace_number(text: &str, n: i64, with: &str) -> String {
    let digits = n.to_string();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find(&digits) {
        let start = from + at;
        let end = start + digits.len();
        let word = |i: usize| {
            bytes
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        };
        if (start == 0 || !word(start - 1)) && !word(end) {
            return format!("{}{with}{}", &text[..start], &text[end..]);
        }
        from = end;
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_numbers_only() {
        assert_eq!(replace_number("r1 += 31415", 31415, "X"), "r1 += X");
        assert_eq!(
            replace_number("L31415: r1 + 31415", 31415, "X"),
            "L31415: r1 + X"
        );
        assert_eq!(replace_number("r1 + 314159", 31415, "X"), "r1 + 314159");
    }
}
