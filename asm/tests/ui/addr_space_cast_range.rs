fn main() {
    let _ = ebpf_asm::program! {
        r1 = addr_space_cast(r2, 65536, 0)
        exit
    };
}
