// The multi-program object of benches/elf_load.rs: eight programs in four sections, three
// BTF-defined maps, and two .text functions each program calls (so every loader copies and
// relocates subprograms, not only map references).
//
//   clang-19 -target bpf -O2 -g -c -I/usr/include/x86_64-linux-gnu benches/c/multi.c
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value,
				   __u64 flags) = (void *)2;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1024);
} by_key SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 64);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} per_cpu SEC(".maps");

static __attribute__((noinline)) int bump(void *map, __u32 key)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (!v)
		return 0;
	__sync_fetch_and_add(v, 1);
	return 1;
}

static __attribute__((noinline)) int remember(__u32 key, __u64 value)
{
	return bpf_map_update_elem(&by_key, &key, &value, BPF_ANY) == 0;
}

#define XDP(n)                                                                   \
	SEC("xdp")                                                               \
	int xdp_##n(struct xdp_md *ctx)                                          \
	{                                                                        \
		__u32 len = ctx->data_end - ctx->data;                           \
		bump(&slots, n);                                                 \
		bump(&per_cpu, n % 8);                                           \
		remember(len, n);                                                \
		return XDP_PASS;                                                 \
	}

#define SOCKET(n)                                                                \
	SEC("socket")                                                            \
	int socket_##n(struct __sk_buff *skb)                                    \
	{                                                                        \
		bump(&slots, 8 + n);                                             \
		remember(skb->len, n);                                           \
		return skb->len;                                                 \
	}

#define RAW_TP(n, tp)                                                            \
	SEC("raw_tracepoint/" tp)                                                \
	int raw_tp_##n(void *ctx)                                                \
	{                                                                        \
		bump(&slots, 16 + n);                                            \
		bump(&per_cpu, n);                                               \
		return 0;                                                        \
	}

XDP(0)
XDP(1)
XDP(2)
XDP(3)
SOCKET(0)
SOCKET(1)
RAW_TP(0, "sys_enter")
RAW_TP(1, "sys_exit")

char LICENSE[] SEC("license") = "GPL";
