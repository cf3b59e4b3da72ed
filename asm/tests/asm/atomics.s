# Every atomic operation in both widths.
	lock *(u64 *)(r1 + 0) += r2
	lock *(u64 *)(r1 + 8) |= r2
	lock *(u64 *)(r1 - 8) &= r2
	lock *(u64 *)(r1 + 16) ^= r2
	lock *(u32 *)(r1 + 0) += w2
	lock *(u32 *)(r1 + 4) |= w2
	lock *(u32 *)(r1 + 8) &= w2
	lock *(u32 *)(r1 + 12) ^= w2
	r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)
	r3 = atomic_fetch_or((u64 *)(r1 + 8), r3)
	r4 = atomic_fetch_and((u64 *)(r1 - 16), r4)
	r5 = atomic_fetch_xor((u64 *)(r1 + 24), r5)
	w2 = atomic_fetch_add((u32 *)(r1 + 0), w2)
	w3 = atomic_fetch_or((u32 *)(r1 + 4), w3)
	w4 = atomic_fetch_and((u32 *)(r1 + 8), w4)
	w5 = atomic_fetch_xor((u32 *)(r1 + 12), w5)
	r2 = xchg_64(r1 + 0, r2)
	w2 = xchg32_32(r1 + 4, w2)
	r0 = cmpxchg_64(r1 + 0, r0, r2)
	w0 = cmpxchg32_32(r1 - 4, w0, w2)
	r0 = load_acquire((u64 *)(r1 + 0))
	w0 = load_acquire((u32 *)(r1 + 4))
	w0 = load_acquire((u16 *)(r1 + 6))
	w0 = load_acquire((u8 *)(r1 + 7))
	store_release((u64 *)(r1 + 0), r2)
	store_release((u32 *)(r1 + 8), w2)
	store_release((u16 *)(r1 + 12), w2)
	store_release((u8 *)(r1 + 14), w2)
	exit
