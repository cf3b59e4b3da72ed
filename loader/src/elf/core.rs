//! CO-RE relocations of `.BTF.ext` (`bpf_core_relo`) as the assembler's [`CoreRelo`]s:
//! the root type and access string (`0:1:2`, indices into the object's BTF) become a
//! named expression (`offsetof(task_struct, tgid)`), which the loader resolves against
//! the running kernel with the same resolver as CO-RE written in assembly
//! ([`crate::programs::core_relo`]). The instruction's field comes from its form: the
//! immediate of an ALU or `ld_imm64`, the offset of a load or store.
//!
//! `TYPE_MATCHES` compares the object's own definition of a type with the kernel's, so
//! a program with one carries the object's `.BTF` ([`Program::with_local_btf`]).
//!
//! A relocation that cannot be resolved fails the load with an error naming the
//! program, the C line and the expression (libbpf instead poisons the instruction, so
//! the program fails only if that path runs; we prefer the error at load time).

#[cfg(doc)]
use ebpf_asm_core::Program;
use ebpf_asm_core::{CoreAccess, CoreExpr, CoreKind, CoreRelo, FixField, Imm64, Insn, Src};
use ebpf_btf::{Btf, TypeKind};

use super::btf_ext::CoreRec;
use crate::programs::core_relo::essential_name;

/// `enum bpf_core_relo_kind` names, for errors.
const KIND_NAMES: [&str; 13] = [
    "FIELD_BYTE_OFFSET",
    "FIELD_BYTE_SIZE",
    "FIELD_EXISTS",
    "FIELD_SIGNED",
    "FIELD_LSHIFT_U64",
    "FIELD_RSHIFT_U64",
    "TYPE_ID_LOCAL",
    "TYPE_ID_TARGET",
    "TYPE_EXISTS",
    "TYPE_SIZE",
    "ENUMVAL_EXISTS",
    "ENUMVAL_VALUE",
    "TYPE_MATCHES",
];

/// The kind's name (`FIELD_BYTE_OFFSET`), or its number.
pub(crate) fn kind_name(kind: u32) -> String {
    KIND_NAMES
        .get(kind as usize)
        .map_or_else(|| format!("kind {kind}"), |n| (*n).to_owned())
}

/// What a `.BTF.ext` CO-RE record becomes.
pub(crate) enum Core {
    /// An expression resolved against the kernel at load time.
    Relo(CoreRelo),
    /// A value known from the object alone (`TYPE_ID_LOCAL`: a type id in the object's
    /// BTF, which the kernel gets with the same ids), written into the field now.
    Now {
        insn: usize,
        field: FixField,
        value: i64,
    },
}

/// The relocation `rec` of instruction `insn` (index `index`); the error says why it
/// cannot be done (the caller adds where).
pub(crate) fn relo(btf: &Btf, rec: &CoreRec, index: usize, insn: &Insn) -> Result<Core, String> {
    let access = btf
        .string_at(rec.access_str_off)
        .map_err(|e| format!("access string offset {}: {e}", rec.access_str_off))?;
    let at = |msg: String| {
        format!(
            "{} `{access}` on type {}: {msg}",
            kind_name(rec.kind),
            rec.type_id
        )
    };
    let field =
        field_of(insn).ok_or_else(|| at(format!("cannot patch the instruction `{insn}`")))?;
    let kind = match rec.kind {
        6 => {
            // The id must name a type, not `void` (libbpf's `bpf_core_type_id_local`).
            let t = skip_mods(btf, rec.type_id).map_err(at)?;
            btf.type_by_id(t).map_err(|e| at(e.to_string()))?;
            return Ok(Core::Now {
                insn: index,
                field,
                value: i64::from(rec.type_id),
            });
        }
        7 => CoreKind::TypeId,
        0 => CoreKind::FieldOffset,
        1 => CoreKind::FieldSize,
        2 => CoreKind::FieldExists,
        3 => CoreKind::FieldSigned,
        4 => CoreKind::FieldLShift,
        5 => CoreKind::FieldRShift,
        8 => CoreKind::TypeExists,
        9 => CoreKind::TypeSize,
        10 => CoreKind::EnumExists,
        11 => CoreKind::EnumValue,
        12 => CoreKind::TypeMatches,
        _ => {
            return Err(at(
                "unknown relocation kind (kinds 0 to 12, FIELD_BYTE_OFFSET to TYPE_MATCHES, \
                 are known): was the object built by a newer compiler?"
                    .into(),
            ))
        }
    };
    let (type_name, path) = expression(btf, rec.type_id, access, kind).map_err(at)?;
    Ok(Core::Relo(CoreRelo {
        insn: index,
        field,
        expr: CoreExpr {
            kind,
            type_name,
            path,
        },
    }))
}

/// The instruction field a CO-RE value goes into.
fn field_of(insn: &Insn) -> Option<FixField> {
    match insn {
        Insn::Alu {
            src: Src::Imm(_), ..
        } => Some(FixField::Imm),
        Insn::LdImm64 {
            imm: Imm64::Const(_),
            ..
        } => Some(FixField::Imm64),
        Insn::Load { .. } | Insn::LoadSx { .. } | Insn::Store { .. } | Insn::Atomic { .. } => {
            Some(FixField::Off)
        }
        _ => None,
    }
}

/// The type's name and the member path the access string walks.
fn expression(
    btf: &Btf,
    type_id: u32,
    access: &str,
    kind: CoreKind,
) -> Result<(String, Vec<CoreAccess>), String> {
    let e = |err: ebpf_btf::Error| err.to_string();
    let mut indices = Vec::new();
    for part in access.split(':') {
        indices.push(
            part.parse::<u32>()
                .map_err(|_| format!("access string `{access}` is not numbers joined by `:`"))?,
        );
    }
    let root = skip_mods(btf, type_id)?;
    let t = btf.type_by_id(root).map_err(e)?;
    if t.name.is_empty() {
        return Err(format!(
            "type {type_id} is anonymous: CO-RE needs a named root type"
        ));
    }
    let name = t.name.to_owned();
    if kind.takes_enumerator() {
        let (TypeKind::Enum(en) | TypeKind::Enum64(en)) = &t.kind else {
            return Err(format!("type `{name}` is not an enum"));
        };
        let i = indices[0] as usize;
        let v = en
            .values
            .get(i)
            .ok_or_else(|| format!("enum `{name}` has no value {i}"))?;
        // The enumerator is matched by its essential name too (libbpf's rule), so a
        // local `NAME___flavor` finds the kernel's `NAME`.
        let enumerator = essential_name(v.name).to_owned();
        return Ok((name, vec![CoreAccess::Field(enumerator)]));
    }
    if !kind.has_path() {
        return Ok((name, Vec::new()));
    }
    let mut path = Vec::new();
    // The first index steps over whole `name`s (`&p[1].f`, libbpf's pointer
    // arithmetic): a leading `[N]` in the path. It is written when not 0, and always
    // when the root is an array, so that a leading index never means an element of it.
    let root_is_array = matches!(
        btf.type_by_id(btf.resolve(root).map_err(e)?)
            .map_err(e)?
            .kind,
        TypeKind::Array(_)
    );
    if indices[0] != 0 || root_is_array {
        path.push(CoreAccess::Index(indices[0]));
    }
    let mut at = root;
    for &i in &indices[1..] {
        let cur = btf.resolve(at).map_err(e)?;
        match btf.type_by_id(cur).map_err(e)?.kind {
            TypeKind::Struct(c) | TypeKind::Union(c) => {
                let m = c
                    .members
                    .get(i as usize)
                    .ok_or_else(|| format!("member {i} is past the end of a struct of `{name}`"))?;
                // An anonymous member is found through by the next named one.
                if !m.name.is_empty() {
                    path.push(CoreAccess::Field(m.name.to_owned()));
                }
                at = m.ty;
            }
            TypeKind::Array(a) => {
                path.push(CoreAccess::Index(i));
                at = a.elem;
            }
            _ => {
                return Err(format!(
                    "step {i} of `{access}` is neither a member nor an element"
                ))
            }
        }
    }
    if path.is_empty() {
        return Err(format!("`{access}` names no field of `{name}`"));
    }
    Ok((name, path))
}

/// `id` with const/volatile/restrict/type tags taken off (typedefs kept: their name is
/// what the kernel's types are matched by).
fn skip_mods(btf: &Btf, mut id: u32) -> Result<u32, String> {
    for _ in 0..32 {
        match btf.type_by_id(id).map_err(|e| e.to_string())?.kind {
            TypeKind::Const(t) | TypeKind::Volatile(t) | TypeKind::Restrict(t) => id = t,
            TypeKind::TypeTag(t) => id = t.ty,
            _ => return Ok(id),
        }
    }
    Err(format!("type {id}: modifiers nest too deep"))
}
