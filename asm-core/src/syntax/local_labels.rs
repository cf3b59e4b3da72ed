//! Numeric local labels, as GNU as and llvm-mc read them (and the kernel's selftests use
//! them): `1:` may be defined any number of times; `1b` refers to the nearest definition
//! before the reference, `1f` to the nearest after it.
//!
//! Each definition becomes an ordinary label with a name of its own, `.L1_0`, `.L1_1`, ...
//! (number, then how many times it was defined before), so a [`crate::Program`] holds
//! unique labels and prints text that assembles back to the same bytes.

use crate::model::target::Label;
use crate::util::hash::HashMap;

/// The definitions seen so far, and the forward references waiting for theirs.
#[derive(Default)]
pub(crate) struct LocalLabels<'a> {
    /// How many times each number has been defined (keys without leading zeros).
    defined: HashMap<&'a str, u32>,
    /// Forward references: the instruction, the reference's token index in `tokens` of the
    /// caller, the number and which definition it needs.
    forward: Vec<Forward<'a>>,
}

/// A reference to a definition that comes later.
pub(crate) struct Forward<'a> {
    /// The instruction that refers to it.
    pub(crate) insn: usize,
    /// The number.
    number: &'a str,
    /// Which of its definitions (0: the first).
    nth: u32,
}

/// The digits of a numeric label without leading zeros (`007` and `7` are one label).
fn number(digits: &str) -> &str {
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        "0"
    } else {
        trimmed
    }
}

/// The name of the `nth` definition of numeric label `number`.
fn name(number: &str, nth: u32) -> Label {
    Label::from(format!(".L{number}_{nth}"))
}

/// True for a label name that is a numeric label (it starts with a digit).
pub(crate) fn is_numeric(name: &str) -> bool {
    name.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

impl<'a> LocalLabels<'a> {
    /// True when no numeric label has been defined or referred to.
    pub(crate) fn is_empty(&self) -> bool {
        self.defined.is_empty() && self.forward.is_empty()
    }

    /// True when `name` is the name given to a definition (`.L1_0`).
    pub(crate) fn defines(&self, name: &str) -> bool {
        let Some((n, nth)) = name.strip_prefix(".L").and_then(|r| r.split_once('_')) else {
            return false;
        };
        let nth: Option<u32> = nth.parse().ok();
        matches!((self.defined.get(n), nth), (Some(&count), Some(nth)) if nth < count)
    }

    /// Defines numeric label `text` (`1:`) here: the label to place.
    pub(crate) fn define(&mut self, text: &'a str) -> Result<Label, String> {
        if !text.bytes().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "`{text}:` is no label: a label is a name (`loop:`) or a decimal number \
                 (`1:`, referred to as `1b` before and `1f` after)"
            ));
        }
        let n = number(text);
        let count = self.defined.entry(n).or_insert(0);
        let label = name(n, *count);
        *count += 1;
        Ok(label)
    }

    /// The label that the reference `text` (`1b`, `1f`) in instruction `insn` means. A
    /// backward reference without a definition is an error now; a forward one is checked
    /// by [`LocalLabels::unresolved`].
    pub(crate) fn reference(&mut self, text: &'a str, insn: usize) -> Result<Label, String> {
        let (digits, dir) = text.split_at(text.len() - 1);
        let n = number(digits);
        let count = self.defined.get(n).copied().unwrap_or(0);
        if dir == "b" {
            return match count.checked_sub(1) {
                Some(nth) => Ok(name(n, nth)),
                None => Err(format!(
                    "`{text}` refers to the nearest `{digits}:` before it, and there is none: \
                     define `{digits}:` above, or write `{digits}f` for the one after"
                )),
            };
        }
        self.forward.push(Forward {
            insn,
            number: n,
            nth: count,
        });
        Ok(name(n, count))
    }

    /// The forward references whose definition never came, in order.
    pub(crate) fn unresolved(&self) -> impl Iterator<Item = &Forward<'a>> + '_ {
        self.forward
            .iter()
            .filter(|f| f.nth >= self.defined.get(f.number).copied().unwrap_or(0))
    }
}

/// The error for a forward reference `text` with no definition after it.
pub(crate) fn no_definition_after(text: &str) -> String {
    let digits = &text[..text.len().saturating_sub(1)];
    format!(
        "`{text}` refers to the nearest `{digits}:` after it, and there is none: define \
         `{digits}:` below, or write `{digits}b` for the one before"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GNU as's rules: `b` is the latest definition so far, `f` the next one; a label may
    /// be defined again; leading zeros do not make another label.
    #[test]
    fn references_find_the_nearest_definition() {
        let mut l = LocalLabels::default();
        assert!(l.reference("1b", 0).is_err());
        assert_eq!(l.reference("1f", 0).unwrap().as_str(), ".L1_0");
        assert_eq!(l.define("1").unwrap().as_str(), ".L1_0");
        assert_eq!(l.reference("1b", 1).unwrap().as_str(), ".L1_0");
        assert_eq!(l.reference("01f", 1).unwrap().as_str(), ".L1_1");
        assert_eq!(l.define("001").unwrap().as_str(), ".L1_1");
        assert_eq!(l.reference("1b", 2).unwrap().as_str(), ".L1_1");
        assert_eq!(l.reference("2f", 2).unwrap().as_str(), ".L2_0");
        assert_eq!(l.define("0").unwrap().as_str(), ".L0_0");
        assert_eq!(l.define("00").unwrap().as_str(), ".L0_1");
        let missing: Vec<usize> = l.unresolved().map(|f| f.insn).collect();
        assert_eq!(missing, [2]);
        assert!(l.define("0x10").unwrap_err().contains("decimal number"));
        assert!(l
            .reference("7b", 3)
            .unwrap_err()
            .contains("nearest `7:` before"));
        assert!(no_definition_after("7f").contains("nearest `7:` after"));
    }
}
