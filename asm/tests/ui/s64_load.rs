fn main() {
    let _ = ebpf_asm::program! {
        r1 = *(s64 *)(r2 + 0)
        exit
    };
}
