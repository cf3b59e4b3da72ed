# Legacy socket-filter packet loads: absolute and indirect.
	r6 = r1
	r0 = *(u8 *)skb[23]
	if r0 != 6 goto reject
	r0 = *(u16 *)skb[20]
	if r0 & 0x1fff goto reject
	r0 = *(u32 *)skb[0]
	r1 = 14
	r0 = *(u8 *)skb[r1]
	r0 = *(u16 *)skb[r1 + 2]
	r0 = *(u32 *)skb[r1 + 16]
	r0 = -1
	exit
reject:
	r0 = 0
	exit
