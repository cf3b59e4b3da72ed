gotol -2147483648
ld_pseudo r1, 2, 3, 8
ld_pseudo r2, 3, 77, 5
ld_pseudo r3, 6, 1, 2147483647
r0 = *(u32 *)skb[r1 + 5]
r0 = *(u8 *)skb[r2 - 5]
r0 = *(u16 *)skb[r3 + 2147483647]
r0 = *(u16 *)skb[r3 - 2147483648]
w0 = load_acquire((u8 *)(r1 + 0))
w2 = load_acquire((u16 *)(r3 - 8))
w4 = load_acquire((u32 *)(r5 + 32767))
r6 = load_acquire((u64 *)(r10 - 32768))
store_release((u8 *)(r1 + 0), w2)
store_release((u16 *)(r3 - 8), w4)
store_release((u32 *)(r5 + 32767), w6)
store_release((u64 *)(r10 - 32768), r7)
goto pc+3
if r1 == 0x0 goto pc-2
r1 = *(u64 *)(r2 +4)
call bpf_map_lookup_elem
