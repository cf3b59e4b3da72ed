# Sign-extending loads, stores of every size, raw words and the rarer instructions.
	r1 = *(s8 *)(r2 + 0)
	r1 = *(s16 *)(r2 + 2)
	r1 = *(s32 *)(r2 - 4)
	w1 = *(u8 *)(r2 + 0)
	w1 = *(u16 *)(r2 + 0)
	w1 = *(u32 *)(r2 + 0)
	r1 = *(u64 *)(r2 + 32767)
	*(u8 *)(r10 - 1) = w1
	*(u16 *)(r10 - 2) = w1
	*(u32 *)(r10 - 8) = w1
	*(u64 *)(r10 - 16) = r1
	*(u8 *)(r10 - 1) = 255
	*(u16 *)(r10 - 2) = -1
	*(u32 *)(r10 - 8) = 0x7fffffff
	*(u64 *)(r10 - 32768) = -2147483648
	r1 = addr_space_cast(r2, 0, 1)
	r1 = addr_space_cast(r1, 1, 0)
	callx r3
	call kfunc(1234)
	call kfunc(1234, 2)
	call 12
	call bpf_get_current_pid_tgid
	call pc+1
	.8byte 0x0000000000000095
	.8byte 0xffffffffffffffff
	exit
