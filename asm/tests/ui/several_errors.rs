fn main() {
    let _ = ebpf_asm::program! {
        r1 = r11
        w1 += r2
        r2 = 4294967296
        goto nowhere
        exit
    };
}
