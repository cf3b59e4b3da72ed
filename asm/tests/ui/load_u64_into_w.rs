fn main() {
    let _ = ebpf_asm::program! {
        w1 = *(u64 *)(r2 + 0)
        exit
    };
}
