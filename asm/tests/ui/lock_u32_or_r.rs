fn main() {
    let _ = ebpf_asm::program! {
        lock *(u32 *)(r1 + 0) |= r2
        exit
    };
}
