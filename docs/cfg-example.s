// Count packets in an array map, then hand IPv4 packets to a subprogram.
	r6 = r1
	r1 = 0
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	r1 = counters ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1
	r1 = r6
	call is_ipv4
	if r0 != 0 goto out
	r0 = 1		// XDP_DROP
	exit
out:
	r0 = 2		// XDP_PASS
	exit
is_ipv4:
	r2 = *(u32 *)(r1 + 4)
	r1 = *(u32 *)(r1 + 0)
	r3 = r1
	r3 += 14
	r0 = 0
	if r3 > r2 goto done
	r1 = *(u16 *)(r1 + 12)
	if r1 != 0x8 goto done
	r0 = 1
done:
	exit
