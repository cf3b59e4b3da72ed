// A .bss counter the program bumps; user space reads it back after test runs.
#include "bpf_test.h"

int hits;

SEC("xdp")
int count_hits(struct xdp_md *ctx)
{
	hits++;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
