fn main() {
    let n = 1;
    let _ = ebpf_asm::program! {
        goto {n}
        exit
    };
}
