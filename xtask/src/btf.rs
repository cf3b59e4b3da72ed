//! A reader for `bpftool btf dump file /sys/kernel/btf/vmlinux` (the raw format): every
//! type by id with its kind, name, size, referenced type and members.
//!
//! Only what the extractor needs is kept: enumerators (`'NAME' val=N`), struct and union
//! members (`'name' type_id=T bits_offset=O [bitfield_size=B]`) and the links needed to
//! compute sizes (typedefs, qualifiers, pointers, arrays).

use std::collections::HashMap;

/// One member line of a type: an enumerator or a struct/union member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Member {
    /// `'NAME' val=N` of an ENUM or ENUM64 (whose values may end in `ULL`).
    Value { name: String, value: i128 },
    /// `'name' type_id=T bits_offset=O`, with `bitfield_size=B` for bit fields.
    Field {
        name: String,
        type_id: u32,
        bits_offset: u32,
        bitfield_size: u32,
    },
}

/// One type of the dump.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Type {
    /// `INT`, `STRUCT`, `UNION`, `ENUM`, `TYPEDEF`, `ARRAY`, ...
    pub kind: String,
    /// The name, `(anon)` for anonymous types.
    pub name: String,
    /// `size=` when the kind has one.
    pub size: Option<u32>,
    /// `type_id=` of typedefs, qualifiers, pointers and arrays (the element type).
    pub type_id: Option<u32>,
    /// `nr_elems=` of arrays.
    pub nr_elems: Option<u32>,
    /// Enumerators or members, in order.
    pub members: Vec<Member>,
}

/// Every type of a dump, by id.
#[derive(Debug, Default)]
pub struct Btf {
    types: HashMap<u32, Type>,
}

/// The value of `key=` in a line of `key=value` words.
fn attr(words: &str, key: &str) -> Option<u32> {
    words
        .split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
}

/// `'name' rest` → (`name`, `rest`).
fn quoted(s: &str) -> Option<(&str, &str)> {
    let s = s.strip_prefix('\'')?;
    let end = s.find('\'')?;
    Some((&s[..end], &s[end + 1..]))
}

impl Btf {
    /// Reads a raw dump; `Err` names the first line it cannot read.
    pub fn parse(text: &str) -> Result<Btf, String> {
        let mut types = HashMap::new();
        let mut current: Option<(u32, Type)> = None;
        for (n, line) in text.lines().enumerate() {
            let bad = || format!("BTF dump line {}: cannot read `{line}`", n + 1);
            if let Some(member) = line.strip_prefix('\t') {
                let Some((_, t)) = current.as_mut() else {
                    return Err(bad());
                };
                // DATASEC and FUNC_PROTO members are not quoted or not needed.
                if let Some((name, rest)) = quoted(member) {
                    t.members.push(member_of(name, rest).ok_or_else(bad)?);
                }
                continue;
            }
            if line.is_empty() {
                continue;
            }
            if let Some((id, t)) = current.take() {
                types.insert(id, t);
            }
            let rest = line.strip_prefix('[').ok_or_else(bad)?;
            let (id, rest) = rest.split_once("] ").ok_or_else(bad)?;
            let id: u32 = id.parse().map_err(|_| bad())?;
            let (kind, rest) = rest.split_once(' ').ok_or_else(bad)?;
            let (name, rest) = quoted(rest).ok_or_else(bad)?;
            let t = Type {
                kind: kind.to_owned(),
                name: name.to_owned(),
                size: attr(rest, "size"),
                type_id: attr(rest, "type_id"),
                nr_elems: attr(rest, "nr_elems"),
                members: Vec::new(),
            };
            current = Some((id, t));
        }
        if let Some((id, t)) = current {
            types.insert(id, t);
        }
        Ok(Btf { types })
    }

    /// The type with this id.
    pub fn get(&self, id: u32) -> Option<&Type> {
        self.types.get(&id)
    }

    /// The type of `kind` named `name` (e.g. `ENUM`, `bpf_map_type`).
    pub fn find(&self, kind: &str, name: &str) -> Option<&Type> {
        // Lowest id first, so a duplicate name (a module's copy) never wins over vmlinux.
        let mut ids: Vec<_> = self
            .types
            .iter()
            .filter(|(_, t)| t.kind == kind && t.name == name)
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids.first().and_then(|id| self.types.get(id))
    }

    /// The type behind typedefs and qualifiers.
    pub fn resolve(&self, mut id: u32) -> Option<&Type> {
        for _ in 0..64 {
            let t = self.types.get(&id)?;
            match t.kind.as_str() {
                "TYPEDEF" | "CONST" | "VOLATILE" | "RESTRICT" | "TYPE_TAG" => id = t.type_id?,
                _ => return Some(t),
            }
        }
        None
    }

    /// The size in bytes of type `id`.
    pub fn size_of(&self, id: u32) -> Option<u32> {
        let t = self.resolve(id)?;
        match t.kind.as_str() {
            "PTR" => Some(8),
            "ARRAY" => Some(t.nr_elems? * self.size_of(t.type_id?)?),
            _ => t.size,
        }
    }
}

/// An enumerator or member line after its quoted name.
fn member_of(name: &str, rest: &str) -> Option<Member> {
    if let Some(v) = rest.trim().strip_prefix("val=") {
        return Some(Member::Value {
            name: name.to_owned(),
            value: v.trim_end_matches(['U', 'L']).parse().ok()?,
        });
    }
    Some(Member::Field {
        name: name.to_owned(),
        type_id: attr(rest, "type_id")?,
        bits_offset: attr(rest, "bits_offset").unwrap_or(0),
        bitfield_size: attr(rest, "bitfield_size").unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = "\
[1] INT 'unsigned int' size=4 bits_offset=0 nr_bits=32 encoding=(none)
[2] TYPEDEF '__u32' type_id=1
[3] ARRAY '(anon)' type_id=2 index_type_id=1 nr_elems=4
[4] STRUCT 's' size=24 vlen=3
\t'a' type_id=2 bits_offset=0
\t'b' type_id=3 bits_offset=32
\t'c' type_id=2 bits_offset=160 bitfield_size=1
[5] ENUM 'e' encoding=UNSIGNED size=4 vlen=2
\t'E_A' val=0
\t'E_B' val=-1
[6] PTR '(anon)' type_id=4
[7] ENUM64 'big' encoding=UNSIGNED size=8 vlen=1
\t'BIG' val=18446744073709551615ULL
";

    #[test]
    fn reads_types_members_and_sizes() {
        let btf = Btf::parse(DUMP).expect("parses");
        let s = btf.find("STRUCT", "s").expect("struct s");
        assert_eq!(s.size, Some(24));
        assert_eq!(
            s.members[2],
            Member::Field {
                name: "c".into(),
                type_id: 2,
                bits_offset: 160,
                bitfield_size: 1
            }
        );
        assert_eq!(btf.size_of(3), Some(16));
        assert_eq!(btf.size_of(2), Some(4));
        assert_eq!(btf.size_of(6), Some(8));
        let e = btf.find("ENUM", "e").expect("enum e");
        assert_eq!(
            e.members[1],
            Member::Value {
                name: "E_B".into(),
                value: -1
            }
        );
        let big = btf.find("ENUM64", "big").map(|t| t.members[0].clone());
        assert_eq!(
            big,
            Some(Member::Value {
                name: "BIG".into(),
                value: u64::MAX.into()
            })
        );
    }

    #[test]
    fn a_garbled_line_is_an_error_naming_it() {
        let err = Btf::parse("[1] INT\n").map(|_| ()).unwrap_err();
        assert!(err.contains("line 1"), "{err}");
        assert!(Btf::parse("\t'x' val=1\n").is_err());
    }
}
