//! Text for a type, in the spirit of `bpftool btf dump` (raw format): the kind, the name,
//! the fields, and one indented line per member, parameter, enumerator or variable.

use std::fmt;

use crate::model::{Composite, Enum, FwdKind, Type, TypeKind};

impl fmt::Display for Type<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} '{}'", self.kind(), self.name)?;
        match &self.kind {
            TypeKind::Int(i) => {
                let e = &i.encoding;
                let enc = match (e.signed, e.char, e.boolean) {
                    (true, _, _) => "SIGNED",
                    (_, true, _) => "CHAR",
                    (_, _, true) => "BOOL",
                    _ => "(none)",
                };
                write!(
                    f,
                    " size={} bits_offset={} nr_bits={} encoding={enc}",
                    i.size, i.offset, i.bits
                )
            }
            TypeKind::Ptr(t)
            | TypeKind::Typedef(t)
            | TypeKind::Volatile(t)
            | TypeKind::Const(t)
            | TypeKind::Restrict(t) => write!(f, " type_id={t}"),
            TypeKind::Array(a) => {
                write!(
                    f,
                    " type_id={} index_type_id={} nr_elems={}",
                    a.elem, a.index, a.nelems
                )
            }
            TypeKind::Struct(c) | TypeKind::Union(c) => composite(f, c),
            TypeKind::Enum(e) | TypeKind::Enum64(e) => enumeration(f, e),
            TypeKind::Fwd(k) => f.write_str(if *k == FwdKind::Union {
                " fwd_kind=union"
            } else {
                " fwd_kind=struct"
            }),
            TypeKind::Func(func) => write!(f, " type_id={} linkage={:?}", func.proto, func.linkage),
            TypeKind::FuncProto(p) => {
                write!(f, " ret_type_id={} vlen={}", p.ret, p.params.len())?;
                p.params
                    .iter()
                    .try_for_each(|p| write!(f, "\n\t'{}' type_id={}", p.name, p.ty))
            }
            TypeKind::Var(v) => write!(f, " type_id={} linkage={:?}", v.ty, v.linkage),
            TypeKind::Datasec(d) => {
                write!(f, " size={} vlen={}", d.size, d.vars.len())?;
                d.vars.iter().try_for_each(|v| {
                    write!(
                        f,
                        "\n\ttype_id={} offset={} size={}",
                        v.ty, v.offset, v.size
                    )
                })
            }
            TypeKind::Float(size) => write!(f, " size={size}"),
            TypeKind::DeclTag(t) => {
                write!(f, " type_id={} component_idx={}", t.ty, t.component_idx)
            }
            TypeKind::TypeTag(t) => write!(f, " type_id={}", t.ty),
        }
    }
}

fn composite(f: &mut fmt::Formatter<'_>, c: &Composite<'_>) -> fmt::Result {
    write!(f, " size={} vlen={}", c.size, c.members.len())?;
    for m in &c.members {
        write!(
            f,
            "\n\t'{}' type_id={} bits_offset={}",
            m.name, m.ty, m.bit_offset
        )?;
        if m.bitfield_size != 0 {
            write!(f, " bitfield_size={}", m.bitfield_size)?;
        }
    }
    Ok(())
}

fn enumeration(f: &mut fmt::Formatter<'_>, e: &Enum<'_>) -> fmt::Result {
    let sign = if e.signed { "SIGNED" } else { "UNSIGNED" };
    write!(
        f,
        " encoding={sign} size={} vlen={}",
        e.size,
        e.values.len()
    )?;
    for v in &e.values {
        if e.signed {
            write!(f, "\n\t'{}' val={}", v.name, v.value as i64)?;
        } else {
            write!(f, "\n\t'{}' val={}", v.name, v.value)?;
        }
    }
    Ok(())
}
