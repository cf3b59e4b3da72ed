//! A program: instructions with their labels, symbol references and source locations.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::codec::decode::{decode, DecodeError};
use crate::model::core_relo::CoreRelo;
use crate::model::insn::*;
use crate::model::patch::FixField;
use crate::model::raw::RawInsn;
use crate::model::target::*;
use crate::print::display::PrintOptions;
use crate::program::source_map::{SourceLoc, SourceMap};
use crate::util::name_index::NameIndex;

/// Why a [`Program`] could not be formed from instructions and labels.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum ProgramError {
    /// A jump or call names a label that is not defined.
    UndefinedLabel {
        /// Index of the instruction that names it.
        insn: usize,
        /// The label.
        label: Label,
    },
    /// The same label is defined twice.
    DuplicateLabel {
        /// The label.
        label: Label,
    },
    /// A label points past the end of the program.
    LabelOutOfRange {
        /// The label.
        label: Label,
        /// The instruction index it was given.
        index: usize,
    },
    /// A 16-bit jump's target is too far away.
    JumpTooFar {
        /// Index of the jump.
        insn: usize,
        /// The distance in slots.
        distance: i64,
    },
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgramError::UndefinedLabel { label, .. } => {
                write!(f, "undefined label `{label}`")
            }
            ProgramError::DuplicateLabel { label } => {
                write!(f, "label `{label}` is defined more than once")
            }
            ProgramError::LabelOutOfRange { label, index } => write!(
                f,
                "label `{label}` points at instruction {index}, past the end of the program"
            ),
            ProgramError::JumpTooFar { distance, .. } => write!(
                f,
                "jump target is {distance} slots away, beyond the 16-bit offset range \
                 (-32768..=32767); use `gotol` for long unconditional jumps"
            ),
        }
    }
}

impl std::error::Error for ProgramError {}

/// A sequence of instructions whose labels are all defined and whose jumps all fit.
///
/// Instructions are addressed by index (`insns()[i]`); the kernel addresses them by slot
/// (ld_imm64 takes two slots), see [`Program::slot_of`] and [`Program::iter_slots`].
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Program {
    insns: Vec<Insn>,
    /// Slot offset of each instruction, plus one entry for the end.
    slot_offsets: Vec<usize>,
    /// Label name → its entry in `label_order`.
    labels: NameIndex,
    /// Labels in order of position (an index may equal `insns.len()`: the end).
    label_order: Vec<(usize, Label)>,
    locations: SourceMap,
    /// Labels declared `.globl` (sorted): functions the kernel verifies on their own.
    globals: Vec<Label>,
    /// CO-RE relocations, in instruction order.
    core_relos: Vec<CoreRelo>,
    /// The program's own types as a BTF blob, for `type_matches(T)`.
    local_btf: Option<Arc<[u8]>>,
}

/// `insn` with every label target replaced by its offset. `next` is the slot after the
/// instruction, `slot_of` finds a label's slot. A call to an undefined (external) label
/// encodes as `call -1` and a function address as 0, as LLVM leaves them before relocation.
/// 16-bit offsets are cut to 16 bits: callers check that they fit first.
pub(crate) fn resolve_labels(
    insn: &Insn,
    next: usize,
    slot_of: impl Fn(&Label) -> Option<usize>,
) -> Insn {
    let off = |l: &Label| -> i64 {
        match slot_of(l) {
            // The kernel finds a function address's target at `i + imm + 1`, counting
            // from the ld_imm64's first slot (verifier.c: add_subprog), not its end.
            Some(to) if matches!(insn, Insn::LdImm64 { .. }) => to as i64 - next as i64 + 1,
            Some(to) => to as i64 - next as i64,
            None if matches!(insn, Insn::Call(_)) => -1,
            None => 0,
        }
    };
    let t16 = |t: &Target<i16>| match t {
        Target::Label(l) => Target::Offset(off(l) as i16),
        t => t.clone(),
    };
    let t32 = |t: &Target<i32>| match t {
        Target::Label(l) => Target::Offset(off(l) as i32),
        t => t.clone(),
    };
    match insn {
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            target,
        } => Insn::Jump {
            width: *width,
            cond: *cond,
            dst: *dst,
            src: *src,
            target: t16(target),
        },
        Insn::Ja { target } => Insn::Ja {
            target: t16(target),
        },
        Insn::MayGoto { target } => Insn::MayGoto {
            target: t16(target),
        },
        Insn::JaLong { target } => Insn::JaLong {
            target: t32(target),
        },
        Insn::Call(Call::Local(t)) => Insn::Call(Call::Local(t32(t))),
        Insn::LdImm64 {
            dst,
            imm: Imm64::Func(t),
        } => Insn::LdImm64 {
            dst: *dst,
            imm: Imm64::Func(t32(t)),
        },
        other => other.clone(),
    }
}

/// Leaves out of `order` (labels as `(index, name)`, in the order they were defined) the
/// labels past `len` instructions and the second definitions of a name, giving an error
/// for each; sorts the rest by index (stable) and returns their index, and whether no
/// label was left out. A name defined again points at its last definition, as the map
/// this replaces did, so that the other errors stay the same.
fn index_labels(
    order: &mut Vec<(usize, Label)>,
    len: usize,
    error: &mut impl FnMut(ProgramError),
) -> (NameIndex, bool) {
    let mut index = NameIndex::with_capacity(order.len());
    let mut kept = 0;
    for i in 0..order.len() {
        let (at, label) = (order[i].0, &order[i].1);
        if at > len {
            error(ProgramError::LabelOutOfRange {
                label: label.clone(),
                index: at,
            });
            continue;
        }
        if let Some(p) = index.get(label.as_str(), |p| order[p as usize].1.as_str()) {
            error(ProgramError::DuplicateLabel {
                label: label.clone(),
            });
            order[p as usize].0 = at;
            continue;
        }
        // Entries before `kept` are kept, those from `kept` to `i` left out.
        order.swap(kept, i);
        index.insert(kept as u32, |p| order[p as usize].1.as_str());
        kept += 1;
    }
    let ok = kept == order.len();
    order.truncate(kept);
    if !order.windows(2).all(|w| w[0].0 <= w[1].0) {
        order.sort_by_key(|(i, _)| *i);
        index = NameIndex::with_capacity(order.len());
        for p in 0..order.len() as u32 {
            index.insert(p, |p| order[p as usize].1.as_str());
        }
    }
    (index, ok)
}

/// Distance in slots from the slot after `from` to `to`.
fn distance(offsets: &[usize], from: usize, to: usize) -> i64 {
    offsets[to] as i64 - offsets[from + 1] as i64
}

impl Program {
    /// Forms a program from instructions and labels (name, instruction index), checking that
    /// every label used is defined and every jump fits its offset field.
    pub fn new(
        insns: Vec<Insn>,
        labels: impl IntoIterator<Item = (Label, usize)>,
    ) -> Result<Program, Vec<ProgramError>> {
        let n = insns.len();
        Program::with_locations(insns, labels, SourceMap::with_capacity(n))
    }

    /// Like [`Program::new`], with a source location for each instruction.
    pub fn with_locations(
        insns: Vec<Insn>,
        labels: impl IntoIterator<Item = (Label, usize)>,
        locations: SourceMap,
    ) -> Result<Program, Vec<ProgramError>> {
        let labels = labels.into_iter().map(|(l, i)| (i, l)).collect();
        let mut errors = Vec::new();
        match Program::build(insns, labels, locations, |e| errors.push(e)) {
            Some(p) => Ok(p),
            None => Err(errors),
        }
    }

    /// [`Program::with_locations`] with the labels as `(index, name)`, in the order they
    /// were defined, giving each error to `error` as it is found instead of collecting
    /// them: a million undefined labels need not hold a million errors (issue 15).
    /// `None` when there was an error.
    pub(crate) fn build(
        insns: Vec<Insn>,
        mut order: Vec<(usize, Label)>,
        mut locations: SourceMap,
        mut error: impl FnMut(ProgramError),
    ) -> Option<Program> {
        locations.resize(insns.len());
        let mut slot_offsets = Vec::with_capacity(insns.len() + 1);
        let mut at = 0;
        for i in &insns {
            slot_offsets.push(at);
            at += i.slots();
        }
        slot_offsets.push(at);
        let (index, ok) = index_labels(&mut order, insns.len(), &mut error);
        let mut failed = !ok;
        let program = Program {
            insns,
            slot_offsets,
            labels: index,
            label_order: order,
            locations,
            globals: Vec::new(),
            core_relos: Vec::new(),
            local_btf: None,
        };
        for (idx, insn) in program.insns.iter().enumerate() {
            program.check_targets(idx, insn, &mut |e| {
                failed = true;
                error(e)
            });
        }
        (!failed).then_some(program)
    }

    fn check_targets(&self, idx: usize, insn: &Insn, error: &mut impl FnMut(ProgramError)) {
        let mut check16 = |t: &Target<i16>| {
            if let Target::Label(l) = t {
                match self.label_index(l.as_str()) {
                    None => error(ProgramError::UndefinedLabel {
                        insn: idx,
                        label: l.clone(),
                    }),
                    Some(to) => {
                        let d = distance(&self.slot_offsets, idx, to);
                        if i16::try_from(d).is_err() {
                            error(ProgramError::JumpTooFar {
                                insn: idx,
                                distance: d,
                            })
                        }
                    }
                }
            }
        };
        match insn {
            Insn::Jump { target, .. } | Insn::Ja { target } | Insn::MayGoto { target } => {
                check16(target)
            }
            // Calls and function addresses may name a subprogram defined in another
            // fragment (an external reference, resolved by `Program::link`); a jump may not.
            // 32-bit offsets: any program the kernel accepts fits.
            Insn::JaLong {
                target: Target::Label(l),
            } if self.label_index(l.as_str()).is_none() => error(ProgramError::UndefinedLabel {
                insn: idx,
                label: l.clone(),
            }),
            _ => {}
        }
    }

    /// The instructions.
    pub fn insns(&self) -> &[Insn] {
        &self.insns
    }

    /// Number of instructions (not slots).
    pub fn len(&self) -> usize {
        self.insns.len()
    }

    /// True when the program has no instructions.
    pub fn is_empty(&self) -> bool {
        self.insns.is_empty()
    }

    /// Number of 8-byte slots the program encodes to.
    pub fn slot_count(&self) -> usize {
        self.slot_offsets[self.insns.len()]
    }

    /// The slot offset of instruction `index` (`index == len()` gives the end).
    pub fn slot_of(&self, index: usize) -> Option<usize> {
        self.slot_offsets.get(index).copied()
    }

    /// The instruction that starts at `slot`, if one does.
    pub fn index_of_slot(&self, slot: usize) -> Option<usize> {
        self.slot_offsets[..self.insns.len()]
            .binary_search(&slot)
            .ok()
    }

    /// Iterates `(slot offset, instruction)`.
    pub fn iter_slots(&self) -> impl Iterator<Item = (usize, &Insn)> {
        self.slot_offsets.iter().copied().zip(self.insns.iter())
    }

    /// The instruction index a label points at.
    pub fn label(&self, name: &str) -> Option<usize> {
        self.label_index(name)
    }

    /// The instruction index the label `name` points at.
    fn label_index(&self, name: &str) -> Option<usize> {
        let order = &self.label_order;
        let p = self.labels.get(name, |p| order[p as usize].1.as_str())?;
        Some(order[p as usize].0)
    }

    /// Labels in order of position: `(instruction index, name)`.
    pub fn labels(&self) -> &[(usize, Label)] {
        &self.label_order
    }

    /// The source location of instruction `index`, when known.
    pub fn location(&self, index: usize) -> Option<SourceLoc> {
        self.locations.get(index)
    }

    /// Source locations of all instructions.
    pub fn source_map(&self) -> &SourceMap {
        &self.locations
    }

    /// Records `text` as the text of the file the instructions were written in, so a
    /// loader can show the line of each instruction (the assembler does this).
    pub fn set_source_text(&mut self, file: &std::sync::Arc<str>, text: std::sync::Arc<str>) {
        let id = self.locations.file_id(file);
        self.locations.set_text(id, text);
    }

    /// The labels declared global (`.globl NAME`), sorted: subprograms the kernel
    /// verifies on their own, whatever their callers pass, when the program carries BTF.
    pub fn globals(&self) -> &[Label] {
        &self.globals
    }

    /// Whether the label `name` is declared global.
    pub fn is_global(&self, name: &str) -> bool {
        self.globals.iter().any(|g| g.as_str() == name)
    }

    /// Declares the labels `names` global; names that are not labels of this program are
    /// left out (as LLVM, `.globl` of an undefined name only declares it).
    pub fn with_globals<L: Into<Label>>(mut self, names: impl IntoIterator<Item = L>) -> Program {
        for n in names {
            let l = n.into();
            if self.label_index(l.as_str()).is_some() && !self.globals.contains(&l) {
                self.globals.push(l);
            }
        }
        self.globals.sort();
        self
    }

    /// Calls and function addresses naming a label this program does not define:
    /// `(instruction index, name)`. [`Program::link`] resolves them.
    pub fn external_calls(&self) -> impl Iterator<Item = (usize, &Label)> {
        self.insns
            .iter()
            .enumerate()
            .filter_map(|(i, insn)| match insn {
                // The label-carrying calls and function addresses.
                Insn::Call(_) | Insn::LdImm64 { .. } => Some((i, insn.target()?.label()?)),
                _ => None,
            })
            .filter(|(_, l)| self.label_index(l.as_str()).is_none())
    }

    /// Calls of kernel functions by name (`call bpf_iter_num_new`), resolved at load time:
    /// `(instruction index, name)`.
    pub fn kfunc_calls(&self) -> impl Iterator<Item = (usize, &Label)> {
        self.insns
            .iter()
            .enumerate()
            .filter_map(|(i, insn)| match insn {
                Insn::Call(Call::KfuncName(l)) => Some((i, l)),
                _ => None,
            })
    }

    /// The CO-RE relocations (`offsetof(task_struct, tgid)` written as an immediate or
    /// offset), in instruction order; their fields hold 0 until resolved.
    pub fn core_relos(&self) -> &[CoreRelo] {
        &self.core_relos
    }

    /// The program with these CO-RE relocations (each must name an instruction of it;
    /// those that do not are dropped). Kept in instruction order.
    pub fn with_core_relos(mut self, relos: impl IntoIterator<Item = CoreRelo>) -> Program {
        let n = self.insns.len();
        self.core_relos
            .extend(relos.into_iter().filter(|r| r.insn < n));
        self.core_relos.sort_by_key(|r| r.insn);
        self
    }

    /// The program's own types, as a BTF blob: where `type_matches(T)` finds the
    /// definition of `T` it compares with the kernel's (a C object's `.BTF`, or types
    /// built with `ebpf_btf::Builder`). `None` when not given.
    pub fn local_btf(&self) -> Option<&Arc<[u8]>> {
        self.local_btf.as_ref()
    }

    /// The program with `blob` (a BTF blob) as its own types, for `type_matches(T)`.
    pub fn with_local_btf(mut self, blob: impl Into<Arc<[u8]>>) -> Program {
        self.local_btf = Some(blob.into());
        self
    }

    /// Removes the CO-RE relocations, for the Editor once it has filled their fields.
    pub(crate) fn take_core_relos(&mut self) -> Vec<CoreRelo> {
        std::mem::take(&mut self.core_relos)
    }

    /// Unresolved symbol references (`r1 = name ll`): `(instruction index, name)`.
    pub fn references(&self) -> impl Iterator<Item = (usize, &Label)> {
        self.insns
            .iter()
            .enumerate()
            .filter_map(|(i, insn)| match insn {
                Insn::LdImm64 {
                    imm: Imm64::Symbol(l),
                    ..
                } => Some((i, l)),
                _ => None,
            })
    }

    /// The instruction with every label target replaced by its offset.
    pub fn resolved(&self, index: usize) -> Insn {
        // Program::new checked that jump labels exist and fit.
        resolve_labels(&self.insns[index], self.slot_offsets[index + 1], |l| {
            self.label_index(l.as_str()).map(|to| self.slot_offsets[to])
        })
    }

    /// The program's slots, labels resolved; symbol references encode as 0.
    pub fn to_raw(&self) -> Vec<RawInsn> {
        let mut out = Vec::with_capacity(self.slot_count());
        for i in 0..self.insns.len() {
            match self.resolved(i).encode() {
                Ok(e) => out.extend_from_slice(e.slots()),
                // Unreachable: resolved() leaves no labels.
                Err(_) => out.extend_from_slice(&[RawInsn::default(); 2][..self.insns[i].slots()]),
            }
        }
        out
    }

    /// The program's bytes in the kernel's layout, as an object file holds them before
    /// relocation (unresolved symbol references encode as ld_imm64 with imm 0).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.slot_count() * 8);
        for s in self.to_raw() {
            out.extend_from_slice(&s.to_bytes());
        }
        out
    }

    /// Decodes bytes into a program without labels.
    pub fn from_bytes(bytes: &[u8]) -> Result<Program, DecodeError> {
        let insns = decode(bytes)?;
        Program::new(insns, []).map_err(|e| DecodeError {
            slot: 0,
            reason: format!("{e:?}"),
        })
    }

    /// Replaces numeric jump and call targets that land on an instruction by labels named
    /// `L<slot>`, so the printout reads like source and assembles back to the same bytes.
    pub fn with_synthesized_labels(&self) -> Program {
        let mut names: HashMap<usize, Label> = HashMap::new();
        let target_of = |from: usize, off: i64, names: &mut HashMap<usize, Label>| {
            let slot = self.slot_offsets[from + 1] as i64 + off;
            if slot < 0 || slot as usize > self.slot_count() {
                return None;
            }
            let idx = if slot as usize == self.slot_count() {
                self.insns.len()
            } else {
                self.index_of_slot(slot as usize)?
            };
            Some(
                names
                    .entry(idx)
                    .or_insert_with(|| Label::from(format!("L{slot}")))
                    .clone(),
            )
        };
        let mut insns = Vec::with_capacity(self.insns.len());
        for (i, insn) in self.insns.iter().enumerate() {
            let mut insn = insn.clone();
            // A function address counts from the ld_imm64's first slot: one less than
            // from its end.
            let from_end = i64::from(!matches!(insn, Insn::LdImm64 { .. }));
            if let Some(mut target) = insn.target_mut() {
                if let Some(o) = target.as_ref().offset() {
                    if let Some(l) = target_of(i, i64::from(o) + from_end - 1, &mut names) {
                        target.set_label(l);
                    }
                }
            }
            insns.push(insn);
        }
        let mut labels: Vec<(Label, usize)> = self
            .label_order
            .iter()
            .map(|(i, l)| (l.clone(), *i))
            .collect();
        labels.extend(names.into_iter().map(|(i, l)| (l, i)));
        // Offsets that were valid stay valid: only the spelling changed.
        Program::with_locations(insns, labels, self.locations.clone())
            .map(|p| {
                let p = p
                    .with_globals(self.globals.iter().cloned())
                    .with_core_relos(self.core_relos.iter().cloned());
                Program {
                    local_btf: self.local_btf.clone(),
                    ..p
                }
            })
            .unwrap_or_else(|_| self.clone())
    }
}

impl fmt::Display for Program {
    /// One instruction per line, labels on their own lines; assembles back to the same bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_text(f, PrintOptions::LLVM)
    }
}

impl Program {
    /// `Display`'s text with `options` (see [`Program::display_with`]).
    pub(crate) fn write_text(
        &self,
        f: &mut fmt::Formatter<'_>,
        options: PrintOptions,
    ) -> fmt::Result {
        // Calls into other fragments are declared, so the text assembles on its own.
        let mut externs: Vec<&str> = self.external_calls().map(|(_, l)| l.as_str()).collect();
        externs.sort_unstable();
        externs.dedup();
        if !externs.is_empty() {
            writeln!(f, ".extern {}", externs.join(", "))?;
        }
        let mut labels = self.label_order.iter().peekable();
        let mut relos = self.core_relos.iter().peekable();
        for (i, insn) in self.insns.iter().enumerate() {
            while let Some((_, l)) = labels.next_if(|(at, _)| *at == i) {
                if self.globals.contains(l) {
                    writeln!(f, ".globl {l}")?;
                }
                writeln!(f, "{l}:")?;
            }
            let mut mine = Vec::new();
            while let Some(r) = relos.next_if(|r| r.insn <= i) {
                if r.insn == i {
                    mine.push(r);
                }
            }
            if mine.is_empty() {
                writeln!(f, "\t{}", insn.display_with(options))?;
            } else {
                writeln!(
                    f,
                    "\t{}",
                    crate::print::core_text::insn_with_relos(insn, &mine)
                )?;
            }
        }
        for (_, l) in labels {
            writeln!(f, "{l}:")?;
        }
        Ok(())
    }
}

impl Program {
    /// Sets an immediate or offset field of instruction `index` (used by the `program!`
    /// macro for interpolated Rust expressions, after range-checking `value`). Labels and
    /// jump targets are not fields it touches, so the program stays valid.
    #[doc(hidden)]
    pub fn patch(&mut self, index: usize, field: FixField, value: i64) {
        if let Some(insn) = self.insns.get_mut(index) {
            insn.patch(field, value);
        }
    }
}

impl Program {
    /// Replaces calls of kernel functions by name for which `f` returns a call; returns how
    /// many changed. Calls are not jump targets, so the program stays valid.
    pub(crate) fn rewrite_kfuncs(&mut self, mut f: impl FnMut(&Label) -> Option<Call>) -> usize {
        let mut n = 0;
        for insn in &mut self.insns {
            if let Insn::Call(call @ Call::KfuncName(_)) = insn {
                if let Call::KfuncName(l) = &*call {
                    if let Some(new) = f(l) {
                        *call = new;
                        n += 1;
                    }
                }
            }
        }
        n
    }

    /// Replaces symbol references for which `f` returns a new value. Symbol loads are not
    /// jump targets, so the program stays valid.
    pub(crate) fn rewrite_symbols(&mut self, mut f: impl FnMut(&Label) -> Option<Imm64>) {
        for insn in &mut self.insns {
            if let Insn::LdImm64 {
                imm: imm @ Imm64::Symbol(_),
                ..
            } = insn
            {
                if let Imm64::Symbol(l) = &*imm {
                    if let Some(new) = f(l) {
                        *imm = new;
                    }
                }
            }
        }
    }
}
