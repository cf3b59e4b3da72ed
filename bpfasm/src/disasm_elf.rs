//! `bpfasm disasm FILE.o`: a clang BPF object printed in the object text format
//! (docs/asm-format.md) — `.license`, one `.map` per map, and one `.section` per program
//! with its name as the first label, jump targets as `L<slot>` labels, map references
//! as `rN = NAME ll`, helpers by name and the `.text` subprograms it calls (copied in,
//! as the loader links them) — so that `bpfasm load` of the printout loads the same
//! programs.
//!
//! What the text format cannot say is printed as a `// bpfasm disasm:` comment at the
//! top and, when loading the printout would differ from loading the object (pinning,
//! initial slots of prog arrays and maps of maps), reported on standard error with exit
//! status 1: the printout is then a listing to read, not a replacement.

use std::fmt::Write as _;
use std::io::{self, Write};

use ebpf_asm_core::PrintOptions;
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
    for m in spec.maps() {
        map_lines(spec, m, &mut body, &mut head, &mut problems);
    }
    for p in spec.programs() {
        let section = p
            .section
            .as_deref()
            .ok_or_else(|| format!("program `{}` has no section", p.name))?;
        let _ = writeln!(body, "\n.section {}", section_text(section));
        let _ = writeln!(body, "{}:", p.name);
        let program = p.program.with_synthesized_labels();
        let text = program
            .display_with(PrintOptions::LLVM.helper_names(true))
            .to_string();
        body.push_str(&text);
    }
    head.push_str(&body);
    Ok((head, problems))
}

/// The `.map` line of `m`, with the comments and problems of what it cannot say.
fn map_lines(
    spec: &CollectionSpec,
    m: &CollectionMap,
    body: &mut String,
    head: &mut String,
    problems: &mut Vec<String>,
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
        let _ = write!(extra, " inner={inner}");
    } else if let Some(shape) = &m.inner_spec {
        // The text format names inner maps: declare the shape as a map of its own, under
        // a name no map of the object has.
        let mut inner = format!("{}_inner", m.name);
        while spec.maps().iter().any(|x| x.name == inner) {
            inner.push('_');
        }
        let _ = writeln!(
            body,
            ".map {inner} {} key={} value={} entries={}{}",
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
        let _ = write!(extra, " inner={inner}");
    }
    let _ = writeln!(
        body,
        ".map {} {} key={} value={} entries={}{extra}",
        m.name,
        s.map_type.name(),
        s.key_size,
        s.value_size,
        s.max_entries
    );
    if m.pinning == Pinning::ByName {
        let msg = format!(
            "map `{}` is pinned by name (LIBBPF_PIN_BY_NAME), which `.map` cannot say yet: \
             loading this printout does not pin it",
            m.name
        );
        let _ = writeln!(head, "// bpfasm disasm: {msg}");
        problems.push(msg);
    }
    if !m.slots.is_empty() {
        let slots: Vec<String> = m
            .slots
            .iter()
            .map(|(i, s)| match s {
                MapSlot::Program(n) => format!("[{i}] = program {n}"),
                MapSlot::Map(n) => format!("[{i}] = map {n}"),
            })
            .collect();
        let msg = format!(
            "map `{}` has initial values ({}), which `.map` cannot say yet: loading this \
             printout leaves them empty",
            m.name,
            slots.join(", ")
        );
        let _ = writeln!(head, "// bpfasm disasm: {msg}");
        problems.push(msg);
    }
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
