fn main() {
    let _ = ebpf_asm::program! {
        goto +40000
        exit
    };
}
