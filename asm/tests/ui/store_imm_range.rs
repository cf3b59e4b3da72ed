fn main() {
    let _ = ebpf_asm::program! {
        *(u32 *)(r1 + 0) = 4294967296
        exit
    };
}
