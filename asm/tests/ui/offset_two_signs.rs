fn main() {
    let _ = ebpf_asm::program! {
        r1 = *(u64 *)(r1 + -8)
        exit
    };
}
