// Two programs and two maps: an XDP program that counts packets in `counts[0]` and
// rewrites the first byte of each packet, and a socket filter that records the
// packet length in `lengths`.
.license "GPL"
.map counts array key=4 value=8 entries=1
.map lengths hash key=4 value=8 entries=16

.section xdp
count:
	r6 = r1
	r1 = 0
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	r1 = counts ll
	call bpf_map_lookup_elem
	if r0 == 0 goto rewrite
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1
rewrite:
	r1 = r6
	call bump_first_byte
	r0 = 2
	exit

// A subprogram of `count`, written after it in the same section.
bump_first_byte:
	r2 = *(u32 *)(r1 + 0)
	r3 = *(u32 *)(r1 + 4)
	r4 = r2
	r4 += 1
	if r4 > r3 goto done
	r5 = *(u8 *)(r2 + 0)
	r5 += 1
	*(u8 *)(r2 + 0) = r5
done:
	r0 = 0
	exit

.section socket
filter:
	r1 = *(u32 *)(r1 + 0)
	*(u32 *)(r10 - 4) = r1
	*(u64 *)(r10 - 16) = r1
	r2 = r10
	r2 += -4
	r3 = r10
	r3 += -16
	r1 = lengths ll
	r4 = 0
	call bpf_map_update_elem
	r0 = 0
	exit
