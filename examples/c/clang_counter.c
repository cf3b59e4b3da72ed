// The object that examples/clang_counter.rs loads: two programs in different sections
// sharing one subprogram in .text, and two BTF-defined maps.
//
//   clang-19 -target bpf -O2 -g -c -I/usr/include/x86_64-linux-gnu \
//       examples/c/clang_counter.c -o clang_counter.o
//
// It uses no libbpf header: the few macros it needs are below.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

// Packets seen by XDP, by IP protocol number (6 TCP, 17 UDP, 1 ICMP, ...).
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 256);
} protocols SEC(".maps");

// System calls entered, all processes together.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} syscalls SEC(".maps");

// Adds one to `map[key]`: a function of .text, linked into both programs.
static __attribute__((noinline)) int bump(void *map, __u32 key)
{
	__u64 *count = bpf_map_lookup_elem(map, &key);

	if (!count)
		return 0;
	__sync_fetch_and_add(count, 1);
	return 1;
}

SEC("xdp")
int count_protocols(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > end || eth->h_proto != __builtin_bswap16(ETH_P_IP))
		return XDP_PASS;
	bump(&protocols, ip->protocol);
	return XDP_PASS;
}

SEC("raw_tracepoint/sys_enter")
int count_syscalls(void *ctx)
{
	bump(&syscalls, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
