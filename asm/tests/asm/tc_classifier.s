# A tc classifier: read a mark, look up a per-CPU array, record bytes, redirect.
	r6 = r1
	r7 = *(u32 *)(r6 + 0)           // skb->len
	r8 = *(u32 *)(r6 + 8)           // skb->mark
	w8 &= 0xff
	*(u32 *)(r10 - 4) = w8
	r2 = r10
	r2 += -4
	r1 = stats ll
	call bpf_map_lookup_elem
	if r0 == 0 goto ok
	r1 = *(u64 *)(r0 + 0)
	r1 += 1
	*(u64 *)(r0 + 0) = r1
	r1 = *(u64 *)(r0 + 8)
	r1 += r7
	*(u64 *)(r0 + 8) = r1
ok:
	if w8 == 0 goto pass
	if w8 > 15 goto pass
	r1 = ifindex_base ll
	r1 = *(u32 *)(r1 + 0)
	w1 += w8
	r2 = 0
	call bpf_redirect
	exit
pass:
	r0 = 0                           ; exit
