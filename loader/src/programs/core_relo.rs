//! CO-RE relocations resolved in user space against a kernel's BTF, as libbpf does for a
//! program it loads without passing `core_relos`: each expression is computed from the
//! target BTF and written into the instruction. A pure function over [`Btf`], tested
//! against hand-built BTF and the running kernel's.
//!
//! The rules are libbpf's (`relo_core.c`), for what the assembly can say:
//! - a type name's `___flavor` suffix is dropped (`task_struct___old` matches
//!   `task_struct`), so one program can carry several layouts of a type;
//! - candidates are the kernel's types of that name and a fitting kind (struct or union
//!   for field relocations, enum for `enumval`): vmlinux's, or when it has none, every
//!   module's ([`resolve_core_in`]); fields are found by name, through
//!   anonymous structs and unions; `[N]` steps into an array, and a leading `[N]`
//!   steps over N whole `T`s (`&p[N].f` in C);
//! - a candidate that lacks the field drops out; when several remain and they disagree,
//!   the relocation is ambiguous (an error); `field_exists`, `type_exists` and
//!   `enumval_exists` give 0 instead of failing;
//! - a bitfield's `offsetof` and `fieldsize` are those of the smallest aligned integer
//!   (from its type's size up to 8 bytes) that holds it; `field_lshift` and
//!   `field_rshift` extract it from that integer read as a u64 (shift left, then right,
//!   arithmetically when `field_signed`); on a big-endian kernel (its BTF's byte order)
//!   the bit offsets count from the top, and the left shift is libbpf's other formula.
//! - `type_matches(T)` compares the program's own definition of `T` (its local BTF)
//!   with the kernel's types of that name ([`super::core_match`]).

use ebpf_asm_core::{CoreAccess, CoreExpr, CoreKind, CoreRelo, PathText};
use ebpf_btf::{Btf, Endian, Kind, TypeId, TypeKind};

pub use super::core_cands::essential_name;
use super::core_cands::{candidates, Candidate};

/// Why one relocation could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreResolveError {
    /// Index of the relocation in the list given.
    pub relo: usize,
    /// What is missing or ambiguous, naming the type and field.
    pub message: String,
}

/// The value of each relocation (`values[i]` for `relos[i]`) in `btf`; every relocation
/// that cannot be resolved gives an error. Without the program's own types,
/// `type_matches` is one (see [`resolve_core_with`]).
pub fn resolve_core(btf: &Btf, relos: &[CoreRelo]) -> Result<Vec<i64>, Vec<CoreResolveError>> {
    resolve_core_with(btf, None, relos)
}

/// [`resolve_core`] with the program's own types, `local` (where `type_matches(T)`
/// finds its definition of `T`).
pub fn resolve_core_with(
    btf: &Btf,
    local: Option<&Btf>,
    relos: &[CoreRelo],
) -> Result<Vec<i64>, Vec<CoreResolveError>> {
    resolve_core_in(btf, &[], local, relos)
}

/// [`resolve_core_with`] against vmlinux and, for a type vmlinux lacks, the modules'
/// BTF (`(name, split BTF on vmlinux)`), as libbpf looks: candidates come from vmlinux
/// when it has any, else from every module. A module type's `type_id` is its id in
/// the module's split BTF (what libbpf writes).
pub fn resolve_core_in(
    vmlinux: &Btf,
    modules: &[(String, Btf)],
    local: Option<&Btf>,
    relos: &[CoreRelo],
) -> Result<Vec<i64>, Vec<CoreResolveError>> {
    let mut values = Vec::with_capacity(relos.len());
    let mut errors = Vec::new();
    for (i, r) in relos.iter().enumerate() {
        match resolve_one_in(vmlinux, modules, local, &r.expr) {
            Ok(v) => values.push(v),
            Err(message) => errors.push(CoreResolveError { relo: i, message }),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// True when some relocation names a type vmlinux has none of (by name and fitting
/// kind), so module BTF is worth reading.
pub fn needs_modules(vmlinux: &Btf, relos: &[CoreRelo]) -> bool {
    relos.iter().any(|r| {
        let name = essential_name(&r.expr.type_name);
        let fits =
            |k: Kind| r.expr.kind == CoreKind::TypeMatches || kinds(r.expr.kind).contains(&k);
        candidates(vmlinux, &[], name, fits).is_ok_and(|c| c.is_empty())
    })
}

/// The kinds a relocation's type may have.
fn kinds(kind: CoreKind) -> &'static [Kind] {
    match kind {
        k if k.takes_enumerator() => &[Kind::Enum, Kind::Enum64],
        k if k.has_path() => &[Kind::Struct, Kind::Union, Kind::Typedef],
        _ => &[
            Kind::Int,
            Kind::Struct,
            Kind::Union,
            Kind::Enum,
            Kind::Enum64,
            Kind::Typedef,
            Kind::Float,
        ],
    }
}

/// How an error names a candidate: its id, and its module when not vmlinux's.
fn cand_label((_, module, id): &Candidate<'_>) -> String {
    match module {
        Some(m) => format!("{id} (module {m})"),
        None => id.to_string(),
    }
}

/// One expression's value, or why it has none.
pub fn resolve_one(btf: &Btf, expr: &CoreExpr) -> Result<i64, String> {
    resolve_one_with(btf, None, expr)
}

/// [`resolve_one`] with the program's own types, `local`.
pub fn resolve_one_with(btf: &Btf, local: Option<&Btf>, expr: &CoreExpr) -> Result<i64, String> {
    resolve_one_in(btf, &[], local, expr)
}

/// [`resolve_one_with`] against vmlinux and the modules' BTF ([`resolve_core_in`]).
pub fn resolve_one_in(
    vmlinux: &Btf,
    modules: &[(String, Btf)],
    local: Option<&Btf>,
    expr: &CoreExpr,
) -> Result<i64, String> {
    if expr.kind == CoreKind::TypeMatches {
        return type_matches(vmlinux, modules, local, expr);
    }
    let name = essential_name(&expr.type_name);
    let kinds = kinds(expr.kind);
    let cands = candidates(vmlinux, modules, name, |k| kinds.contains(&k))?;
    if cands.is_empty() {
        return match expr.kind {
            CoreKind::FieldExists | CoreKind::TypeExists | CoreKind::EnumExists => Ok(0),
            _ => Err(no_type(expr, name)),
        };
    }
    let mut results: Vec<(String, Result<i64, String>)> = cands
        .iter()
        .map(|c| (cand_label(c), value_for(c.0, c.2, expr)))
        .collect();
    let mut first_err = None;
    results.retain(|(_, r)| match r {
        Ok(_) => true,
        Err(e) => {
            first_err.get_or_insert_with(|| e.clone());
            false
        }
    });
    let Some((_, Ok(value))) = results.first().cloned() else {
        return match expr.kind {
            CoreKind::FieldExists | CoreKind::EnumExists => Ok(0),
            _ => Err(first_err.unwrap_or_else(|| no_type(expr, name))),
        };
    };
    if let Some((other, Ok(v))) = results.iter().find(|(_, r)| r.as_ref() != Ok(&value)) {
        return Err(format!(
            "`{expr}` is ambiguous: the kernel's types {} and {other} are both named `{name}` \
             and give {value} and {v}",
            results[0].0
        ));
    }
    Ok(match expr.kind {
        CoreKind::FieldExists | CoreKind::TypeExists | CoreKind::EnumExists => 1,
        _ => value,
    })
}

/// `type_matches(T)`: the program's own `T` (by its exact name, flavor included)
/// compared with the kernel's.
fn type_matches(
    vmlinux: &Btf,
    modules: &[(String, Btf)],
    local: Option<&Btf>,
    expr: &CoreExpr,
) -> Result<i64, String> {
    let name = &expr.type_name;
    let Some(local) = local else {
        return Err(format!(
            "`{expr}` needs the program's own definition of `{name}`: give the program its \
             types as BTF (`Program::with_local_btf`; C objects carry theirs in `.BTF`)"
        ));
    };
    let e = |err: ebpf_btf::Error| format!("`{expr}`: the program's BTF: {err}");
    let mut ids = Vec::new();
    for id in local.ids_by_name(name).map_err(e)? {
        let kind = local.kind_of(id).map_err(e)?;
        if !matches!(
            kind,
            Some(Kind::Fwd | Kind::Func | Kind::Var | Kind::Datasec)
        ) {
            ids.push((kind == Some(Kind::Typedef), id));
        }
    }
    // `struct foo` before `typedef struct foo foo`: the definition is what is compared.
    ids.sort();
    let Some(&(_, id)) = ids.first() else {
        return Err(format!(
            "`{expr}`: the program's BTF has no type named `{name}` to compare with the \
             kernel's"
        ));
    };
    super::core_match::type_matches_in(local, id, vmlinux, modules)
        .map_err(|m| format!("`{expr}`: {m}"))
}

fn no_type(expr: &CoreExpr, name: &str) -> String {
    let what = match expr.kind {
        k if k.takes_enumerator() => "enum",
        k if k.has_path() => "struct or union",
        _ => "type",
    };
    format!("`{expr}`: the kernel's BTF has no {what} named `{name}`")
}

/// The value of `expr` for candidate type `id`.
fn value_for(btf: &Btf, id: TypeId, expr: &CoreExpr) -> Result<i64, String> {
    let e = |err: ebpf_btf::Error| format!("`{expr}`: {err}");
    match expr.kind {
        CoreKind::TypeSize => btf.size_of(id).map(i64::from).map_err(e),
        CoreKind::TypeExists => Ok(1),
        CoreKind::TypeId => Ok(i64::from(id)),
        CoreKind::EnumValue | CoreKind::EnumExists => enum_value(btf, id, expr),
        _ => {
            let f = field(btf, id, expr)?;
            if expr.kind == CoreKind::FieldExists {
                return Ok(1);
            }
            field_value(btf, &f, expr)
        }
    }
}

/// A field relocation's value for the field `f` lands on, by libbpf's rules: a bitfield
/// is read as the smallest aligned integer, from its declared type's size up to 8 bytes,
/// that holds all its bits; the shifts then move it to the top of a u64 and back down.
fn field_value(btf: &Btf, f: &Field, expr: &CoreExpr) -> Result<i64, String> {
    let e = |err: ebpf_btf::Error| format!("`{expr}`: {err}");
    let is_element = matches!(expr.path.last(), Some(CoreAccess::Index(_)));
    if is_element && !matches!(expr.kind, CoreKind::FieldOffset | CoreKind::FieldSize) {
        return Err(format!(
            "`{expr}`: an array element has an offset and a size only (libbpf's rule); \
             `{}` needs a named field",
            expr.kind.keyword()
        ));
    }
    let bits = u64::from(f.bitfield_size);
    let bit_off = u64::from(f.bit_offset);
    let (byte_off, byte_sz, bit_sz) = if bits != 0 {
        let mut sz = u64::from(btf.size_of(f.ty).map_err(e)?);
        if sz == 0 {
            return Err(format!("`{expr}`: the bitfield's type has size 0"));
        }
        let mut off = bit_off / 8 / sz * sz;
        while bit_off + bits - off * 8 > sz * 8 {
            if sz >= 8 {
                return Err(format!(
                    "`{expr}`: the bitfield ({bits} bits at bit {bit_off}) does not fit in \
                     one aligned 8-byte load"
                ));
            }
            sz *= 2;
            off = bit_off / 8 / sz * sz;
        }
        (off, sz, bits)
    } else if bit_off % 8 != 0 {
        return Err(format!(
            "`{expr}`: `{}` starts at bit {bit_off}, inside a byte, without a bitfield size",
            PathText(&expr.path)
        ));
    } else {
        let sz = u64::from(btf.size_of(f.ty).map_err(e)?);
        (bit_off / 8, sz, sz * 8)
    };
    let (byte_off, byte_sz, bit_sz, bit_off) = (
        byte_off as i64,
        byte_sz as i64,
        bit_sz as i64,
        bit_off as i64,
    );
    Ok(match expr.kind {
        CoreKind::FieldOffset => byte_off,
        CoreKind::FieldSize => byte_sz,
        CoreKind::FieldSigned => i64::from(is_signed(btf, f.ty).map_err(e)?),
        // The kernel's byte order is its BTF's (libbpf takes the host's, the same).
        CoreKind::FieldLShift if btf.endian() == Endian::Little => {
            64 - (bit_off + bit_sz - byte_off * 8)
        }
        CoreKind::FieldLShift => (8 - byte_sz) * 8 + (bit_off - byte_off * 8),
        CoreKind::FieldRShift => 64 - bit_sz,
        _ => 1,
    })
}

/// True for a signed integer or an enum with signed values (typedefs and modifiers
/// looked through).
fn is_signed(btf: &Btf, id: TypeId) -> Result<bool, ebpf_btf::Error> {
    Ok(match btf.type_by_id(btf.resolve(id)?)?.kind {
        TypeKind::Int(i) => i.encoding.signed,
        TypeKind::Enum(en) | TypeKind::Enum64(en) => en.signed,
        _ => false,
    })
}

fn enum_value(btf: &Btf, id: TypeId, expr: &CoreExpr) -> Result<i64, String> {
    let t = btf.type_by_id(id).map_err(|e| e.to_string())?;
    let (TypeKind::Enum(en) | TypeKind::Enum64(en)) = &t.kind else {
        return Err(format!("`{expr}`: type {id} is not an enum"));
    };
    let want = match expr.path.first() {
        Some(CoreAccess::Field(n)) => n.as_str(),
        _ => return Err(format!("`{expr}` names no enumerator")),
    };
    let v = en.values.iter().find(|v| v.name == want).ok_or_else(|| {
        format!(
            "`{expr}`: enum `{}` has no value `{want}` in this kernel",
            t.name
        )
    })?;
    Ok(if en.signed {
        v.value as i64
    } else if en.size <= 4 {
        i64::from(v.value as u32)
    } else {
        v.value as i64
    })
}

/// Where a member path lands: its type, bit offset from the start, bitfield width.
struct Field {
    ty: TypeId,
    bit_offset: u32,
    bitfield_size: u8,
}

fn field(btf: &Btf, id: TypeId, expr: &CoreExpr) -> Result<Field, String> {
    let mut at = Field {
        ty: id,
        bit_offset: 0,
        bitfield_size: 0,
    };
    for (step, access) in expr.path.iter().enumerate() {
        let so_far = PathText(&expr.path[..step]).to_string();
        let inside = if so_far.is_empty() {
            format!("`{}`", expr.type_name)
        } else {
            format!("`{}.{so_far}`", expr.type_name)
        };
        match access {
            CoreAccess::Field(name) => {
                let m = btf.member_offset(at.ty, name).map_err(|err| match err {
                    ebpf_btf::Error::NoMember { .. } => {
                        format!("`{expr}`: {inside} has no field `{name}` in this kernel")
                    }
                    ebpf_btf::Error::NotComposite { .. } => {
                        format!(
                            "`{expr}`: {inside} is not a struct or union, so has no field `{name}`"
                        )
                    }
                    other => format!("`{expr}`: {other}"),
                })?;
                at = Field {
                    ty: m.ty,
                    bit_offset: at
                        .bit_offset
                        .checked_add(m.bit_offset)
                        .ok_or_else(|| format!("`{expr}`: the offset overflows"))?,
                    bitfield_size: m.bitfield_size,
                };
            }
            CoreAccess::Index(i) if step == 0 => {
                // `[N]` first: N whole `T`s on (pointer arithmetic, as C's `&p[N].f`).
                let size = btf.size_of(id).map_err(|e| format!("`{expr}`: {e}"))?;
                at.bit_offset = u64::from(size)
                    .checked_mul(u64::from(*i) * 8)
                    .and_then(|b| u32::try_from(b).ok())
                    .ok_or_else(|| format!("`{expr}`: the offset overflows"))?;
            }
            CoreAccess::Index(i) => {
                let rid = btf.resolve(at.ty).map_err(|e| e.to_string())?;
                let t = btf.type_by_id(rid).map_err(|e| e.to_string())?;
                let TypeKind::Array(a) = t.kind else {
                    return Err(format!(
                        "`{expr}`: {inside} is not an array, so `[{i}]` has no meaning"
                    ));
                };
                if a.nelems != 0 && *i >= a.nelems {
                    return Err(format!(
                        "`{expr}`: index {i} is past the end of {inside} ({} elements)",
                        a.nelems
                    ));
                }
                let elem = btf.size_of(a.elem).map_err(|e| e.to_string())?;
                let off = u64::from(elem) * u64::from(*i) * 8 + u64::from(at.bit_offset);
                at = Field {
                    ty: a.elem,
                    bit_offset: u32::try_from(off)
                        .map_err(|_| format!("`{expr}`: the offset overflows"))?,
                    bitfield_size: 0,
                };
            }
        }
    }
    Ok(at)
}
