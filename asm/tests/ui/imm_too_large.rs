fn main() {
    let _ = ebpf_asm::program! {
        r1 = 4294967296
        exit
    };
}
