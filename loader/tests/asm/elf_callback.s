// A function address (`rN = name ll`, BPF_PSEUDO_FUNC) for bpf_loop, for the ELF
// writer's tests: sums the indexes 0..4 in a stack slot.
.section socket
sum_loop:
	r1 = 0
	*(u64 *)(r10 - 8) = r1
	r1 = 5
	r2 = step ll
	r3 = r10
	r3 += -8
	r4 = 0
	call bpf_loop
	r0 = *(u64 *)(r10 - 8)
	exit
step:
	r3 = *(u64 *)(r2 + 0)
	r3 += r1
	*(u64 *)(r2 + 0) = r3
	r0 = 0
	exit

// A second program in the same section: libbpf finds each by its symbol.
.section socket
seven:
	r0 = 7
	exit
