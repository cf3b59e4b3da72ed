//! The checked-in snapshot: the few kernel enums and layouts the generator reads, as text.
//!
//! ```text
//! release 6.18.44
//! enum bpf_map_type
//!     BPF_MAP_TYPE_HASH 1
//! union bpf_attr 168
//!     map_type/map_type 0 4       (member group / field, byte offset, byte size)
//! struct bpf_prog_info 232
//!     gpl_compatible bits 672 1   (a bit field: bit offset, width)
//! ```
//!
//! Member lines start with a tab. The members of `union bpf_attr` are grouped by the
//! union member they belong to: its name, or for an anonymous member the name of its
//! first field (`map_type` for the `BPF_MAP_CREATE` struct). Nested named structs are
//! flattened as `outer.inner`.

use std::fmt::Write as _;

/// A kernel enum: its enumerators in kernel order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enum {
    /// `bpf_map_type`.
    pub name: String,
    /// `(BPF_MAP_TYPE_HASH, 1)`, ...
    pub values: Vec<(String, i64)>,
}

/// One field of a layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// `map_type/key_size` in `union bpf_attr`, `name` in a struct.
    pub path: String,
    /// Byte offset, or bit offset for a bit field.
    pub offset: u32,
    /// Byte size, or width in bits for a bit field.
    pub size: u32,
    /// Whether this is a bit field.
    pub bits: bool,
}

/// A struct or union with its flattened fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// `struct` or `union`.
    pub kind: String,
    /// `bpf_attr`.
    pub name: String,
    /// Size in bytes.
    pub size: u32,
    /// Fields in declaration order.
    pub fields: Vec<Field>,
}

/// Everything the generator reads from one kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// `uname -r` of the kernel it came from.
    pub release: String,
    /// The enums, in extraction order.
    pub enums: Vec<Enum>,
    /// The layouts, in extraction order.
    pub layouts: Vec<Layout>,
}

const HEADER: &str = "\
# The parts of the kernel's BTF that ebpf-asm's tables are generated from.
# Written by `cargo run -p xtask -- gen-tables extract`; do not edit.
";

impl Snapshot {
    /// The release's `MAJOR.MINOR` (`6.18` of `6.18.44-fc`).
    pub fn major_minor(release: &str) -> String {
        release.split('.').take(2).collect::<Vec<_>>().join(".")
    }

    /// The enum named `name`.
    pub fn enum_named(&self, name: &str) -> Result<&Enum, String> {
        self.enums
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| format!("the snapshot has no `enum {name}`"))
    }

    /// The layout named `name`.
    pub fn layout_named(&self, name: &str) -> Result<&Layout, String> {
        self.layouts
            .iter()
            .find(|l| l.name == name)
            .ok_or_else(|| format!("the snapshot has no struct or union `{name}`"))
    }

    /// The snapshot as text.
    pub fn to_text(&self) -> String {
        let mut out = String::from(HEADER);
        let _ = writeln!(out, "release {}", self.release);
        for e in &self.enums {
            let _ = writeln!(out, "enum {}", e.name);
            for (name, value) in &e.values {
                let _ = writeln!(out, "\t{name} {value}");
            }
        }
        for l in &self.layouts {
            let _ = writeln!(out, "{} {} {}", l.kind, l.name, l.size);
            for f in &l.fields {
                let bits = if f.bits { "bits " } else { "" };
                let _ = writeln!(out, "\t{} {bits}{} {}", f.path, f.offset, f.size);
            }
        }
        out
    }

    /// Reads a snapshot; `Err` names the line it cannot read.
    pub fn parse(text: &str) -> Result<Snapshot, String> {
        let mut snap = Snapshot {
            release: String::new(),
            enums: Vec::new(),
            layouts: Vec::new(),
        };
        // Which list the indented lines belong to.
        let mut in_enum = true;
        for (n, line) in text.lines().enumerate() {
            let bad = || format!("snapshot line {}: cannot read `{line}`", n + 1);
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let num = |w: &str| w.parse::<u32>().map_err(|_| bad());
            match (line.starts_with('\t'), words.as_slice()) {
                (false, ["release", r]) => snap.release = (*r).to_owned(),
                (false, ["enum", name]) => {
                    in_enum = true;
                    snap.enums.push(Enum {
                        name: (*name).to_owned(),
                        values: Vec::new(),
                    });
                }
                (false, [kind @ ("struct" | "union"), name, size]) => {
                    in_enum = false;
                    snap.layouts.push(Layout {
                        kind: (*kind).to_owned(),
                        name: (*name).to_owned(),
                        size: num(size)?,
                        fields: Vec::new(),
                    });
                }
                (true, [name, value]) if in_enum => {
                    let e = snap.enums.last_mut().ok_or_else(bad)?;
                    let value = value.parse().map_err(|_| bad())?;
                    e.values.push(((*name).to_owned(), value));
                }
                (true, [path, rest @ ..]) if !in_enum => {
                    let l = snap.layouts.last_mut().ok_or_else(bad)?;
                    let (bits, offset, size) = match rest {
                        ["bits", o, s] => (true, num(o)?, num(s)?),
                        [o, s] => (false, num(o)?, num(s)?),
                        _ => return Err(bad()),
                    };
                    l.fields.push(Field {
                        path: (*path).to_owned(),
                        offset,
                        size,
                        bits,
                    });
                }
                _ => return Err(bad()),
            }
        }
        if snap.release.is_empty() {
            return Err("the snapshot has no `release` line".to_owned());
        }
        Ok(snap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        let snap = Snapshot {
            release: "6.18.1".into(),
            enums: vec![Enum {
                name: "bpf_map_type".into(),
                values: vec![("BPF_MAP_TYPE_HASH".into(), 1)],
            }],
            layouts: vec![Layout {
                kind: "struct".into(),
                name: "bpf_prog_info".into(),
                size: 232,
                fields: vec![
                    Field {
                        path: "type".into(),
                        offset: 0,
                        size: 4,
                        bits: false,
                    },
                    Field {
                        path: "gpl_compatible".into(),
                        offset: 672,
                        size: 1,
                        bits: true,
                    },
                ],
            }],
        };
        let text = snap.to_text();
        assert!(text.contains("\tgpl_compatible bits 672 1\n"), "{text}");
        assert_eq!(Snapshot::parse(&text), Ok(snap));
        assert_eq!(Snapshot::major_minor("6.18.44-fc-v1045"), "6.18");
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(Snapshot::parse("release 1\nenum e\n\tX\n").is_err());
        assert!(Snapshot::parse("release 1\nstruct s x\n").is_err());
        assert!(Snapshot::parse("enum e\n").is_err(), "no release");
        assert!(Snapshot::parse("release 1\n\tX 1\n").is_err(), "no enum");
    }
}
