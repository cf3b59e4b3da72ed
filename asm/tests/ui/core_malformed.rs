fn main() {
    let _ = ebpf_asm::program! {
        r1 += offsetof(task_struct)
        r2 = *(u32 *)(r1 + sizeof(a, b))
        r3 = type_matches(task_struct, pid)
        exit
    };
}
