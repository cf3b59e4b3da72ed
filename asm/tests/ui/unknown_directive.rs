fn main() {
    let _ = ebpf_asm::program! {
        .section "maps"
        exit
    };
}
