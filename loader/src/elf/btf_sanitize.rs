//! The object's `.BTF` made loadable: DATASEC sizes and VAR offsets filled in from the
//! ELF sections and symbols (clang leaves them 0 for the loader, as libbpf fixes them),
//! and the kinds a kernel lacks replaced by ones it knows, with libbpf's replacements.
//! Pure: a function of the BTF, the ELF layout and a [`BtfFeatures`] set, so every
//! replacement is tested without a kernel. Type ids and string offsets do not change, so
//! `.BTF.ext` records and map type ids stay valid (`__ksym` externs add types after the
//! object's own, see [`super::btf_externs`]).

use super::btf_externs;
use ebpf_btf::{
    Btf, Builder, Composite, Datasec, Enum, Enumerator, Func, Int, Linkage, Member, Type, TypeKind,
};

/// Which BTF kinds and flags the kernel accepts (libbpf probes the same set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BtfFeatures {
    /// VAR and DATASEC (5.2).
    pub datasec: bool,
    /// FUNC and FUNC_PROTO (5.0).
    pub func: bool,
    /// FUNC with global linkage (5.6).
    pub func_global: bool,
    /// FLOAT (5.13).
    pub float: bool,
    /// DECL_TAG (5.16).
    pub decl_tag: bool,
    /// TYPE_TAG (5.17).
    pub type_tag: bool,
    /// ENUM64 and signed enums (6.0).
    pub enum64: bool,
}

impl BtfFeatures {
    /// Every feature: nothing is replaced.
    pub const ALL: BtfFeatures = BtfFeatures {
        datasec: true,
        func: true,
        func_global: true,
        float: true,
        decl_tag: true,
        type_tag: true,
        enum64: true,
    };

    /// No feature: everything newer than plain types is replaced.
    pub const NONE: BtfFeatures = BtfFeatures {
        datasec: false,
        func: false,
        func_global: false,
        float: false,
        decl_tag: false,
        type_tag: false,
        enum64: false,
    };
}

/// What the ELF file says about a data section: its size, and the offset of a symbol.
pub(crate) trait ElfLayout {
    /// Size of section `name`, when the object has it.
    fn section_size(&self, name: &str) -> Option<u32>;
    /// Offset of symbol `var` in section `section`.
    fn symbol_offset(&self, section: &str, var: &str) -> Option<u32>;
}

/// `btf` with DATASECs fixed up from `layout` and the kinds `features` lacks replaced,
/// encoded for `BPF_BTF_LOAD`.
pub(crate) fn sanitize(
    btf: &Btf,
    layout: &dyn ElfLayout,
    features: &BtfFeatures,
) -> ebpf_btf::Result<Vec<u8>> {
    let mut b = Builder::with_strings_of(btf);
    // Without DATASEC (before 5.2) `.ksyms` and `.kconfig` become structs like any
    // DATASEC; kfuncs came in 5.13.
    let ksyms = match features.datasec {
        true => btf_externs::plan(btf)?,
        false => None,
    };
    for t in btf.types() {
        let (id, t) = t?;
        let t = match t.kind {
            TypeKind::Datasec(d) => Type {
                name: t.name,
                kind: TypeKind::Datasec(fix_datasec(btf, t.name, d, layout)?),
            },
            _ => t,
        };
        let t = match &ksyms {
            Some(k) => k.fix(id, t),
            None => t,
        };
        let out = replace(btf, t, features)?;
        b.add(&out)?;
    }
    for t in ksyms.iter().flat_map(|k| k.appended()) {
        b.add(&replace(btf, t, features)?)?;
    }
    Ok(b.encode())
}

/// A DATASEC whose size is 0 gets its section's size; each variable its symbol's offset.
fn fix_datasec(
    btf: &Btf,
    section: &str,
    mut d: Datasec,
    layout: &dyn ElfLayout,
) -> ebpf_btf::Result<Datasec> {
    if d.size == 0 {
        if let Some(size) = layout.section_size(section) {
            d.size = size;
        }
    }
    for v in &mut d.vars {
        let name = btf.type_by_id(v.ty)?.name;
        if let Some(off) = layout.symbol_offset(section, name) {
            v.offset = off;
        }
    }
    Ok(d)
}

/// The type the kernel gets for `t`.
fn replace<'a>(btf: &'a Btf, t: Type<'a>, f: &BtfFeatures) -> ebpf_btf::Result<Type<'a>> {
    let byte = |name| Type {
        name,
        kind: TypeKind::Int(Int::new(1, false)),
    };
    let empty = |name, kind_union: bool, size| {
        let c = Composite {
            size,
            bitfields: false,
            members: Vec::new(),
        };
        Type {
            name,
            kind: if kind_union {
                TypeKind::Union(c)
            } else {
                TypeKind::Struct(c)
            },
        }
    };
    Ok(match t.kind {
        // VAR → a one-byte INT, DATASEC → a STRUCT of its variables.
        TypeKind::Var(_) if !f.datasec => byte(t.name),
        TypeKind::Datasec(d) if !f.datasec => {
            let mut members = Vec::with_capacity(d.vars.len());
            for v in &d.vars {
                members.push(Member {
                    name: btf.type_by_id(v.ty)?.name,
                    ty: v.ty,
                    bit_offset: v.offset.saturating_mul(8),
                    bitfield_size: 0,
                });
            }
            Type {
                // A DATASEC's name (`.maps`) is not an identifier; the struct's must be.
                name: "",
                kind: TypeKind::Struct(Composite {
                    size: d.size,
                    bitfields: false,
                    members,
                }),
            }
        }
        // FUNC_PROTO → an ENUM of its parameters, FUNC → a TYPEDEF of it.
        TypeKind::FuncProto(p) if !f.func => Type {
            name: t.name,
            kind: TypeKind::Enum(Enum {
                size: 4,
                signed: false,
                values: p
                    .params
                    .iter()
                    .map(|p| Enumerator {
                        name: p.name,
                        value: u64::from(p.ty),
                    })
                    .collect(),
            }),
        },
        TypeKind::Func(func) if !f.func => Type {
            name: t.name,
            kind: TypeKind::Typedef(func.proto),
        },
        TypeKind::Func(func) if !f.func_global && func.linkage == Linkage::Global => Type {
            name: t.name,
            kind: TypeKind::Func(Func {
                linkage: Linkage::Static,
                ..func
            }),
        },
        TypeKind::Float(size) if !f.float => empty("", false, size),
        TypeKind::DeclTag(_) if !f.decl_tag => byte(""),
        TypeKind::TypeTag(tag) if !f.type_tag => Type {
            name: "",
            kind: TypeKind::Const(tag.ty),
        },
        TypeKind::Enum64(e) if !f.enum64 => empty(t.name, true, e.size),
        TypeKind::Enum(e) if !f.enum64 && e.signed => Type {
            name: t.name,
            // The same 32 bits, read unsigned.
            kind: TypeKind::Enum(Enum {
                signed: false,
                values: e
                    .values
                    .iter()
                    .map(|v| Enumerator {
                        value: v.value & 0xffff_ffff,
                        ..*v
                    })
                    .collect(),
                ..e
            }),
        },
        _ => t,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ebpf_btf::{DeclTag, FuncProto, Kind, Param, TypeTag, VarSecInfo};

    /// An ELF layout of one section `.maps` (32 bytes) with `m` at 16.
    struct Layout;
    impl ElfLayout for Layout {
        fn section_size(&self, name: &str) -> Option<u32> {
            (name == ".maps").then_some(32)
        }
        fn symbol_offset(&self, section: &str, var: &str) -> Option<u32> {
            (section == ".maps" && var == "m").then_some(16)
        }
    }

    /// One type of every kind the policy replaces, as clang writes them (DATASEC size 0).
    fn sample() -> Btf {
        let mut b = Builder::new();
        let int = b
            .add(&Type {
                name: "int",
                kind: TypeKind::Int(Int::new(4, true)),
            })
            .expect("int");
        let var = b
            .add(&Type {
                name: "m",
                kind: TypeKind::Var(ebpf_btf::Var {
                    ty: int,
                    linkage: Linkage::Global,
                }),
            })
            .expect("var");
        let add = |b: &mut Builder, name, kind| b.add(&Type { name, kind }).expect("adds");
        add(
            &mut b,
            ".maps",
            TypeKind::Datasec(Datasec {
                size: 0,
                vars: vec![VarSecInfo {
                    ty: var,
                    offset: 0,
                    size: 4,
                }],
            }),
        );
        let proto = add(
            &mut b,
            "",
            TypeKind::FuncProto(FuncProto {
                ret: int,
                params: vec![Param { name: "x", ty: int }],
            }),
        );
        add(
            &mut b,
            "f",
            TypeKind::Func(Func {
                proto,
                linkage: Linkage::Global,
            }),
        );
        add(&mut b, "double", TypeKind::Float(8));
        add(
            &mut b,
            "tag",
            TypeKind::DeclTag(DeclTag {
                ty: var,
                component_idx: -1,
                attr: false,
            }),
        );
        add(
            &mut b,
            "user",
            TypeKind::TypeTag(TypeTag {
                ty: int,
                attr: false,
            }),
        );
        let e = |signed| Enum {
            size: 8,
            signed,
            values: vec![Enumerator {
                name: "BIG",
                value: 1 << 40,
            }],
        };
        add(&mut b, "e64", TypeKind::Enum64(e(false)));
        // A signed 32-bit enum with -1 (sign-extended bits).
        let values = vec![Enumerator {
            name: "NEG",
            value: u64::MAX,
        }];
        let signed = Enum {
            size: 4,
            signed: true,
            values,
        };
        add(&mut b, "e32", TypeKind::Enum(signed));
        Btf::parse(b.encode()).expect("parses")
    }

    /// The kinds after sanitizing with `f`, ids 1.. in order.
    fn kinds(f: BtfFeatures) -> (Btf, Vec<Kind>) {
        let btf = sample();
        let blob = sanitize(&btf, &Layout, &f).expect("sanitizes");
        let out = Btf::parse(blob).expect("parses");
        out.validate().expect("valid");
        let kinds = out.types().map(|t| t.expect("type").1.kind()).collect();
        (out, kinds)
    }

    const ORIGINAL: [Kind; 10] = [
        Kind::Int,
        Kind::Var,
        Kind::Datasec,
        Kind::FuncProto,
        Kind::Func,
        Kind::Float,
        Kind::DeclTag,
        Kind::TypeTag,
        Kind::Enum64,
        Kind::Enum,
    ];

    #[test]
    fn a_kernel_with_everything_gets_the_types_as_they_are_with_datasecs_fixed() {
        let (out, k) = kinds(BtfFeatures::ALL);
        assert_eq!(k, ORIGINAL);
        let TypeKind::Datasec(d) = out.type_by_id(3).expect("datasec").kind else {
            panic!("not a datasec");
        };
        assert_eq!((d.size, d.vars[0].offset), (32, 16));
        // String offsets are kept: `.BTF.ext` line records point into them.
        assert_eq!(
            &out.string_section()[..sample().string_section().len()],
            sample().string_section()
        );
    }

    #[test]
    fn each_missing_kind_gets_libbpfs_replacement() {
        let one = |f: BtfFeatures, at: usize| kinds(f).1[at];
        let without = |edit: fn(&mut BtfFeatures)| {
            let mut f = BtfFeatures::ALL;
            edit(&mut f);
            f
        };
        let no_datasec = without(|f| f.datasec = false);
        assert_eq!(one(no_datasec, 1), Kind::Int);
        assert_eq!(one(no_datasec, 2), Kind::Struct);
        let (out, _) = kinds(no_datasec);
        let TypeKind::Struct(s) = out.type_by_id(3).expect("struct").kind else {
            panic!("not a struct")
        };
        assert_eq!(
            (s.size, s.members[0].name, s.members[0].bit_offset),
            (32, "m", 128)
        );
        let no_func = without(|f| f.func = false);
        assert_eq!(one(no_func, 3), Kind::Enum);
        assert_eq!(one(no_func, 4), Kind::Typedef);
        let (out, _) = kinds(without(|f| f.func_global = false));
        assert!(matches!(
            out.type_by_id(5).expect("f").kind,
            TypeKind::Func(Func {
                linkage: Linkage::Static,
                ..
            })
        ));
        assert_eq!(one(without(|f| f.float = false), 5), Kind::Struct);
        assert_eq!(one(without(|f| f.decl_tag = false), 6), Kind::Int);
        assert_eq!(one(without(|f| f.type_tag = false), 7), Kind::Const);
        let (out, k) = kinds(without(|f| f.enum64 = false));
        assert_eq!(k[8], Kind::Union);
        assert_eq!(out.size_of(9).expect("size"), 8);
        assert!(matches!(
            out.type_by_id(10).expect("e32").kind,
            TypeKind::Enum(Enum { signed: false, .. })
        ));
        // Nothing at all: every replacement at once still validates.
        let (_, k) = kinds(BtfFeatures::NONE);
        assert!(k.iter().all(|k| !matches!(
            k,
            Kind::Var
                | Kind::Datasec
                | Kind::Func
                | Kind::FuncProto
                | Kind::Float
                | Kind::DeclTag
                | Kind::TypeTag
                | Kind::Enum64
        )));
    }
}
