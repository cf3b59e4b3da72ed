//! The Editor: references, rewriting maps and constants, linking fragments, and every error.

use std::fs::File;
use std::os::fd::AsRawFd;

use ebpf_asm_core::{assemble_named, EditError, Imm64, Insn, RawInsn, RefKind};

/// An open fd standing in for a map's: the Editor only copies its number.
fn some_fd() -> File {
    File::open("/dev/null").expect("open /dev/null")
}

fn slots(p: &ebpf_asm_core::Program) -> Vec<RawInsn> {
    p.to_raw()
}

const COUNTER: &str = "\
    r1 = counters ll
    r2 = limit ll
    r3 = counters ll
    call sub
    r0 = 0
    exit
";

#[test]
fn references_list_symbols_and_external_calls_with_locations() {
    let src = format!(".extern sub\n{COUNTER}");
    let mut p = assemble_named("c.s", &src).unwrap();
    let refs = p.editor().references();
    let got: Vec<(usize, &str, RefKind, String)> = refs
        .iter()
        .map(|r| {
            (
                r.index,
                r.name.as_str(),
                r.kind,
                r.location.as_ref().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (0, "counters", RefKind::Symbol, "c.s:2:1".to_string()),
            (1, "limit", RefKind::Symbol, "c.s:3:5".to_string()),
            (2, "counters", RefKind::Symbol, "c.s:4:5".to_string()),
            (3, "sub", RefKind::Call, "c.s:5:5".to_string()),
        ]
    );
}

#[test]
fn rewrite_map_sets_pseudo_map_fd_everywhere_the_name_is_used() {
    let mut p = assemble_named("c.s", &format!(".extern sub\n{COUNTER}")).unwrap();
    // Before: symbol loads encode as ld_imm64 with imm 0, as in an object file.
    assert_eq!((slots(&p)[0].src, slots(&p)[0].imm), (0, 0));
    let map = some_fd();
    let fd = map.as_raw_fd();
    let n = p.editor().rewrite_map("counters", &map).unwrap();
    assert_eq!(n, 2);
    let s = slots(&p);
    assert_eq!((s[0].code, s[0].dst, s[0].src, s[0].imm), (0x18, 1, 1, fd));
    assert_eq!((s[4].code, s[4].dst, s[4].src, s[4].imm), (0x18, 3, 1, fd));
    assert_eq!(p.insns()[1].to_string(), "r2 = limit ll");
}

#[test]
fn rewrite_map_value_and_constant() {
    let mut p = assemble_named("c.s", &format!(".extern sub\n{COUNTER}")).unwrap();
    let map = some_fd();
    let mut ed = p.editor();
    ed.rewrite_map_value("counters", &map, 16).unwrap();
    ed.rewrite_constant("limit", 0x1_0000_0002).unwrap();
    let s = slots(&p);
    assert_eq!((s[0].src, s[0].imm, s[1].imm), (2, map.as_raw_fd(), 16));
    assert_eq!((s[2].src, s[2].imm, s[3].imm), (0, 2, 1));
    assert_eq!(
        p.insns()[1],
        Insn::LdImm64 {
            dst: ebpf_asm_core::R2,
            imm: Imm64::Const(0x1_0000_0002)
        }
    );
}

#[test]
fn rewriting_an_unknown_name_lists_the_known_ones() {
    let mut p = assemble_named("c.s", &format!(".extern sub\n{COUNTER}")).unwrap();
    let e = p.editor().rewrite_map("countres", &some_fd()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the program has no reference to `countres`; it refers to: counters, limit, counters"
    );
    let mut q = ebpf_asm_core::assemble("r0 = 0\nexit").unwrap();
    let e = q.editor().rewrite_constant("x", 1).unwrap_err();
    assert!(matches!(e, EditError::NoSuchReference { .. }));
    assert!(e.to_string().contains("no references at all"), "{e}");
}

#[test]
fn finish_names_the_first_unresolved_symbol_and_its_location() {
    let mut p = assemble_named("c.s", &format!(".extern sub\n{COUNTER}")).unwrap();
    let mut ed = p.editor();
    ed.rewrite_map("counters", &some_fd()).unwrap();
    let e = ed.finish().unwrap_err();
    assert_eq!(
        e.to_string(),
        "c.s:3:5: unresolved reference to `limit`: rewrite it to a map or constant \
         (Editor::rewrite_map, rewrite_map_value, rewrite_constant)"
    );
    ed.rewrite_constant("limit", 1).unwrap();
    let e = ed.finish().unwrap_err();
    assert!(
        e.to_string()
            .starts_with("c.s:5:5: unresolved call to `sub`: link the fragment"),
        "{e}"
    );
}

#[test]
fn link_resolves_calls_across_fragments() {
    let main = assemble_named("main.s", ".extern sub\nr1 = 1\ncall sub\nexit").unwrap();
    // Unlinked: the call encodes as `call -1` with BPF_PSEUDO_CALL, as LLVM leaves it.
    let s = slots(&main);
    assert_eq!((s[1].code, s[1].src, s[1].imm), (0x85, 1, -1));
    let sub = assemble_named("sub.s", "sub:\nr0 = 7\nexit").unwrap();
    let linked = main.link(&[&sub]).unwrap();
    assert_eq!(linked.len(), 5);
    let s = slots(&linked);
    // call at slot 1 → sub at slot 3: imm = 3 - (1 + 1) = 1.
    assert_eq!((s[1].code, s[1].src, s[1].imm), (0x85, 1, 1));
    assert_eq!(linked.label("sub"), Some(3));
    // Locations survive linking, each naming its own file.
    assert_eq!(linked.location(1).unwrap().to_string(), "main.s:3:1");
    assert_eq!(linked.location(3).unwrap().to_string(), "sub.s:2:1");
    assert_eq!(
        linked.to_string(),
        "\tr1 = 1\n\tcall sub\n\texit\nsub:\n\tr0 = 7\n\texit\n"
    );
}

#[test]
fn link_errors_name_the_problem() {
    let main = assemble_named("main.s", ".extern sub, other\ncall sub\ncall other\nexit").unwrap();
    let sub = assemble_named("sub.s", "sub:\nr0 = 7\nexit").unwrap();
    let e = main.link(&[&sub]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "main.s:3:1: unresolved call to `other`: link the fragment that defines it (Program::link)"
    );
    let dup = assemble_named("dup.s", "sub:\nexit").unwrap();
    let e = main.link(&[&sub, &dup]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "label `sub` is defined in more than one linked fragment"
    );
}

#[test]
fn a_call_to_an_undeclared_name_calls_a_kernel_function() {
    // Neither a helper, nor a label, nor `.extern`: a kfunc, looked up at load time.
    let p = assemble_named("m.s", "call sub\nexit").unwrap();
    assert_eq!(p.kfunc_calls().count(), 1);
    assert_eq!(
        p.check_resolved().unwrap_err().to_string(),
        "m.s:1:1: unresolved kernel function `sub`: load the program with ebpf_loader \
         (ProgramSpec::from_program looks it up in the kernel's BTF), or set its id with \
         Editor::rewrite_kfunc"
    );
    let e = assemble_named("m.s", ".extern\n.extern a b\nexit").unwrap_err();
    assert_eq!(
        e.to_string(),
        "m.s:1:1: error: `.extern` needs the name of a subprogram defined in another fragment\n\
         m.s:2:1: error: `.extern` takes names separated by commas, found `b`"
    );
}

#[test]
fn a_function_address_of_a_local_label_is_a_pseudo_func_load() {
    let p = assemble_named("f.s", "r1 = cb ll\nexit\ncb:\nr0 = 0\nexit").unwrap();
    let s = slots(&p);
    // ld_imm64 at slots 0-1, exit at 2, cb at 3. The kernel finds the target at
    // i + imm + 1 from the ld_imm64's first slot: imm = 3 - 0 - 1 = 2.
    assert_eq!((s[0].code, s[0].src, s[0].imm), (0x18, 4, 2));
    assert_eq!(p.insns()[0].to_string(), "r1 = cb ll");
}
