//! CO-RE `TYPE_MATCHES` (libbpf's `bpf_core_type_matches`): does a type of the
//! program's own BTF match one of the kernel's? A pure function over two [`Btf`]s, by
//! libbpf's rules (`relo_core.c`, "libbpf: Add type match support"):
//! - modifiers and typedefs are looked through; names are compared without their
//!   `___flavor` suffix (an anonymous target matches an anonymous local type only);
//! - the kinds must be the same, except that enum and enum64 match each other, and a
//!   struct or union behind a pointer matches a forward declaration of its kind;
//! - integers match by size and signedness; pointers and arrays by what they point to
//!   or hold (arrays by element count too); function prototypes by parameter count,
//!   each parameter and the return type;
//! - every local struct or union member must have a target member of the same name
//!   whose type matches (behind a pointer, a struct or union matches by name and kind
//!   only, so recursive types end);
//! - every local enumerator must have a target enumerator of the same name (values
//!   may differ), and the enums must have the same size;
//! - other kinds (floats, functions, variables) match nothing;
//! - nesting deeper than 32 levels, or a chain of 32 pointers, arrays and prototypes,
//!   is an error, as in libbpf.
//!
//! The relocation gives 1 when some kernel type of the local root's name and kind
//! matches, else 0.

use ebpf_btf::{Btf, Composite, Enum, FwdKind, TypeId, TypeKind};

use super::core_cands::{candidates, essential_name};

/// libbpf's limit on nesting (members, parameters) and on pointer/array chains.
const MAX_DEPTH: i32 = 32;

/// The value of `TYPE_MATCHES` for the local type `local_id` against `target`: 1 when a
/// target type of the same essential name and kind matches it, 0 when none does.
pub fn type_matches(local: &Btf, local_id: TypeId, target: &Btf) -> Result<i64, String> {
    type_matches_in(local, local_id, target, &[])
}

/// [`type_matches`] against vmlinux and, when vmlinux has no type of that name and
/// kind, the modules' split BTF (libbpf's candidate search).
pub fn type_matches_in(
    local: &Btf,
    local_id: TypeId,
    vmlinux: &Btf,
    modules: &[(String, Btf)],
) -> Result<i64, String> {
    let e = |err: ebpf_btf::Error| err.to_string();
    let name = local.name_of(local_id).map_err(e)?;
    if name.is_empty() {
        return Err(format!(
            "type {local_id} is anonymous: TYPE_MATCHES needs a named type"
        ));
    }
    let kind = local.kind_of(local_id).map_err(e)?;
    for (target, _, id) in candidates(vmlinux, modules, essential_name(name), |k| Some(k) == kind)?
    {
        if types_match(local, local_id, target, id)? {
            return Ok(1);
        }
    }
    Ok(0)
}

/// True when local type `local_id` matches target type `target_id` (libbpf's
/// `bpf_core_types_match`); an error when the types nest too deep or are malformed.
pub fn types_match(
    local: &Btf,
    local_id: TypeId,
    target: &Btf,
    target_id: TypeId,
) -> Result<bool, String> {
    Matcher { local, target }.matches(local_id, target_id, false, MAX_DEPTH)
}

struct Matcher<'b> {
    local: &'b Btf,
    target: &'b Btf,
}

/// Names equal without their flavor suffix; an anonymous target matches an anonymous
/// local name only.
fn names_match(local: &str, target: &str) -> bool {
    if target.is_empty() {
        return local.is_empty();
    }
    essential_name(local) == essential_name(target)
}

impl Matcher<'_> {
    fn matches(
        &self,
        mut lid: TypeId,
        mut tid: TypeId,
        mut behind_ptr: bool,
        level: i32,
    ) -> Result<bool, String> {
        let e = |err: ebpf_btf::Error| err.to_string();
        if level <= 0 {
            return Err(too_deep());
        }
        for _ in 0..MAX_DEPTH {
            lid = self.local.resolve(lid).map_err(e)?;
            tid = self.target.resolve(tid).map_err(e)?;
            if !names_match(
                self.local.name_of(lid).map_err(e)?,
                self.target.name_of(tid).map_err(e)?,
            ) {
                return Ok(false);
            }
            if lid == 0 || tid == 0 {
                // `void` (libbpf's kind UNKN) matches only `void`.
                return Ok(lid == 0 && tid == 0);
            }
            let lt = self.local.type_by_id(lid).map_err(e)?.kind;
            let tt = self.target.type_by_id(tid).map_err(e)?.kind;
            match (&lt, &tt) {
                (TypeKind::Ptr(l), TypeKind::Ptr(t)) => {
                    behind_ptr = true;
                    (lid, tid) = (*l, *t);
                }
                (TypeKind::Array(l), TypeKind::Array(t)) => {
                    if l.nelems != t.nelems {
                        return Ok(false);
                    }
                    (lid, tid) = (l.elem, t.elem);
                }
                (TypeKind::FuncProto(l), TypeKind::FuncProto(t)) => {
                    if l.params.len() != t.params.len() {
                        return Ok(false);
                    }
                    for (lp, tp) in l.params.iter().zip(&t.params) {
                        if !self.matches(lp.ty, tp.ty, behind_ptr, level - 1)? {
                            return Ok(false);
                        }
                    }
                    (lid, tid) = (l.ret, t.ret);
                }
                _ => return self.leaf(&lt, &tt, behind_ptr, level),
            }
        }
        Err(too_deep())
    }

    /// Kinds that end the chain: ints, enums, structs and unions, forward declarations.
    fn leaf(
        &self,
        local: &TypeKind<'_>,
        target: &TypeKind<'_>,
        behind_ptr: bool,
        level: i32,
    ) -> Result<bool, String> {
        Ok(match (local, target) {
            (TypeKind::Int(l), TypeKind::Int(t)) => {
                l.size == t.size && l.encoding.signed == t.encoding.signed
            }
            (TypeKind::Enum(l) | TypeKind::Enum64(l), TypeKind::Enum(t) | TypeKind::Enum64(t)) => {
                enums_match(l, t)
            }
            (TypeKind::Fwd(l), TypeKind::Fwd(t)) => l == t,
            // Behind a pointer a declaration matches a definition of its kind.
            (TypeKind::Fwd(FwdKind::Struct), TypeKind::Struct(_))
            | (TypeKind::Fwd(FwdKind::Union), TypeKind::Union(_))
            | (TypeKind::Struct(_), TypeKind::Fwd(FwdKind::Struct))
            | (TypeKind::Union(_), TypeKind::Fwd(FwdKind::Union)) => behind_ptr,
            (TypeKind::Struct(_), TypeKind::Struct(_))
            | (TypeKind::Union(_), TypeKind::Union(_))
                if behind_ptr =>
            {
                true
            }
            (TypeKind::Struct(l), TypeKind::Struct(t))
            | (TypeKind::Union(l), TypeKind::Union(t)) => self.composites_match(l, t, level)?,
            // Other kinds (floats, functions, variables) match nothing, as in libbpf.
            _ => false,
        })
    }

    /// Every local member has a target member of the same name whose type matches.
    fn composites_match(
        &self,
        local: &Composite<'_>,
        target: &Composite<'_>,
        level: i32,
    ) -> Result<bool, String> {
        if local.members.len() > target.members.len() {
            return Ok(false);
        }
        for lm in &local.members {
            let mut found = false;
            for tm in &target.members {
                if names_match(lm.name, tm.name) && self.matches(lm.ty, tm.ty, false, level - 1)? {
                    found = true;
                    break;
                }
            }
            if !found {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Same size, and every local enumerator's name is among the target's.
fn enums_match(local: &Enum<'_>, target: &Enum<'_>) -> bool {
    local.size == target.size
        && local.values.len() <= target.values.len()
        && local
            .values
            .iter()
            .all(|l| target.values.iter().any(|t| names_match(l.name, t.name)))
}

fn too_deep() -> String {
    format!("the types nest deeper than {MAX_DEPTH} levels (libbpf's limit)")
}
