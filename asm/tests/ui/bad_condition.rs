fn main() {
    let _ = ebpf_asm::program! {
        if r1 = 0 goto +1
        exit
    };
}
