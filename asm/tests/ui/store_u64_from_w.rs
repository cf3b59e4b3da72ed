fn main() {
    let _ = ebpf_asm::program! {
        *(u64 *)(r1 + 0) = w2
        exit
    };
}
