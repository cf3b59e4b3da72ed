//! Global data (`.data`, `.rodata`, `.rodata.*`, `.bss`, `.data.*`) as clang writes it:
//! a section each with its bytes (`.bss`: `SHT_NOBITS`, only its size), an
//! `STT_OBJECT` symbol per variable, and a BTF DATASEC per section with a VAR per
//! variable, which libbpf uses as the map's value type (and skeletons to name the
//! variables). Programs reach the data through `R_BPF_64_64` against the section
//! symbol with the offset in the instruction's immediate (see `layout`), as clang
//! does for `static` variables and string literals.

use std::collections::HashSet;

use ebpf_btf::{
    Array, Builder, Datasec, Int, Kind, Linkage, Type, TypeId, TypeKind, Var, VarSecInfo,
};

use super::btf_copy::Closure;
use super::write_err;
use crate::elf::data::{is_data_section, DataSection, Variable};
use crate::elf::kconfig::KCONFIG;
use crate::error::{Error, Result};

/// A variable's symbol.
pub(crate) struct VarSymbol {
    /// Its name.
    pub name: String,
    /// Byte offset in its section.
    pub offset: u64,
    /// Size in bytes.
    pub size: u64,
    /// `STB_GLOBAL` (a BTF VAR of global linkage) or `STB_LOCAL` (static).
    pub global: bool,
}

/// The symbols of each section's variables: global when the name is a C identifier that
/// no map, program or other variable has (libbpf looks the variables of its DATASECs up
/// by their global symbols), else local. `taken` gets the global names.
///
/// A section that is not global data by name, or a `.bss` whose bytes are not all zeros
/// (an object holds no bytes for `.bss`), is an error naming it.
pub(crate) fn symbols(
    data: &[&DataSection],
    taken: &mut HashSet<String>,
) -> Result<Vec<Vec<VarSymbol>>> {
    let mut out = Vec::with_capacity(data.len());
    for d in data {
        if d.map == KCONFIG {
            return Err(write_err(
                &d.map,
                "`.kconfig` externs are not written to objects yet: clang writes them as \
                 undefined symbols that libbpf fills with the target kernel's values, and \
                 the collection holds this kernel's values only; write the object from \
                 the C source, or drop the externs",
            ));
        }
        if !is_data_section(&d.map) {
            return Err(write_err(
                &d.map,
                "an initial value (`.value`) is written only as global data, whose \
                 sections are named `.data`, `.rodata`, `.bss` or those with a `.NAME` \
                 suffix (libbpf knows no initial values of other maps): rename the map, \
                 or fill it after loading",
            ));
        }
        if is_bss(&d.map) {
            if let Some(at) = d.contents.iter().position(|&b| b != 0) {
                let var = d.variables.iter().find(|v| covers(v, at));
                let what = var.map_or(format!("byte {at}"), |v| format!("variable `{}`", v.name));
                return Err(write_err(
                    &d.map,
                    format!(
                        "{what} is set to a value other than zero, but an object holds no \
                         bytes for `.bss` (SHT_NOBITS, zeros at load); set it after loading, \
                         or keep it in `.data`"
                    ),
                ));
            }
        }
        let syms = d
            .variables
            .iter()
            .map(|v| {
                let global = is_identifier(&v.name) && taken.insert(v.name.clone());
                VarSymbol {
                    name: v.name.clone(),
                    offset: u64::from(v.offset),
                    size: u64::from(v.size),
                    global,
                }
            })
            .collect();
        out.push(syms);
    }
    Ok(out)
}

/// Whether `.bss` (or `.bss.NAME`): written as `SHT_NOBITS`.
pub(crate) fn is_bss(name: &str) -> bool {
    name == ".bss" || name.starts_with(".bss.")
}

fn covers(v: &Variable, at: usize) -> bool {
    (v.offset as usize..v.offset as usize + v.size as usize).contains(&at)
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Adds a DATASEC per section with variables, a VAR per variable whose name BTF allows
/// (an identifier; variables overlapping an earlier one are left out, as the kernel
/// wants them apart). A variable's type is copied from `types` (the `.BTF` of the
/// object the collection was read from) when its DATASEC there has it with the same
/// size; otherwise it is `unsigned char [SIZE]`.
pub(crate) fn add_btf(
    b: &mut Builder,
    data: &[&DataSection],
    syms: &[Vec<VarSymbol>],
    mut types: Option<Closure<'_>>,
) -> Result<()> {
    let mut bytes = None;
    for (d, syms) in data.iter().zip(syms) {
        let mut vars = Vec::new();
        let mut end = 0;
        for v in syms.iter().filter(|v| is_identifier(&v.name)) {
            if v.offset < end {
                continue;
            }
            end = v.offset + v.size;
            let found = types
                .as_mut()
                .map(|c| original_type(b, c, &d.map, &v.name, v.size))
                .transpose()?
                .flatten();
            let ty = match found {
                Some(ty) => ty,
                None => byte_array(b, &mut bytes, v.size as u32).map_err(btf_err)?,
            };
            let linkage = if v.global {
                Linkage::Global
            } else {
                Linkage::Static
            };
            let var = b
                .add(&Type {
                    name: &v.name,
                    kind: TypeKind::Var(Var { ty, linkage }),
                })
                .map_err(btf_err)?;
            vars.push(VarSecInfo {
                ty: var,
                offset: v.offset as u32,
                size: v.size as u32,
            });
        }
        if vars.is_empty() {
            continue;
        }
        b.add(&Type {
            name: &d.map,
            kind: TypeKind::Datasec(Datasec { size: d.size, vars }),
        })
        .map_err(btf_err)?;
    }
    Ok(())
}

fn btf_err(e: ebpf_btf::Error) -> Error {
    Error::InvalidArgument(format!("building the object's BTF (global data): {e}"))
}

/// The type of variable `var` of `section` in the closure's source BTF, copied into `b`,
/// when it is there and `size` bytes.
fn original_type(
    b: &mut Builder,
    types: &mut Closure<'_>,
    section: &str,
    var: &str,
    size: u64,
) -> Result<Option<TypeId>> {
    let src = types.src();
    let Ok(Some(sec)) = src.id_by_name_kind(section, Kind::Datasec) else {
        return Ok(None);
    };
    let Ok(TypeKind::Datasec(d)) = src.type_by_id(sec).map(|t| t.kind) else {
        return Ok(None);
    };
    for v in &d.vars {
        let Ok(t) = src.type_by_id(v.ty) else {
            continue;
        };
        let TypeKind::Var(info) = t.kind else {
            continue;
        };
        if t.name == var && src.size_of(info.ty).ok() == Some(size as u32) {
            return types.copy(b, info.ty).map(Some).map_err(btf_err);
        }
    }
    Ok(None)
}

/// `unsigned char [n]` (the element type added once, in `uchar`).
fn byte_array(b: &mut Builder, uchar: &mut Option<TypeId>, n: u32) -> ebpf_btf::Result<TypeId> {
    let elem = match *uchar {
        Some(id) => id,
        None => {
            let id = b.add(&Type {
                name: "unsigned char",
                kind: TypeKind::Int(Int::new(1, false)),
            })?;
            *uchar = Some(id);
            id
        }
    };
    b.add(&Type {
        name: "",
        kind: TypeKind::Array(Array {
            elem,
            index: elem,
            nelems: n,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(map: &str, contents: Vec<u8>, vars: &[(&str, u32, u32)]) -> DataSection {
        DataSection {
            map: map.into(),
            size: 16,
            contents,
            read_only: false,
            variables: vars
                .iter()
                .map(|&(name, offset, size)| Variable {
                    name: name.into(),
                    offset,
                    size,
                    type_name: None,
                })
                .collect(),
        }
    }

    #[test]
    fn variables_are_global_unless_their_name_is_taken_or_not_an_identifier() {
        let d = section(
            ".data",
            vec![1; 16],
            &[("a", 0, 4), ("m", 4, 4), ("f.x", 8, 4)],
        );
        let e = section(".data.more", vec![], &[("a", 0, 4)]);
        let mut taken = HashSet::from(["m".to_owned()]);
        let syms = symbols(&[&d, &e], &mut taken).expect("writable");
        let global: Vec<Vec<bool>> = syms
            .iter()
            .map(|s| s.iter().map(|v| v.global).collect())
            .collect();
        // `m` is a map's symbol, `f.x` no identifier, the second `a` a duplicate.
        assert_eq!(global, [vec![true, false, false], vec![false]]);
        assert!(taken.contains("a"));
    }

    #[test]
    fn a_bss_holding_non_zero_bytes_is_an_error_naming_the_variable() {
        let mut bytes = vec![0; 8];
        bytes[5] = 1;
        let d = section(".bss", bytes, &[("lo", 0, 4), ("hi", 4, 4)]);
        let e = symbols(&[&d], &mut HashSet::new()).err().expect("an error");
        let m = e.to_string();
        assert!(
            m.contains("`.bss`: variable `hi` is set to a value other than zero"),
            "{m}"
        );
        let zeros = section(".bss", vec![0; 8], &[("lo", 0, 4)]);
        assert!(symbols(&[&zeros], &mut HashSet::new()).is_ok());
        assert!(is_bss(".bss.cold") && !is_bss(".bssx") && !is_bss(".data"));
    }
}
