// A branch the verifier must not walk unless .rodata's `unchecked` is set: it reads a
// map value without the NULL check. Frozen before load, .rodata is a constant to the
// verifier, which then skips the dead branch; the same code on a writable .data variable
// is refused, whatever its value.
#include "bpf_test.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} vals SEC(".maps");

volatile const __u32 unchecked = 0;
volatile __u32 unchecked_rw = 0;

SEC("socket")
int maybe_unchecked(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&vals, &key);

	if (unchecked)
		return *v;
	return v ? 1 : 0;
}

SEC("socket")
int maybe_unchecked_rw(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&vals, &key);

	if (unchecked_rw)
		return *v;
	return v ? 1 : 0;
}

char _license[] SEC("license") = "GPL";
