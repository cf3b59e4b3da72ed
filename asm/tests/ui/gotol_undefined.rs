fn main() {
    let _ = ebpf_asm::program! {
        gotol far_away
        exit
    };
}
