// gobpf's map sections: one `maps/NAME` section per map, holding gobpf's
// `struct bpf_map_def` (pinning and a 256-byte namespace after the five common fields).
#include "bpf_test.h"

#define PIN_NONE 0
#define BUF_SIZE_MAP_NS 256

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int pinning;
	char namespace[BUF_SIZE_MAP_NS];
};

struct bpf_map_def SEC("maps/gobpf_counts") gobpf_counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
	.pinning = PIN_NONE,
	.namespace = "",
};

struct bpf_map_def SEC("maps/gobpf_flags") gobpf_flags = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 8,
	.map_flags = BPF_F_NO_PREALLOC,
};

SEC("socket")
int gobpf_socket(struct __sk_buff *skb)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&gobpf_counts, &key);
	if (!v)
		return 0;
	__sync_fetch_and_add(v, skb->len);
	return 0;
}

char _license[] SEC("license") = "GPL";
