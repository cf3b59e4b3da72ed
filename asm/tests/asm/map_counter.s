// Count packets per protocol in a hash map, creating the entry on first sight.
	r6 = r1
	r1 = 0
	*(u32 *)(r10 - 4) = r1
	r1 = *(u8 *)(r6 + 23)
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	r1 = counters ll
	call bpf_map_lookup_elem
	if r0 == 0 goto create
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1
	goto out
create:
	r1 = 1
	*(u64 *)(r10 - 16) = r1
	r2 = r10
	r2 += -4
	r3 = r10
	r3 += -16
	r1 = counters ll
	r4 = 1                          /* BPF_NOEXIST */
	call bpf_map_update_elem
out:
	r1 = events ll
	r2 = r10
	r2 += -16
	r3 = 8
	r4 = 0
	call bpf_ringbuf_output
	r0 = 0
	exit
