// An array of maps whose inner definition is `__array(values, struct inner)`, with slot 1
// pointing at `inner_b`: the program looks up outer[1], then key 0 of the map it finds.
#include "bpf_test.h"

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
};

struct inner inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__type(key, __u32);
	__uint(max_entries, 2);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = {
		[1] = &inner_b,
	},
};

SEC("xdp")
int through_outer(struct xdp_md *ctx)
{
	__u32 key = 1;
	void *inner = bpf_map_lookup_elem(&outer, &key);
	if (!inner)
		return 1000; /* slot 1 empty */
	key = 0;
	__u64 *v = bpf_map_lookup_elem(inner, &key);
	if (!v)
		return 2000;
	return (int)*v;
}

char _license[] SEC("license") = "GPL";
