fn main() {
    let _ = ebpf_asm::program! {
        r0 = 1 2
        exit
    };
}
