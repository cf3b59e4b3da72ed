fn main() {
    let _ = ebpf_asm::program! {
        r1 = xchg_64(r1 + 0, r2)
        exit
    };
}
