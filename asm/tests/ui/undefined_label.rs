fn main() {
    let _ = ebpf_asm::program! {
        r0 = 0
        goto nowhere
        exit
    };
}
