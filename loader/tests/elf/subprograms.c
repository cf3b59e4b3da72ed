// .text functions calling each other (static and global), shared by programs of two
// sections, and a BTF-defined array map with map_flags and *_size members.
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]

static long (*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 8);
	__uint(max_entries, 2);
	__uint(map_flags, BPF_F_RDONLY_PROG);
} limits SEC(".maps");

static __attribute__((noinline)) int square(int x)
{
	return x * x;
}

__attribute__((noinline)) int square_plus(int x, int y)
{
	return square(x) + y;
}

SEC("xdp")
int xdp_square(struct xdp_md *ctx)
{
	return square_plus(1, 1); /* 2: XDP_PASS */
}

SEC("tc")
int tc_square(struct __sk_buff *skb)
{
	__u32 key = 1;
	__u64 *limit = (__u64 *)bpf_map_lookup_elem(&limits, &key);
	return square_plus(3, limit ? (int)*limit : 0);
}

char _license[] SEC("license") = "Dual MIT/GPL";
