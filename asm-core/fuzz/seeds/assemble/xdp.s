// Count IPv4 packets per protocol; let everything pass.
xdp_count:
	r6 = r1
	r2 = *(u32 *)(r6 + 0)        // data
	r3 = *(u32 *)(r6 + 4)        // data_end
	r4 = r2
	r4 += 34                     # eth + ip header
	if r4 > r3 goto pass
	r5 = *(u16 *)(r2 + 12)
	if r5 != 8 goto pass         /* htons(ETH_P_IP) */
	r5 = *(u8 *)(r2 + 23)
	*(u32 *)(r10 - 4) = r5
	r1 = counters ll
	r2 = r10; r2 += -4
	call bpf_map_lookup_elem
	if r0 == 0 goto pass
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1
	call pc+2
pass:
	r0 = 2                       // XDP_PASS
	exit
sub:
	r0 = 0
	exit
