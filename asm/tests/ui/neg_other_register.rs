fn main() {
    let _ = ebpf_asm::program! {
        r1 = -r2
        exit
    };
}
