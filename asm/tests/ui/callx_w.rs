fn main() {
    let _ = ebpf_asm::program! {
        callx w1
        exit
    };
}
