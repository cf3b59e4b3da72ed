fn main() {
    let _ = ebpf_asm::program! {
        r1 = '\0'
        exit
    };
}
