fn main() {
    let _ = ebpf_asm::program! {
        r1 +=
        exit
    };
}
