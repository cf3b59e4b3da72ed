fn main() {
    let _ = ebpf_asm::program! {
        r1 s= r2
        exit
    };
}
