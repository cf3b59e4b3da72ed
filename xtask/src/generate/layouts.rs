//! The loader's tables: bpf() command numbers and the offsets and sizes of the fields of
//! `union bpf_attr`, `struct bpf_prog_info`, `bpf_map_info` and `bpf_btf_info`, which the
//! loader's `#[repr(C)]` structs are checked against at compile time.

use std::fmt::Write as _;

use crate::snapshot::{Layout, Snapshot};

/// `mod.rs` of the loader's generated folder.
pub fn module() -> String {
    "//! Kernel tables for the loader's `sys` module, generated from the kernel's BTF by\n\
     //! `cargo run -p xtask -- gen-tables` (see xtask/README.md).\n\n\
     pub(crate) mod bpf_cmd;\n\
     pub(crate) mod layouts;\n"
        .to_owned()
}

/// `bpf_cmd.rs`: one constant per `enum bpf_cmd` enumerator (aliases included).
pub fn commands(snap: &Snapshot) -> Result<String, String> {
    let e = snap.enum_named("bpf_cmd")?;
    let mut out = String::from(
        "//! `enum bpf_cmd`: the bpf() command numbers.\n\n\
         #![allow(dead_code)]\n\n",
    );
    for (name, value) in &e.values {
        if name.starts_with("__") {
            continue;
        }
        let _ = writeln!(out, "pub(crate) const {name}: u32 = {value};");
    }
    Ok(out)
}

/// `layouts.rs`: a module per layout (and per member group of `union bpf_attr`) with a
/// `Field` or `BitField` constant per field.
pub fn layouts(snap: &Snapshot) -> Result<String, String> {
    let mut out = String::from(
        "//! Where the kernel puts the fields of the structs the loader fills or reads: byte\n\
         //! offset and size per field, checked against the loader's structs at compile time.\n\n\
         #![allow(dead_code)]\n\n\
         /// A field's byte offset and size.\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq)]\n\
         pub(crate) struct Field {\n    \
             pub(crate) offset: usize,\n    \
             pub(crate) size: usize,\n\
         }\n\n\
         /// A bit field's bit offset and width.\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq)]\n\
         pub(crate) struct BitField {\n    \
             pub(crate) bit_offset: usize,\n    \
             pub(crate) width: usize,\n\
         }\n\n\
         const fn at(offset: usize, size: usize) -> Field {\n    \
             Field { offset, size }\n\
         }\n\n\
         const fn bits(bit_offset: usize, width: usize) -> BitField {\n    \
             BitField { bit_offset, width }\n\
         }\n",
    );
    for l in &snap.layouts {
        layout(&mut out, l)?;
    }
    Ok(out)
}

/// One layout's module; a union's fields go into one submodule per member group.
fn layout(out: &mut String, l: &Layout) -> Result<(), String> {
    let _ = write!(
        out,
        "\n/// `{kind} {name}`.\npub(crate) mod {name} {{\n    use super::*;\n\n    \
         /// The size in bytes.\n    pub(crate) const SIZE: usize = {size};\n",
        kind = l.kind,
        name = l.name,
        size = l.size
    );
    let mut groups: Vec<(&str, Vec<(&str, String)>)> = Vec::new();
    for f in &l.fields {
        let (group, path) = f.path.split_once('/').unwrap_or(("", &f.path));
        let value = if f.bits {
            format!("BitField = bits({}, {})", f.offset, f.size)
        } else {
            format!("Field = at({}, {})", f.offset, f.size)
        };
        match groups.last_mut() {
            Some((g, fields)) if *g == group => fields.push((path, value)),
            _ => groups.push((group, vec![(path, value)])),
        }
    }
    for (group, fields) in &groups {
        let indent = if group.is_empty() { "    " } else { "        " };
        if !group.is_empty() {
            if groups.iter().filter(|(g, _)| g == group).count() > 1 {
                return Err(format!("`{}` has two member groups `{group}`", l.name));
            }
            let _ = write!(
                out,
                "\n    /// The `{group}` member (named after its first field when anonymous).\n    \
                 pub(crate) mod {group} {{\n        use super::*;\n\n"
            );
        } else {
            out.push('\n');
        }
        let mut seen: Vec<String> = Vec::new();
        for (path, value) in fields {
            let name = path.replace('.', "_").to_ascii_uppercase();
            if seen.contains(&name) {
                return Err(format!("`{}` has two fields named `{name}`", l.name));
            }
            let _ = writeln!(out, "{indent}pub(crate) const {name}: {value};");
            seen.push(name);
        }
        if !group.is_empty() {
            out.push_str("    }\n");
        }
    }
    out.push_str("}\n");
    Ok(())
}
