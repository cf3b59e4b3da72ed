//! The extern DATASECs `.ksyms` and `.kconfig` made loadable. clang describes `__ksym`
//! externs (kfuncs a program calls, kernel variables it reads) as a DATASEC `.ksyms` of
//! size 0 whose entries are the extern FUNCs and VARs themselves, with linkage `extern`,
//! all at offset 0. The
//! kernel refuses each of those (extern linkage, a FUNC where a VAR must be, overlapping
//! entries), so, as libbpf does:
//! - a 4-byte VAR `dummy_ksym` is added after the object's types (and a 4-byte INT for it
//!   when the object has none), so no type id changes;
//! - each entry gets 4 bytes of its own (offset 4·i, size 4; the DATASEC 4·n), and an
//!   entry that is a FUNC points at the dummy VAR instead;
//! - an extern FUNC becomes global, and its prototype's unnamed parameters are named
//!   after the dummy (the kernel wants global functions' parameters named);
//! - an extern VAR becomes a global 4-byte INT.
//!
//! The VARs of `.kconfig` become global, keeping their types: their offsets and the
//! DATASEC's size come from the map the reader lays out for them (see
//! [`super::kconfig`]), as for any data section.
//!
//! Pure: tested without a kernel.

use std::collections::HashSet;

use ebpf_btf::{
    Btf, Datasec, Func, FuncProto, Int, Linkage, Param, Type, TypeId, TypeKind, Var, VarSecInfo,
};

/// The name of the added VAR (and of the parameters clang left unnamed).
const DUMMY: &str = "dummy_ksym";

/// What to change in an object with a `.ksyms` or `.kconfig` DATASEC.
#[derive(Debug)]
pub(crate) struct Externs {
    /// The `.ksyms` DATASEC's id (0: none).
    datasec: TypeId,
    /// Its extern FUNCs.
    funcs: HashSet<TypeId>,
    /// Their prototypes.
    protos: HashSet<TypeId>,
    /// Its extern VARs.
    vars: HashSet<TypeId>,
    /// The VARs of `.kconfig`.
    kconfig_vars: HashSet<TypeId>,
    /// A 4-byte INT of the object, when it has one.
    int: Option<TypeId>,
    /// The id the first appended type gets.
    next: TypeId,
}

/// What `btf`'s `.ksyms` and `.kconfig` DATASECs need; `None` when it has neither.
pub(crate) fn plan(btf: &Btf) -> ebpf_btf::Result<Option<Externs>> {
    let mut ksyms = None;
    let mut kconfig = None;
    let mut int = None;
    for t in btf.types() {
        let (id, t) = t?;
        match &t.kind {
            TypeKind::Datasec(d) if t.name == ".ksyms" => ksyms = Some((id, d.clone())),
            TypeKind::Datasec(d) if t.name == ".kconfig" => kconfig = Some(d.clone()),
            TypeKind::Int(i) if i.size == 4 && i.bits == 32 && int.is_none() => int = Some(id),
            _ => {}
        }
    }
    if ksyms.is_none() && kconfig.is_none() {
        return Ok(None);
    }
    let mut k = Externs {
        datasec: ksyms.as_ref().map_or(0, |(id, _)| *id),
        funcs: HashSet::new(),
        protos: HashSet::new(),
        vars: HashSet::new(),
        kconfig_vars: kconfig
            .iter()
            .flat_map(|d| d.vars.iter().map(|v| v.ty))
            .collect(),
        int,
        next: btf.next_id(),
    };
    for v in ksyms.iter().flat_map(|(_, d)| &d.vars) {
        match btf.type_by_id(v.ty)?.kind {
            TypeKind::Func(f) => {
                k.funcs.insert(v.ty);
                k.protos.insert(f.proto);
            }
            TypeKind::Var(_) => {
                k.vars.insert(v.ty);
            }
            _ => {}
        }
    }
    Ok(Some(k))
}

impl Externs {
    /// The id of the 4-byte INT the dummy and the extern VARs have.
    fn int_id(&self) -> TypeId {
        self.int.unwrap_or(self.next)
    }

    /// The id of the dummy VAR.
    fn dummy_id(&self) -> TypeId {
        match self.int {
            Some(_) => self.next,
            None => self.next + 1,
        }
    }

    /// Type `id` (`t`) as the kernel gets it.
    pub(crate) fn fix<'a>(&self, id: TypeId, t: Type<'a>) -> Type<'a> {
        let kind = match t.kind {
            TypeKind::Datasec(d) if id == self.datasec && id != 0 => TypeKind::Datasec(Datasec {
                size: 4 * d.vars.len() as u32,
                vars: d
                    .vars
                    .iter()
                    .enumerate()
                    .map(|(i, v)| VarSecInfo {
                        ty: match self.funcs.contains(&v.ty) {
                            true => self.dummy_id(),
                            false => v.ty,
                        },
                        offset: 4 * i as u32,
                        size: 4,
                    })
                    .collect(),
            }),
            TypeKind::Func(f) if self.funcs.contains(&id) => TypeKind::Func(Func {
                linkage: Linkage::Global,
                ..f
            }),
            TypeKind::FuncProto(p) if self.protos.contains(&id) => TypeKind::FuncProto(FuncProto {
                params: p
                    .params
                    .iter()
                    .map(|p| Param {
                        // The last parameter of a variadic prototype is `...`: type 0.
                        name: match (p.name, p.ty) {
                            ("", ty) if ty != 0 => DUMMY,
                            (name, _) => name,
                        },
                        ty: p.ty,
                    })
                    .collect(),
                ..p
            }),
            TypeKind::Var(_) if self.vars.contains(&id) => TypeKind::Var(Var {
                ty: self.int_id(),
                linkage: Linkage::Global,
            }),
            TypeKind::Var(v) if self.kconfig_vars.contains(&id) => TypeKind::Var(Var {
                linkage: Linkage::Global,
                ..v
            }),
            kind => kind,
        };
        Type { name: t.name, kind }
    }

    /// The types the fixed DATASEC refers to, to add after the object's own.
    pub(crate) fn appended(&self) -> Vec<Type<'static>> {
        let mut out = Vec::with_capacity(2);
        if self.datasec == 0 {
            return out;
        }
        if self.int.is_none() {
            out.push(Type {
                name: "int",
                kind: TypeKind::Int(Int::new(4, true)),
            });
        }
        out.push(Type {
            name: DUMMY,
            kind: TypeKind::Var(Var {
                ty: self.int_id(),
                linkage: Linkage::Global,
            }),
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ebpf_btf::Builder;

    /// clang's BTF for `extern int f(int *, int) __ksym; extern int v __ksym;` (with or
    /// without an `int` of its own).
    fn object(with_int: bool) -> Btf {
        let mut b = Builder::new();
        let long = b
            .add(&Type {
                name: "long",
                kind: TypeKind::Int(Int::new(8, false)),
            })
            .expect("long");
        let int = match with_int {
            true => b
                .add(&Type {
                    name: "int",
                    kind: TypeKind::Int(Int::new(4, false)),
                })
                .expect("int"),
            false => long,
        };
        let ptr = b
            .add(&Type {
                name: "",
                kind: TypeKind::Ptr(int),
            })
            .expect("ptr");
        let proto = b
            .add(&Type {
                name: "",
                kind: TypeKind::FuncProto(FuncProto {
                    ret: int,
                    params: vec![Param { name: "", ty: ptr }, Param { name: "n", ty: int }],
                }),
            })
            .expect("proto");
        let func = b
            .add(&Type {
                name: "f",
                kind: TypeKind::Func(Func {
                    proto,
                    linkage: Linkage::Extern,
                }),
            })
            .expect("func");
        let var = b
            .add(&Type {
                name: "v",
                kind: TypeKind::Var(Var {
                    ty: long,
                    linkage: Linkage::Extern,
                }),
            })
            .expect("var");
        let at0 = |ty| VarSecInfo {
            ty,
            offset: 0,
            size: 0,
        };
        b.add(&Type {
            name: ".ksyms",
            kind: TypeKind::Datasec(Datasec {
                size: 0,
                vars: vec![at0(func), at0(var)],
            }),
        })
        .expect("datasec");
        Btf::parse(b.encode()).expect("parses")
    }

    /// `btf` with the plan applied, as the sanitizer does.
    fn fixed(btf: &Btf) -> Btf {
        let k = plan(btf).expect("plans").expect("has externs");
        let mut b = Builder::with_strings_of(btf);
        for t in btf.types() {
            let (id, t) = t.expect("type");
            b.add(&k.fix(id, t)).expect("adds");
        }
        for t in k.appended() {
            b.add(&t).expect("appends");
        }
        Btf::parse(b.encode()).expect("parses")
    }

    #[test]
    fn entries_get_their_own_four_bytes_and_funcs_point_at_the_dummy() {
        for with_int in [true, false] {
            let btf = object(with_int);
            let out = fixed(&btf);
            assert_eq!(out.len(), btf.len() + if with_int { 1 } else { 2 });
            let dummy = out.next_id() - 1;
            let t = out.type_by_id(dummy).expect("dummy");
            assert_eq!(t.name, DUMMY);
            let TypeKind::Var(v) = t.kind else {
                panic!("{t:?}")
            };
            assert_eq!(v.linkage, Linkage::Global);
            let int = out.type_by_id(v.ty).expect("int");
            assert!(
                matches!(int.kind, TypeKind::Int(Int { size: 4, .. })),
                "{int:?}"
            );
            let id = out
                .id_by_name_kind(".ksyms", ebpf_btf::Kind::Datasec)
                .expect("lookup")
                .expect("datasec");
            let TypeKind::Datasec(d) = out.type_by_id(id).expect("datasec").kind else {
                panic!()
            };
            assert_eq!(d.size, 8);
            let entries: Vec<_> = d.vars.iter().map(|v| (v.offset, v.size)).collect();
            assert_eq!(entries, [(0, 4), (4, 4)]);
            assert_eq!(d.vars[0].ty, dummy, "the FUNC's entry is the dummy VAR");
            let var = out.type_by_id(d.vars[1].ty).expect("var");
            assert_eq!(var.name, "v");
            let TypeKind::Var(v) = var.kind else {
                panic!("{var:?}")
            };
            assert_eq!(v.linkage, Linkage::Global);
            assert!(matches!(
                out.type_by_id(v.ty).expect("int").kind,
                TypeKind::Int(Int { size: 4, .. })
            ));
        }
    }

    #[test]
    fn extern_funcs_become_global_with_named_parameters() {
        let out = fixed(&object(true));
        let id = out
            .id_by_name_kind("f", ebpf_btf::Kind::Func)
            .expect("lookup")
            .expect("f");
        let TypeKind::Func(f) = out.type_by_id(id).expect("f").kind else {
            panic!()
        };
        assert_eq!(f.linkage, Linkage::Global);
        let TypeKind::FuncProto(p) = out.type_by_id(f.proto).expect("proto").kind else {
            panic!()
        };
        let names: Vec<_> = p.params.iter().map(|p| p.name).collect();
        assert_eq!(names, [DUMMY, "n"], "a name clang gave stays");
    }

    #[test]
    fn an_object_without_externs_needs_nothing() {
        let mut b = Builder::new();
        b.add(&Type {
            name: "x",
            kind: TypeKind::Ptr(0),
        })
        .expect("adds");
        let btf = Btf::parse(b.encode()).expect("parses");
        assert!(plan(&btf).expect("plans").is_none());
    }
}
