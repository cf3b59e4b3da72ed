//! The labels a [`crate::syntax::Builder`] has seen defined: each name held once, shared
//! by its definition, the instructions that refer to it from below, and the program.
//!
//! A million labels once took about 430 bytes each while assembling (issue 15): a
//! `String` per definition, per reference and per map key, a hash map of whole tokens
//! and another of labels. Here a definition is its `(index, label)` entry (the very list
//! the [`crate::Program`] keeps), 8 bytes of position, and 8 to 16 bytes of index.

use crate::model::target::Label;
use crate::util::name_index::NameIndex;

/// Labels in the order they were defined, with where each was defined; named labels
/// (not the numeric ones, which may be defined again) can be found by name.
#[derive(Default)]
pub(crate) struct LabelTable {
    /// `(instruction index, label)`, in the order of definition.
    order: Vec<(usize, Label)>,
    /// The line and column of each definition in `order`.
    at: Vec<(u32, u32)>,
    /// The named labels' positions in `order`.
    index: NameIndex,
}

impl LabelTable {
    /// The label named `name`, when defined (numeric labels are not found by name).
    pub(crate) fn get(&self, name: &str) -> Option<&Label> {
        let p = self.position(name)?;
        Some(&self.order[p].1)
    }

    /// Whether a named label `name` is defined.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    fn position(&self, name: &str) -> Option<usize> {
        let order = &self.order;
        let p = self.index.get(name, |p| order[p as usize].1.as_str())?;
        Some(p as usize)
    }

    /// Defines the named label `name` at instruction `insn`, written at `line`, `column`;
    /// an error that says where when it is defined already.
    pub(crate) fn define(
        &mut self,
        name: &str,
        insn: usize,
        (line, column): (u32, u32),
    ) -> Result<(), String> {
        if let Some(p) = self.position(name) {
            let (line, column) = self.at[p];
            return Err(format!(
                "label `{name}` is already defined at line {line}, column {column}"
            ));
        }
        self.push(insn, Label::from(name), (line, column));
        let order = &self.order;
        self.index
            .insert(order.len() as u32 - 1, |p| order[p as usize].1.as_str());
        Ok(())
    }

    /// Places the numeric label `label` (`.L1_0`) at instruction `insn`.
    pub(crate) fn place_numeric(&mut self, label: Label, insn: usize, at: (u32, u32)) {
        self.push(insn, label, at);
    }

    fn push(&mut self, insn: usize, label: Label, at: (u32, u32)) {
        self.order.push((insn, label));
        self.at.push(at);
    }

    /// Adds the labels of `next`, the part of the input after this one's, whose
    /// instructions start at index `base`; `Err` (and nothing added) when both define a
    /// label. Both must hold named labels only (numeric labels are numbered over the
    /// whole input, which is then assembled in one piece).
    pub(crate) fn append(&mut self, next: LabelTable, base: usize) -> Result<(), ()> {
        debug_assert!(self.index.len() == self.order.len());
        debug_assert!(next.index.len() == next.order.len());
        if next.order.iter().any(|(_, l)| self.contains(l.as_str())) {
            return Err(());
        }
        for (i, l) in next.order {
            self.order.push((i + base, l));
            let order = &self.order;
            self.index
                .insert(order.len() as u32 - 1, |p| order[p as usize].1.as_str());
        }
        self.at.extend(next.at);
        Ok(())
    }

    /// The labels as `(instruction index, label)`, in the order of definition.
    pub(crate) fn into_order(self) -> Vec<(usize, Label)> {
        self.order
    }

    /// Bytes held on the heap beside the labels' names, for the tests.
    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        self.order.capacity() * std::mem::size_of::<(usize, Label)>()
            + self.at.capacity() * std::mem::size_of::<(u32, u32)>()
            + self.index.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_found_by_name_and_defined_once() {
        let mut t = LabelTable::default();
        for i in 0..1000 {
            t.define(&format!("L{i}"), i, (i as u32 + 1, 1)).unwrap();
        }
        t.place_numeric(Label::from(".L1_0"), 1000, (1001, 1));
        assert_eq!(t.get("L7").map(Label::as_str), Some("L7"));
        assert!(t.contains("L999") && !t.contains("L1000"));
        // Numeric labels are not found by name: `1:` may be defined again.
        assert!(!t.contains(".L1_0"));
        assert_eq!(
            t.define("L7", 5, (9, 9)).unwrap_err(),
            "label `L7` is already defined at line 8, column 1"
        );
        let order = t.into_order();
        assert_eq!(order.len(), 1001);
        assert_eq!((order[7].0, order[7].1.as_str()), (7, "L7"));
    }

    /// Issue 15: a label costs its entry (32 bytes), its position (8) and 8 to 16 bytes
    /// of index, besides its name; the hash map of tokens and the list before took about
    /// 75 + 42 bytes.
    #[test]
    fn a_label_costs_at_most_56_bytes_beside_its_name() {
        let mut t = LabelTable::default();
        let n = 100_000;
        for i in 0..n {
            t.define(&format!("L{i}"), i, (1, 1)).unwrap();
        }
        let per_label = t.heap_bytes() as f64 / n as f64;
        // Vectors grow by doubling: up to twice their length is reserved.
        assert!(per_label <= 2.0 * 56.0, "{per_label} bytes a label");
        assert_eq!(std::mem::size_of::<(usize, Label)>(), 32);
    }

    #[test]
    fn parts_join_unless_both_define_a_label() {
        let mut a = LabelTable::default();
        a.define("x", 0, (1, 1)).unwrap();
        let mut b = LabelTable::default();
        b.define("y", 0, (1, 1)).unwrap();
        a.append(b, 3).unwrap();
        assert!(a.contains("y"));
        let mut c = LabelTable::default();
        c.define("x", 1, (9, 1)).unwrap();
        assert!(a.append(c, 5).is_err());
        let order = a.into_order();
        let got: Vec<(usize, &str)> = order.iter().map(|(i, l)| (*i, l.as_str())).collect();
        assert_eq!(got, [(0, "x"), (3, "y")]);
    }
}
