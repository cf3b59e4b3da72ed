//! The Editor: rewrites a program's symbol references (maps, constants) and links
//! fragments, the heir of cilium/ebpf's `Edit(&insns).RewriteMap(...)`.
//!
//! ```
//! use std::os::fd::AsRawFd;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut prog = ebpf_asm_core::assemble("r1 = counters ll\nr0 = 0\nexit")?;
//! // A map's fd in real life (`ebpf_loader::Map` is `AsFd`); any open file shows the edit.
//! let map = std::fs::File::open("/dev/null")?;
//! let mut ed = prog.editor();
//! assert_eq!(ed.references()[0].name.as_str(), "counters");
//! ed.rewrite_map("counters", &map)?;
//! ed.finish()?;
//! let fd = map.as_raw_fd();
//! assert_eq!(prog.insns()[0].to_string(), format!("ld_pseudo r1, 1, {fd}"));
//! # Ok(())
//! # }
//! ```

use std::collections::HashSet;
use std::fmt;
use std::os::fd::{AsFd, AsRawFd};

use crate::model::insn::*;
use crate::model::target::*;
use crate::program::program::{Program, ProgramError};
use crate::program::source_map::{SourceLoc, SourceMap};

/// What kind of name a reference is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum RefKind {
    /// `rN = name ll`: a map or constant, rewritten by the Editor.
    Symbol,
    /// `call name` / `rN = name ll` to a subprogram of another fragment, resolved by linking.
    Call,
}

/// One unresolved name in a program.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Reference {
    /// Index of the instruction.
    pub index: usize,
    /// The name.
    pub name: Label,
    /// Symbol or call.
    pub kind: RefKind,
    /// Where the instruction was written, when known.
    pub location: Option<SourceLoc>,
}

/// Why an edit or a link failed.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum EditError {
    /// No instruction refers to this name.
    NoSuchReference {
        /// The name asked for.
        name: String,
        /// The names the program does refer to.
        known: Vec<String>,
    },
    /// A reference was left unresolved.
    Unresolved {
        /// The name.
        name: Label,
        /// Symbol or call.
        kind: RefKind,
        /// Where the instruction that uses it was written.
        location: Option<SourceLoc>,
    },
    /// Two linked fragments define the same label.
    DuplicateLabel {
        /// The label.
        name: Label,
    },
    /// The linked program is not valid (e.g. a jump became too long).
    Program(Vec<ProgramError>),
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::NoSuchReference { name, known } if known.is_empty() => {
                write!(
                    f,
                    "the program has no reference to `{name}` (it has no references at all)"
                )
            }
            EditError::NoSuchReference { name, known } => write!(
                f,
                "the program has no reference to `{name}`; it refers to: {}",
                known.join(", ")
            ),
            EditError::Unresolved {
                name,
                kind,
                location,
            } => {
                if let Some(l) = location {
                    write!(f, "{l}: ")?;
                }
                match kind {
                    RefKind::Symbol => write!(
                        f,
                        "unresolved reference to `{name}`: rewrite it to a map or constant \
                         (Editor::rewrite_map, rewrite_map_value, rewrite_constant)"
                    ),
                    RefKind::Call => write!(
                        f,
                        "unresolved call to `{name}`: link the fragment that defines it \
                         (Program::link)"
                    ),
                }
            }
            EditError::DuplicateLabel { name } => {
                write!(
                    f,
                    "label `{name}` is defined in more than one linked fragment"
                )
            }
            EditError::Program(es) => {
                for (i, e) in es.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    e.fmt(f)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for EditError {}

/// Rewrites the symbol references of one program in place.
pub struct Editor<'p> {
    program: &'p mut Program,
}

impl Program {
    /// An editor for this program's references.
    pub fn editor(&mut self) -> Editor<'_> {
        Editor { program: self }
    }

    /// Concatenates this program with `fragments` (subprograms), resolving calls across
    /// them. Labels must be unique across all fragments.
    pub fn link(&self, fragments: &[&Program]) -> Result<Program, EditError> {
        let mut insns = Vec::new();
        let mut labels = Vec::new();
        let mut map = SourceMap::new();
        let mut seen = HashSet::new();
        let mut globals = Vec::new();
        for p in std::iter::once(self).chain(fragments.iter().copied()) {
            globals.extend(p.globals().iter().cloned());
            let base = insns.len();
            for (i, l) in p.labels() {
                if !seen.insert(l.clone()) {
                    return Err(EditError::DuplicateLabel { name: l.clone() });
                }
                labels.push((l.clone(), base + i));
            }
            insns.extend_from_slice(p.insns());
            map.extend(p.source_map());
        }
        let linked = Program::with_locations(insns, labels, map)
            .map_err(EditError::Program)?
            .with_globals(globals);
        if let Some((index, name)) = linked.external_calls().next() {
            return Err(EditError::Unresolved {
                name: name.clone(),
                kind: RefKind::Call,
                location: linked.location(index),
            });
        }
        Ok(linked)
    }
}

impl Program {
    /// Every unresolved name: symbol references and external calls, in program order.
    pub fn unresolved(&self) -> Vec<Reference> {
        let p = self;
        let mut out: Vec<Reference> = p
            .references()
            .map(|(index, name)| Reference {
                index,
                name: name.clone(),
                kind: RefKind::Symbol,
                location: p.location(index),
            })
            .chain(p.external_calls().map(|(index, name)| Reference {
                index,
                name: name.clone(),
                kind: RefKind::Call,
                location: p.location(index),
            }))
            .collect();
        out.sort_by_key(|r| r.index);
        out
    }

    /// Succeeds when no reference is left (the program is ready to load); otherwise names
    /// the first one and where it was written.
    pub fn check_resolved(&self) -> Result<(), EditError> {
        match self.unresolved().into_iter().next() {
            None => Ok(()),
            Some(r) => Err(EditError::Unresolved {
                name: r.name,
                kind: r.kind,
                location: r.location,
            }),
        }
    }
}

impl Editor<'_> {
    /// Every unresolved name: symbol references and external calls, in program order.
    pub fn references(&self) -> Vec<Reference> {
        self.program.unresolved()
    }

    fn rewrite(&mut self, name: &str, to: Imm64) -> Result<usize, EditError> {
        let mut n = 0;
        self.program.rewrite_symbols(|l| {
            if l.as_str() == name {
                n += 1;
                Some(to.clone())
            } else {
                None
            }
        });
        if n == 0 {
            let mut known: Vec<String> = self
                .program
                .references()
                .map(|(_, l)| l.to_string())
                .collect();
            known.dedup();
            return Err(EditError::NoSuchReference {
                name: name.to_owned(),
                known,
            });
        }
        Ok(n)
    }

    /// Points every `rN = name ll` at `map` (`BPF_PSEUDO_MAP_FD` with its fd); returns how
    /// many instructions changed. The instruction holds the fd's number, so keep the map
    /// open until the program is loaded.
    pub fn rewrite_map(&mut self, name: &str, map: &impl AsFd) -> Result<usize, EditError> {
        let fd = map.as_fd().as_raw_fd();
        self.rewrite(name, Imm64::MapFd(fd))
    }

    /// Points every `rN = name ll` at the address of `map`'s value plus `offset`
    /// (`BPF_PSEUDO_MAP_VALUE`); keep the map open until the program is loaded.
    pub fn rewrite_map_value(
        &mut self,
        name: &str,
        map: &impl AsFd,
        offset: i32,
    ) -> Result<usize, EditError> {
        let fd = map.as_fd().as_raw_fd();
        self.rewrite(name, Imm64::MapValue { fd, offset })
    }

    /// Replaces every `rN = name ll` by the constant `value`.
    pub fn rewrite_constant(&mut self, name: &str, value: i64) -> Result<usize, EditError> {
        self.rewrite(name, Imm64::Const(value))
    }

    /// Succeeds when no reference is left; otherwise names the first one and where it
    /// was written.
    pub fn finish(&self) -> Result<(), EditError> {
        self.program.check_resolved()
    }
}
