fn main() {
    let _ = ebpf_asm::program! {
        ld_pseudo r1, 7, 0
        exit
    };
}
