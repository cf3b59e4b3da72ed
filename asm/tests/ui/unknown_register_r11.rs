fn main() {
    let _ = ebpf_asm::program! {
        r1 = r11
        exit
    };
}
