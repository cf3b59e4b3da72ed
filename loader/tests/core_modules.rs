//! CO-RE relocations whose type is in a module's BTF, not vmlinux's, by libbpf's rules:
//! candidates come from vmlinux when it has any, else from every module's split BTF;
//! `type_id` is then the module's id, and modules that disagree are an ambiguity. Hand-
//! built BTF stands in for modules, which this kernel's BTF has none of.

use std::sync::Arc;

use ebpf_asm::assemble;
use ebpf_btf::{add_struct, Btf, Builder, Int, IntEncoding, Kind, Type, TypeKind};
use ebpf_loader::core_relo::{needs_modules, resolve_core_in, resolve_one_in};

fn int(b: &mut Builder) -> u32 {
    let encoding = IntEncoding {
        signed: true,
        ..Default::default()
    };
    let kind = TypeKind::Int(Int {
        size: 4,
        encoding,
        offset: 0,
        bits: 32,
    });
    b.add(&Type { name: "int", kind }).unwrap()
}

/// vmlinux: `struct task_struct { int pid; }`. `mod_a`: `struct nf_conn { int status;
/// int mark; }` and its own `task_struct`; `mod_b`: `struct nf_zone { int id; }`, then
/// `struct nf_conn { int mark; }` (so the two nf_conn ids differ: each split BTF numbers
/// its types from vmlinux's end).
fn kernel() -> (Arc<Btf>, Vec<(String, Btf)>) {
    let mut b = Builder::new();
    let i = int(&mut b);
    add_struct(&mut b, "task_struct", 4, &[("pid", i, 0)]).unwrap();
    let vmlinux = Arc::new(Btf::parse(b.encode()).unwrap());
    let mut a = Builder::split(&vmlinux);
    add_struct(&mut a, "nf_conn", 8, &[("status", i, 0), ("mark", i, 4)]).unwrap();
    add_struct(&mut a, "task_struct", 8, &[("other", i, 0), ("pid", i, 4)]).unwrap();
    let mut m = Builder::split(&vmlinux);
    add_struct(&mut m, "nf_zone", 4, &[("id", i, 0)]).unwrap();
    add_struct(&mut m, "nf_conn", 4, &[("mark", i, 0)]).unwrap();
    let split = |b: Builder| Btf::parse_split(b.encode(), vmlinux.clone()).unwrap();
    let modules = vec![
        ("mod_a".to_owned(), split(a)),
        ("mod_b".to_owned(), split(m)),
    ];
    (vmlinux, modules)
}

fn value(vmlinux: &Btf, modules: &[(String, Btf)], expr: &str) -> Result<i64, String> {
    let p = assemble(&format!("r0 = {expr}\nexit")).unwrap();
    resolve_one_in(vmlinux, modules, None, &p.core_relos()[0].expr)
}

fn id_in(btf: &Btf, name: &str) -> i64 {
    let ids = btf.ids_by_name(name).unwrap();
    i64::from(*ids.iter().rfind(|&&id| id >= btf.first_id()).unwrap())
}

#[test]
fn a_type_vmlinux_lacks_is_found_in_a_module() {
    let (vmlinux, modules) = kernel();
    let mod_a = &modules[..1];
    assert_eq!(
        value(&vmlinux, mod_a, "type_id(nf_conn)"),
        Ok(id_in(&modules[0].1, "nf_conn")),
        "the module's own id, as libbpf writes it"
    );
    assert!(id_in(&modules[0].1, "nf_conn") >= i64::from(vmlinux.next_id()));
    assert_eq!(value(&vmlinux, mod_a, "offsetof(nf_conn, mark)"), Ok(4));
    assert_eq!(value(&vmlinux, mod_a, "type_exists(nf_conn)"), Ok(1));
    assert_eq!(value(&vmlinux, &[], "type_exists(nf_conn)"), Ok(0));
    let err = value(&vmlinux, &[], "type_id(nf_conn)").unwrap_err();
    assert!(err.contains("no type named `nf_conn`"), "{err}");
}

#[test]
fn vmlinux_comes_first() {
    let (vmlinux, modules) = kernel();
    // mod_a has a task_struct too, with pid at 4: vmlinux's (pid at 0) wins.
    assert_eq!(
        value(&vmlinux, &modules, "offsetof(task_struct, pid)"),
        Ok(0)
    );
    assert_eq!(
        value(&vmlinux, &modules, "type_id(task_struct)"),
        Ok(i64::from(
            vmlinux
                .id_by_name_kind("task_struct", Kind::Struct)
                .unwrap()
                .unwrap()
        ))
    );
}

#[test]
fn modules_that_disagree_are_ambiguous() {
    let (vmlinux, modules) = kernel();
    // `mark` is at 4 in mod_a and at 0 in mod_b; the ids differ as well.
    let err = value(&vmlinux, &modules, "offsetof(nf_conn, mark)").unwrap_err();
    assert!(err.contains("is ambiguous"), "{err}");
    assert!(
        err.contains("(module mod_a)") && err.contains("(module mod_b)"),
        "{err}"
    );
    let err = value(&vmlinux, &modules, "type_id(nf_conn)").unwrap_err();
    assert!(err.contains("is ambiguous"), "{err}");
    // Where they agree, there is no ambiguity.
    assert_eq!(value(&vmlinux, &modules, "fieldsize(nf_conn, mark)"), Ok(4));
}

#[test]
fn type_matches_looks_in_modules_too() {
    let (vmlinux, modules) = kernel();
    let mut b = Builder::new();
    let i = int(&mut b);
    add_struct(&mut b, "nf_conn___m", 4, &[("mark", i, 0)]).unwrap();
    add_struct(&mut b, "nf_conn___x", 4, &[("zone", i, 0)]).unwrap();
    let local = Btf::parse(b.encode()).unwrap();
    let p =
        assemble("r0 = type_matches(nf_conn___m)\nr1 = type_matches(nf_conn___x)\nexit").unwrap();
    assert_eq!(
        resolve_core_in(&vmlinux, &modules, Some(&local), p.core_relos()),
        Ok(vec![1, 0])
    );
    assert_eq!(
        resolve_core_in(&vmlinux, &[], Some(&local), p.core_relos()),
        Ok(vec![0, 0]),
        "without the modules no kernel type is named nf_conn"
    );
}

#[test]
fn modules_are_read_only_for_types_vmlinux_lacks() {
    let (vmlinux, _) = kernel();
    let has = assemble("r0 = offsetof(task_struct, pid)\nexit").unwrap();
    let lacks = assemble("r0 = offsetof(task_struct, pid)\nr1 = type_id(nf_conn)\nexit").unwrap();
    assert!(!needs_modules(&vmlinux, has.core_relos()));
    assert!(needs_modules(&vmlinux, lacks.core_relos()));
}
