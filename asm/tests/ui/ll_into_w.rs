fn main() {
    let _ = ebpf_asm::program! {
        w1 = 5 ll
        exit
    };
}
