//! Text straight to the kernel's slots, without forming a [`Program`]: what a tool that
//! only wants the bytes (`bpfasm asm`, a build script) needs, at a fraction of the memory.
//!
//! The same grammar reports the same statements; instructions without labels are encoded
//! as they arrive, the few with a label or symbol are kept and resolved at the end, with
//! [`Program`]'s resolution rules. Anything unusual (an error, a label defined twice, a
//! jump that does not fit) makes it assemble the input as a [`Program`] instead, so the
//! diagnostics are always exactly [`crate::assemble_named`]'s.

use std::sync::Arc;

use crate::assemble::chunks::{Part, MAX_RESERVED_INSNS};
use crate::model::insn::{Imm64, Insn};
use crate::model::raw::RawInsn;
use crate::model::target::Target;
use crate::program::program::Program;
use crate::syntax::builder::directive;
use crate::syntax::lex::Lexer;
use crate::syntax::local_labels::is_numeric;
use crate::syntax::parse::{parse_statements_at, Event};
use crate::syntax::token::{Token, TokenKind};
use crate::util::hash::HashMap;

/// Assembled instructions as the kernel's slots, with the instruction boundaries.
///
/// A large input parsed in parts keeps each part's slots where they were written, as one
/// piece per part: joining them would copy every slot once more, and on a fresh process
/// (`bpfasm asm`) fault in as much new memory again. [`Bytecode::slots`] and
/// [`Bytecode::instructions`] read them in order without joining them.
#[derive(Clone, Debug, Default)]
pub struct Bytecode {
    pieces: Vec<Vec<RawInsn>>,
    /// The first slot of each two-slot instruction (ld_imm64), ascending, counted over all
    /// pieces.
    wide: Vec<usize>,
}

impl Bytecode {
    /// The slots in order, as consecutive runs (one per part of the input); together they
    /// are [`Bytecode::to_raw`]. An instruction never spans two runs.
    pub(crate) fn pieces(&self) -> impl Iterator<Item = &[RawInsn]> + '_ {
        self.pieces.iter().map(Vec::as_slice)
    }

    /// Every slot, in order.
    pub fn slots(&self) -> impl Iterator<Item = &RawInsn> + '_ {
        self.pieces().flatten()
    }

    /// Every slot, in order, in one vector (as [`Program::to_raw`] gives them).
    pub fn to_raw(&self) -> Vec<RawInsn> {
        self.pieces.concat()
    }

    /// Number of slots (an ld_imm64 takes two).
    pub fn slot_count(&self) -> usize {
        self.pieces.iter().map(Vec::len).sum()
    }

    /// Number of instructions (an ld_imm64 counts once).
    pub fn len(&self) -> usize {
        self.slot_count() - self.wide.len()
    }

    /// True when there is no instruction.
    pub fn is_empty(&self) -> bool {
        self.pieces.iter().all(Vec::is_empty)
    }

    /// The slots of each instruction in turn: one, or two for an ld_imm64.
    pub fn instructions(&self) -> impl Iterator<Item = &[RawInsn]> + '_ {
        let (mut pieces, mut wide) = (self.pieces.iter(), &self.wide[..]);
        // The current piece, the position in it, and the position over all pieces.
        let (mut piece, mut at, mut slot): (&[RawInsn], usize, usize) = (&[], 0, 0);
        std::iter::from_fn(move || {
            while at == piece.len() {
                piece = pieces.next()?;
                at = 0;
            }
            let n = match wide.split_first() {
                Some((&w, rest)) if w == slot => {
                    wide = rest;
                    2
                }
                _ => 1,
            };
            let s = &piece[at..at + n];
            (at, slot) = (at + n, slot + n);
            Some(s)
        })
    }

    /// The bytes in the kernel's layout, as [`Program::to_bytes`] gives them.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.slot_count() * 8);
        for s in self.slots() {
            out.extend_from_slice(&s.to_bytes());
        }
        out
    }
}

/// Equal when the slots and the instruction boundaries are, however they are split.
impl PartialEq for Bytecode {
    fn eq(&self, other: &Bytecode) -> bool {
        self.wide == other.wide && self.slots().eq(other.slots())
    }
}

impl Eq for Bytecode {}

impl From<&Program> for Bytecode {
    fn from(p: &Program) -> Bytecode {
        let wide = p
            .iter_slots()
            .filter(|(_, i)| i.slots() == 2)
            .map(|(s, _)| s)
            .collect();
        Bytecode {
            pieces: vec![p.to_raw()],
            wide,
        }
    }
}

/// Slots of a part of the input, with what is needed to resolve its labels.
pub(crate) struct SlotPart<'a> {
    /// The slots of the parts before this one, when parts have been joined.
    done: Vec<Vec<RawInsn>>,
    /// The number of slots in `done`: where `slots` starts.
    base: usize,
    /// This part's slots.
    slots: Vec<RawInsn>,
    /// As [`Bytecode`]'s, counted from the first part.
    wide: Vec<usize>,
    /// Label name → slot, counted from the first part.
    labels: HashMap<&'a str, usize>,
    /// Instructions with a label or symbol, in order (their slots are zero so far).
    pending: Vec<Pending<'a>>,
    externs: Vec<String>,
}

impl<'a> SlotPart<'a> {
    #[inline]
    fn event(&mut self, e: Event<'_, 'a>) -> Result<(), String> {
        match e {
            // Numeric labels (`1:`, `1b`) are left to the builder: an "error" here makes the
            // input assemble as a Program.
            Event::Label { name, .. } if is_numeric(name) => Err(String::new()),
            Event::Label { name, .. } => match self.labels.insert(name, self.next_slot()) {
                None => Ok(()),
                Some(_) => Err(String::new()),
            },
            Event::Insn {
                insn,
                fixups,
                label_at,
                ..
            } => {
                if !fixups.is_empty() {
                    return Err(String::new());
                }
                let name = match label_at {
                    None => None,
                    Some(Token {
                        kind: TokenKind::Ident(name),
                        ..
                    }) if !is_numeric(name) => Some(name),
                    // A numeric label reference (`1b`): see above.
                    Some(_) => return Err(String::new()),
                };
                if name.is_none() {
                    if let Some(s) = insn.encode_plain() {
                        self.slots.push(s);
                        // Only instructions that own no heap memory encode here: the drop
                        // would do nothing, and skipping it saves a call.
                        std::mem::forget(insn);
                        return Ok(());
                    }
                }
                self.insn_slow(insn, name)
            }
            Event::Directive { name, args, .. } => directive(name, args, false, &mut self.externs),
        }
    }

    /// [`SlotPart::event`] for an instruction [`Insn::encode_plain`] does not encode, or
    /// that refers to `name` (the parser left the field for it 0: see
    /// [`crate::syntax::parse::Cursor::names`]).
    #[inline(never)]
    fn insn_slow(&mut self, insn: Insn, name: Option<&'a str>) -> Result<(), String> {
        let at = self.next_slot();
        if insn.slots() == 2 {
            self.wide.push(at);
        }
        if let Some(name) = name {
            self.slots
                .extend_from_slice(&[RawInsn::default(); 2][..insn.slots()]);
            // A label defined above is resolved now; others wait for the end of the part.
            return match self.resolve(Pending { at, insn, name }, false) {
                Some(None) => Ok(()),
                Some(Some(p)) => {
                    self.pending.push(p);
                    Ok(())
                }
                None => Err(String::new()),
            };
        }
        let e = insn.encode().map_err(|_| String::new())?;
        // Pushes, not extend_from_slice: a one- or two-element copy is not worth a
        // memmove call.
        let s = e.slots();
        self.slots.push(s[0]);
        if let Some(&second) = s.get(1) {
            self.slots.push(second);
        }
        Ok(())
    }

    /// Resolves the pending instructions whose label this part defines; the others stay
    /// pending (another part may define it). `None` when one cannot be resolved at all.
    /// Run by each part's own thread, so that only references across parts are left
    /// for [`SlotPart::finish`].
    fn resolve_local(&mut self) -> Option<()> {
        let pending = std::mem::take(&mut self.pending);
        for p in pending {
            if let Some(p) = self.resolve(p, false)? {
                self.pending.push(p);
            }
        }
        Some(())
    }

    /// Resolves every pending instruction, then gives the slots; `None` when one cannot be
    /// (the input has an error the full assembler will report).
    pub(crate) fn finish(mut self) -> Option<Bytecode> {
        for p in std::mem::take(&mut self.pending) {
            self.resolve(p, true)?;
        }
        let mut pieces = self.done;
        pieces.push(self.slots);
        Some(Bytecode {
            pieces,
            wide: self.wide,
        })
    }

    /// The index, counted from the first part, of the slot the next instruction takes.
    fn next_slot(&self) -> usize {
        self.base + self.slots.len()
    }

    /// The `n` slots from slot `at` (counted from the first part): an instruction's, which
    /// never spans two pieces.
    fn slots_mut(&mut self, at: usize, n: usize) -> &mut [RawInsn] {
        let (piece, from) = match at.checked_sub(self.base) {
            Some(i) => (&mut self.slots, i),
            None => {
                let mut start = 0;
                let mut found = None;
                for p in &mut self.done {
                    if at < start + p.len() {
                        found = Some(p);
                        break;
                    }
                    start += p.len();
                }
                match found {
                    Some(p) => (p, at - start),
                    None => (&mut self.slots, at),
                }
            }
        };
        &mut piece[from..from + n]
    }

    /// Encodes the pending instruction with its label resolved. When the label is not
    /// defined here: without `last`, gives the instruction back to keep pending; with
    /// `last`, applies the rules for undefined labels ([`Program`]'s and
    /// [`crate::syntax::Builder`]'s). `None`: an error.
    fn resolve(&mut self, p: Pending<'a>, last: bool) -> Option<Option<Pending<'a>>> {
        let found = self.labels.get(p.name).copied();
        if found.is_none() && !last {
            return Some(Some(p));
        }
        let Pending { at, insn, name } = p;
        let next = at + insn.slots();
        // The offsets [`crate::program::program::resolve_labels`] gives.
        let resolved = match (insn, found) {
            // `rN = name ll` naming a label is a function address (see Builder::finish);
            // the kernel counts it from the ld_imm64's first slot.
            (Insn::LdImm64 { dst, .. }, Some(to)) => Insn::LdImm64 {
                dst,
                imm: Imm64::Func(Target::Offset((to as i64 - at as i64) as i32 - 1)),
            },
            // Any other name is a symbol: 0 until linked.
            (i @ Insn::LdImm64 { .. }, None) => i,
            // A jump or call; a 16-bit target refuses an offset it cannot hold.
            (mut i, Some(to)) => {
                let off = i32::try_from(to as i64 - next as i64).ok()?;
                i.target_mut()?.set_offset(off).then_some(())?;
                i
            }
            // A call to a subprogram of another fragment, linked later.
            (mut i @ Insn::Call(_), None) if self.externs.iter().any(|e| e == name) => {
                i.target_mut()?.set_offset(-1);
                i
            }
            _ => return None,
        };
        // A resolved jump is a plain instruction: the short way to its slot.
        if let Some(s) = resolved.encode_plain() {
            self.slots_mut(at, 1).copy_from_slice(&[s]);
            return Some(None);
        }
        let e = resolved.encode().ok()?;
        self.slots_mut(at, next - at).copy_from_slice(e.slots());
        Some(None)
    }
}

/// An instruction that refers to a label or symbol by name: its first slot (counted from
/// the first part), the instruction with the field for the name still 0, and the name as
/// written in the input.
pub(crate) struct Pending<'a> {
    at: usize,
    insn: Insn,
    name: &'a str,
}

impl<'a> Part<'a> for SlotPart<'a> {
    // Positions matter only for diagnostics, and any error means reparsing in one piece.
    const NEEDS_LINES: bool = false;

    fn parse(_file: &Arc<str>, source: &'a str, _lines: u32) -> Option<Self> {
        let mut lexer = Lexer::new(source);
        // Slots are 8 bytes and an instruction at least 5 bytes of text.
        let mut part = SlotPart {
            done: Vec::new(),
            base: 0,
            slots: Vec::with_capacity((source.len() / 5 + 2).min(MAX_RESERVED_INSNS)),
            wide: Vec::new(),
            // A guess (a label every 500 bytes) that saves rehashing in common code.
            labels: HashMap::with_capacity_and_hasher(source.len() / 500, Default::default()),
            pending: Vec::new(),
            externs: Vec::new(),
        };
        let errors =
            parse_statements_at::<false>(|buf| lexer.fill_statement(buf), |e| part.event(e));
        if !errors.is_empty() || lexer.unterminated.is_some() {
            return None;
        }
        part.resolve_local()?;
        Some(part)
    }

    fn append(&mut self, next: Self) -> Option<()> {
        if next.labels.keys().any(|k| self.labels.contains_key(k)) {
            return None;
        }
        // Earlier parts' slots stay where they are: `next`'s become the current piece.
        let base = self.next_slot();
        self.done
            .push(std::mem::replace(&mut self.slots, next.slots));
        self.done.extend(next.done);
        self.base = base + next.base;
        self.labels
            .extend(next.labels.into_iter().map(|(k, s)| (k, s + base)));
        self.pending
            .extend(next.pending.into_iter().map(|p| Pending {
                at: p.at + base,
                ..p
            }));
        self.wide.extend(next.wide.into_iter().map(|s| s + base));
        self.externs.extend(next.externs);
        Some(())
    }
}
