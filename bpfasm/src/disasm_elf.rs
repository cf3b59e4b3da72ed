//! `bpfasm disasm FILE.o`: a clang BPF object printed in the object text format
//! (docs/asm-format.md) — `.license`, one `.map` per map (`pin=name` when pinned by
//! name), `.slot` for the initial values of prog arrays and maps of maps, `.value` for
//! the contents of global data (`frozen` for `.rodata`), and one `.section` per program
//! with its name as the first label, jump targets as `L<slot>` labels, map references as
//! `rN = NAME ll` (global data: `rN = NAME_value_OFF ll`), helpers by name and the
//! `.text` subprograms it calls (copied in, as the loader links them) — so that
//! `bpfasm load` of the printout loads the same programs with the same maps.
//!
//! What the text format does not carry (the object's BTF, variable names) is printed as
//! a `// bpfasm disasm:` comment at the top. What it cannot say in a way that loads the
//! same (a name holding `"`, `\` or a line break) is also reported on standard error with
//! exit status 1: the printout is then a listing to read, not a replacement.

use std::fmt::Write as _;
use std::io::{self, Write};

use ebpf_asm_core::{is_writable_name, name_text, PrintOptions};
use ebpf_loader::{CollectionMap, CollectionSpec, MapSlot, Pinning};

use crate::Status;

/// Prints the object `bytes` (named `name` in messages) as object text.
pub fn run(
    name: &str,
    bytes: &[u8],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Status> {
    let spec = match CollectionSpec::from_elf(bytes) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "{name}: error: {}", e.with_causes());
            return Ok(Status::InputErrors);
        }
    };
    let (text, problems) = match print(&spec, name) {
        Ok(r) => r,
        Err(why) => {
            let _ = writeln!(err, "{name}: error: {why}");
            return Ok(Status::InputErrors);
        }
    };
    out.write_all(text.as_bytes())?;
    for p in &problems {
        let _ = writeln!(err, "{name}: error: {p}");
    }
    Ok(match problems.is_empty() {
        true => Status::Success,
        false => Status::InputErrors,
    })
}

/// The object text of `spec`, and what it cannot express that changes what loading it
/// does. An `Err` is something that cannot be printed at all.
pub fn print(spec: &CollectionSpec, name: &str) -> Result<(String, Vec<String>), String> {
    let mut head = format!("// {name}, disassembled by bpfasm disasm: `bpfasm load` reads it\n");
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
    let mut names = Names::default();
    for m in spec.maps() {
        map_lines(spec, m, &mut body, &mut head, &mut names);
    }
    data_lines(spec, &mut body, &mut head, &mut names);
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
        let _ = writeln!(body, "{}:", p.name);
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
    head.push_str(&body);
    Ok((head, problems))
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
/// contents in hex, 8 bytes a group, and `frozen` for the read-only ones; the variables
/// (which object text does not name) as a comment.
fn data_lines(spec: &CollectionSpec, body: &mut String, head: &mut String, names: &mut Names) {
    for d in spec.data_sections() {
        let groups: Vec<String> = d
            .contents
            .chunks(8)
            .map(|c| c.iter().map(|b| format!("{b:02x}")).collect())
            .collect();
        let frozen = if d.read_only { " frozen" } else { "" };
        let _ = writeln!(
            body,
            ".value {} \"{}\"{frozen}",
            names.text(&d.map),
            groups.join(" ")
        );
        if !d.variables.is_empty() {
            let vars: Vec<String> = d
                .variables
                .iter()
                .map(|v| format!("{} at {} ({} bytes)", v.name, v.offset, v.size))
                .collect();
            let _ = writeln!(
                head,
                "// bpfasm disasm: `{}` holds {}; object text does not name variables, so \
                 set_constant/set_variable do not find them in this printout",
                d.map,
                vars.join(", ")
            );
        }
    }
}

/// The `.map` line of `m`, with a comment for an inner map declared to give its shape.
fn map_lines(
    spec: &CollectionSpec,
    m: &CollectionMap,
    body: &mut String,
    head: &mut String,
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
        let _ = writeln!(
            head,
            "// bpfasm disasm: map `{}`'s inner definition is declared as map `{inner}` \
             (created too when this file is loaded)",
            m.name
        );
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
