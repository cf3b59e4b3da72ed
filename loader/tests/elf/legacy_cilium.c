// A legacy `maps` section with iproute2's/cilium's `struct bpf_elf_map` (id, pinning,
// inner_id and inner_idx after the five fields every reader knows).
#include "bpf_test.h"

#define PIN_GLOBAL_NS 2

struct bpf_elf_map {
	__u32 type;
	__u32 size_key;
	__u32 size_value;
	__u32 max_elem;
	__u32 flags;
	__u32 id;
	__u32 pinning;
	__u32 inner_id;
	__u32 inner_idx;
};

struct bpf_elf_map SEC("maps") cilium_counts = {
	.type = BPF_MAP_TYPE_HASH,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 32,
	.flags = BPF_F_NO_PREALLOC,
	.id = 7,
	.pinning = PIN_GLOBAL_NS,
};

SEC("xdp")
int legacy_count(struct xdp_md *ctx)
{
	__u32 key = 3;
	__u64 one = 1;
	__u64 *v = bpf_map_lookup_elem(&cilium_counts, &key);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return (int)*v;
	}
	bpf_map_update_elem(&cilium_counts, &key, &one, BPF_NOEXIST);
	return 1;
}

char _license[] SEC("license") = "GPL";
