//! Stage 1: the running kernel's BTF → a [`Snapshot`] of the enums and layouts we use.

use std::process::Command;

use crate::btf::{Btf, Member, Type};
use crate::snapshot::{Enum, Field, Layout, Snapshot};

/// The kernel enums the tables come from.
pub const ENUMS: &[&str] = &[
    "bpf_cmd",
    "bpf_func_id",
    "bpf_map_type",
    "bpf_prog_type",
    "bpf_attach_type",
];

/// The layouts the loader's syscall structs are checked against: (BTF kind, name).
pub const LAYOUTS: &[(&str, &str)] = &[
    ("UNION", "bpf_attr"),
    ("STRUCT", "bpf_prog_info"),
    ("STRUCT", "bpf_map_info"),
    ("STRUCT", "bpf_btf_info"),
];

/// Where the running kernel publishes its BTF.
pub const VMLINUX_BTF: &str = "/sys/kernel/btf/vmlinux";

/// The running kernel's release (`uname -r`).
pub fn running_release() -> Result<String, String> {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_owned())
        .map_err(|e| format!("reading /proc/sys/kernel/osrelease: {e}"))
}

/// Dumps the running kernel's BTF with bpftool (raw format).
pub fn dump_running_kernel() -> Result<String, String> {
    let out = Command::new("bpftool")
        .args(["btf", "dump", "file", VMLINUX_BTF])
        .output()
        .map_err(|e| format!("running bpftool (apt-get install bpftool): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "bpftool btf dump file {VMLINUX_BTF} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "bpftool printed non-UTF-8 output".to_owned())
}

/// The snapshot of `release` from a raw BTF dump.
pub fn extract(release: &str, dump: &str) -> Result<Snapshot, String> {
    let btf = Btf::parse(dump)?;
    let mut enums = Vec::new();
    for name in ENUMS {
        let t = btf
            .find("ENUM", name)
            .ok_or_else(|| format!("the BTF has no `enum {name}`"))?;
        let mut values = Vec::new();
        for m in &t.members {
            if let Member::Value { name: v, value } = m {
                let value = i64::try_from(*value)
                    .map_err(|_| format!("`{v}` of `enum {name}` does not fit in an i64"))?;
                values.push((v.clone(), value));
            }
        }
        enums.push(Enum {
            name: (*name).to_owned(),
            values,
        });
    }
    let mut layouts = Vec::new();
    for (kind, name) in LAYOUTS {
        let t = btf
            .find(kind, name)
            .ok_or_else(|| format!("the BTF has no {} `{name}`", kind.to_lowercase()))?;
        let mut fields = Vec::new();
        if *kind == "UNION" {
            union_groups(&btf, t, &mut fields)?;
        } else {
            flatten(&btf, t, 0, "", &mut fields)?;
        }
        layouts.push(Layout {
            kind: kind.to_lowercase(),
            name: (*name).to_owned(),
            size: t.size.ok_or_else(|| format!("`{name}` has no size"))?,
            fields,
        });
    }
    Ok(Snapshot {
        release: release.to_owned(),
        enums,
        layouts,
    })
}

/// The members of a union as groups: `group/field` with the group named by the union
/// member, or for an anonymous one by its first field.
fn union_groups(btf: &Btf, union: &Type, out: &mut Vec<Field>) -> Result<(), String> {
    for m in &union.members {
        let Member::Field {
            name,
            type_id,
            bits_offset,
            ..
        } = m
        else {
            continue;
        };
        let inner = btf
            .resolve(*type_id)
            .ok_or_else(|| format!("`{}.{name}` has an unknown type", union.name))?;
        let mut fields = Vec::new();
        flatten(btf, inner, *bits_offset, "", &mut fields)?;
        let group = match (name.as_str(), fields.first()) {
            ("(anon)", Some(first)) => first.path.clone(),
            ("(anon)", None) => continue,
            (named, _) => named.to_owned(),
        };
        out.extend(fields.into_iter().map(|f| Field {
            path: format!("{group}/{}", f.path),
            ..f
        }));
    }
    Ok(())
}

/// The leaf fields of a struct or union at `base_bits`, anonymous members inlined and
/// named nested structs prefixed with `name.`.
fn flatten(
    btf: &Btf,
    t: &Type,
    base_bits: u32,
    prefix: &str,
    out: &mut Vec<Field>,
) -> Result<(), String> {
    for m in &t.members {
        let Member::Field {
            name,
            type_id,
            bits_offset,
            bitfield_size,
        } = m
        else {
            continue;
        };
        let bits = base_bits + bits_offset;
        let path = format!("{prefix}{name}");
        if *bitfield_size > 0 {
            out.push(Field {
                path,
                offset: bits,
                size: *bitfield_size,
                bits: true,
            });
            continue;
        }
        let unknown = || format!("`{}.{name}` has an unknown type", t.name);
        let inner = btf.resolve(*type_id).ok_or_else(unknown)?;
        if matches!(inner.kind.as_str(), "STRUCT" | "UNION") {
            let prefix = match name.as_str() {
                "(anon)" => prefix.to_owned(),
                _ => format!("{path}."),
            };
            flatten(btf, inner, bits, &prefix, out)?;
            continue;
        }
        if !bits.is_multiple_of(8) {
            return Err(format!("`{}.{name}` is not byte aligned", t.name));
        }
        out.push(Field {
            path,
            offset: bits / 8,
            size: btf.size_of(*type_id).ok_or_else(unknown)?,
            bits: false,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = "\
[1] INT 'unsigned int' size=4 bits_offset=0 nr_bits=32 encoding=(none)
[2] INT 'long long unsigned int' size=8 bits_offset=0 nr_bits=64 encoding=(none)
[3] UNION '(anon)' size=8 vlen=2
\t'value' type_id=2 bits_offset=0
\t'next_key' type_id=2 bits_offset=0
[4] STRUCT '(anon)' size=16 vlen=2
\t'map_fd' type_id=1 bits_offset=0
\t'(anon)' type_id=3 bits_offset=64
[5] STRUCT '(anon)' size=8 vlen=1
\t'inner' type_id=1 bits_offset=32
[6] STRUCT '(anon)' size=8 vlen=1
\t'tcx' type_id=5 bits_offset=0
[7] UNION 'bpf_attr' size=16 vlen=2
\t'(anon)' type_id=4 bits_offset=0
\t'link_create' type_id=6 bits_offset=0
[8] STRUCT 'bpf_prog_info' size=8 vlen=2
\t'type' type_id=1 bits_offset=0
\t'gpl_compatible' type_id=1 bits_offset=32 bitfield_size=1
[9] STRUCT 'bpf_map_info' size=4 vlen=1
\t'type' type_id=1 bits_offset=0
[10] STRUCT 'bpf_btf_info' size=4 vlen=1
\t'id' type_id=1 bits_offset=0
";

    fn with_enums() -> String {
        let mut dump = DUMP.to_owned();
        for (i, name) in ENUMS.iter().enumerate() {
            dump += &format!(
                "[{}] ENUM '{name}' encoding=UNSIGNED size=4 vlen=1\n",
                20 + i
            );
            dump += &format!("\t'{}_A' val={i}\n", name.to_uppercase());
        }
        dump
    }

    #[test]
    fn groups_union_members_and_flattens_nested_structs() {
        let snap = extract("6.18.0", &with_enums()).expect("extracts");
        let attr = snap.layout_named("bpf_attr").expect("bpf_attr");
        let paths: Vec<(&str, u32, u32)> = attr
            .fields
            .iter()
            .map(|f| (f.path.as_str(), f.offset, f.size))
            .collect();
        assert_eq!(
            paths,
            [
                ("map_fd/map_fd", 0, 4),
                ("map_fd/value", 8, 8),
                ("map_fd/next_key", 8, 8),
                ("link_create/tcx.inner", 4, 4),
            ]
        );
        let info = snap.layout_named("bpf_prog_info").expect("info");
        assert_eq!((info.fields[1].offset, info.fields[1].bits), (32, true));
        assert_eq!(snap.enum_named("bpf_cmd").map(|e| e.values.len()), Ok(1));
    }

    #[test]
    fn a_missing_enum_is_named() {
        let err = extract("6.18.0", DUMP).unwrap_err();
        assert!(err.contains("enum bpf_cmd"), "{err}");
    }
}
