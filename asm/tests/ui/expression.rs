fn main() {
    let _ = ebpf_asm::program! {
        r1 = 5 / (3 - 3)
        exit
    };
}
