//! A collection printed as object text (docs/asm-format.md), which
//! [`CollectionSpec::from_asm`] reads back to the same maps, initial values and programs:
//! `.license`, `.map` (with `pin=name`), `.value` for global data, `.slot` for initial
//! values, and one `.section` per program with labels, `rN = NAME ll` and helper names.
//! `bpfasm disasm FILE.o` prints clang objects with it.

use std::fmt::Write as _;

use ebpf_asm_core::{is_writable_name, name_text, PrintOptions};

use super::{CollectionMap, CollectionSpec};
use crate::error::{Error, Result};
use crate::maps::{MapSlot, Pinning};

/// A collection's object text, with what it leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectText {
    /// The text: `bpfasm load` and [`CollectionSpec::from_asm`] read it.
    pub text: String,
    /// What the text says differently from the collection without changing what
    /// loading does (an inner map declared to give a map of maps its shape), one line
    /// each, for a comment.
    pub notes: Vec<String>,
    /// What the text cannot say, so that loading it would differ or fail; empty when the
    /// text loads as the collection does.
    pub problems: Vec<String>,
}

impl CollectionSpec {
    /// The collection as object text: see [`ObjectText`]. An error is a collection that
    /// cannot be printed at all (a program with no section, a license holding a quote).
    pub fn to_asm(&self) -> Result<ObjectText> {
        print(self).map_err(Error::InvalidArgument)
    }
}

/// The object text of `spec`; an `Err` is something that cannot be printed at all.
fn print(spec: &CollectionSpec) -> std::result::Result<ObjectText, String> {
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    let mut body = String::new();
    let license = spec.license();
    if license.contains(['"', '\\', '\n']) {
        return Err(format!(
            "the license {license:?} has a quote, backslash or line break, which `.license` \
             cannot hold"
        ));
    }
    let _ = writeln!(body, ".license \"{license}\"");
    if spec.kern_version() != 0 {
        let _ = writeln!(body, ".version {:#x}", spec.kern_version());
    }
    let mut names = Names::default();
    for m in spec.maps() {
        map_lines(spec, m, &mut body, &mut notes, &mut names);
    }
    data_lines(spec, &mut body, &mut names);
    for m in spec.maps() {
        for (index, slot) in &m.slots {
            let (kind, target) = match slot {
                MapSlot::Program(n) => ("program", n),
                MapSlot::Map(n) => ("map", n),
            };
            let _ = writeln!(
                body,
                ".slot {} {index} {kind} {}",
                names.text(&m.name),
                names.text(target)
            );
        }
    }
    for p in spec.programs() {
        let section = p
            .section
            .as_deref()
            .ok_or_else(|| format!("program `{}` has no section", p.name))?;
        let _ = writeln!(body, "\n.section {}", section_text(section));
        if name_text(&p.name) != p.name {
            names.unwritable.push(p.name.clone());
        }
        // A program read from text has its name as its first label already.
        if p.program.label(&p.name) != Some(0) {
            let _ = writeln!(body, "{}:", p.name);
        }
        let program = p.program.with_synthesized_labels();
        let text = program
            .display_with(PrintOptions::LLVM.helper_names(true))
            .to_string();
        body.push_str(&text);
    }
    problems.extend(names.unwritable.iter().map(|n| {
        format!(
            "the name {n:?} cannot be written in object text (a map name holds a quote, \
             backslash or line break, or a program name is not one word): loading this \
             printout fails"
        )
    }));
    Ok(ObjectText {
        text: body,
        notes,
        problems,
    })
}

/// Names as object text writes them, and those it cannot write.
#[derive(Default)]
struct Names {
    unwritable: Vec<String>,
}

impl Names {
    /// `name`, quoted when it is not one word; noted when it cannot be written at all.
    fn text(&mut self, name: &str) -> String {
        if !is_writable_name(name) && !self.unwritable.iter().any(|n| n == name) {
            self.unwritable.push(name.to_owned());
        }
        name_text(name)
    }
}

/// The `.value` line of each data section (`.data`, `.rodata`, `.bss`, ...): its
/// contents in hex, 8 bytes a group, and `frozen` for the read-only ones; then a `.var`
/// line for each of its variables.
fn data_lines(spec: &CollectionSpec, body: &mut String, names: &mut Names) {
    for d in spec.data_sections() {
        let groups: Vec<String> = d
            .contents
            .chunks(8)
            .map(|c| c.iter().map(|b| format!("{b:02x}")).collect())
            .collect();
        let frozen = if d.read_only { " frozen" } else { "" };
        let map = names.text(&d.map);
        let _ = writeln!(body, ".value {map} \"{}\"{frozen}", groups.join(" "));
        for v in &d.variables {
            let _ = write!(
                body,
                ".var {} {map} offset={} size={}",
                names.text(&v.name),
                v.offset,
                v.size
            );
            match &v.type_name {
                Some(t) if is_writable_name(t) => {
                    let _ = write!(body, " type=\"{t}\"");
                }
                _ => {}
            }
            body.push('\n');
        }
    }
}

/// The `.map` line of `m`, with a comment for an inner map declared to give its shape.
fn map_lines(
    spec: &CollectionSpec,
    m: &CollectionMap,
    body: &mut String,
    notes: &mut Vec<String>,
    names: &mut Names,
) {
    let s = &m.spec;
    let mut extra = String::new();
    if s.flags != 0 {
        let _ = write!(extra, " flags={:#x}", s.flags);
    }
    if s.map_extra != 0 {
        let _ = write!(extra, " extra={}", s.map_extra);
    }
    if let Some(inner) = &m.inner {
        let _ = write!(extra, " inner={}", names.text(inner));
    } else if let Some(shape) = &m.inner_spec {
        // The text format names inner maps: declare the shape as a map of its own, under
        // a name no map of the object has.
        let mut inner = format!("{}_inner", m.name);
        while spec.maps().iter().any(|x| x.name == inner) {
            inner.push('_');
        }
        let _ = writeln!(
            body,
            ".map {} {} key={} value={} entries={}{}",
            names.text(&inner),
            shape.map_type.name(),
            shape.key_size,
            shape.value_size,
            shape.max_entries,
            match shape.flags {
                0 => String::new(),
                f => format!(" flags={f:#x}"),
            }
        );
        notes.push(format!(
            "map `{}`'s inner definition is declared as map `{inner}` (created too when \
             this file is loaded)",
            m.name
        ));
        let _ = write!(extra, " inner={}", names.text(&inner));
    }
    if m.pinning == Pinning::ByName {
        extra.push_str(" pin=name");
    }
    let _ = writeln!(
        body,
        ".map {} {} key={} value={} entries={}{extra}",
        names.text(&m.name),
        s.map_type.name(),
        s.key_size,
        s.value_size,
        s.max_entries
    );
}

/// A section name as `.section` reads it: bare when it is made of name characters,
/// quoted otherwise.
fn section_text(section: &str) -> String {
    let bare = !section.is_empty()
        && section
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-'));
    match bare {
        true => section.to_owned(),
        false => format!("\"{section}\""),
    }
}
