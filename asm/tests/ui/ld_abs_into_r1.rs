fn main() {
    let _ = ebpf_asm::program! {
        r1 = *(u8 *)skb[0]
        exit
    };
}
