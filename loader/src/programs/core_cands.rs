//! Where CO-RE looks for the kernel's types (libbpf's candidate search): by essential
//! name (the `___flavor` suffix dropped) in vmlinux, or when vmlinux has none, in every
//! module's split BTF. Shared by the relocation resolver ([`super::core_relo`]) and type
//! matching ([`super::core_match`]).

use ebpf_btf::{Btf, Kind, TypeId};

/// `name` without its `___flavor` suffix: the part before the last `___` that follows a
/// character other than `_` and is followed by one (libbpf's essential name).
pub fn essential_name(name: &str) -> &str {
    let b = name.as_bytes();
    if b.len() < 5 {
        return name;
    }
    for i in (0..=b.len() - 5).rev() {
        if b[i] != b'_' && &b[i + 1..i + 4] == b"___" && b[i + 4] != b'_' {
            return &name[..=i];
        }
    }
    name
}

/// A candidate: the BTF it is in, the module's name (`None`: vmlinux), its id.
pub(crate) type Candidate<'b> = (&'b Btf, Option<&'b str>, TypeId);

/// The types named `name` whose kind `fits`: vmlinux's, or when it has none, the
/// modules' own (libbpf's search).
pub(crate) fn candidates<'b>(
    vmlinux: &'b Btf,
    modules: &'b [(String, Btf)],
    name: &str,
    fits: impl Fn(Kind) -> bool,
) -> Result<Vec<Candidate<'b>>, String> {
    let e = |err: ebpf_btf::Error| err.to_string();
    let mut found = Vec::new();
    for id in vmlinux.ids_by_name(name).map_err(e)? {
        if vmlinux.kind_of(id).map_err(e)?.is_some_and(&fits) {
            found.push((vmlinux, None, id));
        }
    }
    if !found.is_empty() {
        return Ok(found);
    }
    for (module, btf) in modules {
        for id in btf.ids_by_name(name).map_err(e)? {
            // A split BTF's lookup starts with its base's (vmlinux's) types.
            if id >= btf.first_id() && btf.kind_of(id).map_err(e)?.is_some_and(&fits) {
                found.push((btf, Some(module.as_str()), id));
            }
        }
    }
    Ok(found)
}
