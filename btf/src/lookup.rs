//! Lookups by name and kind, and what a type means once typedefs and modifiers are
//! peeled: `resolve`, `size_of`, member offsets.

use std::collections::HashSet;

use crate::btf::Btf;
use crate::error::{Error, Result};
use crate::kind::Kind;
use crate::model::{Member, TypeId, TypeKind};
use crate::name_index::NameIndex;

/// Longest typedef/modifier chain (and array nesting) followed before giving up.
pub const MAX_CHAIN: u32 = 64;

/// Where a member path (`se.vruntime`) lands inside a struct or union.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberOffset {
    /// The member's type.
    pub ty: TypeId,
    /// Offset from the start of the outer type, in bits.
    pub bit_offset: u32,
    /// Bitfield width (0 when not a bitfield).
    pub bitfield_size: u8,
}

impl Btf {
    /// Ids of every type named `name`, the base's first, in id order. The first call
    /// builds the name index (once per `Btf`).
    pub fn ids_by_name(&self, name: &str) -> Result<Vec<TypeId>> {
        let mut ids = match &self.base {
            Some(b) => b.ids_by_name(name)?,
            None => Vec::new(),
        };
        let index = self.names.get_or_init(|| NameIndex::build(self));
        match index {
            Ok(index) => ids.extend(index.lookup(self, name)),
            Err(e) => return Err(e.clone()),
        }
        Ok(ids)
    }

    /// The first type named `name` of kind `kind`, if any.
    pub fn id_by_name_kind(&self, name: &str, kind: Kind) -> Result<Option<TypeId>> {
        for id in self.ids_by_name(name)? {
            if self.kind_of(id)? == Some(kind) {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// Follows TYPEDEF, VOLATILE, CONST, RESTRICT and TYPE_TAG from `id` to the type
    /// they stand for (`id` itself when it is none of those).
    pub fn resolve(&self, id: TypeId) -> Result<TypeId> {
        let mut at = id;
        for _ in 0..MAX_CHAIN {
            if at == 0 {
                return Ok(0);
            }
            match self.type_by_id(at)?.alias_of() {
                Some(next) => at = next,
                None => return Ok(at),
            }
        }
        Err(Error::ChainTooLong {
            id,
            limit: MAX_CHAIN,
        })
    }

    /// Size in bytes of a value of type `id` (pointers are 8 bytes, as in BPF).
    pub fn size_of(&self, id: TypeId) -> Result<u32> {
        self.size_at_depth(id, 0)
    }

    fn size_at_depth(&self, id: TypeId, depth: u32) -> Result<u32> {
        if depth > MAX_CHAIN {
            return Err(Error::ChainTooLong {
                id,
                limit: MAX_CHAIN,
            });
        }
        let rid = self.resolve(id)?;
        if rid == 0 {
            return Err(Error::NoSize { id, kind: None });
        }
        let t = self.type_by_id(rid)?;
        Ok(match &t.kind {
            TypeKind::Int(i) => i.size,
            TypeKind::Ptr(_) => 8,
            TypeKind::Struct(c) | TypeKind::Union(c) => c.size,
            TypeKind::Enum(e) | TypeKind::Enum64(e) => e.size,
            TypeKind::Datasec(d) => d.size,
            TypeKind::Float(size) => *size,
            TypeKind::Array(a) => {
                let elem = self.size_at_depth(a.elem, depth + 1)?;
                elem.checked_mul(a.nelems)
                    .ok_or(Error::SizeOverflow { id })?
            }
            _ => {
                return Err(Error::NoSize {
                    id,
                    kind: Some(t.kind()),
                })
            }
        })
    }

    /// Finds a member by a dotted path (`tgid`, `se.vruntime`) in struct or union `id`,
    /// looking through anonymous struct/union members as C does.
    pub fn member_offset(&self, id: TypeId, path: &str) -> Result<MemberOffset> {
        let mut at = MemberOffset {
            ty: id,
            bit_offset: 0,
            bitfield_size: 0,
        };
        for name in path.split('.') {
            let found = self.find_member(at.ty, name, &mut HashSet::new())?;
            let bit_offset = at.bit_offset.checked_add(found.bit_offset);
            let bit_offset = bit_offset.ok_or(Error::SizeOverflow { id })?;
            at = MemberOffset {
                bit_offset,
                ..found
            };
        }
        Ok(at)
    }

    /// `seen`: types already searched for `name` without success, so shared or cyclic
    /// anonymous members are searched once (no exponential walk on crafted BTF).
    fn find_member(
        &self,
        id: TypeId,
        name: &str,
        seen: &mut HashSet<TypeId>,
    ) -> Result<MemberOffset> {
        let rid = self.resolve(id)?;
        let not_found = || -> Result<Error> {
            Ok(Error::NoMember {
                id: rid,
                type_name: self.name_of(rid)?.to_owned(),
                member: name.to_owned(),
            })
        };
        let t = if rid == 0 {
            None
        } else {
            Some(self.type_by_id(rid)?)
        };
        let members: &[Member<'_>] = match t.as_ref().map(|t| &t.kind) {
            Some(TypeKind::Struct(c) | TypeKind::Union(c)) => &c.members,
            _ => {
                let kind = t.map(|t| t.kind());
                return Err(Error::NotComposite {
                    id: rid,
                    kind,
                    member: name.to_owned(),
                });
            }
        };
        if let Some(m) = members.iter().find(|m| m.name == name) {
            return Ok(MemberOffset {
                ty: m.ty,
                bit_offset: m.bit_offset,
                bitfield_size: m.bitfield_size,
            });
        }
        if seen.insert(rid) {
            for m in members.iter().filter(|m| m.name.is_empty()) {
                if let Ok(inner) = self.find_member(m.ty, name, seen) {
                    let bit_offset = m.bit_offset.checked_add(inner.bit_offset);
                    let bit_offset = bit_offset.ok_or(Error::SizeOverflow { id: rid })?;
                    return Ok(MemberOffset {
                        bit_offset,
                        ..inner
                    });
                }
            }
        }
        Err(not_found()?)
    }
}
