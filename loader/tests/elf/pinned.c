// A BTF-defined map pinned by name (LIBBPF_PIN_BY_NAME): a second load of this object
// reuses the pinned map, so the count goes on. Built by loader/tests/elf_maps.rs.
#include "bpf_test.h"

#ifndef LIBBPF_PIN_BY_NAME
#define LIBBPF_PIN_BY_NAME 1
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_counts SEC(".maps");

SEC("xdp")
int count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&pinned_counts, &key);
	if (!v)
		return XDP_ABORTED;
	return (int)__sync_fetch_and_add(v, 1) + 1;
}

char _license[] SEC("license") = "GPL";
