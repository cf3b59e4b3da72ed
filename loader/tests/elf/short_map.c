// A legacy map definition of 8 bytes: too short for struct bpf_map_def.
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))

static long (*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

unsigned int short_def[2] SEC("maps") = { BPF_MAP_TYPE_ARRAY, 4 };

SEC("xdp")
int use_short(struct xdp_md *ctx)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&short_def, &key) ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
