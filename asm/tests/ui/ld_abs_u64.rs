fn main() {
    let _ = ebpf_asm::program! {
        r0 = *(u64 *)skb[0]
        exit
    };
}
