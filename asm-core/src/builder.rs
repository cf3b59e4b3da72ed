//! Collects parser events into a [`Program`]: labels, source locations, symbol and label
//! resolution. Shared by the text assembler and the compile-time macro.

use std::collections::HashMap;
use std::sync::Arc;

use crate::insn::*;
use crate::parse::{Event, Fixup, ParseError};
use crate::program::{Program, ProgramError};
use crate::source_map::SourceMap;
use crate::token::Token;

/// Directives llvm-mc accepts that change nothing in a single program's instructions.
pub const IGNORED_DIRECTIVES: [&str; 14] = [
    "text",
    "globl",
    "global",
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
    directives: bool,
    /// Names declared with `.extern`: calls to them may stay unresolved.
    externs: Vec<String>,
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
            defined: HashMap::new(),
            locations,
            file_id,
            label_tokens: Vec::new(),
            fixups: Vec::new(),
            directives,
            externs: Vec::new(),
        }
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
            Event::Label { name, at } => {
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
                label_at,
            } => {
                let index = self.insns.len();
                self.fixups.extend(fixups.iter().map(|f| InsnFixup {
                    insn: index,
                    fixup: *f,
                }));
                self.insns.push(insn);
                self.locations.push_at(self.file_id, at.line, at.column);
                if let Some(t) = label_at {
                    let is_call = matches!(self.insns[index], Insn::Call(_));
                    self.label_tokens.push((index, t, is_call));
                }
                Ok(())
            }
            Event::Directive {
                name: "extern",
                args,
                ..
            } => {
                let mut any = false;
                for (i, t) in args.iter().enumerate() {
                    match (i % 2, t.kind) {
                        (0, crate::token::TokenKind::Ident(n)) => {
                            self.externs.push(n.to_owned());
                            any = true;
                        }
                        (1, crate::token::TokenKind::Punct(',')) => {}
                        _ => {
                            return Err(format!(
                                "`.extern` takes names separated by commas, found {}",
                                crate::parse::describe(t)
                            ))
                        }
                    }
                }
                if any {
                    Ok(())
                } else {
                    Err(
                        "`.extern` needs the name of a subprogram defined in another fragment"
                            .into(),
                    )
                }
            }
            // What compilers emit around code (`clang -S`) and says nothing about it.
            Event::Directive { name, .. } if IGNORED_DIRECTIVES.contains(&name) => Ok(()),
            Event::Directive { name, .. } => {
                if self.directives {
                    Ok(())
                } else {
                    Err(format!(
                        "unknown directive `.{name}`: the assembler reads instructions, labels, `.8byte` and \
                         `.extern` (for `.section`, `.map` and `.license` use the object format: \
                         parse_object, bpfasm load)"
                    ))
                }
            }
        }
    }

    /// Resolves labels and symbols and forms the program; errors carry the positions of
    /// the offending tokens.
    pub fn finish(mut self) -> Result<(Program, Vec<InsnFixup>), Vec<ParseError>> {
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
        // A call to a label nobody defines is a typo unless declared `.extern`.
        let mut call_errors: Vec<ParseError> = Vec::new();
        for &(index, tok, is_call) in &label_tokens {
            if let (true, Insn::Call(Call::Local(Target::Label(l)))) = (is_call, &self.insns[index])
            {
                if !self.defined.contains_key(l.as_str())
                    && !self.externs.iter().any(|e| e == l.as_str())
                {
                    call_errors.push(ParseError {
                        line: tok.line,
                        column: tok.column,
                        index: tok.index,
                        message: format!(
                            "`{l}` is neither a helper (bpf_...) nor a label of this program \
                             (declare a subprogram of another fragment with `.extern {l}`)"
                        ),
                    });
                }
            }
        }

        // Label errors always have a label token; the fallback is for completeness only.
        let at_insn = |_: usize| Token {
            kind: crate::token::TokenKind::End,
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
        let result = match Program::with_locations(insns, self.labels, self.locations) {
            Ok(p) if call_errors.is_empty() => return Ok((p, self.fixups)),
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
        call_errors.extend(result);
        call_errors.sort_by_key(|e| (e.line, e.column));
        Err(call_errors)
    }
}
