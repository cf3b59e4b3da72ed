//! BTF-defined maps for `.maps`, in the encoding libbpf's macros produce and read:
//! `__uint(type, BPF_MAP_TYPE_ARRAY)` is a member `int (*type)[2]` (a pointer to an
//! array whose length is the value), `__type(key, T)` a member `T *key`. A map whose
//! [`MapSpec`] carries Rust-derived BTF ([`MapBtf`](crate::MapBtf)) gets `key`/`value`
//! of its types (so `bpftool map dump` prints fields); otherwise `key_size`/`value_size`.

use std::collections::HashMap;

use ebpf_asm_core::MapType;
use ebpf_btf::{
    Array, Btf, Builder, Composite, Datasec, FuncProto, Int, Linkage, Member, Param, Type, TypeId,
    TypeKind, Var, VarSecInfo,
};

use super::btf_copy::Closure;
use super::write_err;
use super::MapIn;
use crate::error::{Error, Result};
use crate::maps::MapSpec;

/// Where a map's definition is in `.maps`.
pub(crate) struct MapPlace {
    /// Byte offset.
    pub offset: u64,
    /// Size in bytes: 8 per member, then 8 per initial slot (`.values`).
    pub size: u64,
    /// Byte offset of `values[0]` in the definition (its members' size).
    pub values: u64,
}

/// Adds every map's definition, a VAR each (named `names`: the maps' symbols) and the
/// `.maps` DATASEC to `b`; returns where each definition is (the section holds zeros of
/// that size; initial slots are relocations, see [`super::map_slots`]).
pub(crate) fn add(b: &mut Builder, maps: &[MapIn<'_>], names: &[String]) -> Result<Vec<MapPlace>> {
    let mut t = Uints::new(b).map_err(btf_err)?;
    let mut places = Vec::with_capacity(maps.len());
    let mut vars = Vec::with_capacity(maps.len());
    let mut offset = 0u64;
    for (m, name) in maps.iter().zip(names) {
        let mut members = members(b, &mut t, m.spec, m.inner.is_some() || !m.slots.is_empty())
            .map_err(|e| write_err(m.name, e))?;
        if m.pin_by_name {
            // LIBBPF_PIN_BY_NAME
            members.push(("pinning", t.uint(b, 1).map_err(btf_err)?));
        }
        if let Some(values) = values_member(b, &mut t, m)? {
            members.push(("values", values));
        }
        let def = definition(b, &members)?;
        let def_size = 8 * members.iter().filter(|(n, _)| *n != "values").count() as u64;
        let slots = m.slots.iter().map(|(i, _)| u64::from(*i) + 1).max();
        let size = def_size + 8 * slots.unwrap_or(0);
        let var = b
            .add(&Type {
                name,
                kind: TypeKind::Var(Var {
                    ty: def,
                    linkage: Linkage::Global,
                }),
            })
            .map_err(btf_err)?;
        vars.push(VarSecInfo {
            ty: var,
            offset: offset as u32,
            size: size as u32,
        });
        let values = 8 * members.iter().take_while(|(n, _)| *n != "values").count() as u64;
        places.push(MapPlace {
            offset,
            size,
            values,
        });
        offset += size;
    }
    if !maps.is_empty() {
        b.add(&Type {
            name: super::MAPS,
            kind: TypeKind::Datasec(Datasec {
                size: offset as u32,
                vars,
            }),
        })
        .map_err(btf_err)?;
    }
    Ok(places)
}

/// The definition struct of `members`, 8 bytes each (`values`, an array of no
/// elements, takes none: its slots follow the struct).
fn definition(b: &mut Builder, members: &[(&str, TypeId)]) -> Result<TypeId> {
    let sized = members.iter().filter(|(n, _)| *n != "values").count();
    b.add(&Type {
        name: "",
        kind: TypeKind::Struct(Composite {
            size: 8 * sized as u32,
            bitfields: false,
            members: members
                .iter()
                .enumerate()
                .map(|(i, (name, ty))| Member {
                    name,
                    ty: *ty,
                    bit_offset: i as u32 * 64,
                    bitfield_size: 0,
                })
                .collect(),
        }),
    })
    .map_err(btf_err)
}

/// `__array(values, T)` (`T *values[]`) for a map of maps (T: the inner map's
/// definition) or a prog array with initial slots (T: `int (void *)`), as libbpf's
/// macro writes it; `None` for other maps. Errors name the map.
fn values_member(b: &mut Builder, t: &mut Uints, m: &MapIn<'_>) -> Result<Option<TypeId>> {
    let err = |e: String| write_err(m.name, e);
    let of_maps = matches!(m.spec.map_type, MapType::ArrayOfMaps | MapType::HashOfMaps);
    let pointee = match (m.spec.map_type, m.inner) {
        (_, Some(inner)) if of_maps => {
            let inner =
                members(b, t, inner, false).map_err(|e| err(format!("its inner map: {e}")))?;
            definition(b, &inner)?
        }
        (_, None) if of_maps => {
            return Err(err(
                "a map of maps needs the shape of its values: an inner map \
                 (`add_map_of_maps`, `inner=`) or `inner_spec`"
                    .into(),
            ))
        }
        (_, Some(_)) => {
            return Err(err(format!(
                "an inner map is for array_of_maps and hash_of_maps, not {}",
                m.spec.map_type.name()
            )))
        }
        (MapType::ProgArray, None) if !m.slots.is_empty() => {
            let void_ptr = ptr(b, 0).map_err(btf_err)?;
            b.add(&Type {
                name: "",
                kind: TypeKind::FuncProto(FuncProto {
                    ret: t.int,
                    params: vec![Param {
                        name: "",
                        ty: void_ptr,
                    }],
                }),
            })
            .map_err(btf_err)?
        }
        (_, None) if !m.slots.is_empty() => {
            return Err(err(format!(
                "initial values are for prog_array, array_of_maps and hash_of_maps, not {}",
                m.spec.map_type.name()
            )))
        }
        (_, None) => return Ok(None),
    };
    let elem = ptr(b, pointee).map_err(btf_err)?;
    let arr = b
        .add(&Type {
            name: "",
            kind: TypeKind::Array(Array {
                elem,
                index: t.int,
                nelems: 0,
            }),
        })
        .map_err(btf_err)?;
    Ok(Some(arr))
}

fn btf_err(e: ebpf_btf::Error) -> Error {
    Error::InvalidArgument(format!("building the object's BTF: {e}"))
}

/// The members of one definition: name and type.
/// `values_implied`: the map has `__array(values, ...)`, whose 4-byte values libbpf
/// implies (clang's objects say no `value_size` then).
fn members(
    b: &mut Builder,
    t: &mut Uints,
    spec: &MapSpec,
    values_implied: bool,
) -> std::result::Result<Vec<(&'static str, TypeId)>, String> {
    let e = |e: ebpf_btf::Error| e.to_string();
    let mut out = vec![("type", t.uint(b, spec.map_type.as_u32()).map_err(e)?)];
    match &spec.btf {
        Some(btf) => {
            let why = |e: ebpf_btf::Error| format!("its key/value BTF: {e}");
            let src = Btf::parse(btf.blob()).map_err(why)?;
            let mut types = Closure::new(&src);
            let key = types.copy(b, btf.key_type_id()).map_err(why)?;
            let value = types.copy(b, btf.value_type_id()).map_err(why)?;
            out.push(("key", ptr(b, key).map_err(e)?));
            out.push(("value", ptr(b, value).map_err(e)?));
        }
        None => {
            if spec.key_size != 0 {
                out.push(("key_size", t.uint(b, spec.key_size).map_err(e)?));
            }
            if spec.value_size != 0 && !(values_implied && spec.value_size == 4) {
                out.push(("value_size", t.uint(b, spec.value_size).map_err(e)?));
            }
        }
    }
    out.push(("max_entries", t.uint(b, spec.max_entries).map_err(e)?));
    if spec.flags != 0 {
        out.push(("map_flags", t.uint(b, spec.flags).map_err(e)?));
    }
    if spec.map_extra != 0 {
        let extra = u32::try_from(spec.map_extra).map_err(|_| {
            format!(
                "map_extra {:#x} does not fit `__uint` (32 bits)",
                spec.map_extra
            )
        })?;
        out.push(("map_extra", t.uint(b, extra).map_err(e)?));
    }
    if spec.numa_node.is_some() {
        return Err("numa_node has no `.maps` member in libbpf; create such maps in code".into());
    }
    Ok(out)
}

fn ptr(b: &mut Builder, to: TypeId) -> ebpf_btf::Result<TypeId> {
    b.add(&Type {
        name: "",
        kind: TypeKind::Ptr(to),
    })
}

/// `int` and the `int (*)[N]` pointers `__uint` members use, each N once.
struct Uints {
    int: TypeId,
    ptrs: HashMap<u32, TypeId>,
}

impl Uints {
    fn new(b: &mut Builder) -> ebpf_btf::Result<Uints> {
        let int = b.add(&Type {
            name: "int",
            kind: TypeKind::Int(Int::new(4, true)),
        })?;
        Ok(Uints {
            int,
            ptrs: HashMap::new(),
        })
    }

    /// The type of a `__uint(_, n)` member.
    fn uint(&mut self, b: &mut Builder, n: u32) -> ebpf_btf::Result<TypeId> {
        if let Some(&id) = self.ptrs.get(&n) {
            return Ok(id);
        }
        let arr = b.add(&Type {
            name: "",
            kind: TypeKind::Array(Array {
                elem: self.int,
                index: self.int,
                nelems: n,
            }),
        })?;
        let id = ptr(b, arr)?;
        self.ptrs.insert(n, id);
        Ok(id)
    }
}
