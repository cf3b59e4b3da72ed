fn main() {
    let _ = ebpf_asm::program! {
        *(s32 *)(r1 + 0) = r2
        exit
    };
}
