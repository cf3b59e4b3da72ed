// Programs for the ELF writer's tests (loader/tests/elf_write.rs, bpfasm/tests/cli_elf.rs):
// subprograms calling subprograms, two programs with a subprogram of the same name, a
// global function, and two maps, one with flags.
.license "GPL"
.map totals array key=4 value=8 entries=2
.map lengths hash key=4 value=8 entries=64 flags=1

.section socket
arith:
	r1 = 3
	call square
	r1 = r0
	r2 = 4
	call add
	r7 = r0
	r1 = 0
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	r1 = totals ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	*(u64 *)(r0 + 0) = r7
out:
	r0 = r7
	exit
square:
	r0 = r1
	r0 *= r1
	exit
add:
	r1 += r2
	call clamp
	exit
clamp:
	r0 = r1
	if r0 s< 100 goto done
	r0 = 100
done:
	exit

.section tc
tc_len:
	r6 = r1
	call skb_len
	r7 = r0
	*(u32 *)(r10 - 4) = r7
	*(u64 *)(r10 - 16) = r7
	r2 = r10
	r2 += -4
	r3 = r10
	r3 += -16
	r1 = lengths ll
	r4 = 0
	call bpf_map_update_elem
	r1 = 2
	call square
	r0 += r7
	exit
// Verified on its own, with a `struct __sk_buff *` parameter.
.globl skb_len
skb_len:
	r0 = *(u32 *)(r1 + 0)
	exit
// Not the `square` of `arith`: this one adds one.
square:
	r0 = r1
	r0 *= r1
	r0 += 1
	exit
