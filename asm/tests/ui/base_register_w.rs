fn main() {
    let _ = ebpf_asm::program! {
        r1 = *(u32 *)(w2 + 0)
        exit
    };
}
