fn main() {
    let _ = ebpf_asm::program! {
        w2 = atomic_fetch_add((u32 *)(r1 + 0), r2)
        exit
    };
}
