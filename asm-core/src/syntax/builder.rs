//! Collects parser events into a [`Program`]: labels, source locations, symbol and label
//! resolution. Shared by the text assembler and the compile-time macro.

use std::sync::Arc;

use crate::model::core_relo::CoreRelo;
use crate::model::insn::*;
use crate::model::target::*;
use crate::program::program::{Program, ProgramError};
use crate::program::source_map::SourceMap;
use crate::syntax::errors::Errors;
use crate::syntax::local_labels::{is_numeric, no_definition_after, LocalLabels};
use crate::syntax::parse::{Event, Fixup, ParseError};
use crate::syntax::token::{Token, TokenKind};
use crate::util::hash::HashMap;

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

/// Builds a [`Program`] from [`Event`]s.
pub struct Builder<'a> {
    insns: Vec<Insn>,
    labels: Vec<(Label, usize)>,
    defined: HashMap<&'a str, Token<'a>>,
    locations: SourceMap,
    file_id: u32,
    /// Instructions with a label target, in order: (index, the label's token, is a call).
    label_tokens: Vec<(usize, Token<'a>, bool)>,
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
            labels: Vec::new(),
            defined: HashMap::default(),
            locations,
            file_id,
            label_tokens: Vec::new(),
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
        if next.defined.keys().any(|k| self.defined.contains_key(k)) {
            return Err(());
        }
        let base = self.insns.len();
        self.defined.extend(next.defined);
        self.labels
            .extend(next.labels.into_iter().map(|(l, i)| (l, i + base)));
        self.label_tokens.extend(
            next.label_tokens
                .into_iter()
                .map(|(i, t, call)| (i + base, t, call)),
        );
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
                if is_numeric(name) {
                    let label = self.local.define(name)?;
                    self.labels.push((label, self.insns.len()));
                    return Ok(());
                }
                if let Some(prev) = self.defined.get(name) {
                    return Err(format!(
                        "label `{name}` is already defined at line {}, column {}",
                        prev.line, prev.column
                    ));
                }
                self.defined.insert(name, at);
                self.labels.push((Label::from(name), self.insns.len()));
                Ok(())
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
                    let is_call = matches!(self.insns[index], Insn::Call(_));
                    self.label_tokens.push((index, t, is_call));
                    if let TokenKind::Number(_) = t.kind {
                        self.local_reference();
                    }
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

    /// Points the label of the latest instruction with a label token, whose token is the
    /// numeric label reference (`1b`, `1f`), at the definition it means; an error at the
    /// token when there is none before it.
    #[cold]
    #[inline(never)]
    fn local_reference(&mut self) {
        let Some(&(index, tok, _)) = self.label_tokens.last() else {
            return;
        };
        let TokenKind::Number(text) = tok.kind else {
            return;
        };
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
            let found = self.label_tokens.binary_search_by_key(&insn, |e| e.0);
            if let Ok(i) = found {
                let t = self.label_tokens[i].1;
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
        let local_errors = self.local_label_errors();
        // `rN = name ll` naming a label of this program is a function address (as libbpf
        // reads a relocation against a text symbol); other names stay symbol references.
        for insn in &mut self.insns {
            if let Insn::LdImm64 {
                imm: imm @ Imm64::Symbol(_),
                ..
            } = insn
            {
                if let Imm64::Symbol(l) = imm {
                    if self.defined.contains_key(l.as_str()) || self.local.defines(l.as_str()) {
                        *imm = Imm64::Func(Target::Label(l.clone()));
                    }
                }
            }
        }
        let label_tokens = std::mem::take(&mut self.label_tokens);
        let call_errors = local_errors;
        // A call to a name that is neither a helper, nor a label, nor declared `.extern`
        // calls a kernel function (kfunc), looked up by name in the kernel's BTF at load
        // time.
        for &(index, _, is_call) in &label_tokens {
            if let (true, Insn::Call(call @ Call::Local(Target::Label(_)))) =
                (is_call, &mut self.insns[index])
            {
                if let Call::Local(Target::Label(l)) = &*call {
                    if !self.defined.contains_key(l.as_str())
                        && !self.local.defines(l.as_str())
                        && !self.externs.iter().any(|e| e == l.as_str())
                    {
                        *call = Call::KfuncName(l.clone());
                    }
                }
            }
        }
        // Label errors always have a label token; the fallback is for completeness only.
        let at_insn = |_: usize| Token {
            kind: crate::syntax::token::TokenKind::End,
            line: 1,
            column: 1,
            index: 0,
        };
        // `label_tokens` is in instruction order: one entry per instruction at most.
        let label_token = |insn: usize| {
            label_tokens
                .binary_search_by_key(&insn, |e| e.0)
                .ok()
                .map(|i| (label_tokens[i].1, label_tokens[i].2))
        };
        let insns = std::mem::take(&mut self.insns);
        let globals = std::mem::take(&mut self.globals);
        let result = match Program::with_locations(insns, self.labels, self.locations) {
            Ok(p) if call_errors.is_empty() => {
                let p = p.with_globals(globals).with_core_relos(self.core);
                return Ok((p, self.fixups));
            }
            Ok(_) => Vec::new(),
            Err(errs) => errs
                .into_iter()
                .map(|e| {
                    let (tok, message) = match &e {
                        ProgramError::UndefinedLabel { insn, label } => {
                            let (tok, is_call) =
                                label_token(*insn).unwrap_or((at_insn(*insn), false));
                            let msg = match is_call {
                                true => format!(
                                    "`{label}` is neither a helper (bpf_...) nor a label of this program"
                                ),
                                false => format!("undefined label `{label}`"),
                            };
                            (tok, msg)
                        }
                        ProgramError::JumpTooFar { insn, .. } => {
                            (label_token(*insn).map_or(at_insn(*insn), |t| t.0), e.to_string())
                        }
                        _ => (at_insn(0), e.to_string()),
                    };
                    ParseError {
                        line: tok.line,
                        column: tok.column,
                        index: tok.index,
                        message,
                    }
                })
                .collect::<Vec<_>>(),
        };
        let mut errors = call_errors;
        errors.extend(result);
        Err(errors)
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
