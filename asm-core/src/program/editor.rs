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

use crate::model::core_relo::{CoreRelo, FixField};
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
    /// `call name` of a kernel function (kfunc), resolved at load time from kernel BTF.
    Kfunc,
    /// A CO-RE expression (`offsetof(task_struct, tgid)`), resolved at load time from
    /// kernel BTF; the name is the expression as written.
    Core,
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
    /// A CO-RE value does not fit the field it goes into.
    CoreValueRange {
        /// The expression.
        expr: String,
        /// Its value.
        value: i64,
        /// Where it was written.
        location: Option<SourceLoc>,
    },
    /// [`Editor::rewrite_core`] got a different number of values than there are relocations.
    CoreValueCount {
        /// Relocations in the program.
        relos: usize,
        /// Values given.
        values: usize,
    },
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
                    RefKind::Kfunc => write!(
                        f,
                        "unresolved kernel function `{name}`: load the program with \
                         ebpf_loader (ProgramSpec::from_program looks it up in the kernel's \
                         BTF), or set its id with Editor::rewrite_kfunc"
                    ),
                    RefKind::Core => write!(
                        f,
                        "unresolved CO-RE expression `{name}`: load the program with \
                         ebpf_loader (ProgramSpec::from_program resolves it against the \
                         kernel's BTF), or give its value with Editor::rewrite_core"
                    ),
                }
            }
            EditError::DuplicateLabel { name } => {
                write!(
                    f,
                    "label `{name}` is defined in more than one linked fragment"
                )
            }
            EditError::CoreValueRange {
                expr,
                value,
                location,
            } => {
                if let Some(l) = location {
                    write!(f, "{l}: ")?;
                }
                write!(
                    f,
                    "`{expr}` is {value} on this kernel, which does not fit the instruction's \
                     field (16-bit offset or 32-bit immediate): compute the address in a \
                     register instead"
                )
            }
            EditError::CoreValueCount { relos, values } => write!(
                f,
                "{values} CO-RE values given for {relos} relocations: give one per relocation, \
                 in the order of Program::core_relos"
            ),
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
    /// them. Labels must be unique across all fragments. The linked program's own types
    /// ([`Program::local_btf`]) are the first it or a fragment has: fragments are
    /// expected to come from one object.
    pub fn link(&self, fragments: &[&Program]) -> Result<Program, EditError> {
        let mut insns = Vec::new();
        let mut labels = Vec::new();
        let mut map = SourceMap::new();
        let mut seen = HashSet::new();
        let mut globals = Vec::new();
        let mut relos = Vec::new();
        for p in std::iter::once(self).chain(fragments.iter().copied()) {
            globals.extend(p.globals().iter().cloned());
            let base = insns.len();
            for (i, l) in p.labels() {
                if !seen.insert(l.clone()) {
                    return Err(EditError::DuplicateLabel { name: l.clone() });
                }
                labels.push((l.clone(), base + i));
            }
            relos.extend(p.core_relos().iter().map(|r| CoreRelo {
                insn: r.insn + base,
                ..r.clone()
            }));
            insns.extend_from_slice(p.insns());
            map.extend(p.source_map());
        }
        let mut linked = Program::with_locations(insns, labels, map)
            .map_err(EditError::Program)?
            .with_globals(globals)
            .with_core_relos(relos);
        let own = std::iter::once(self).chain(fragments.iter().copied());
        if let Some(btf) = own.filter_map(Program::local_btf).next() {
            linked = linked.with_local_btf(btf.clone());
        }
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
            .chain(p.kfunc_calls().map(|(index, name)| Reference {
                index,
                name: name.clone(),
                kind: RefKind::Kfunc,
                location: p.location(index),
            }))
            .chain(p.core_relos().iter().map(|r| Reference {
                index: r.insn,
                name: Label::from(r.expr.to_string()),
                kind: RefKind::Core,
                location: p.location(r.insn),
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

    /// Points every `call name` of a kernel function at the kfunc with BTF id `btf_id`
    /// (`module`: the fd_array index of its module's BTF, 0 for vmlinux); returns how many
    /// calls changed.
    pub fn rewrite_kfunc(
        &mut self,
        name: &str,
        btf_id: i32,
        module: i16,
    ) -> Result<usize, EditError> {
        let n = self
            .program
            .rewrite_kfuncs(|l| (l.as_str() == name).then_some(Call::Kfunc { btf_id, module }));
        if n == 0 {
            let mut known: Vec<String> = self
                .program
                .kfunc_calls()
                .map(|(_, l)| l.to_string())
                .collect();
            known.sort();
            known.dedup();
            return Err(EditError::NoSuchReference {
                name: name.to_owned(),
                known,
            });
        }
        Ok(n)
    }

    /// Fills the field of every CO-RE relocation with its value (`values[i]` for
    /// `core_relos()[i]`) and removes the relocations. A value that does not fit its field
    /// is an error naming the expression and where it was written; nothing changes then.
    pub fn rewrite_core(&mut self, values: &[i64]) -> Result<(), EditError> {
        let relos = self.program.core_relos();
        if relos.len() != values.len() {
            return Err(EditError::CoreValueCount {
                relos: relos.len(),
                values: values.len(),
            });
        }
        for (r, &v) in relos.iter().zip(values) {
            let fits = match r.field {
                FixField::Off => i16::try_from(v).is_ok(),
                FixField::Imm => i32::try_from(v).is_ok(),
                FixField::Imm64 => true,
            };
            if !fits {
                return Err(EditError::CoreValueRange {
                    expr: r.expr.to_string(),
                    value: v,
                    location: self.program.location(r.insn),
                });
            }
        }
        for (r, &v) in self.program.take_core_relos().iter().zip(values) {
            self.program.patch(r.insn, r.field, v);
        }
        Ok(())
    }

    /// Succeeds when no reference is left; otherwise names the first one and where it
    /// was written.
    pub fn finish(&self) -> Result<(), EditError> {
        self.program.check_resolved()
    }
}
