fn main() {
    let _ = ebpf_asm::program! {
        r1 = le16 r2
        exit
    };
}
