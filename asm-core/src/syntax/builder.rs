//! Collects parser events into a [`Program`]: labels, source locations, symbol and label
//! resolution. Shared by the text assembler and the compile-time macro.

use std::sync::Arc;

use crate::model::core_relo::CoreRelo;
use crate::model::insn::*;
use crate::model::target::*;
use crate::program::program::{Program, ProgramError};
use crate::program::source_map::SourceMap;
use crate::syntax::errors::Errors;
use crate::syntax::label_table::LabelTable;
use crate::syntax::local_labels::{is_numeric, no_definition_after, LocalLabels};
use crate::syntax::parse::{Event, Fixup, ParseError};
use crate::syntax::token::{Token, TokenKind};

/// Directives llvm-mc accepts that change nothing in a single program's instructions.
/// (`.globl NAME` / `.global NAME` are not among them: they mark a function global.)
pub const IGNORED_DIRECTIVES: [&str; 12] = [
    "text",
    "p2align",
    "align",
    "type",
    "size",
    "file",
    "addrsig",
    "addrsig_sym",
    "ident",
    "weak",
    "hidden",
    "local",
];

/// A macro interpolation to apply to instruction `insn` after assembly.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct InsnFixup {
    /// Index of the instruction.
    pub insn: usize,
    /// The field and the interpolation.
    pub fixup: Fixup,
}

/// An instruction that names a label, and where the name was written: what a label
/// error points at. 16 bytes, where the whole token and a flag took 56.
#[derive(Clone, Copy)]
struct LabelRef {
    insn: u32,
    line: u32,
    column: u32,
    /// The token's index (see [`Token::index`]).
    index: u32,
}

impl LabelRef {
    /// A parse error at the reference.
    fn error(&self, message: String) -> ParseError {
        ParseError {
            line: self.line,
            column: self.column,
            index: self.index,
            message,
        }
    }
}

/// Builds a [`Program`] from [`Event`]s.
pub struct Builder<'a> {
    insns: Vec<Insn>,
    labels: LabelTable,
    locations: SourceMap,
    file_id: u32,
    /// Instructions with a label target, in order.
    label_refs: Vec<LabelRef>,
    /// The numeric label references (`1b`, `1f`), in order: (instruction, token).
    numeric_refs: Vec<(usize, Token<'a>)>,
    fixups: Vec<InsnFixup>,
    /// CO-RE expressions written as immediates or offsets.
    core: Vec<CoreRelo>,
    directives: bool,
    /// Names declared with `.extern`: calls to them may stay unresolved.
    externs: Vec<String>,
    /// Names declared with `.globl`: global functions.
    globals: Vec<String>,
    /// Added to every token's line: the lines of the input before this builder's part.
    line_offset: u32,
    /// Numeric labels (`1:`, `1b`, `1f`).
    local: LocalLabels<'a>,
    /// Errors of numeric label references, reported by [`Builder::finish`].
    local_errors: Errors,
}

impl<'a> Builder<'a> {
    /// A builder whose source locations name `file`. With `directives` false, any directive
    /// other than `.8byte` is an error (the plain assembler reads instructions only).
    pub fn new(file: Arc<str>, directives: bool) -> Builder<'a> {
        Builder::with_capacity(file, directives, 0)
    }

    /// Like [`Builder::new`], with room for `n` instructions.
    pub fn with_capacity(file: Arc<str>, directives: bool, n: usize) -> Builder<'a> {
        let mut locations = SourceMap::with_capacity(n);
        let file_id = locations.file_id(&file);
        Builder {
            insns: Vec::with_capacity(n),
            labels: LabelTable::default(),
            locations,
            file_id,
            label_refs: Vec::new(),
            numeric_refs: Vec::new(),
            fixups: Vec::new(),
            core: Vec::new(),
            directives,
            externs: Vec::new(),
            globals: Vec::new(),
            line_offset: 0,
            local: LocalLabels::default(),
            local_errors: Errors::new(),
        }
    }

    /// Makes this builder take the part of an input that starts after `lines` lines: every
    /// recorded position is moved down by that many lines (see [`Builder::append`]).
    pub(crate) fn after_lines(mut self, lines: u32) -> Builder<'a> {
        self.line_offset = lines;
        self
    }

    /// Moves the statements of `next`, the builder of the part of the input right after
    /// this one's, to the end of this builder. Fails, changing nothing worth keeping, when
    /// `next` defines a label this builder already defines: the caller then assembles the
    /// whole input in one piece to report it as usual.
    pub(crate) fn append(&mut self, next: Builder<'a>) -> Result<(), ()> {
        // Numeric labels are numbered over the whole input: one piece.
        if !self.local.is_empty() || !next.local.is_empty() {
            return Err(());
        }
        let base = self.insns.len();
        self.labels.append(next.labels, base)?;
        let base32 = u32::try_from(base).map_err(|_| ())?;
        self.label_refs
            .extend(next.label_refs.into_iter().map(|r| LabelRef {
                insn: r.insn + base32,
                ..r
            }));
        self.fixups
            .extend(next.fixups.into_iter().map(|f| InsnFixup {
                insn: f.insn + base,
                fixup: f.fixup,
            }));
        self.core.extend(next.core.into_iter().map(|r| CoreRelo {
            insn: r.insn + base,
            ..r
        }));
        self.externs.extend(next.externs);
        self.globals.extend(next.globals);
        self.insns.extend(next.insns);
        self.locations.append(next.locations);
        Ok(())
    }

    /// Number of instructions so far.
    pub fn len(&self) -> usize {
        self.insns.len()
    }

    /// True before the first instruction.
    pub fn is_empty(&self) -> bool {
        self.insns.is_empty()
    }

    /// Takes one parser event.
    pub fn event(&mut self, e: Event<'_, 'a>) -> Result<(), String> {
        match e {
            Event::Label { name, mut at } => {
                at.line += self.line_offset;
                let here = (at.line, at.column);
                if is_numeric(name) {
                    let label = self.local.define(name)?;
                    self.labels.place_numeric(label, self.insns.len(), here);
                    return Ok(());
                }
                self.labels.define(name, self.insns.len(), here)
            }
            Event::Insn {
                insn,
                at,
                fixups,
                core,
                label_at,
            } => {
                let index = self.insns.len();
                self.core.extend(core.iter().map(|c| CoreRelo {
                    insn: index,
                    field: c.field,
                    expr: c.expr.clone(),
                }));
                self.fixups.extend(fixups.iter().map(|f| InsnFixup {
                    insn: index,
                    fixup: *f,
                }));
                self.insns.push(insn);
                self.locations
                    .push_at(self.file_id, at.line + self.line_offset, at.column);
                if let Some(mut t) = label_at {
                    t.line += self.line_offset;
                    self.label_reference(index, t)?;
                }
                Ok(())
            }
            Event::Directive { name, args, .. } if is_globl(name) => {
                self.globals.extend(globl_names(args)?);
                Ok(())
            }
            Event::Directive { name, args, .. } => {
                directive(name, args, self.directives, &mut self.externs)
            }
        }
    }

    /// Records that instruction `index` names a label with token `t`. A name defined
    /// above is shared with its definition (the parser made a copy of its own); a numeric
    /// label reference (`1b`, `1f`) is pointed at the definition it means.
    fn label_reference(&mut self, index: usize, t: Token<'a>) -> Result<(), String> {
        let insn = u32::try_from(index).map_err(|_| "too many instructions".to_string())?;
        self.label_refs.push(LabelRef {
            insn,
            line: t.line,
            column: t.column,
            index: t.index,
        });
        match t.kind {
            TokenKind::Number(text) => self.local_reference(index, t, text),
            TokenKind::Ident(name) => {
                let named = label_of(&self.insns[index]).is_some_and(|l| l.as_str() == name);
                if let (true, Some(l)) = (named, self.labels.get(name)) {
                    set_label(&mut self.insns[index], Some(l.clone()));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Points the label of instruction `index`, whose token `tok` is the numeric label
    /// reference `text` (`1b`, `1f`), at the definition it means; an error at the token
    /// when there is none before it.
    #[cold]
    #[inline(never)]
    fn local_reference(&mut self, index: usize, tok: Token<'a>, text: &'a str) {
        self.numeric_refs.push((index, tok));
        match self.local.reference(text, index) {
            Ok(label) => set_label(&mut self.insns[index], Some(label)),
            Err(message) => {
                set_label(&mut self.insns[index], None);
                self.local_errors.push(ParseError {
                    line: tok.line,
                    column: tok.column,
                    index: tok.index,
                    message,
                });
            }
        }
    }

    /// The errors of numeric label references that no definition resolved; their
    /// instructions get offset 0 so that no other error follows from them.
    fn local_label_errors(&mut self) -> Errors {
        let mut errors = std::mem::take(&mut self.local_errors);
        let unresolved: Vec<usize> = self.local.unresolved().map(|f| f.insn).collect();
        for insn in unresolved {
            set_label(&mut self.insns[insn], None);
            let found = self.numeric_refs.binary_search_by_key(&insn, |e| e.0);
            if let Ok(i) = found {
                let t = self.numeric_refs[i].1;
                let TokenKind::Number(text) = t.kind else {
                    continue;
                };
                errors.push(ParseError {
                    line: t.line,
                    column: t.column,
                    index: t.index,
                    message: no_definition_after(text),
                });
            }
        }
        errors
    }

    /// Resolves labels and symbols and forms the program; errors carry the positions of
    /// the offending tokens.
    pub fn finish(mut self) -> Result<(Program, Vec<InsnFixup>), Errors> {
        let mut errors = self.local_label_errors();
        self.resolve_names();
        let label_refs = std::mem::take(&mut self.label_refs);
        // `label_refs` is in instruction order: one entry per instruction at most.
        let label_ref = |insn: usize| {
            let i = label_refs
                .binary_search_by_key(&insn, |r| r.insn as usize)
                .ok()?;
            Some(label_refs[i])
        };
        let insns = std::mem::take(&mut self.insns);
        let labels = std::mem::take(&mut self.labels).into_order();
        // Errors go to `errors` as they are found: it keeps the first and counts the rest.
        let program = Program::build(insns, labels, self.locations, |e| {
            errors.push(program_error(&e, label_ref))
        });
        match program {
            Some(p) if errors.is_empty() => {
                let p = p.with_globals(self.globals).with_core_relos(self.core);
                Ok((p, self.fixups))
            }
            _ => Err(errors),
        }
    }

    /// Gives names their meaning once every label is known. `rN = name ll` naming a label
    /// of this program is a function address (as libbpf reads a relocation against a text
    /// symbol); other names stay symbol references. A call to a name that is neither a
    /// helper, nor a label, nor declared `.extern` calls a kernel function (kfunc), looked
    /// up by name in the kernel's BTF at load time.
    fn resolve_names(&mut self) {
        let (labels, local) = (&self.labels, &self.local);
        let defined = |l: &Label| labels.contains(l.as_str()) || local.defines(l.as_str());
        for insn in &mut self.insns {
            if let Insn::LdImm64 {
                imm: imm @ Imm64::Symbol(_),
                ..
            } = insn
            {
                if let Imm64::Symbol(l) = imm {
                    if defined(l) {
                        *imm = Imm64::Func(Target::Label(l.clone()));
                    }
                }
            }
        }
        for r in &self.label_refs {
            if let Insn::Call(call @ Call::Local(Target::Label(_))) =
                &mut self.insns[r.insn as usize]
            {
                if let Call::Local(Target::Label(l)) = &*call {
                    if !defined(l) && !self.externs.iter().any(|e| e == l.as_str()) {
                        *call = Call::KfuncName(l.clone());
                    }
                }
            }
        }
    }
}

/// The parse error for `e`, an error of the program found when its labels are resolved,
/// at the label reference of its instruction (`label_ref` finds it).
fn program_error(e: &ProgramError, label_ref: impl Fn(usize) -> Option<LabelRef>) -> ParseError {
    // Label errors always have a label reference; the fallback is for completeness only.
    let at = |insn: Option<usize>| {
        insn.and_then(&label_ref).unwrap_or(LabelRef {
            insn: 0,
            line: 1,
            column: 1,
            index: 0,
        })
    };
    match e {
        // Only jumps have undefined labels: a call to an unknown name calls a kfunc.
        ProgramError::UndefinedLabel { insn, label } => {
            at(Some(*insn)).error(format!("undefined label `{label}`"))
        }
        ProgramError::JumpTooFar { insn, .. } => at(Some(*insn)).error(e.to_string()),
        _ => at(None).error(e.to_string()),
    }
}

/// The label instruction `insn` names, if any.
fn label_of(insn: &Insn) -> Option<&Label> {
    match insn {
        Insn::LdImm64 {
            imm: Imm64::Symbol(l),
            ..
        } => Some(l),
        _ => insn.target()?.label(),
    }
}

/// Whether `name` is LLVM's directive for a global symbol (`.globl`, or `.global`).
pub(crate) fn is_globl(name: &str) -> bool {
    matches!(name, "globl" | "global")
}

/// The names of a `.globl a, b` directive.
pub(crate) fn globl_names(args: &[Token<'_>]) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for (i, t) in args.iter().enumerate() {
        match (i % 2, t.kind) {
            (0, crate::syntax::token::TokenKind::Ident(n)) => names.push(n.to_owned()),
            (1, crate::syntax::token::TokenKind::Punct(',')) => {}
            _ => {
                return Err(format!(
                    "`.globl` takes function names separated by commas, found {}",
                    crate::syntax::parse::describe(t)
                ))
            }
        }
    }
    match names.is_empty() {
        true => Err("`.globl` needs the name of a function (a label of this program)".into()),
        false => Ok(names),
    }
}

impl Builder<'_> {
    /// Declares `names` global (the object format's `.globl`, passed to its section).
    pub(crate) fn add_globals(&mut self, names: Vec<String>) {
        self.globals.extend(names);
    }
}

/// Makes the label `insn` names `label`, or with `None`, a target of offset 0 (or a
/// symbol of value 0): what stands for a reference that cannot be resolved.
fn set_label(insn: &mut Insn, label: Option<Label>) {
    if let Insn::LdImm64 {
        imm: imm @ Imm64::Symbol(_),
        ..
    } = insn
    {
        *imm = match label {
            Some(l) => Imm64::Symbol(l),
            None => Imm64::Const(0),
        };
        return;
    }
    if let Some(mut t) = insn.target_mut() {
        match label {
            Some(l) => t.set_label(l),
            None => {
                t.set_offset(0);
            }
        }
    }
}

/// Handles a directive the grammar passes on: `.extern NAME, ...` adds to `externs`;
/// directives compilers emit around code are ignored; any other is an error unless
/// `others` (the object format handles `.section`, `.map`, `.license` itself).
pub(crate) fn directive(
    name: &str,
    args: &[Token<'_>],
    others: bool,
    externs: &mut Vec<String>,
) -> Result<(), String> {
    match name {
        "extern" => {
            let mut any = false;
            for (i, t) in args.iter().enumerate() {
                match (i % 2, t.kind) {
                    (0, crate::syntax::token::TokenKind::Ident(n)) => {
                        externs.push(n.to_owned());
                        any = true;
                    }
                    (1, crate::syntax::token::TokenKind::Punct(',')) => {}
                    _ => {
                        return Err(format!(
                            "`.extern` takes names separated by commas, found {}",
                            crate::syntax::parse::describe(t)
                        ))
                    }
                }
            }
            if any {
                Ok(())
            } else {
                Err("`.extern` needs the name of a subprogram defined in another fragment".into())
            }
        }
        // What compilers emit around code (`clang -S`) and says nothing about it.
        _ if IGNORED_DIRECTIVES.contains(&name) => Ok(()),
        _ if others => Ok(()),
        _ => Err(format!(
            "unknown directive `.{name}`: the assembler reads instructions, labels, `.8byte`, \
             `.extern` and `.globl` (for `.section`, `.map` and `.license` use the object format: \
             parse_object, bpfasm load)"
        )),
    }
}
