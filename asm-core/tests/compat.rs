//! What compilers emit: clang -S output with local `.L` labels and layout directives
//! assembles as llvm-mc-19 assembles it.

mod support;

const CLANG_S: &str = "\t.text
\t.globl\tprog
\t.p2align\t3
\t.type\tprog,@function
prog:
.LBB0_1:
\tr0 = 0
\tif r0 == 0 goto .LBB0_2
\tgoto .LBB0_1
.LBB0_2:
\texit
.Lfunc_end0:
\t.size\tprog, .Lfunc_end0-prog
\t.addrsig
";

#[test]
fn clang_s_output_assembles_with_local_labels() {
    let p = ebpf_asm_core::assemble(CLANG_S).unwrap();
    assert_eq!(
        p.to_string(),
        ".globl prog\nprog:\n.LBB0_1:\n\tr0 = 0\n\tif r0 == 0 goto .LBB0_2\n\tgoto .LBB0_1\n.LBB0_2:\n\texit\n.Lfunc_end0:\n"
    );
    let hex: Vec<String> = p
        .to_raw()
        .iter()
        .map(|s| format!("{:016x}", u64::from_be_bytes(s.to_bytes())))
        .collect();
    assert_eq!(
        hex,
        [
            "b700000000000000",
            "1500010000000000",
            "0500fdff00000000",
            "9500000000000000"
        ]
    );
    // And it is what llvm-mc-19 makes of the same text.
    if let Some(llvm) = support::llvm("clang_s_output_assembles_with_local_labels") {
        let dir = support::scratch_dir("clang_s");
        let out = llvm
            .assemble(&dir, CLANG_S)
            .expect("llvm-mc-19 assembles it");
        assert_eq!(out.text, p.to_bytes());
    }
}

#[test]
fn a_dot_label_can_be_called_and_its_address_taken() {
    let p = ebpf_asm_core::assemble("r1 = .Lcb ll\ncall .Lcb\nexit\n.Lcb:\nr0 = 0\nexit").unwrap();
    assert_eq!(p.insns()[0].to_string(), "r1 = .Lcb ll");
    assert_eq!(p.insns()[1].to_string(), "call .Lcb");
    assert_eq!(p.label(".Lcb"), Some(3));
}

#[test]
fn section_directives_still_point_at_the_object_format() {
    let e = ebpf_asm_core::assemble("r0 = 0\n.section xdp\nexit").unwrap_err();
    assert_eq!(
        e.to_string(),
        "<input>:2:1: error: unknown directive `.section`: the assembler reads instructions, \
         labels, `.8byte`, `.extern` and `.globl` (for `.section`, `.map` and `.license` use \
         the object format: parse_object, bpfasm load)"
    );
}

/// Issue 14: LLVM's literal and label forms (numeric labels, C suffixes, character
/// literals, constant expressions, 64-bit spellings of 32-bit values, capitalised first
/// words, the u32 atomic add with an rN value) give llvm-mc-19's bytes exactly; the forms
/// beyond it are ones llvm-mc-19 rejects.
#[test]
fn llvm_literal_and_label_forms_give_llvm_mc_bytes() {
    use support::forms::{BEYOND_LLVM, LLVM_FORMS};
    let Some(llvm) = support::llvm("llvm_literal_and_label_forms_give_llvm_mc_bytes") else {
        return;
    };
    let dir = support::scratch_dir("literal_forms");
    let same = |src: &str| {
        let ours = ebpf_asm_core::assemble(src).unwrap_or_else(|e| panic!("`{src}`:\n{e}"));
        let theirs = llvm
            .assemble(&dir, &format!("{src}\n"))
            .unwrap_or_else(|e| panic!("`{src}`: {e}"));
        (support::hex(&ours.to_bytes()), support::hex(&theirs.text))
    };
    // All forms in one file (both read numeric labels over the whole file alike); one
    // file per form only to name the one that differs.
    let all: Vec<&str> = LLVM_FORMS.iter().map(|(form, _)| *form).collect();
    let (ours, theirs) = same(&all.join("\n"));
    if ours != theirs {
        for form in &all {
            let (ours, theirs) = same(form);
            assert_eq!(ours, theirs, "`{form}`");
        }
    }
    assert_eq!(ours, theirs);
    for (form, _) in BEYOND_LLVM {
        assert!(
            llvm.assemble(&dir, &format!("{form}\n")).is_err(),
            "llvm-mc-19 accepts `{form}`: move it to LLVM_FORMS"
        );
    }
}
