//! Collects parser events into a [`Program`]: labels, source locations, symbol and label
//! resolution. Shared by the text assembler and the compile-time macro.

use std::sync::Arc;

use crate::model::core_relo::CoreRelo;
use crate::model::insn::*;
use crate::model::target::*;
use crate::program::program::{Program, ProgramError};
use crate::program::source_map::SourceMap;
use crate::syntax::errors::Errors;
use crate::syntax::parse::{Event, Fixup, ParseError};
use crate::syntax::token::Token;
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

    /// Resolves labels and symbols and forms the program; errors carry the positions of
    /// the offending tokens.
    pub fn finish(mut self) -> Result<(Program, Vec<InsnFixup>), Errors> {
        // `rN = name ll` naming a label of this program is a function address (as libbpf
        // reads a relocation against a text symbol); other names stay symbol references.
        for insn in &mut self.insns {
            if let Insn::LdImm64 {
                imm: imm @ Imm64::Symbol(_),
                ..
            } = insn
            {
                if let Imm64::Symbol(l) = imm {
                    if self.defined.contains_key(l.as_str()) {
                        *imm = Imm64::Func(Target::Label(l.clone()));
                    }
                }
            }
        }
        let label_tokens = std::mem::take(&mut self.label_tokens);
        // A call to a name that is neither a helper, nor a label, nor declared `.extern`
        // calls a kernel function (kfunc), looked up by name in the kernel's BTF at load
        // time.
        for &(index, _, is_call) in &label_tokens {
            if let (true, Insn::Call(call @ Call::Local(Target::Label(_)))) =
                (is_call, &mut self.insns[index])
            {
                if let Call::Local(Target::Label(l)) = &*call {
                    if !self.defined.contains_key(l.as_str())
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
            Ok(p) => {
                let p = p.with_globals(globals).with_core_relos(self.core);
                return Ok((p, self.fixups));
            }
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
        let mut errors = Errors::new();
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
