//! Encoding one model type as a record: `struct btf_type` and what follows its kind.

use crate::builder::{fits, Builder};
use crate::error::Result;
use crate::model::{Composite, Enum, Type, TypeKind};

impl Builder {
    /// Appends `t`'s record to the type section (the caller undoes a partial append).
    pub(crate) fn encode_type(&mut self, t: &Type<'_>) -> Result<()> {
        let name_off = self.add_str(t.name)?;
        let (vlen, kind_flag, size_type) = head_fields(t)?;
        let info = u32::from(t.kind() as u8) << 24 | u32::from(kind_flag) << 31 | vlen;
        self.put(&[name_off, info, size_type]);
        match &t.kind {
            TypeKind::Int(i) => {
                let enc = u32::from(i.encoding.signed)
                    | u32::from(i.encoding.char) << 1
                    | u32::from(i.encoding.boolean) << 2;
                self.put(&[enc << 24 | u32::from(i.offset) << 16 | u32::from(i.bits)]);
            }
            TypeKind::Array(a) => self.put(&[a.elem, a.index, a.nelems]),
            TypeKind::Struct(c) | TypeKind::Union(c) => self.members(c)?,
            TypeKind::Enum(e) => self.enumerators(e, false)?,
            TypeKind::Enum64(e) => self.enumerators(e, true)?,
            TypeKind::FuncProto(p) => {
                for param in &p.params {
                    let name = self.add_str(param.name)?;
                    self.put(&[name, param.ty]);
                }
            }
            TypeKind::Var(v) => self.put(&[v.linkage.to_u32()]),
            TypeKind::Datasec(d) => {
                for v in &d.vars {
                    self.put(&[v.ty, v.offset, v.size]);
                }
            }
            TypeKind::DeclTag(t) => self.put(&[t.component_idx as u32]),
            _ => {}
        }
        Ok(())
    }

    fn put(&mut self, words: &[u32]) {
        for &w in words {
            self.endian.put_u32(&mut self.types, w);
        }
    }

    fn members(&mut self, c: &Composite<'_>) -> Result<()> {
        for m in &c.members {
            let name = self.add_str(m.name)?;
            let offset = if c.bitfields {
                if m.bit_offset > 0xff_ffff {
                    return Err(fits(
                        "bitfield member offset (24 bits)",
                        m.bit_offset.into(),
                    ));
                }
                u32::from(m.bitfield_size) << 24 | m.bit_offset
            } else if m.bitfield_size != 0 {
                return Err(fits(
                    "bitfield size without kind_flag",
                    m.bitfield_size.into(),
                ));
            } else {
                m.bit_offset
            };
            self.put(&[name, m.ty, offset]);
        }
        Ok(())
    }

    fn enumerators(&mut self, e: &Enum<'_>, wide: bool) -> Result<()> {
        for v in &e.values {
            let name = self.add_str(v.name)?;
            if wide {
                self.put(&[name, v.value as u32, (v.value >> 32) as u32]);
                continue;
            }
            let fits32 = if e.signed {
                i32::try_from(v.value as i64).is_ok()
            } else {
                v.value <= u64::from(u32::MAX)
            };
            if !fits32 {
                return Err(fits("32-bit enum value", v.value));
            }
            self.put(&[name, v.value as u32]);
        }
        Ok(())
    }
}

/// `vlen`, `kind_flag` and the size-or-type word of a type.
fn head_fields(t: &Type<'_>) -> Result<(u32, bool, u32)> {
    let vlen = |n: usize| {
        u16::try_from(n)
            .map(u32::from)
            .map_err(|_| fits("vlen (entries of one type)", n as u64))
    };
    Ok(match &t.kind {
        TypeKind::Int(i) => (0, false, i.size),
        TypeKind::Ptr(to)
        | TypeKind::Typedef(to)
        | TypeKind::Volatile(to)
        | TypeKind::Const(to)
        | TypeKind::Restrict(to) => (0, false, *to),
        TypeKind::Array(_) => (0, false, 0),
        TypeKind::Struct(c) | TypeKind::Union(c) => (vlen(c.members.len())?, c.bitfields, c.size),
        TypeKind::Enum(e) | TypeKind::Enum64(e) => (vlen(e.values.len())?, e.signed, e.size),
        TypeKind::Fwd(k) => (0, *k == crate::model::FwdKind::Union, 0),
        TypeKind::Func(f) => (f.linkage.to_u32(), false, f.proto),
        TypeKind::FuncProto(p) => (vlen(p.params.len())?, false, p.ret),
        TypeKind::Var(v) => (0, false, v.ty),
        TypeKind::Datasec(d) => (vlen(d.vars.len())?, false, d.size),
        TypeKind::Float(size) => (0, false, *size),
        TypeKind::DeclTag(d) => (0, d.attr, d.ty),
        TypeKind::TypeTag(t) => (0, t.attr, t.ty),
    })
}
