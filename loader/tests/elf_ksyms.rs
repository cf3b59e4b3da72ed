//! `__ksym` externs in clang objects: kfunc calls by name, resolved in the kernel's BTF at
//! load, with the object's `.ksyms` DATASEC made acceptable to the kernel.

#[macro_use]
mod common;

use common::clang::compile;
use ebpf_asm::{Call, Insn};
use ebpf_loader::{CollectionSpec, TestRun};

#[test]
fn ksym_calls_are_read_as_kfunc_calls_by_name() {
    let Some(obj) = compile("kfuncs") else {
        return;
    };
    let spec = CollectionSpec::from_elf(&obj).expect("reads kfuncs.o");
    let p = &spec
        .programs()
        .iter()
        .find(|p| p.name == "sum_to_five")
        .expect("program")
        .program;
    let kfuncs: Vec<String> = p
        .insns()
        .iter()
        .filter_map(|i| match i {
            Insn::Call(Call::KfuncName(l)) => Some(l.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        kfuncs,
        [
            "bpf_iter_num_new",
            "bpf_iter_num_next",
            "bpf_iter_num_next",
            "bpf_iter_num_destroy"
        ]
    );
}

#[test]
fn ksym_kfuncs_run_with_the_objects_btf() {
    require_root!();
    let Some(obj) = compile("kfuncs") else {
        return;
    };
    let coll = CollectionSpec::from_elf(&obj)
        .expect("reads")
        .load()
        .expect("the kernel takes the kfunc calls and the object's BTF");
    let p = coll.program("sum_to_five").expect("loaded");
    // The BTF went in as it is: the `.ksyms` DATASEC did not make the kernel refuse it.
    assert_eq!(p.btf_fallback(), None);
    assert!(p.btf().is_some());
    let r = p
        .test_run(&TestRun {
            ctx_in: &[0; 8],
            ..Default::default()
        })
        .expect("runs");
    assert_eq!(r.retval, 10, "0 + 1 + 2 + 3 + 4 through bpf_iter_num");
}

#[test]
fn a_kfunc_the_kernel_lacks_is_named() {
    require_root!();
    let Some(obj) = compile("kfunc_missing") else {
        return;
    };
    let spec = CollectionSpec::from_elf(&obj).expect("reads");
    let e = spec.load().expect_err("no such kfunc");
    let msg = format!("{e}");
    assert!(msg.contains("bpf_no_such_kfunc"), "{msg}");
    assert!(msg.contains("calls_nothing"), "names the program: {msg}");
}
