fn main() {
    let _ = ebpf_asm::program! {
        r1 = (u32)r2
        exit
    };
}
