// `pinning` 2 is iproute2's PIN_GLOBAL_NS, which libbpf's `.maps` do not know: refused
// by the reader with the map's name.
#include "bpf_test.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(pinning, 2);
} global_ns SEC(".maps");

SEC("xdp")
int uses_it(struct xdp_md *ctx)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&global_ns, &key) ? 1 : 2;
}

char _license[] SEC("license") = "GPL";
