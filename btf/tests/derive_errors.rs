//! `#[derive(BtfType)]` refuses what BTF cannot describe as the kernel reads it, at the
//! struct's name: no `#[repr(C)]`, tuple structs, generics, enums. Regenerate the
//! `.stderr` files after a deliberate wording change with
//! `TRYBUILD=overwrite cargo test -p ebpf-btf --test derive_errors` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
