// A program the verifier rejects: it reads a map value without the NULL check (a hash
// map: a constant in-range key of an array map cannot miss, and the verifier knows).
#include "bpf_test.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} totals SEC(".maps");

SEC("xdp")
int unchecked(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *total = bpf_map_lookup_elem(&totals, &key);
	return *total > 10 ? XDP_DROP : XDP_PASS; /* no NULL check */
}

char _license[] SEC("license") = "GPL";
