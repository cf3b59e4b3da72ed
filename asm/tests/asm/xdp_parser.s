# XDP: parse Ethernet, IPv4 and UDP; drop UDP to port 53, pass everything else.
	r2 = *(u32 *)(r1 + 4)          # data_end
	r1 = *(u32 *)(r1 + 0)          # data
	r3 = r1
	r3 += 14
	if r3 > r2 goto pass
	r4 = *(u16 *)(r1 + 12)         # h_proto
	if r4 != 8 goto pass           # ETH_P_IP, network order
	r3 = r1
	r3 += 34
	if r3 > r2 goto pass
	r4 = *(u8 *)(r1 + 23)          # protocol
	if r4 != 17 goto pass
	r5 = *(u8 *)(r1 + 14)
	r5 &= 15
	r5 <<= 2
	r6 = r1
	r6 += 14
	r6 += r5
	r7 = r6
	r7 += 8
	if r7 > r2 goto pass
	r8 = *(u16 *)(r6 + 2)
	r8 = be16 r8
	if r8 == 53 goto drop
pass:
	r0 = 2
	exit
drop:
	r0 = 1
	exit
