// The map of pinned.c under the same name with another definition (a hash of 8
// entries): loading it over pinned.c's pin is an error naming what differs.
#include "bpf_test.h"

#ifndef LIBBPF_PIN_BY_NAME
#define LIBBPF_PIN_BY_NAME 1
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_counts SEC(".maps");

SEC("xdp")
int count(struct xdp_md *ctx)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&pinned_counts, &key) ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
