//! Decoding one type's record (`struct btf_type` and what follows it) into the model.

use crate::btf::{info_kind, Btf, TYPE_HEADER};
use crate::error::{Error, Result};
use crate::kind::Kind;
use crate::model::{
    Array, Composite, Datasec, DeclTag, Enum, Enumerator, Func, FuncProto, FwdKind, Int,
    IntEncoding, Linkage, Member, Param, Type, TypeId, TypeKind, TypeTag, Var, VarSecInfo,
};

/// The decoder's view of one record.
struct Rec<'a> {
    btf: &'a Btf,
    rec: &'a [u8],
    id: TypeId,
    offset: usize,
    info: u32,
}

impl<'a> Rec<'a> {
    fn word(&self, i: usize) -> u32 {
        self.btf.word(self.rec, i)
    }
    fn vlen(&self) -> usize {
        (self.info & 0xffff) as usize
    }
    fn kind_flag(&self) -> bool {
        self.info >> 31 == 1
    }
    fn name(&self, off: u32) -> Result<&'a str> {
        self.btf.str_at(off, self.id)
    }
    /// Entry `i` of `words` words each, after the fixed part; word `w` of it.
    fn entry(&self, i: usize, words: usize, w: usize) -> u32 {
        self.word(TYPE_HEADER / 4 + i * words + w)
    }
    fn bad(&self, what: &'static str, value: u32) -> Error {
        Error::BadValue {
            id: self.id,
            offset: self.offset,
            what,
            value,
        }
    }
    fn linkage(&self, n: u32) -> Result<Linkage> {
        Linkage::from_u32(n).ok_or_else(|| self.bad("linkage", n))
    }
}

impl Btf {
    /// Decodes type `id` (of this BTF or its base). Checks its names and that every type
    /// id it refers to exists.
    pub fn type_by_id(&self, id: TypeId) -> Result<Type<'_>> {
        let (btf, rec, offset) = self.record(id)?;
        let r = Rec {
            btf,
            rec,
            id,
            offset,
            info: btf.word(rec, 1),
        };
        let t = Type {
            name: r.name(r.word(0))?,
            kind: decode_kind(&r)?,
        };
        let next = btf.next_id();
        let mut bad = None;
        t.for_each_ref(|to| {
            if to >= next && bad.is_none() {
                bad = Some(to);
            }
        });
        match bad {
            Some(to) => Err(btf.out_of_range(id, to)),
            None => Ok(t),
        }
    }

    /// Decodes every own type, in id order: each type, or the error that type gives.
    pub fn types(&self) -> impl Iterator<Item = Result<(TypeId, Type<'_>)>> + '_ {
        self.ids().map(|id| self.type_by_id(id).map(|t| (id, t)))
    }

    /// Decodes every type and checks every name and reference: the whole blob is sound.
    pub fn validate(&self) -> Result<()> {
        self.types().try_for_each(|t| t.map(|_| ()))
    }
}

fn decode_kind<'a>(r: &Rec<'a>) -> Result<TypeKind<'a>> {
    let kind = info_kind(r.info);
    // Records were walked by kind at parse time, so the kind is known.
    let kind = Kind::from_u8(kind).ok_or(Error::UnknownKind {
        id: r.id,
        offset: r.offset,
        kind,
    })?;
    let size_type = r.word(2);
    Ok(match kind {
        Kind::Int => TypeKind::Int(int(r)?),
        Kind::Ptr => TypeKind::Ptr(size_type),
        Kind::Array => TypeKind::Array(Array {
            elem: r.word(3),
            index: r.word(4),
            nelems: r.word(5),
        }),
        Kind::Struct => TypeKind::Struct(composite(r)?),
        Kind::Union => TypeKind::Union(composite(r)?),
        Kind::Enum => TypeKind::Enum(enumeration(r, 2)?),
        Kind::Enum64 => TypeKind::Enum64(enumeration(r, 3)?),
        Kind::Fwd => TypeKind::Fwd(if r.kind_flag() {
            FwdKind::Union
        } else {
            FwdKind::Struct
        }),
        Kind::Typedef => TypeKind::Typedef(size_type),
        Kind::Volatile => TypeKind::Volatile(size_type),
        Kind::Const => TypeKind::Const(size_type),
        Kind::Restrict => TypeKind::Restrict(size_type),
        Kind::Func => TypeKind::Func(Func {
            proto: size_type,
            linkage: r.linkage(r.vlen() as u32)?,
        }),
        Kind::FuncProto => TypeKind::FuncProto(func_proto(r)?),
        Kind::Var => TypeKind::Var(Var {
            ty: size_type,
            linkage: r.linkage(r.word(3))?,
        }),
        Kind::Datasec => TypeKind::Datasec(Datasec {
            size: size_type,
            vars: (0..r.vlen())
                .map(|i| VarSecInfo {
                    ty: r.entry(i, 3, 0),
                    offset: r.entry(i, 3, 1),
                    size: r.entry(i, 3, 2),
                })
                .collect(),
        }),
        Kind::Float => TypeKind::Float(size_type),
        Kind::DeclTag => TypeKind::DeclTag(DeclTag {
            ty: size_type,
            component_idx: r.word(3) as i32,
            attr: r.kind_flag(),
        }),
        Kind::TypeTag => TypeKind::TypeTag(TypeTag {
            ty: size_type,
            attr: r.kind_flag(),
        }),
    })
}

fn int(r: &Rec<'_>) -> Result<Int> {
    let w = r.word(3);
    let enc = (w >> 24) & 0xf;
    if enc & !0x7 != 0 || enc.count_ones() > 1 {
        return Err(r.bad("int encoding", enc));
    }
    Ok(Int {
        size: r.word(2),
        encoding: IntEncoding {
            signed: enc & 1 != 0,
            char: enc & 2 != 0,
            boolean: enc & 4 != 0,
        },
        offset: (w >> 16) as u8,
        bits: w as u8,
    })
}

fn composite<'a>(r: &Rec<'a>) -> Result<Composite<'a>> {
    let bitfields = r.kind_flag();
    let members = (0..r.vlen())
        .map(|i| {
            let off = r.entry(i, 3, 2);
            Ok(Member {
                name: r.name(r.entry(i, 3, 0))?,
                ty: r.entry(i, 3, 1),
                bit_offset: if bitfields { off & 0xff_ffff } else { off },
                bitfield_size: if bitfields { (off >> 24) as u8 } else { 0 },
            })
        })
        .collect::<Result<_>>()?;
    Ok(Composite {
        size: r.word(2),
        bitfields,
        members,
    })
}

/// ENUM (2 words an entry: name, i32 value) or ENUM64 (3: name, low 32, high 32).
fn enumeration<'a>(r: &Rec<'a>, words: usize) -> Result<Enum<'a>> {
    let signed = r.kind_flag();
    let values = (0..r.vlen())
        .map(|i| {
            let lo = r.entry(i, words, 1);
            let value = if words == 3 {
                u64::from(r.entry(i, words, 2)) << 32 | u64::from(lo)
            } else if signed {
                i64::from(lo as i32) as u64
            } else {
                u64::from(lo)
            };
            Ok(Enumerator {
                name: r.name(r.entry(i, words, 0))?,
                value,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Enum {
        size: r.word(2),
        signed,
        values,
    })
}

fn func_proto<'a>(r: &Rec<'a>) -> Result<FuncProto<'a>> {
    let params = (0..r.vlen())
        .map(|i| {
            Ok(Param {
                name: r.name(r.entry(i, 2, 0))?,
                ty: r.entry(i, 2, 1),
            })
        })
        .collect::<Result<_>>()?;
    Ok(FuncProto {
        ret: r.word(2),
        params,
    })
}
