fn main() {
    let _ = ebpf_asm::program! {
        w1 = (s32)w2
        exit
    };
}
