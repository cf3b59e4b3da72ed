// `__array(values, ...)` on a hash map: not a prog array or map of maps, refused by the
// reader with the map's name.
#include "bpf_test.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} not_a_table SEC(".maps");

SEC("xdp")
int uses_it(struct xdp_md *ctx)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&not_a_table, &key) ? 1 : 2;
}

char _license[] SEC("license") = "GPL";
