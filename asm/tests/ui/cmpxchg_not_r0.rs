fn main() {
    let _ = ebpf_asm::program! {
        r1 = cmpxchg_64(r2 + 0, r0, r3)
        exit
    };
}
