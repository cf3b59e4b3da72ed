fn main() {
    let _ = ebpf_asm::program! {
    start:
        r0 = 0
    start:
        exit
    };
}
