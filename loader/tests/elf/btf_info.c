// BTF from clang: a hash map whose value is a struct (so bpftool prints its fields),
// and a program calling a .text subprogram (whose func_info and line_info records move
// to where it lands in the program).
#include "bpf_test.h"

struct packet_stats {
	__u64 packets;
	__u32 last_len;
	__u32 calls;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct packet_stats);
	__uint(max_entries, 4);
} stats SEC(".maps");

static __noinline int bump(struct packet_stats *s, __u32 len)
{
	s->packets += 1;
	s->last_len = len;
	return s->calls++;
}

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u32 len = ctx->data_end - ctx->data;
	struct packet_stats fresh = {};
	struct packet_stats *s = bpf_map_lookup_elem(&stats, &key);
	if (!s) {
		bpf_map_update_elem(&stats, &key, &fresh, BPF_ANY);
		s = bpf_map_lookup_elem(&stats, &key);
		if (!s)
			return XDP_ABORTED;
	}
	bump(s, len);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
