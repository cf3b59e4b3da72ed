//! The control-flow graph of a program, and its Graphviz DOT rendering.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::model::insn::*;
use crate::program::program::Program;

/// How control leaves a basic block.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EdgeKind {
    /// A conditional jump's target, or `may_goto`'s.
    Taken,
    /// Falling through to the next block (after a conditional jump, or into a leader).
    FallThrough,
    /// An unconditional `goto` / `gotol`.
    Goto,
    /// A bpf-to-bpf call to a subprogram's entry (control returns after the call).
    Call,
}

/// A maximal straight-line run of instructions.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Block {
    /// Index of the first instruction.
    pub start: usize,
    /// Index one past the last instruction.
    pub end: usize,
}

/// Basic blocks and the edges between them (by block number).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Cfg {
    /// The blocks, in program order.
    pub blocks: Vec<Block>,
    /// `(from block, to block, kind)`.
    pub edges: Vec<(usize, usize, EdgeKind)>,
    /// Blocks that start a subprogram (block 0 is the main program).
    pub entries: Vec<usize>,
}

/// Where instruction `i`'s jump, call or function address points, as an instruction index.
fn jump_target(p: &Program, i: usize) -> Option<usize> {
    let insn = p.resolved(i);
    let off = i64::from(insn.target()?.offset()?);
    // A function address counts from its ld_imm64's first slot, everything else from
    // the next instruction.
    let from = match insn {
        Insn::LdImm64 { .. } => p.slot_of(i)? + 1,
        _ => p.slot_of(i + 1)?,
    };
    let slot = from as i64 + off;
    if slot < 0 {
        return None;
    }
    p.index_of_slot(slot as usize)
}

impl Program {
    /// Splits the program into basic blocks.
    pub fn cfg(&self) -> Cfg {
        let n = self.len();
        let mut leaders = BTreeSet::new();
        let mut entries = BTreeSet::new();
        if n > 0 {
            leaders.insert(0);
            entries.insert(0);
        }
        for (i, insn) in self.insns().iter().enumerate() {
            let ends = matches!(
                insn,
                Insn::Jump { .. }
                    | Insn::Ja { .. }
                    | Insn::JaLong { .. }
                    | Insn::MayGoto { .. }
                    | Insn::Exit
            );
            if let Some(t) = jump_target(self, i) {
                leaders.insert(t);
                if matches!(insn, Insn::Call(_) | Insn::LdImm64 { .. }) {
                    entries.insert(t);
                }
            }
            if ends && i + 1 < n {
                leaders.insert(i + 1);
            }
        }
        let starts: Vec<usize> = leaders.into_iter().collect();
        let blocks: Vec<Block> = starts
            .iter()
            .enumerate()
            .map(|(b, &s)| Block {
                start: s,
                end: starts.get(b + 1).copied().unwrap_or(n),
            })
            .collect();
        let block_of = |i: usize| starts.partition_point(|&s| s <= i).saturating_sub(1);
        let mut edges = Vec::new();
        for (b, block) in blocks.iter().enumerate() {
            for i in block.start..block.end {
                if let (Insn::Call(Call::Local(_)), Some(t)) =
                    (&self.insns()[i], jump_target(self, i))
                {
                    edges.push((b, block_of(t), EdgeKind::Call));
                }
            }
            let last = block.end - 1;
            let insn = &self.insns()[last];
            let target = jump_target(self, last).map(block_of);
            let next = (block.end < n).then_some(b + 1);
            match insn {
                Insn::Exit => {}
                Insn::Ja { .. } | Insn::JaLong { .. } => {
                    if let Some(t) = target {
                        edges.push((b, t, EdgeKind::Goto));
                    }
                }
                Insn::Jump { .. } | Insn::MayGoto { .. } => {
                    if let Some(t) = target {
                        edges.push((b, t, EdgeKind::Taken));
                    }
                    if let Some(nx) = next {
                        edges.push((b, nx, EdgeKind::FallThrough));
                    }
                }
                _ => {
                    if let Some(nx) = next {
                        edges.push((b, nx, EdgeKind::FallThrough));
                    }
                }
            }
        }
        let entries = entries.into_iter().map(block_of).collect();
        Cfg {
            blocks,
            edges,
            entries,
        }
    }

    /// The control-flow graph as Graphviz DOT: one box per basic block with its
    /// instructions (labels resolved to names where the program has them), edges marked
    /// taken / fall-through / goto, dashed edges for calls into subprograms, and one
    /// cluster per subprogram.
    pub fn to_dot(&self) -> String {
        let cfg = self.cfg();
        let named = self.with_synthesized_labels();
        let mut out = String::new();
        out.push_str("digraph program {\n");
        out.push_str("\tnode [shape=box, fontname=\"monospace\", fontsize=10];\n");
        out.push_str("\tedge [fontname=\"monospace\", fontsize=9];\n");
        let mut entries = cfg.entries.clone();
        entries.sort_unstable();
        for (k, &entry) in entries.iter().enumerate() {
            let end = entries.get(k + 1).copied().unwrap_or(cfg.blocks.len());
            let title = named
                .labels()
                .iter()
                .find(|(i, _)| *i == cfg.blocks[entry].start)
                .map(|(_, l)| l.to_string())
                .unwrap_or_else(|| {
                    if k == 0 {
                        "main".into()
                    } else {
                        format!("subprogram {k}")
                    }
                });
            let _ = writeln!(out, "\tsubgraph cluster_{k} {{");
            let _ = writeln!(out, "\t\tlabel=\"{}\";", escape(&title));
            for b in entry..end {
                let block = &cfg.blocks[b];
                let mut label = String::new();
                for i in block.start..block.end {
                    for (_, l) in named.labels().iter().filter(|(at, _)| *at == i) {
                        let _ = write!(label, "{}:\\l", escape(l.as_str()));
                    }
                    let slot = self.slot_of(i).unwrap_or(i);
                    // Helper calls by name: easier to read, and the same bytes when assembled.
                    let text = match &named.insns()[i] {
                        Insn::Call(Call::Helper(id)) => {
                            match crate::model::kernel::helpers::helper_name(*id) {
                                Some(name) => format!("call {name}"),
                                None => named.insns()[i].to_string(),
                            }
                        }
                        insn => insn.to_string(),
                    };
                    let _ = write!(label, "{slot:>4}: {}\\l", escape(&text));
                }
                let _ = writeln!(out, "\t\tb{b} [label=\"{label}\"];");
            }
            out.push_str("\t}\n");
        }
        for (from, to, kind) in &cfg.edges {
            let attrs = match kind {
                EdgeKind::Taken => "label=\"taken\", color=\"darkgreen\"",
                EdgeKind::FallThrough => "label=\"fall-through\", color=\"gray40\"",
                EdgeKind::Goto => "label=\"goto\"",
                EdgeKind::Call => "label=\"call\", style=dashed, color=\"blue\"",
            };
            let _ = writeln!(out, "\tb{from} -> b{to} [{attrs}];");
        }
        out.push_str("}\n");
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
