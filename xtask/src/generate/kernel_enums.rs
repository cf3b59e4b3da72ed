//! `MapType`, `ProgramType` and `AttachType`: `kernel_enum!` invocations from the
//! snapshot's enums, with doc text per variant from `docs.txt`.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::camel;
use crate::snapshot::Snapshot;

/// One generated enum.
pub struct EnumSpec {
    /// The kernel enum, e.g. `bpf_map_type`.
    pub kernel: &'static str,
    /// The prefix its enumerators share, dropped from names.
    pub prefix: &'static str,
    /// The Rust enum.
    pub rust: &'static str,
    /// What a value is called in errors ("map type").
    pub kind: &'static str,
    /// The generated file.
    pub file: &'static str,
    /// The enum's doc comment.
    pub doc: &'static [&'static str],
}

/// The generated kernel enums.
pub const ENUMS: &[EnumSpec] = &[
    EnumSpec {
        kernel: "bpf_map_type",
        prefix: "BPF_MAP_TYPE_",
        rust: "MapType",
        kind: "map type",
        file: "map_type.rs",
        doc: &[
            "A map type (`enum bpf_map_type`); `name()` is the kernel name without",
            "`BPF_MAP_TYPE_`, lower case, as used by the assembly file format.",
        ],
    },
    EnumSpec {
        kernel: "bpf_prog_type",
        prefix: "BPF_PROG_TYPE_",
        rust: "ProgramType",
        kind: "program type",
        file: "program_type.rs",
        doc: &[
            "A program type (`enum bpf_prog_type`); `name()` is the kernel name without",
            "`BPF_PROG_TYPE_`, lower case.",
        ],
    },
    EnumSpec {
        kernel: "bpf_attach_type",
        prefix: "BPF_",
        rust: "AttachType",
        kind: "attach type",
        file: "attach_type.rs",
        doc: &[
            "An attach type (`enum bpf_attach_type`), used as a program's expected attach type;",
            "`name()` is the kernel name without `BPF_`, lower case.",
        ],
    },
];

/// Hand-written doc text per variant: (kernel enum, lower-case name) → text.
pub struct Docs(HashMap<(String, String), String>);

impl Docs {
    /// Reads `ENUM NAME TEXT` lines; `#` starts a comment line.
    pub fn parse(text: &str) -> Result<Docs, String> {
        let mut map = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut words = line.splitn(3, ' ');
            match (words.next(), words.next(), words.next()) {
                (Some(e), Some(name), Some(doc)) if !doc.trim().is_empty() => {
                    map.insert((e.to_owned(), name.to_owned()), doc.trim().to_owned());
                }
                _ => {
                    return Err(format!(
                        "docs.txt line {}: expected `ENUM NAME TEXT`",
                        n + 1
                    ))
                }
            }
        }
        Ok(Docs(map))
    }
}

/// A kept enumerator: kernel name, lower-case name without prefix, value.
pub(crate) struct Variant {
    pub kernel: String,
    pub name: String,
    pub value: i64,
}

/// The enumerators that are real values: no `UNSPEC`, no `__MAX_*` bound, no
/// `*_DEPRECATED` alias.
pub(crate) fn variants(
    snap: &Snapshot,
    kernel: &str,
    prefix: &str,
) -> Result<Vec<Variant>, String> {
    let e = snap.enum_named(kernel)?;
    let mut out: Vec<Variant> = Vec::new();
    for (k, value) in &e.values {
        let Some(rest) = k.strip_prefix(prefix) else {
            if k.starts_with("__") || k.starts_with("MAX_") {
                continue;
            }
            return Err(format!(
                "`{k}` of `enum {kernel}` lacks the prefix `{prefix}`"
            ));
        };
        if rest.eq_ignore_ascii_case("unspec") && *value == 0 && kernel != "bpf_func_id" {
            continue;
        }
        if rest.ends_with("_DEPRECATED") {
            continue;
        }
        if let Some(dup) = out.iter().find(|v| v.value == *value) {
            return Err(format!("`{k}` and `{}` are both {value}", dup.kernel));
        }
        out.push(Variant {
            kernel: k.clone(),
            name: rest.to_ascii_lowercase(),
            value: *value,
        });
    }
    Ok(out)
}

/// The `kernel_enum!` invocation for `spec`.
pub fn kernel_enum(snap: &Snapshot, spec: &EnumSpec, docs: &Docs) -> Result<String, String> {
    let mut out = format!(
        "//! [`{rust}`]: `enum {kernel}` with the kernel's names.\n\n\
         use crate::model::kernel_enum::kernel_enum;\n\n\
         kernel_enum! {{\n",
        rust = spec.rust,
        kernel = spec.kernel
    );
    for line in spec.doc {
        let _ = writeln!(out, "    /// {line}");
    }
    let _ = writeln!(out, "    pub enum {}: \"{}\" {{", spec.rust, spec.kind);
    for v in variants(snap, spec.kernel, spec.prefix)? {
        let doc = docs
            .0
            .get(&(spec.kernel.to_owned(), v.name.clone()))
            .cloned()
            .unwrap_or_else(|| format!("`{}`", v.kernel));
        let _ = writeln!(out, "        /// {doc}");
        let _ = writeln!(
            out,
            "        {} = {} => \"{}\",",
            camel(&v.name.to_ascii_uppercase()),
            v.value,
            v.name
        );
    }
    out.push_str("    }\n}\n");
    Ok(out)
}

/// The folder's `mod.rs`: its modules and the kernel release.
pub fn module(snap: &Snapshot) -> String {
    let mut out = String::from(
        "//! The kernel's tables: helper numbers, map, program and attach types, generated from\n\
         //! the kernel's BTF by `cargo run -p xtask -- gen-tables` (see xtask/README.md).\n\n",
    );
    let mut mods: Vec<(&str, &str)> = ENUMS
        .iter()
        .map(|s| (s.file.trim_end_matches(".rs"), ""))
        .chain([("helpers", "pub ")])
        .collect();
    mods.sort_unstable();
    for (m, vis) in &mods {
        let _ = writeln!(out, "{vis}mod {m};");
    }
    out.push('\n');
    let mut uses: Vec<(&str, &str)> = ENUMS
        .iter()
        .map(|s| (s.file.trim_end_matches(".rs"), s.rust))
        .collect();
    uses.sort_unstable();
    for (m, rust) in uses {
        let _ = writeln!(out, "pub use {m}::{rust};");
    }
    let _ = write!(
        out,
        "\n/// The kernel release (`uname -r`) the tables were extracted from.\n\
         pub const KERNEL_RELEASE: &str = \"{}\";\n",
        snap.release
    );
    out
}
