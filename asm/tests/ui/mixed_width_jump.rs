fn main() {
    let _ = ebpf_asm::program! {
        if r1 > w2 goto +1
        exit
    };
}
