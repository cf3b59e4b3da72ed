//! CO-RE expressions and kfunc calls by name in the assembly: parsed into the program's
//! relocation list and kfunc references, printed back, and reassembled to the same program.

use ebpf_asm_core::{assemble, assemble_named, CoreAccess, CoreKind, FixField, RefKind};

const SOURCE: &str = "\
call bpf_get_current_task
r3 = r0
r3 += offsetof(task_struct, tgid)
r0 = *(u32 *)(r1 + offsetof(bpf_raw_tracepoint_args, args[1]))
r1 = offsetof(task_struct, se.vruntime)
r2 = sizeof(struct task_struct) ll
*(u32 *)(r10 - 8) = enumval(bpf_map_type, BPF_MAP_TYPE_HASH)
*(u64 *)(r10 + offsetof(a___flavor, b.c[3].d)) = r1
if r1 == field_exists(task_struct, pid) goto +0
w1 = type_exists(foo___v2)
call bpf_iter_num_new
r0 = fieldsize(task_struct, comm)
r1 = offsetof(task_struct, [1].tgid)
r2 = enumval_exists(bpf_map_type, BPF_MAP_TYPE_RINGBUF)
r3 = type_id(struct task_struct)
r4 = type_matches(struct task_struct___m)
exit
";

#[test]
fn relocations_are_listed_in_instruction_order() {
    let p = assemble(SOURCE).unwrap();
    let relos = p.core_relos();
    let got: Vec<(usize, FixField, String)> = relos
        .iter()
        .map(|r| (r.insn, r.field, r.expr.to_string()))
        .collect();
    let want = [
        (2, FixField::Imm, "offsetof(task_struct, tgid)"),
        (
            3,
            FixField::Off,
            "offsetof(bpf_raw_tracepoint_args, args[1])",
        ),
        (4, FixField::Imm, "offsetof(task_struct, se.vruntime)"),
        (5, FixField::Imm64, "sizeof(task_struct)"),
        (6, FixField::Imm, "enumval(bpf_map_type, BPF_MAP_TYPE_HASH)"),
        (7, FixField::Off, "offsetof(a___flavor, b.c[3].d)"),
        (8, FixField::Imm, "field_exists(task_struct, pid)"),
        (9, FixField::Imm, "type_exists(foo___v2)"),
        (11, FixField::Imm, "fieldsize(task_struct, comm)"),
        (12, FixField::Imm, "offsetof(task_struct, [1].tgid)"),
        (
            13,
            FixField::Imm,
            "enumval_exists(bpf_map_type, BPF_MAP_TYPE_RINGBUF)",
        ),
        (14, FixField::Imm, "type_id(task_struct)"),
        (15, FixField::Imm, "type_matches(task_struct___m)"),
    ];
    let want: Vec<(usize, FixField, String)> = want
        .iter()
        .map(|(i, f, s)| (*i, *f, s.to_string()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        relos[1].expr.path,
        [CoreAccess::Field("args".into()), CoreAccess::Index(1)]
    );
    assert_eq!(relos[3].expr.kind, CoreKind::TypeSize);
    assert_eq!(
        relos[9].expr.path,
        [CoreAccess::Index(1), CoreAccess::Field("tgid".into())]
    );
    assert_eq!(relos[10].expr.kind, CoreKind::EnumExists);
    assert_eq!(relos[11].expr.kind, CoreKind::TypeId);
    assert_eq!(relos[12].expr.kind, CoreKind::TypeMatches);
    assert!(relos[12].expr.path.is_empty());
    // The fields hold 0 until load time.
    assert_eq!(p.insns()[2].to_string(), "r3 += 0");
}

#[test]
fn printing_round_trips() {
    let p = assemble(SOURCE).unwrap();
    let text = p.to_string();
    assert!(
        text.contains("\tr3 += offsetof(task_struct, tgid)\n"),
        "{text}"
    );
    assert!(
        text.contains("\tw0 = *(u32 *)(r1 + offsetof(bpf_raw_tracepoint_args, args[1]))\n"),
        "{text}"
    );
    assert!(text.contains("\tr2 = sizeof(task_struct) ll\n"), "{text}");
    assert!(
        text.contains("\tr4 = type_matches(task_struct___m)\n"),
        "{text}"
    );
    assert!(text.contains("\tcall bpf_iter_num_new\n"), "{text}");
    assert!(!text.contains(".extern"), "{text}");
    let again = assemble(&text).unwrap();
    assert_eq!(again.core_relos(), p.core_relos());
    assert_eq!(again.to_bytes(), p.to_bytes());
    assert_eq!(again.to_string(), text);
}

#[test]
fn kfunc_names_and_core_expressions_are_references() {
    let p = assemble_named("k.s", SOURCE).unwrap();
    let refs = p.unresolved();
    let kinds: Vec<(usize, RefKind)> = refs.iter().map(|r| (r.index, r.kind)).collect();
    assert!(kinds.contains(&(10, RefKind::Kfunc)), "{kinds:?}");
    assert!(kinds.contains(&(2, RefKind::Core)), "{kinds:?}");
    let err = p.check_resolved().unwrap_err().to_string();
    assert!(
        err.starts_with("k.s:3:1: unresolved CO-RE expression `offsetof(task_struct, tgid)`"),
        "{err}"
    );
    assert_eq!(
        p.kfunc_calls()
            .map(|(i, l)| (i, l.as_str()))
            .collect::<Vec<_>>(),
        [(10, "bpf_iter_num_new")]
    );
}

#[test]
fn editor_fills_kfuncs_and_core_values() {
    let mut p =
        assemble("r0 = offsetof(t, f)\nr1 = *(u64 *)(r1 + offsetof(t, g))\ncall k\nexit").unwrap();
    let mut ed = p.editor();
    let err = ed.rewrite_kfunc("nope", 1, 0).unwrap_err().to_string();
    assert!(
        err.contains("no reference to `nope`; it refers to: k"),
        "{err}"
    );
    assert_eq!(ed.rewrite_kfunc("k", 77, 0).unwrap(), 1);
    let err = ed.rewrite_core(&[4, 1 << 20]).unwrap_err().to_string();
    assert!(err.contains("`offsetof(t, g)` is 1048576"), "{err}");
    ed.rewrite_core(&[4, 16]).unwrap();
    ed.finish().unwrap();
    assert_eq!(
        p.to_string(),
        "\tr0 = 4\n\tr1 = *(u64 *)(r1 + 16)\n\tcall kfunc(77)\n\texit\n"
    );
}

#[test]
fn extern_calls_stay_calls_of_fragments() {
    let p = assemble(".extern sub\ncall sub\nexit").unwrap();
    assert_eq!(p.kfunc_calls().count(), 0);
    assert_eq!(p.external_calls().count(), 1);
}

#[test]
fn malformed_expressions_are_errors_at_their_tokens() {
    let cases = [
        (
            "r1 += offsetof(task_struct)",
            "1:7",
            "`offsetof` takes a type and a field: write `offsetof(task_struct, NAME)`",
        ),
        (
            "r1 += sizeof(a, b)",
            "1:15",
            "`sizeof` takes a type only: drop what follows",
        ),
        (
            "r1 += offsetof(t, a[x])",
            "1:21",
            "an array index is a number",
        ),
        (
            "r1 = *(u32 *)(r1 - offsetof(t, a))",
            "1:20",
            "a CO-RE offset is added: write `r1 + offsetof(...)`",
        ),
        (
            "r1 += enumval(e, 3)",
            "1:18",
            "expected an enumerator name, found",
        ),
        (
            "r1 += foo(t)",
            "1:7",
            "a CO-RE expression: offsetof(T, field)",
        ),
        ("r1 += offsetof(t, a", "1:20", "expected `)`"),
        (
            "r1 = type_matches(task_struct, pid)",
            "1:30",
            "`type_matches` takes a type only: drop what follows",
        ),
        ("r1 = type_matches()", "1:19", "expected a type name"),
    ];
    for (src, at, want) in cases {
        let err = assemble(src).unwrap_err().to_string();
        assert!(err.contains(&format!("{at}: error: ")), "{src}: {err}");
        assert!(err.contains(want), "{src}: {err}");
    }
}
