fn main() {
    let _ = ebpf_asm::program! {
        1: r0 = 0
        if r1 == 0 goto 1f
        goto 1b
        exit
    };
}
