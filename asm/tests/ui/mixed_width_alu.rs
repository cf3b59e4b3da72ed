fn main() {
    let _ = ebpf_asm::program! {
        r1 += w2
        exit
    };
}
