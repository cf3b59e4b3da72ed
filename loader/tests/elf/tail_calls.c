// A prog array filled from the object (`.values`): `entry` tail-calls slot 1, which holds
// `second` (returns 42); slot 0 is empty, so the call there falls through.
#include "bpf_test.h"

int second(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jump_table SEC(".maps") = {
	.values = {
		[1] = (void *)&second,
	},
};

SEC("xdp")
int second(struct xdp_md *ctx)
{
	return 42;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jump_table, 0); /* empty: falls through */
	bpf_tail_call(ctx, &jump_table, 1);
	return 1;
}

char _license[] SEC("license") = "GPL";
