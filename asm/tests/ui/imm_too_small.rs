fn main() {
    let _ = ebpf_asm::program! {
        r1 = -2147483649
        exit
    };
}
