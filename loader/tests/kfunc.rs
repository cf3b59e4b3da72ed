//! Kfunc calls by name resolved without a kernel: against hand-built vmlinux and module
//! (split) BTF, with module BTFs given fd_array indices from 1 (0 is vmlinux).

use std::sync::Arc;

use ebpf_asm::{assemble, Call, Insn};
use ebpf_btf::{Btf, Builder, Func, FuncProto, Linkage, Type, TypeKind};
use ebpf_loader::kfunc::{find_kfunc, resolve_kfuncs, FdArrayPlan, KfuncTarget};

fn add_func(b: &mut Builder, name: &str) -> u32 {
    let proto = b
        .add(&Type {
            name: "",
            kind: TypeKind::FuncProto(FuncProto {
                ret: 0,
                params: vec![],
            }),
        })
        .unwrap();
    b.add(&Type {
        name,
        kind: TypeKind::Func(Func {
            proto,
            linkage: Linkage::Global,
        }),
    })
    .unwrap()
}

/// vmlinux with `core_kfunc`; modules `mod_a` (`a_kfunc`) and `mod_b` (`b_kfunc`,
/// `b_other`).
fn kernel() -> (Arc<Btf>, Vec<(String, Btf)>, [u32; 4]) {
    let mut b = Builder::new();
    let core = add_func(&mut b, "core_kfunc");
    let vmlinux = Arc::new(Btf::parse(b.encode()).unwrap());
    let mut a = Builder::split(&vmlinux);
    let a_id = add_func(&mut a, "a_kfunc");
    let mut bm = Builder::split(&vmlinux);
    let b_id = add_func(&mut bm, "b_kfunc");
    let b_other = add_func(&mut bm, "b_other");
    let modules = vec![
        (
            "mod_a".to_owned(),
            Btf::parse_split(a.encode(), vmlinux.clone()).unwrap(),
        ),
        (
            "mod_b".to_owned(),
            Btf::parse_split(bm.encode(), vmlinux.clone()).unwrap(),
        ),
    ];
    (vmlinux, modules, [core, a_id, b_id, b_other])
}

#[test]
fn names_are_found_in_vmlinux_first_then_in_modules() {
    let (vmlinux, modules, [core, a_id, ..]) = kernel();
    let mods = || modules.iter().map(|(n, b)| (n.as_str(), b));
    assert_eq!(
        find_kfunc(&vmlinux, mods(), "core_kfunc").unwrap(),
        Some(KfuncTarget {
            btf_id: core,
            module: None
        })
    );
    assert_eq!(
        find_kfunc(&vmlinux, mods(), "a_kfunc").unwrap(),
        Some(KfuncTarget {
            btf_id: a_id,
            module: Some("mod_a".into())
        })
    );
    // A module's split BTF sees vmlinux's types, but they are not the module's.
    assert!(a_id >= vmlinux.next_id());
    assert_eq!(find_kfunc(&vmlinux, mods(), "nope").unwrap(), None);
}

#[test]
fn module_kfuncs_get_fd_array_indices_from_one() {
    let (vmlinux, modules, [core, a_id, b_id, b_other]) = kernel();
    let mut p =
        assemble("call b_kfunc\ncall core_kfunc\ncall a_kfunc\ncall b_other\ncall b_kfunc\nexit")
            .unwrap();
    let mut plan = FdArrayPlan::default();
    resolve_kfuncs(&mut p, &vmlinux, &modules, &mut plan).unwrap();
    let calls: Vec<Call> = p
        .insns()
        .iter()
        .filter_map(|i| match i {
            Insn::Call(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    let k = |btf_id: u32, module: i16| Call::Kfunc {
        btf_id: btf_id as i32,
        module,
    };
    // mod_b is met first: index 1; vmlinux is 0; mod_a 2.
    assert_eq!(
        calls,
        [
            k(b_id, 1),
            k(core, 0),
            k(a_id, 2),
            k(b_other, 1),
            k(b_id, 1)
        ]
    );
    assert_eq!(plan.modules(), ["mod_b", "mod_a"]);
    assert_eq!(p.kfunc_calls().count(), 0);
}

#[test]
fn unknown_names_are_errors_at_their_instructions() {
    let (vmlinux, modules, _) = kernel();
    let mut p = assemble("call core_kfunc\ncall nope\nexit").unwrap();
    let errs = resolve_kfuncs(&mut p, &vmlinux, &modules, &mut FdArrayPlan::default()).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].insn, 1);
    assert!(
        errs[0]
            .message
            .starts_with("`nope` is neither a helper, nor a label of this program, nor a kernel function (kfunc) in the kernel's BTF (vmlinux and 2 modules)"),
        "{}",
        errs[0].message
    );
}

#[test]
fn the_plan_reuses_a_module_index() {
    let mut plan = FdArrayPlan::default();
    assert_eq!(plan.index("x"), Some(1));
    assert_eq!(plan.index("y"), Some(2));
    assert_eq!(plan.index("x"), Some(1));
    assert_eq!(plan.modules(), ["x", "y"]);
}
