//! Collects parser events into a [`Program`]: labels, source locations, symbol and label
//! resolution. Shared by the text assembler and the compile-time macro.

use std::collections::HashMap;
use std::sync::Arc;

use crate::insn::*;
use crate::parse::{Event, Fixup, ParseError};
use crate::program::{Program, ProgramError, SourceLoc};
use crate::token::Token;

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
    file: Arc<str>,
    insns: Vec<Insn>,
    labels: Vec<(Label, usize)>,
    defined: HashMap<&'a str, Token<'a>>,
    locations: Vec<Option<SourceLoc>>,
    /// Per instruction: the token of its label target and whether it is a call.
    label_tokens: Vec<Option<(Token<'a>, bool)>>,
    /// The first token of each instruction.
    starts: Vec<Token<'a>>,
    fixups: Vec<InsnFixup>,
    directives: bool,
}

impl<'a> Builder<'a> {
    /// A builder whose source locations name `file`. With `directives` false, any directive
    /// other than `.8byte` is an error (the plain assembler reads instructions only).
    pub fn new(file: Arc<str>, directives: bool) -> Builder<'a> {
        Builder {
            file,
            insns: Vec::new(),
            labels: Vec::new(),
            defined: HashMap::new(),
            locations: Vec::new(),
            label_tokens: Vec::new(),
            starts: Vec::new(),
            fixups: Vec::new(),
            directives,
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
                self.locations.push(Some(SourceLoc {
                    file: self.file.clone(),
                    line: at.line,
                    column: at.column,
                }));
                let is_call = matches!(insn_ref_kind(&self.insns[index]), RefKind::Call);
                self.label_tokens.push(label_at.map(|t| (t, is_call)));
                self.starts.push(at);
                Ok(())
            }
            Event::Directive { name, .. } => {
                if self.directives {
                    Ok(())
                } else {
                    Err(format!(
                        "unknown directive `.{name}`: the assembler reads instructions, labels and `.8byte`"
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
        let starts = std::mem::take(&mut self.starts);
        let label_tokens = std::mem::take(&mut self.label_tokens);
        let insns = std::mem::take(&mut self.insns);
        match Program::with_locations(insns, self.labels, self.locations) {
            Ok(p) => Ok((p, self.fixups)),
            Err(errs) => Err(errs
                .into_iter()
                .map(|e| {
                    let (tok, message) = match &e {
                        ProgramError::UndefinedLabel { insn, label } => {
                            let (tok, is_call) = label_tokens[*insn].unwrap_or((starts[*insn], false));
                            let msg = match is_call {
                                true => format!(
                                    "`{label}` is neither a helper (bpf_...) nor a label of this program"
                                ),
                                false => format!("undefined label `{label}`"),
                            };
                            (tok, msg)
                        }
                        ProgramError::JumpTooFar { insn, .. } => {
                            (label_tokens[*insn].map_or(starts[*insn], |t| t.0), e.to_string())
                        }
                        _ => (starts.first().copied().unwrap_or(Token {
                            kind: crate::token::TokenKind::End,
                            line: 1,
                            column: 1,
                            index: 0,
                        }), e.to_string()),
                    };
                    ParseError {
                        line: tok.line,
                        column: tok.column,
                        index: tok.index,
                        message,
                    }
                })
                .collect()),
        }
    }
}

enum RefKind {
    Call,
    Other,
}

fn insn_ref_kind(insn: &Insn) -> RefKind {
    match insn {
        Insn::Call(_) => RefKind::Call,
        _ => RefKind::Other,
    }
}
