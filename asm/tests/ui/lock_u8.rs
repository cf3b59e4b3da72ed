fn main() {
    let _ = ebpf_asm::program! {
        lock *(u8 *)(r1 + 0) += r2
        exit
    };
}
