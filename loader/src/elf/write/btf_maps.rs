//! BTF-defined maps for `.maps`, in the encoding libbpf's macros produce and read:
//! `__uint(type, BPF_MAP_TYPE_ARRAY)` is a member `int (*type)[2]` (a pointer to an
//! array whose length is the value), `__type(key, T)` a member `T *key`. A map whose
//! [`MapSpec`] carries Rust-derived BTF ([`MapBtf`](crate::MapBtf)) gets `key`/`value`
//! of its types (so `bpftool map dump` prints fields); otherwise `key_size`/`value_size`.

use std::collections::HashMap;

use ebpf_btf::{
    Array, Btf, Builder, Composite, Datasec, Int, IntEncoding, Linkage, Member, Type, TypeId,
    TypeKind, Var, VarSecInfo,
};

use super::write_err;
use super::MapIn;
use crate::error::{Error, Result};
use crate::maps::MapSpec;

/// Where a map's definition is in `.maps`.
pub(crate) struct MapPlace {
    /// Byte offset.
    pub offset: u64,
    /// Size in bytes (8 per member).
    pub size: u64,
}

/// Adds every map's definition, a VAR each (named `names`: the maps' symbols) and the
/// `.maps` DATASEC to `b`; returns where each definition is (the section holds zeros of
/// that size).
pub(crate) fn add(b: &mut Builder, maps: &[MapIn<'_>], names: &[String]) -> Result<Vec<MapPlace>> {
    let mut t = Uints::new(b).map_err(btf_err)?;
    let mut places = Vec::with_capacity(maps.len());
    let mut vars = Vec::with_capacity(maps.len());
    let mut offset = 0u64;
    for (m, name) in maps.iter().zip(names) {
        if let Some(inner) = &m.inner {
            return Err(write_err(
                m.name,
                format!("maps of maps (inner `{inner}`) are not written to objects yet"),
            ));
        }
        if let Some(what) = m.unsupported {
            return Err(write_err(
                m.name,
                format!("{what} are not written to objects yet"),
            ));
        }
        let mut members = members(b, &mut t, m.spec).map_err(|e| write_err(m.name, e))?;
        if m.pin_by_name {
            // LIBBPF_PIN_BY_NAME
            members.push(("pinning", t.uint(b, 1).map_err(btf_err)?));
        }
        let size = members.len() as u64 * 8;
        let def = b
            .add(&Type {
                name: "",
                kind: TypeKind::Struct(Composite {
                    size: size as u32,
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
            .map_err(btf_err)?;
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
        places.push(MapPlace { offset, size });
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

fn btf_err(e: ebpf_btf::Error) -> Error {
    Error::InvalidArgument(format!("building the object's BTF: {e}"))
}

/// The members of one definition: name and type.
fn members(
    b: &mut Builder,
    t: &mut Uints,
    spec: &MapSpec,
) -> std::result::Result<Vec<(&'static str, TypeId)>, String> {
    let e = |e: ebpf_btf::Error| e.to_string();
    let mut out = vec![("type", t.uint(b, spec.map_type.as_u32()).map_err(e)?)];
    match &spec.btf {
        Some(btf) => {
            let (key, value) = copy_types(b, btf.blob(), btf.key_type_id(), btf.value_type_id())
                .map_err(|e| format!("its key/value BTF: {e}"))?;
            out.push(("key", ptr(b, key).map_err(e)?));
            out.push(("value", ptr(b, value).map_err(e)?));
        }
        None => {
            if spec.key_size != 0 {
                out.push(("key_size", t.uint(b, spec.key_size).map_err(e)?));
            }
            if spec.value_size != 0 {
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
            kind: TypeKind::Int(Int {
                size: 4,
                encoding: IntEncoding {
                    signed: true,
                    ..Default::default()
                },
                offset: 0,
                bits: 32,
            }),
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

/// Appends every type of the standalone BTF `blob` to `b` (ids shifted); returns the new
/// ids of `key` and `value`.
fn copy_types(
    b: &mut Builder,
    blob: &[u8],
    key: TypeId,
    value: TypeId,
) -> ebpf_btf::Result<(TypeId, TypeId)> {
    let btf = Btf::parse(blob)?;
    let base = b.next_id() - btf.first_id();
    let shift = |id: TypeId| if id == 0 { 0 } else { id + base };
    for id in btf.ids() {
        let mut t = btf.type_by_id(id)?;
        shift_refs(&mut t.kind, shift);
        b.add(&t)?;
    }
    Ok((shift(key), shift(value)))
}

/// Applies `f` to every type id `kind` refers to.
fn shift_refs(kind: &mut TypeKind<'_>, f: impl Fn(TypeId) -> TypeId) {
    match kind {
        TypeKind::Ptr(t)
        | TypeKind::Typedef(t)
        | TypeKind::Volatile(t)
        | TypeKind::Const(t)
        | TypeKind::Restrict(t) => *t = f(*t),
        TypeKind::Array(a) => {
            a.elem = f(a.elem);
            a.index = f(a.index);
        }
        TypeKind::Struct(c) | TypeKind::Union(c) => {
            c.members.iter_mut().for_each(|m| m.ty = f(m.ty));
        }
        TypeKind::Func(func) => func.proto = f(func.proto),
        TypeKind::FuncProto(p) => {
            p.ret = f(p.ret);
            p.params.iter_mut().for_each(|p| p.ty = f(p.ty));
        }
        TypeKind::Var(v) => v.ty = f(v.ty),
        TypeKind::Datasec(d) => d.vars.iter_mut().for_each(|v| v.ty = f(v.ty)),
        TypeKind::DeclTag(t) => t.ty = f(t.ty),
        TypeKind::TypeTag(t) => t.ty = f(t.ty),
        TypeKind::Int(_)
        | TypeKind::Enum(_)
        | TypeKind::Enum64(_)
        | TypeKind::Fwd(_)
        | TypeKind::Float(_) => {}
    }
}
