fn main() {
    let _ = ebpf_asm::program! {
        r1 = 1.5
        exit
    };
}
