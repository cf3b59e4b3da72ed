fn main() {
    let _ = ebpf_asm::program! {
        R1 = R2
        EXIT
    };
}
