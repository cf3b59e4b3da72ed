//! The C types of global variables, from the object's `.BTF` (its DATASEC records name
//! each section's VARs), so errors about a variable say what it is: `const volatile
//! __u32`. Offsets and sizes come from the ELF symbols (clang writes the DATASECs with
//! zero offsets, which libbpf fills in from the same symbols).

use ebpf_btf::{Btf, TypeId, TypeKind};
use object::{Object, ObjectSection};

use super::Elf;

/// Pointer and modifier levels followed before giving up (BTF from a file may loop).
const MAX_DEPTH: usize = 16;

/// The object's BTF, when it has a `.BTF` section that parses (otherwise types are
/// simply not known: reading and loading `.BTF` is reported elsewhere).
pub(crate) fn object_btf(file: &Elf<'_>) -> Option<Btf> {
    let data = file.section_by_name(".BTF")?.data().ok()?;
    Btf::parse(data).ok()
}

/// The C type of variable `var` of data section `section`, as its DATASEC in `btf` says.
pub(crate) fn var_type(btf: &Btf, section: &str, var: &str) -> Option<String> {
    for item in btf.types() {
        let Ok((_, t)) = item else {
            return None;
        };
        let TypeKind::Datasec(d) = &t.kind else {
            continue;
        };
        if t.name != section {
            continue;
        }
        for v in &d.vars {
            let Ok(vt) = btf.type_by_id(v.ty) else {
                continue;
            };
            if let (TypeKind::Var(info), true) = (&vt.kind, vt.name == var) {
                return type_name(btf, info.ty, 0);
            }
        }
    }
    None
}

/// `id` spelled as C (`const volatile __u32`, `char [6]`, `struct cfg`, `int *`).
fn type_name(btf: &Btf, id: TypeId, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    let t = btf.type_by_id(id).ok()?;
    let next = |inner: TypeId| type_name(btf, inner, depth + 1);
    Some(match &t.kind {
        TypeKind::Const(inner) => format!("const {}", next(*inner)?),
        TypeKind::Volatile(inner) => format!("volatile {}", next(*inner)?),
        TypeKind::Restrict(inner) => next(*inner)?,
        TypeKind::Ptr(inner) => format!("{} *", next(*inner).unwrap_or("void".into())),
        TypeKind::Array(a) => format!("{} [{}]", next(a.elem)?, a.nelems),
        TypeKind::Struct(_) => format!("struct {}", t.name),
        TypeKind::Union(_) => format!("union {}", t.name),
        TypeKind::Enum(_) | TypeKind::Enum64(_) => format!("enum {}", t.name),
        _ if !t.name.is_empty() => t.name.to_owned(),
        _ => return None,
    })
}
