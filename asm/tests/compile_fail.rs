//! Every mistake in a `program!` block is a compile error at the offending token, with a
//! message that says what is wrong and what to write instead. Each `tests/ui/*.rs` holds
//! one mistake (or, in `several_errors.rs`, several, all reported); its `.stderr` is the
//! exact diagnostic. Regenerate after a deliberate wording change with
//! `TRYBUILD=overwrite cargo test -p ebpf-asm --test compile_fail` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
