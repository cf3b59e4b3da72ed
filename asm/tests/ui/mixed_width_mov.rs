fn main() {
    let _ = ebpf_asm::program! {
        w1 = r2
        exit
    };
}
