//! `program!` reads CO-RE expressions and kfunc calls by name as the text assembler does
//! (one grammar), and keeps them symbolic in the program it builds.

use ebpf_asm::{assemble, program, FixField, RefKind};

#[test]
fn program_macro_keeps_core_relocations_and_kfunc_names() {
    let p = program! {
        call bpf_get_current_task
        r3 = r0
        r3 += offsetof(task_struct, tgid)
        r0 = *(u64 *)(r1 + offsetof(bpf_raw_tracepoint_args, args[1]))
        r1 = offsetof(task_struct, se.vruntime)
        r2 = sizeof(struct task_struct) ll
        *(u32 *)(r10 - 8) = enumval(bpf_map_type, BPF_MAP_TYPE_HASH)
        if r1 == field_exists(task_struct, pid) goto +0
        w1 = type_exists(foo___v2)
        call bpf_iter_num_new
        exit
    };
    let text = "call bpf_get_current_task
r3 = r0
r3 += offsetof(task_struct, tgid)
r0 = *(u64 *)(r1 + offsetof(bpf_raw_tracepoint_args, args[1]))
r1 = offsetof(task_struct, se.vruntime)
r2 = sizeof(struct task_struct) ll
*(u32 *)(r10 - 8) = enumval(bpf_map_type, BPF_MAP_TYPE_HASH)
if r1 == field_exists(task_struct, pid) goto +0
w1 = type_exists(foo___v2)
call bpf_iter_num_new
exit";
    let from_text = assemble(text).unwrap();
    assert_eq!(p.core_relos(), from_text.core_relos());
    assert_eq!(p.core_relos().len(), 7);
    assert_eq!(p.core_relos()[1].field, FixField::Off);
    assert_eq!(p.insns(), from_text.insns());
    assert_eq!(p.to_string(), from_text.to_string());
    let kinds: Vec<RefKind> = p.unresolved().iter().map(|r| r.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == RefKind::Kfunc).count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == RefKind::Core).count(), 7);
    // Where the kfunc call was written: this file, the line of `call bpf_iter_num_new`.
    let at = p.location(9).unwrap();
    assert_eq!((at.file.as_ref(), at.line), ("asm/tests/core_macro.rs", 18));
}

#[test]
fn program_macro_keeps_every_core_kind() {
    let p = program! {
        r1 = enumval_exists(bpf_map_type, BPF_MAP_TYPE_RINGBUF)
        r2 = type_id(struct task_struct)
        r3 = offsetof(task_struct, [1].tgid)
        r4 = field_signed(bpf_insn, off)
        r5 = field_lshift(bpf_insn, dst_reg)
        r6 = field_rshift(bpf_insn, dst_reg)
        r7 = type_matches(struct task_struct___m)
        exit
    };
    let text = "r1 = enumval_exists(bpf_map_type, BPF_MAP_TYPE_RINGBUF)
r2 = type_id(struct task_struct)
r3 = offsetof(task_struct, [1].tgid)
r4 = field_signed(bpf_insn, off)
r5 = field_lshift(bpf_insn, dst_reg)
r6 = field_rshift(bpf_insn, dst_reg)
r7 = type_matches(struct task_struct___m)
exit";
    let from_text = assemble(text).unwrap();
    assert_eq!(p.core_relos(), from_text.core_relos());
    let exprs: Vec<String> = p.core_relos().iter().map(|r| r.expr.to_string()).collect();
    assert_eq!(
        exprs,
        [
            "enumval_exists(bpf_map_type, BPF_MAP_TYPE_RINGBUF)",
            "type_id(task_struct)",
            "offsetof(task_struct, [1].tgid)",
            "field_signed(bpf_insn, off)",
            "field_lshift(bpf_insn, dst_reg)",
            "field_rshift(bpf_insn, dst_reg)",
            "type_matches(task_struct___m)",
        ]
    );
    assert_eq!(p.to_string(), from_text.to_string());
}
