//! Which BTF kinds the running kernel accepts: one tiny blob per feature loaded with
//! `BPF_BTF_LOAD` (as libbpf probes), once per process.

use std::sync::OnceLock;

use ebpf_btf::{
    Builder, Datasec, DeclTag, Enum, Enumerator, Func, FuncProto, Int, Linkage, Type, TypeKind,
    TypeTag, Var, VarSecInfo,
};

use super::btf_sanitize::BtfFeatures;
use crate::programs::BtfObject;

/// The running kernel's features, probed on first use. When even plain BTF cannot be
/// loaded (no privileges, no BTF at all) nothing is replaced: the load then says why.
pub fn kernel_btf_features() -> BtfFeatures {
    static FEATURES: OnceLock<BtfFeatures> = OnceLock::new();
    *FEATURES.get_or_init(probe)
}

fn probe() -> BtfFeatures {
    let loads = |extra: &dyn Fn(&mut Builder) -> ebpf_btf::Result<()>| {
        let mut b = Builder::new();
        let ok = add(&mut b, "int", int()).is_ok() && extra(&mut b).is_ok();
        ok && BtfObject::load(&b.encode()).is_ok()
    };
    if !loads(&|_| Ok(())) {
        return BtfFeatures::ALL;
    }
    let func = |linkage| {
        move |b: &mut Builder| {
            let proto = add(
                b,
                "",
                TypeKind::FuncProto(FuncProto {
                    ret: 1,
                    params: Vec::new(),
                }),
            )?;
            add(b, "f", TypeKind::Func(Func { proto, linkage })).map(drop)
        }
    };
    BtfFeatures {
        datasec: loads(&|b| {
            let var = add(
                b,
                "x",
                TypeKind::Var(Var {
                    ty: 1,
                    linkage: Linkage::Global,
                }),
            )?;
            let vars = vec![VarSecInfo {
                ty: var,
                offset: 0,
                size: 4,
            }];
            add(b, ".data", TypeKind::Datasec(Datasec { size: 4, vars })).map(drop)
        }),
        func: loads(&func(Linkage::Static)),
        func_global: loads(&func(Linkage::Global)),
        float: loads(&|b| add(b, "float", TypeKind::Float(4)).map(drop)),
        decl_tag: loads(&|b| {
            let var = add(
                b,
                "x",
                TypeKind::Var(Var {
                    ty: 1,
                    linkage: Linkage::Static,
                }),
            )?;
            let tag = DeclTag {
                ty: var,
                component_idx: -1,
                attr: false,
            };
            add(b, "tag", TypeKind::DeclTag(tag)).map(drop)
        }),
        type_tag: loads(&|b| {
            let tag = add(b, "tag", TypeKind::TypeTag(TypeTag { ty: 1, attr: false }))?;
            add(b, "", TypeKind::Ptr(tag)).map(drop)
        }),
        enum64: loads(&|b| {
            let values = vec![Enumerator {
                name: "V",
                value: 1 << 40,
            }];
            let e = Enum {
                size: 8,
                signed: false,
                values,
            };
            add(b, "e", TypeKind::Enum64(e)).map(drop)
        }),
    }
}

fn int<'a>() -> TypeKind<'a> {
    TypeKind::Int(Int::new(4, true))
}

fn add(b: &mut Builder, name: &str, kind: TypeKind<'_>) -> ebpf_btf::Result<u32> {
    b.add(&Type { name, kind })
}
