fn main() {
    let _ = ebpf_asm::program! {
        w12 += 1
        exit
    };
}
