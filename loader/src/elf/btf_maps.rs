//! BTF-defined maps (`.maps`): each variable of the `.maps` DATASEC is a struct whose
//! members say what to create. libbpf's macros encode numbers in types:
//! `__uint(max_entries, 16)` is `int (*max_entries)[16]` (a pointer to an array of 16),
//! and `__type(key, T)` is `T *key` (the key size is `sizeof(T)`).
//! `__uint(pinning, LIBBPF_PIN_BY_NAME)` pins the map by name; `__array(values, T)` is
//! `T *values[]`: T a function type for a prog array, the inner map's definition (a
//! struct of the same kind) for an array/hash of maps. Its initial values
//! (`.values = { [1] = &x }`) are relocations of `.maps`, read by [`super::map_slots`].

use ebpf_asm_core::MapType;
use ebpf_btf::{Btf, Kind, Member, TypeId, TypeKind};
use object::{Object, ObjectSection, ObjectSymbol, SectionIndex};

use super::maps::{map_symbols, ElfMap};
use super::{elf_err, Elf};
use crate::error::Result;
use crate::maps::{MapSpec, Pinning};

/// The maps defined in `.maps` (section `index`), read from the object's `.BTF`.
pub(crate) fn read(file: &Elf<'_>, index: SectionIndex) -> Result<Vec<ElfMap>> {
    let syms = map_symbols(file, index);
    if syms.is_empty() {
        return Ok(Vec::new());
    }
    let Some(btf_sec) = file.section_by_name(".BTF") else {
        return Err(elf_err(
            "section `.maps` defines maps but the object has no `.BTF` (compile with `-g`)",
        ));
    };
    let data = btf_sec
        .data()
        .map_err(|e| elf_err(format!("section `.BTF`: {e}")))?;
    let btf = Btf::parse(data).map_err(|e| elf_err(format!("section `.BTF`: {e}")))?;
    let mut out = Vec::new();
    for sym in syms {
        let name = sym.name().unwrap_or("").to_owned();
        let def = map_def(&btf, &name)
            .map_err(|e| elf_err(format!("map `{name}` in section `.maps`: {e}")))?;
        let mut map = ElfMap::new(name, def.spec, index, sym.address(), sym.size());
        map.pinning = def.pinning;
        map.inner = def.inner;
        map.values_offset = def.values_offset;
        out.push(map);
    }
    Ok(out)
}

/// One definition read from its struct.
struct Def {
    spec: MapSpec,
    pinning: Pinning,
    inner: Option<MapSpec>,
    values_offset: Option<u64>,
}

/// A message for a map definition we cannot read.
type Why = String;

fn btf_why(e: ebpf_btf::Error) -> Why {
    format!("its BTF cannot be read: {e}")
}

/// The map variable `name`'s definition.
fn map_def(btf: &Btf, name: &str) -> std::result::Result<Def, Why> {
    let var = btf
        .id_by_name_kind(name, Kind::Var)
        .map_err(btf_why)?
        .ok_or("no BTF VAR of that name in `.BTF`")?;
    let TypeKind::Var(v) = btf.type_by_id(var).map_err(btf_why)?.kind else {
        return Err("its BTF type is not a VAR".into());
    };
    struct_def(btf, v.ty, true)
}

/// The definition struct `ty` (`outer`: a `.maps` variable, which may have
/// `__array(values, ...)`; an inner definition may not).
fn struct_def(btf: &Btf, ty: TypeId, outer: bool) -> std::result::Result<Def, Why> {
    let def = btf.resolve(ty).map_err(btf_why)?;
    let TypeKind::Struct(s) = btf.type_by_id(def).map_err(btf_why)?.kind else {
        return Err("its BTF type is not a struct (libbpf's `struct { __uint(...) }`)".into());
    };
    let mut f = Fields::default();
    for m in &s.members {
        f.set(btf, m)?;
    }
    let map_type = f
        .map_type
        .ok_or("no `type` member (`__uint(type, BPF_MAP_TYPE_...)`)")?;
    let map_type =
        MapType::from_u32(map_type).ok_or_else(|| format!("unknown map type {map_type}"))?;
    let max_entries = f.max_entries.ok_or("no `max_entries` member")?;
    let pinning = match f.pinning {
        0 => Pinning::None,
        1 => Pinning::ByName,
        n => {
            return Err(format!(
                "`pinning` is {n}; libbpf knows 0 (LIBBPF_PIN_NONE) and 1                  (LIBBPF_PIN_BY_NAME)"
            ))
        }
    };
    let mut value_size = f.value_size.unwrap_or(0);
    let mut inner = None;
    if let Some((elem, _)) = f.values {
        if !outer {
            return Err("an inner map definition cannot have `__array(values, ...)`".into());
        }
        inner = values_def(btf, map_type, elem)?;
        // The values are fds (prog arrays) or fds/ids (maps of maps): 4 bytes.
        value_size = f.value_size.unwrap_or(4);
    }
    let spec = MapSpec::new(map_type, f.key_size.unwrap_or(0), value_size, max_entries)
        .flags(f.map_flags)
        .map_extra(f.map_extra);
    Ok(Def {
        spec,
        pinning,
        inner,
        values_offset: f.values.map(|(_, off)| off),
    })
}

/// What `__array(values, T)` says: `T` (the pointee of the array's elements) is the inner
/// definition of a map of maps, or a function type for a prog array.
fn values_def(
    btf: &Btf,
    map_type: MapType,
    elem: TypeId,
) -> std::result::Result<Option<MapSpec>, Why> {
    let at = |e: Why| format!("member `values`: {e}");
    match map_type {
        MapType::ArrayOfMaps | MapType::HashOfMaps => {
            let inner = struct_def(btf, elem, false)
                .map_err(|e| at(format!("the inner map's definition: {e}")))?;
            if inner.pinning != Pinning::None {
                return Err(at("an inner map definition cannot be pinned".into()));
            }
            Ok(Some(inner.spec))
        }
        MapType::ProgArray => match btf.type_by_id(elem).map_err(btf_why)?.kind {
            TypeKind::FuncProto(_) => Ok(None),
            _ => Err(at(
                "a prog array's `__array(values, ...)` must name a function type, e.g.                  `int (void *)`"
                    .into(),
            )),
        },
        other => Err(at(format!(
            "`__array(values, ...)` is for prog_array, array_of_maps and hash_of_maps,              not {}",
            other.name()
        ))),
    }
}

/// The members read so far.
#[derive(Default)]
struct Fields {
    map_type: Option<u32>,
    key_size: Option<u32>,
    value_size: Option<u32>,
    max_entries: Option<u32>,
    map_flags: u32,
    map_extra: u64,
    pinning: u32,
    /// `__array(values, T)`: T and the member's byte offset.
    values: Option<(TypeId, u64)>,
}

impl Fields {
    fn set(&mut self, btf: &Btf, m: &Member<'_>) -> std::result::Result<(), Why> {
        let at = |e: Why| format!("member `{}`: {e}", m.name);
        match m.name {
            "type" => self.map_type = Some(uint(btf, m.ty).map_err(at)?),
            "max_entries" => self.max_entries = Some(uint(btf, m.ty).map_err(at)?),
            "map_flags" => self.map_flags = uint(btf, m.ty).map_err(at)?,
            "map_extra" => self.map_extra = uint(btf, m.ty).map_err(at)?.into(),
            "key_size" => self.key_size = Some(uint(btf, m.ty).map_err(at)?),
            "value_size" => self.value_size = Some(uint(btf, m.ty).map_err(at)?),
            "key" => self.key_size = Some(pointee_size(btf, m.ty).map_err(at)?),
            "value" => self.value_size = Some(pointee_size(btf, m.ty).map_err(at)?),
            "pinning" => self.pinning = uint(btf, m.ty).map_err(at)?,
            "values" => {
                let elem = array_pointee(btf, m.ty).map_err(at)?;
                self.values = Some((elem, u64::from(m.bit_offset / 8)));
            }
            other => {
                return Err(format!(
                    "member `{other}` is not supported yet (supported: type, key, value, \
                     key_size, value_size, max_entries, map_flags, map_extra, pinning, \
                     values)"
                ))
            }
        }
        Ok(())
    }
}

/// `__uint(name, N)`: a pointer to an array of N elements.
fn uint(btf: &Btf, ty: TypeId) -> std::result::Result<u32, Why> {
    let arr = pointee(btf, ty)?;
    match btf.type_by_id(arr).map_err(btf_why)?.kind {
        TypeKind::Array(a) => Ok(a.nelems),
        _ => Err("not `__uint(...)` (a pointer to an array)".into()),
    }
}

/// `__array(name, T)`: `T *name[]`, an array of pointers to T; returns T.
fn array_pointee(btf: &Btf, ty: TypeId) -> std::result::Result<TypeId, Why> {
    let ty = btf.resolve(ty).map_err(btf_why)?;
    match btf.type_by_id(ty).map_err(btf_why)?.kind {
        TypeKind::Array(a) => pointee(btf, a.elem),
        _ => Err("not `__array(...)` (an array of pointers)".into()),
    }
}

/// `__type(name, T)`: `sizeof(T)`.
fn pointee_size(btf: &Btf, ty: TypeId) -> std::result::Result<u32, Why> {
    let t = pointee(btf, ty)?;
    btf.size_of(t).map_err(btf_why)
}

fn pointee(btf: &Btf, ty: TypeId) -> std::result::Result<TypeId, Why> {
    let ty = btf.resolve(ty).map_err(btf_why)?;
    match btf.type_by_id(ty).map_err(btf_why)?.kind {
        TypeKind::Ptr(to) => btf.resolve(to).map_err(btf_why),
        _ => Err("not a pointer (libbpf's `__uint`/`__type` encode values as pointers)".into()),
    }
}
