// Two XDP programs in one section, a socket filter, a legacy `maps` section map, a
// BTF-defined map, and a subprogram in .text called from two sections.
// Built by loader/tests/elf.rs: clang-19 -target bpf -O2 -g -c counters.c
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

static long (*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") legacy_counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = 4,
	.value_size = 8,
	.max_entries = 4,
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16);
} btf_counts SEC(".maps");

__attribute__((noinline)) int add_twice(int x)
{
	return x + x;
}

static __attribute__((noinline)) int bump(void *map, __u32 key)
{
	__u64 *v = (__u64 *)bpf_map_lookup_elem(map, &key);
	if (!v)
		return 0;
	__sync_fetch_and_add(v, 1);
	return 1;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	bump(&legacy_counts, 1);
	return add_twice(1); /* XDP_PASS is 2 */
}

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	bump(&legacy_counts, 2);
	bump(&legacy_counts, 2);
	return XDP_DROP;
}

SEC("socket")
int sock_len(struct __sk_buff *skb)
{
	__u32 key = 7;
	__u64 *v = (__u64 *)bpf_map_lookup_elem(&btf_counts, &key);
	if (v)
		return (int)*v;
	return add_twice(skb->len);
}

char _license[] SEC("license") = "GPL";
